"""Settlements: the institutions' ``settle`` on a finished optimal plan, recorded as events.

The workers are those of :func:`cooplan.institutions.members.generate_members` for the plan's
coops and the given seed (the platform keeps accounts, not personnel files). Each relocation
becomes a row of ``relocations`` and each fund's and coop's movement a row of
``ledger_entries``; corrections are new entries, never edits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cooplan.errors import ConflictError, InputError, NotFoundError
from cooplan.institutions.members import generate_members
from cooplan.institutions.settlement import settle
from cooplan.institutions.tables import coops_table
from cooplan.services.accounts import Actor, require
from cooplan.services.federation import economy_from_files, get_economy
from cooplan.services.runs import get_run, json_safe
from cooplan.store.enums import Role, RunStatus
from cooplan.store.models import Event, LedgerEntry, RelocationRecord, Settlement

COOP_LEDGER = "coop_result"


def create_settlement(
    session: Session, *, actor: Actor | None, plan_run_id: int, seed: int = 0
) -> Settlement:
    """Settle the period of a finished optimal plan run (planners only)."""
    actor = require(actor, Role.PLANNER, what="settle a plan")
    run = get_run(session, plan_run_id)
    if run.status is not RunStatus.DONE or run.result is None:
        raise ConflictError(f"plan run {run.id} is {run.status.value}, not done")
    engine = run.result["engine"]
    if "prices" not in engine or "deliveries" not in engine:
        raise InputError.single(
            "settlement",
            "only a plan with prices and deliveries (mechanism 'optimal') can be settled",
            column="plan_run_id",
            value=plan_run_id,
            fix="settle a run of the optimal mechanism",
        )
    files = {**get_economy(session, run.economy_id).files, **run.parameters.get("files", {})}
    economy = economy_from_files(files)
    coops = coops_table(economy)
    members = generate_members(coops, seed)
    outcome = settle(coops, members, engine, processes=economy.processes, inputs=economy.inputs)
    summary: dict[str, Any] = json_safe(outcome.to_dict())
    record = Settlement(plan_run_id=run.id, summary=summary, created_by=actor.id)
    session.add(record)
    session.flush()
    hours = dict(zip(coops["id"].astype(str), coops["hours_per_member"].astype(float), strict=True))
    pairs: dict[tuple[str, str], int] = {}
    for move in summary.get("relocations", []):
        key = (str(move["from"]), str(move["to"]))
        pairs[key] = pairs.get(key, 0) + 1
    for (origin, target), workers in sorted(pairs.items()):
        session.add(
            RelocationRecord(
                settlement_id=record.id,
                from_coop=origin,
                to_coop=target,
                workers=workers,
                hours=workers * hours.get(target, 0.0),
                note=f"settlement {record.id} of plan run {run.id}",
            )
        )
    for fund, flow in summary.get("funds", {}).items():
        session.add(
            LedgerEntry(
                settlement_id=record.id,
                ledger=str(fund),
                holder="federation",
                amount=float((flow.get("inflow") or 0.0) - (flow.get("outflow") or 0.0)),
                reason=f"settlement {record.id}: inflow − outflow",
            )
        )
    for coop, account in summary.get("accounts", {}).items():
        session.add(
            LedgerEntry(
                settlement_id=record.id,
                ledger=COOP_LEDGER,
                holder=str(coop),
                amount=float(account.get("result") or 0.0),
                reason=f"settlement {record.id}: result after pooling",
            )
        )
    session.add(
        Event(
            kind="settlement.created",
            actor_id=actor.id,
            subject=f"settlement:{record.id}",
            data={"plan_run_id": run.id, "relocations": sum(pairs.values()), "seed": seed},
        )
    )
    return record


def get_settlement(session: Session, settlement_id: int) -> Settlement:
    """The settlement with this id (404 if none)."""
    record = session.get(Settlement, settlement_id)
    if record is None:
        raise NotFoundError(f"no settlement {settlement_id}")
    return record


def list_settlements(session: Session) -> list[Settlement]:
    """Every settlement, newest first."""
    return list(session.scalars(select(Settlement).order_by(Settlement.id.desc())))


def list_relocations(session: Session, settlement_id: int | None = None) -> list[RelocationRecord]:
    """Relocations (of one settlement, or all), newest first."""
    query = select(RelocationRecord).order_by(RelocationRecord.id.desc())
    if settlement_id is not None:
        query = query.where(RelocationRecord.settlement_id == settlement_id)
    return list(session.scalars(query))


def balances(session: Session) -> list[tuple[str, str, float]]:
    """Running balance of every (ledger, holder): the sum of its entries."""
    rows = session.execute(
        select(LedgerEntry.ledger, LedgerEntry.holder, func.sum(LedgerEntry.amount))
        .group_by(LedgerEntry.ledger, LedgerEntry.holder)
        .order_by(LedgerEntry.ledger, LedgerEntry.holder)
    )
    return [(str(ledger), str(holder), float(total or 0.0)) for ledger, holder, total in rows]
