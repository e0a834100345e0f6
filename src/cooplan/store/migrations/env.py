"""Alembic environment: runs the revisions on the connection or URL it is given.

The URL is taken, in order, from ``config.attributes["connection"]`` (an open connection
passed by :func:`cooplan.store.migrate.upgrade_database`), ``-x url=…`` on the command line,
``sqlalchemy.url`` in the ini file, and :func:`cooplan.store.db.database_url`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from cooplan.store.db import database_url, make_engine
from cooplan.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it."""
    url = context.get_x_argument(as_dictionary=True).get("url") or database_url(
        config.get_main_option("sqlalchemy.url")
    )
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the revisions on a live database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or database_url(
        config.get_main_option("sqlalchemy.url")
    )
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
