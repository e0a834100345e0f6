"""The federation: groups, coops, their members and their part of the plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.api.routers.convert import account_out, coop_out
from cooplan.services import accounts, federation, runs

router = APIRouter(prefix="/api", tags=["federation"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
}
CoopId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get(
    "/federation",
    operation_id="read_federation",
    response_model=schemas.FederationOut,
    responses=ERRORS,
)
def read_federation(ctx: Ctx) -> schemas.FederationOut:
    """Groups, coops and the headline figures of the adopted (or latest) plan."""
    with ctx.unit() as (session, _actor):
        counts = federation.member_counts(session)
        run = runs.latest_done_run(session)
        view = run.result["plan"] if run is not None and run.result else None
        return schemas.FederationOut(
            groups=[
                schemas.GroupOut(id=g.id, name=g.name, parent=g.parent, axis=g.axis)
                for g in federation.list_groups(session)
            ],
            coops=[coop_out(c, counts.get(c.id, 0)) for c in federation.list_coops(session)],
            latest_run_id=run.id if run is not None else None,
            fulfilment_lambda=view.get("fulfilment_lambda") if view else None,
            labour_used=view.get("total_labour") if view else None,
            labour_available=view.get("total_labour_available") if view else None,
        )


@router.get(
    "/coops", operation_id="list_coops", response_model=list[schemas.CoopOut], responses=ERRORS
)
def list_coops(ctx: Ctx) -> list[schemas.CoopOut]:
    """Every coop of the federation."""
    with ctx.unit() as (session, _actor):
        counts = federation.member_counts(session)
        return [coop_out(c, counts.get(c.id, 0)) for c in federation.list_coops(session)]


@router.post(
    "/coops",
    operation_id="create_coop",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.CoopOut,
    responses={**ERRORS, 409: {"model": schemas.ErrorOut}},
)
def create_coop(body: schemas.CoopIn, ctx: Ctx) -> schemas.CoopOut:
    """Create a coop (administrators only)."""
    with ctx.unit() as (session, actor):
        coop = federation.create_coop(session, actor=actor, **body.model_dump())
        session.commit()
        return coop_out(coop)


@router.get(
    "/coops/{coop_id}", operation_id="read_coop", response_model=schemas.CoopOut, responses=ERRORS
)
def read_coop(coop_id: CoopId, ctx: Ctx) -> schemas.CoopOut:
    """One coop."""
    with ctx.unit() as (session, _actor):
        coop = federation.get_coop(session, coop_id)
        return coop_out(coop, federation.member_counts(session).get(coop.id, 0))


@router.get(
    "/coops/{coop_id}/members",
    operation_id="list_coop_members",
    response_model=list[schemas.AccountOut],
    responses=ERRORS,
)
def list_coop_members(coop_id: CoopId, ctx: Ctx) -> list[schemas.AccountOut]:
    """The coop's registered members (the voters of its General Assembly)."""
    with ctx.unit() as (session, _actor):
        federation.get_coop(session, coop_id)
        return [account_out(a) for a in accounts.coop_members(session, coop_id)]


@router.get(
    "/coops/{coop_id}/plan",
    operation_id="read_coop_plan",
    response_model=schemas.CoopPlanOut,
    responses={**ERRORS, 409: {"model": schemas.ErrorOut}},
)
def read_coop_plan(
    coop_id: CoopId,
    ctx: Ctx,
    run_id: Annotated[int | None, Query(ge=1, le=schemas.MAX_ID)] = None,
) -> schemas.CoopPlanOut:
    """The coop's targets, inputs, hours and deliveries in the adopted (or given) plan."""
    with ctx.unit() as (session, _actor):
        return schemas.CoopPlanOut(**runs.coop_plan(session, coop_id, run_id))
