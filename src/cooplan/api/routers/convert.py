"""Database rows to API bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cooplan.api import schemas
from cooplan.services import votes
from cooplan.services.accounts import Actor
from cooplan.store.models import Account, Coop, PlanRun, Proposal


def account_out(account: Account) -> schemas.AccountOut:
    return schemas.AccountOut(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        coop_id=account.coop_id,
        roles=sorted(account.role_set()),
    )


def actor_out(actor: Actor) -> schemas.AccountOut:
    return schemas.AccountOut(
        id=actor.id,
        username=actor.username,
        display_name=actor.display_name,
        coop_id=actor.coop_id,
        roles=sorted(actor.roles),
    )


def coop_out(coop: Coop, registered: int = 0) -> schemas.CoopOut:
    return schemas.CoopOut(
        id=coop.id,
        name=coop.name,
        region=coop.region,
        group_id=coop.group_id,
        members=coop.members,
        hours_per_member=coop.hours_per_member,
        non_members=coop.non_members,
        registered_members=registered,
    )


def _run_fields(run: PlanRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "economy_id": run.economy_id,
        "mechanism": run.mechanism,
        "parameters": {k: v for k, v in run.parameters.items() if k != "files"},
        "seed": run.seed,
        "solver": run.solver,
        "input_digest": run.input_digest,
        "version": run.version,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "error": run.error,
    }


def run_out(run: PlanRun) -> schemas.PlanRunOut:
    return schemas.PlanRunOut(**_run_fields(run))


def run_result(run: PlanRun) -> schemas.PlanRunResult:
    return schemas.PlanRunResult(**_run_fields(run), result=run.result)


def proposal_out(
    session: Session, proposal: Proposal, actor: Actor | None = None
) -> schemas.ProposalOut:
    from cooplan.institutions.voting import Method

    mine = votes.my_ballot(session, proposal.id, actor.id) if actor is not None else None
    return schemas.ProposalOut(
        id=proposal.id,
        title=proposal.title,
        question=proposal.question,
        body=proposal.body,
        coop_id=proposal.coop_id,
        method=proposal.method,
        options=proposal.options,
        choices=votes.method_options(Method(proposal.method), proposal.options),
        quorum=proposal.quorum,
        threshold=proposal.threshold,
        max_score=proposal.max_score,
        status=proposal.status,
        result=proposal.result,
        created_at=proposal.created_at,
        closed_at=proposal.closed_at,
        plan_cycle_id=proposal.plan_cycle_id,
        my_ballot=mine,
    )
