"""The one place that turns errors into HTTP responses (JSON for /api, a page otherwise)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from cooplan.errors import CooplanError, InputError
from cooplan.services.errors import NotAuthenticatedError, TooManyAttemptsError


def error_body(error: CooplanError) -> dict[str, Any]:
    """The JSON body of an error: ``detail`` and, for bad input, every problem."""
    if isinstance(error, InputError):
        return {"detail": error.summary, "problems": [p.to_dict() for p in error.problems]}
    return {"detail": str(error), "problems": []}


def error_headers(error: CooplanError) -> dict[str, str]:
    """Headers that go with an error status (Retry-After, WWW-Authenticate)."""
    if isinstance(error, TooManyAttemptsError):
        return {"Retry-After": str(error.retry_after_s)}
    if isinstance(error, NotAuthenticatedError):
        return {"WWW-Authenticate": "Bearer"}
    return {}


def install_error_handlers(app: FastAPI) -> None:
    """Map every :class:`CooplanError` to its ``http_status``."""

    @app.exception_handler(CooplanError)
    async def _cooplan_error(request: Request, error: CooplanError) -> Response:
        if not request.url.path.startswith("/api"):
            from cooplan.web.pages import error_page

            return error_page(request, error)
        return JSONResponse(
            error_body(error), status_code=error.http_status, headers=error_headers(error)
        )
