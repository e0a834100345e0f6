"""The plan cycle: draft, assemblies and counter-plans, recomputation, Congress, adoption."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlalchemy.orm import Session

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.services import cycle as cycles

router = APIRouter(prefix="/api", tags=["plan cycle"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
    409: {"model": schemas.ErrorOut},
}
CycleId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
CoopId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def _out(session: Session, cycle_id: int) -> schemas.CycleOut:
    return schemas.CycleOut(**cycles.describe(session, cycles.get_cycle(session, cycle_id)))


@router.post(
    "/plan-cycles",
    operation_id="start_plan_cycle",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def start_plan_cycle(body: schemas.CycleIn, ctx: Ctx) -> schemas.CycleOut:
    """Open a plan cycle and compute its draft plan in the background (planners only)."""
    with ctx.unit() as (session, actor):
        cycle, run = cycles.start_cycle(
            session, actor=actor, economy_id=body.economy_id, mechanism=body.mechanism
        )
        session.commit()
        ctx.executor.submit(run.id)
        return _out(session, cycle.id)


@router.get(
    "/plan-cycles",
    operation_id="list_plan_cycles",
    response_model=list[schemas.CycleOut],
    responses=ERRORS,
)
def list_plan_cycles(ctx: Ctx) -> list[schemas.CycleOut]:
    """Every plan cycle, newest first."""
    with ctx.unit() as (session, _actor):
        return [
            schemas.CycleOut(**cycles.describe(session, c)) for c in cycles.list_cycles(session)
        ]


@router.get(
    "/plan-cycles/{cycle_id}",
    operation_id="read_plan_cycle",
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def read_plan_cycle(cycle_id: CycleId, ctx: Ctx) -> schemas.CycleOut:
    """A plan cycle: its stage, runs, assembly proposals and counter-plans."""
    with ctx.unit() as (session, _actor):
        return _out(session, cycle_id)


@router.post(
    "/plan-cycles/{cycle_id}/publish",
    operation_id="publish_draft_plan",
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def publish_draft_plan(cycle_id: CycleId, ctx: Ctx) -> schemas.CycleOut:
    """Publish the draft and open each coop's assembly vote on it (planners only)."""
    with ctx.unit() as (session, actor):
        cycles.publish_draft(session, actor=actor, cycle_id=cycle_id)
        session.commit()
        return _out(session, cycle_id)


@router.post(
    "/plan-cycles/{cycle_id}/counter-plans/{coop_id}",
    operation_id="submit_counter_plan",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def submit_counter_plan(
    cycle_id: CycleId,
    coop_id: CoopId,
    body: schemas.CounterPlanIn,
    ctx: Ctx,
) -> schemas.CycleOut:
    """Submit the coop's counter-plan: members, hours per member, process capacities (the
    coop's members, planners)."""
    with ctx.unit() as (session, actor):
        changes = body.model_dump(exclude={"note"})
        cycles.submit_counter_plan(
            session,
            actor=actor,
            cycle_id=cycle_id,
            coop_id=coop_id,
            changes=changes,
            note=body.note,
        )
        session.commit()
        return _out(session, cycle_id)


@router.post(
    "/plan-cycles/{cycle_id}/recompute",
    operation_id="recompute_plan",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def recompute_plan(cycle_id: CycleId, ctx: Ctx) -> schemas.CycleOut:
    """Close the assemblies and record each coop's answer; with counter-plans, compute the
    revised plan in the background (planners only)."""
    with ctx.unit() as (session, actor):
        _cycle, run = cycles.close_answers(session, actor=actor, cycle_id=cycle_id)
        session.commit()
        if run is not None:
            ctx.executor.submit(run.id)
        return _out(session, cycle_id)


@router.post(
    "/plan-cycles/{cycle_id}/congress",
    operation_id="open_congress_vote",
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def open_congress_vote(cycle_id: CycleId, ctx: Ctx) -> schemas.CycleOut:
    """Submit the variants and open the Congress vote on them (planners only)."""
    with ctx.unit() as (session, actor):
        cycles.open_congress(session, actor=actor, cycle_id=cycle_id)
        session.commit()
        return _out(session, cycle_id)


@router.post(
    "/plan-cycles/{cycle_id}/adopt",
    operation_id="adopt_plan",
    response_model=schemas.CycleOut,
    responses=ERRORS,
)
def adopt_plan(cycle_id: CycleId, ctx: Ctx) -> schemas.CycleOut:
    """Close the Congress vote: adopt the chosen variant, reject the plan, or (no quorum) stay
    in voting (planners only)."""
    with ctx.unit() as (session, actor):
        cycles.adopt(session, actor=actor, cycle_id=cycle_id)
        session.commit()
        return _out(session, cycle_id)
