"""Settlements of an adopted plan: relocations, coop accounts and fund ledgers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.services import settlements
from cooplan.store.models import Settlement

router = APIRouter(prefix="/api", tags=["settlements"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
    409: {"model": schemas.ErrorOut},
}
SettlementId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]


def settlement_out(record: Settlement) -> schemas.SettlementOut:
    return schemas.SettlementOut(
        id=record.id,
        plan_run_id=record.plan_run_id,
        summary=record.summary,
        created_at=record.created_at,
    )


@router.post(
    "/settlements",
    operation_id="create_settlement",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.SettlementOut,
    responses=ERRORS,
)
def create_settlement(body: schemas.SettlementIn, ctx: Ctx) -> schemas.SettlementOut:
    """Settle a finished optimal plan: relocations, accounts, funds (planners only)."""
    with ctx.unit() as (session, actor):
        record = settlements.create_settlement(
            session, actor=actor, plan_run_id=body.plan_run_id, seed=body.seed
        )
        session.commit()
        return settlement_out(record)


@router.get(
    "/settlements",
    operation_id="list_settlements",
    response_model=list[schemas.SettlementOut],
    responses=ERRORS,
)
def list_settlements(ctx: Ctx) -> list[schemas.SettlementOut]:
    """Every settlement, newest first."""
    with ctx.unit() as (session, _actor):
        return [settlement_out(s) for s in settlements.list_settlements(session)]


@router.get(
    "/settlements/{settlement_id}",
    operation_id="read_settlement",
    response_model=schemas.SettlementOut,
    responses=ERRORS,
)
def read_settlement(settlement_id: SettlementId, ctx: Ctx) -> schemas.SettlementOut:
    """One settlement with its full report."""
    with ctx.unit() as (session, _actor):
        return settlement_out(settlements.get_settlement(session, settlement_id))


@router.get(
    "/relocations",
    operation_id="list_relocations",
    response_model=list[schemas.RelocationOut],
    responses=ERRORS,
)
def list_relocations(
    ctx: Ctx,
    settlement_id: Annotated[int | None, Query(ge=1, le=schemas.MAX_ID)] = None,
) -> list[schemas.RelocationOut]:
    """Relocations between coops decided by settlements (the relocation board)."""
    with ctx.unit() as (session, _actor):
        return [
            schemas.RelocationOut(
                id=r.id,
                settlement_id=r.settlement_id,
                from_coop=r.from_coop,
                to_coop=r.to_coop,
                workers=r.workers,
                hours=r.hours,
                note=r.note,
                at=r.at,
            )
            for r in settlements.list_relocations(session, settlement_id)
        ]


@router.get(
    "/funds",
    operation_id="list_fund_balances",
    response_model=list[schemas.FundBalanceOut],
    responses=ERRORS,
)
def list_fund_balances(ctx: Ctx) -> list[schemas.FundBalanceOut]:
    """Running balance of every fund and coop account (sum of its ledger entries)."""
    with ctx.unit() as (session, _actor):
        return [
            schemas.FundBalanceOut(ledger=ledger, holder=holder, balance=balance)
            for ledger, holder, balance in settlements.balances(session)
        ]
