"""Errors of the platform that the shared hierarchy does not have yet (HTTP 401 and 429)."""

from __future__ import annotations

from cooplan.errors import CooplanError


class NotAuthenticatedError(CooplanError):
    """No valid login was given (missing or wrong credentials, expired token)."""

    exit_code = 2
    http_status = 401


class TooManyAttemptsError(CooplanError):
    """Too many failed logins for this account from this address: wait, then retry."""

    exit_code = 2
    http_status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
