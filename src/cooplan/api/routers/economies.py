"""Economies imported from folders (their files, verbatim, with a digest)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.services import federation
from cooplan.store.models import StoredEconomy

router = APIRouter(prefix="/api", tags=["economies"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
}
EconomyId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]


def economy_out(record: StoredEconomy) -> schemas.EconomyOut:
    return schemas.EconomyOut(
        id=record.id,
        name=record.name,
        source=record.source,
        digest=record.digest,
        summary=record.summary,
        imported_at=record.imported_at,
    )


@router.post(
    "/economies",
    operation_id="import_economy",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.EconomyOut,
    responses={**ERRORS, 422: {"model": schemas.ErrorOut}},
)
def import_economy(body: schemas.EconomyIn, ctx: Ctx) -> schemas.EconomyOut:
    """Import an economy from its files (``economy.toml`` and the ``<table>.csv`` files, as
    text); updates the federation's groups and coops (planners and administrators)."""
    with ctx.unit() as (session, actor):
        record = federation.import_economy(session, body.files, actor=actor, source=body.source)
        session.commit()
        return economy_out(record)


@router.get(
    "/economies",
    operation_id="list_economies",
    response_model=list[schemas.EconomyOut],
    responses=ERRORS,
)
def list_economies(ctx: Ctx) -> list[schemas.EconomyOut]:
    """Every imported economy, newest first."""
    with ctx.unit() as (session, _actor):
        return [economy_out(e) for e in federation.list_economies(session)]


@router.get(
    "/economies/{economy_id}",
    operation_id="read_economy",
    response_model=schemas.EconomyOut,
    responses=ERRORS,
)
def read_economy(economy_id: EconomyId, ctx: Ctx) -> schemas.EconomyOut:
    """One imported economy."""
    with ctx.unit() as (session, _actor):
        return economy_out(federation.get_economy(session, economy_id))
