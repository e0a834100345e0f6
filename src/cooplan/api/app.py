"""The application factory: the API under /api, the web pages, sessions and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from cooplan import __version__
from cooplan.api.errors import install_error_handlers
from cooplan.api.routers import ROUTERS
from cooplan.services.runs import RunExecutor, recover_runs
from cooplan.services.settings import Settings
from cooplan.store.db import open_database
from cooplan.store.migrate import upgrade_database

SESSION_COOKIE = "cooplan_session"


def create_app(
    database_url: str | None = None,
    *,
    settings: Settings | None = None,
    migrate: bool = True,
) -> FastAPI:
    """The platform as an ASGI app on the database at ``database_url`` (see
    :func:`cooplan.store.db.database_url`). With ``migrate`` the schema is brought to the
    latest revision first."""
    settings = settings or Settings.from_environment(database_url)
    url = database_url or settings.database_url
    if migrate:
        upgrade_database(url)
    db = open_database(url)
    executor = RunExecutor(db, settings.run_workers)
    for run_id in recover_runs(db):
        executor.submit(run_id)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        executor.shutdown()
        db.dispose()

    app = FastAPI(
        title="cooplan federation platform",
        version=__version__,
        description="Coops, members, economies, plan runs, proposals and votes, the plan "
        "cycle and settlements of a federation of worker cooperatives.",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.executor = executor
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.https_only,
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    from cooplan.web import install_web

    install_web(app)
    return app
