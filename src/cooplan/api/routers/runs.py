"""Plan runs: start (202, computed in the background), progress, result, deliveries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.api.routers.convert import run_out, run_result
from cooplan.services import runs
from cooplan.services.mechanisms import MECHANISMS

router = APIRouter(prefix="/api", tags=["plan runs"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
}
RunId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]


@router.get(
    "/mechanisms",
    operation_id="list_mechanisms",
    response_model=list[schemas.MechanismOut],
    responses=ERRORS,
)
def list_mechanisms(ctx: Ctx) -> list[schemas.MechanismOut]:
    """The planning mechanisms a run can use in this build."""
    with ctx.unit():
        return [
            schemas.MechanismOut(
                name=m.name,
                title=m.title,
                description=m.description,
                assigns_suppliers=m.assigns_suppliers,
            )
            for m in MECHANISMS.values()
            if m.available()
        ]


@router.post(
    "/plan-runs",
    operation_id="start_plan_run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.PlanRunOut,
    responses={**ERRORS, 422: {"model": schemas.ErrorOut}},
)
def start_plan_run(
    body: schemas.PlanRunIn,
    ctx: Ctx,
) -> schemas.PlanRunOut:
    """Queue a plan run (planners only); poll ``read_plan_run`` for progress and result."""
    with ctx.unit() as (session, actor):
        parameters: dict[str, Any] = {}
        if body.objective is not None:
            parameters["objective"] = body.objective
        run = runs.start_plan_run(
            session,
            actor=actor,
            economy_id=body.economy_id,
            mechanism=body.mechanism,
            seed=body.seed,
            parameters=parameters,
        )
        session.commit()
        ctx.executor.submit(run.id)
        return run_out(run)


@router.get(
    "/plan-runs",
    operation_id="list_plan_runs",
    response_model=list[schemas.PlanRunOut],
    responses=ERRORS,
)
def list_plan_runs(
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[schemas.PlanRunOut]:
    """The latest plan runs, newest first (without results)."""
    with ctx.unit() as (session, _actor):
        return [run_out(r) for r in runs.list_runs(session, limit)]


@router.get(
    "/plan-runs/{run_id}",
    operation_id="read_plan_run",
    response_model=schemas.PlanRunResult,
    responses=ERRORS,
)
def read_plan_run(run_id: RunId, ctx: Ctx) -> schemas.PlanRunResult:
    """A plan run: status, progress and, once done, its result."""
    with ctx.unit() as (session, _actor):
        return run_result(runs.get_run(session, run_id))


@router.get(
    "/plan-runs/{run_id}/deliveries",
    operation_id="list_plan_run_deliveries",
    response_model=list[dict[str, Any]],
    responses={**ERRORS, 409: {"model": schemas.ErrorOut}},
)
def list_plan_run_deliveries(
    run_id: RunId,
    ctx: Ctx,
    coop: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Deliveries of a finished run (``from``, ``to``, ``product``, ``region``, ``quantity``),
    optionally only those to or from one coop."""
    with ctx.unit() as (session, _actor):
        return runs.run_deliveries(session, run_id, coop)
