"""Platform settings, read from the environment (``COOPLAN_*``) with safe defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """How the platform runs.

    ``secret_key`` signs session cookies (a random one per process when not set: sessions then
    end on restart). ``https_only`` marks cookies Secure. ``login_failures_allowed`` failed
    logins per ``login_window_s`` seconds for one username from one address are allowed;
    the next attempt is refused with 429. ``run_workers`` threads compute plan runs.
    """

    database_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    https_only: bool = False
    login_failures_allowed: int = 5
    login_window_s: int = 60
    run_workers: int = 2
    session_max_age_s: int = 14 * 24 * 3600
    password_hasher: PasswordHasher = field(default_factory=PasswordHasher)

    @classmethod
    def from_environment(cls, database_url: str | None = None) -> Settings:
        """Settings from ``COOPLAN_SECRET_KEY``, ``COOPLAN_HTTPS_ONLY``, ``COOPLAN_RUN_WORKERS``."""
        secret = os.environ.get("COOPLAN_SECRET_KEY")
        return cls(
            database_url=database_url or os.environ.get("COOPLAN_DATABASE_URL"),
            secret_key=secret or secrets.token_urlsafe(32),
            https_only=_flag("COOPLAN_HTTPS_ONLY", False),
            run_workers=int(os.environ.get("COOPLAN_RUN_WORKERS", "2")),
        )
