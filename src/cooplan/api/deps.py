"""Dependencies of the API routes: the request's unit of work and the acting person.

Every route does all its database work inside one ``with ctx.unit() as (session, actor):``
block, in one worker thread: a transaction (and on SQLite its lock) is never held while the
request waits for another thread. Writes (POST, DELETE…) commit at the end of the block;
reads use a read-only session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cooplan.services import accounts
from cooplan.services.accounts import Actor
from cooplan.services.errors import NotAuthenticatedError
from cooplan.services.runs import RunExecutor
from cooplan.services.settings import Settings
from cooplan.store.db import Database
from cooplan.store.models import Account

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_TOKEN_LENGTH = 200


def bearer_token(request: Request) -> str | None:
    """The bearer token of the Authorization header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()[:MAX_TOKEN_LENGTH]
    return None


class RequestContext:
    """What a route needs: the database, settings, executor and who is asking."""

    def __init__(self, request: Request) -> None:
        self.db: Database = request.app.state.db
        self.settings: Settings = request.app.state.settings
        self.executor: RunExecutor = request.app.state.executor
        self.token = bearer_token(request)
        self.write = request.method not in SAFE_METHODS
        session_data = request.session if "session" in request.scope else {}
        account_id = session_data.get("account_id")
        # The session cookie authenticates reads only: writes need a bearer token (no CSRF).
        self.cookie_account = account_id if isinstance(account_id, int) else None
        self.client = request.client.host if request.client else "unknown"

    def actor(self, session: Session) -> Actor | None:
        """The person acting: by bearer token, or (for reads only) by the session cookie."""
        if self.token is not None:
            return Actor.of(accounts.account_for_token(session, self.token))
        if self.cookie_account is not None and not self.write:
            account = session.get(Account, self.cookie_account)
            if account is not None and account.active:
                return Actor.of(account)
        return None

    @contextmanager
    def unit(self, *, login: bool = True) -> Iterator[tuple[Session, Actor | None]]:
        """A unit of work and the actor; with ``login``, 401 when nobody is logged in."""
        with self.db.session(write=self.write) as session:
            actor = self.actor(session)
            if login and actor is None:
                raise NotAuthenticatedError("log in: send 'Authorization: Bearer <token>'")
            yield session, actor


def get_context(request: Request) -> RequestContext:
    """The request's context (no database work happens here)."""
    return RequestContext(request)


Ctx = Annotated[RequestContext, Depends(get_context)]
