"""Server-rendered pages of the federation platform (Jinja2, no front-end build)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent


def install_web(app: FastAPI) -> None:
    """Mount the static files and add the page routes to ``app``."""
    from cooplan.web.pages import router

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
