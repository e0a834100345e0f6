"""Database connection: the URL, the engine and sessions.

The URL comes from the caller, else ``COOPLAN_DATABASE_URL``, else an SQLite file
``cooplan.db`` in the working directory. PostgreSQL is reached with psycopg 3
(``postgresql+psycopg://user@host/db``). On SQLite (in WAL mode) transactions start with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the database lock instead of failing
half-way, except those of read-only sessions (``Database.session(write=False)``), which take
no write lock; foreign keys are enforced.

Connection pools hold more connections than the server has worker threads (anyio's default
of 40), so a request never waits for a connection held by a request waiting for a thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite:///cooplan.db"
URL_VARIABLE = "COOPLAN_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_S = 60.0
READ_ONLY = "cooplan_read_only"
"""Execution option: on SQLite, begin with a deferred (shared) lock instead of IMMEDIATE."""


def database_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$COOPLAN_DATABASE_URL``, else ``cooplan.db``."""
    if url:
        return url
    return os.environ.get(URL_VARIABLE) or DEFAULT_URL


def _configure_sqlite(engine: Engine, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str | None = None, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), configured for the backend.

    ``foreign_keys=False`` is for migrations on SQLite, which rebuild tables.
    """
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        memory = resolved in {"sqlite://", "sqlite:///:memory:"}
        options: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        }
        if memory:
            options["poolclass"] = StaticPool
        else:
            options.update(pool_size=10, max_overflow=40)
        options.update(kwargs)
        engine = create_engine(resolved, **options)
        _configure_sqlite(engine, foreign_keys)
        return engine
    options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 40}
    options.update(kwargs)
    return create_engine(resolved, **options)


@dataclass(frozen=True)
class Database:
    """An engine and its session factory; ``session()`` is a unit of work."""

    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        """The URL with the password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        """Whether the backend is SQLite."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on any error.

        ``write=False`` is for reads: on SQLite it takes no write lock.
        """
        session = (self.sessions if write else self.read_sessions)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str | None = None, **engine_options: Any) -> Database:
    """A :class:`Database` for ``url`` (the schema is not created: see ``migrate``)."""
    engine = make_engine(url, **engine_options)
    reader = engine.execution_options(**{READ_ONLY: True})
    return Database(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(reader, expire_on_commit=False),
    )
