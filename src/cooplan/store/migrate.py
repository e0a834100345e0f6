"""Bring a database's schema to the latest Alembic revision (or any named one).

The Alembic scripts live in ``cooplan/store/migrations`` and ``alembic.ini`` beside this
module, so migrations run from an installed package as well as from a checkout.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cooplan.store.db import database_url, make_engine

HERE = Path(__file__).resolve().parent
INI = HERE / "alembic.ini"
FIRST_REVISION = "0001"


def alembic_config() -> Config:
    """The Alembic configuration of the platform (scripts inside the package)."""
    config = Config(str(INI))
    config.set_main_option("script_location", str(HERE / "migrations"))
    return config


def head_revision() -> str:
    """The newest revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade_database(url: str | None = None, revision: str = "head") -> None:
    """Apply every revision up to ``revision`` to the database at ``url`` (created if empty)."""
    engine = make_engine(database_url(url), foreign_keys=False)
    try:
        with engine.connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    """The revision the database at ``url`` is at (``None`` when it has no schema yet)."""
    engine = make_engine(database_url(url))
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
