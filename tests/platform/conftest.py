"""Fixtures of the platform tests: a fresh database on SQLite and on PostgreSQL, and the app
with a federation and one logged-in account per role.

PostgreSQL tests use a schema of their own in the ``test`` database on 127.0.0.1:5432 (dropped
afterwards) and are skipped, with the reason, when the server cannot be reached.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from platform_support import (
    PASSWORD,
    PEOPLE,
    PG_SERVER,
    Platform,
    fast_settings,
    seed_federation,
)
from sqlalchemy import create_engine, text

from cooplan.api import create_app


def _postgres_base() -> str | None:
    """The URL of the PostgreSQL test database, or None when unreachable."""
    for user in ("postgres", "root"):
        url = PG_SERVER.format(user=user)
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            return url
        except Exception:
            continue
    return None


_PG = _postgres_base()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'platform.db'}"
        return
    if _PG is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (users postgres, root)")
    schema = f"cooplan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{_PG}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    """The app on a fresh database with the sample federation and logged-in people."""
    settings = fast_settings(login_failures_allowed=5)
    app = create_app(database_url, settings=settings)
    economy_id = seed_federation(database_url, settings)
    with TestClient(app) as client:
        platform = Platform(client, database_url, settings, economy_id)
        for name in PEOPLE:
            response = client.post("/api/auth/token", json={"username": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            platform.tokens[name] = response.json()["access_token"]
            platform.ids[name] = client.get("/api/me", headers=platform.auth(name)).json()["id"]
        yield platform
