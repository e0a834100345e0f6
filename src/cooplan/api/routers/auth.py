"""Logins and bearer tokens, the current account, and account administration."""

from __future__ import annotations

from fastapi import APIRouter, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.api.routers.convert import account_out, actor_out
from cooplan.services import accounts

router = APIRouter(prefix="/api", tags=["accounts"])
UNAUTHORISED: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
}


@router.post(
    "/auth/token",
    operation_id="create_token",
    response_model=schemas.TokenOut,
    responses={401: {"model": schemas.ErrorOut}, 429: {"model": schemas.ErrorOut}},
)
def create_token(body: schemas.TokenRequest, ctx: Ctx) -> schemas.TokenOut:
    """Log in: exchange a username and password for a bearer token (rate-limited)."""
    actor = accounts.login(ctx.db, ctx.settings, body.username, body.password, ctx.client)
    with ctx.db.session() as session:
        token = accounts.issue_token(session, accounts.get_account(session, actor.id))
    return schemas.TokenOut(access_token=token)


@router.delete(
    "/auth/token",
    operation_id="revoke_token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UNAUTHORISED,
)
def revoke_token(ctx: Ctx) -> None:
    """Log out: revoke the bearer token sent with this request."""
    with ctx.unit() as (session, _actor):
        if ctx.token is not None:
            accounts.revoke_token(session, ctx.token)


@router.get(
    "/me", operation_id="read_me", response_model=schemas.AccountOut, responses=UNAUTHORISED
)
def read_me(ctx: Ctx) -> schemas.AccountOut:
    """The logged-in account and its roles."""
    with ctx.unit() as (_session, actor):
        assert actor is not None
        return actor_out(actor)


@router.post(
    "/accounts",
    operation_id="create_account",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.AccountOut,
    responses={**UNAUTHORISED, 409: {"model": schemas.ErrorOut}},
)
def create_account(
    body: schemas.AccountIn,
    ctx: Ctx,
) -> schemas.AccountOut:
    """Create an account with its roles (administrators only)."""
    with ctx.unit() as (session, actor):
        account = accounts.create_account(
            session,
            ctx.settings.password_hasher,
            username=body.username,
            password=body.password,
            display_name=body.display_name,
            coop_id=body.coop_id,
            roles=body.roles,
            actor=actor,
        )
        session.commit()
        return account_out(account)


@router.get(
    "/accounts",
    operation_id="list_accounts",
    response_model=list[schemas.AccountOut],
    responses=UNAUTHORISED,
)
def list_accounts(ctx: Ctx) -> list[schemas.AccountOut]:
    """Every account (administrators only)."""
    with ctx.unit() as (session, actor):
        return [account_out(a) for a in accounts.list_accounts(session, actor)]
