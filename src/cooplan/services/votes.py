"""Proposals, ballots and counts, with the institutions' decision methods doing the counting.

Who votes: a member votes only in the General Assembly of their own coop; delegates vote in the
Congress. A person has one effective ballot per proposal: every ballot is appended to
``ballots`` and, in the same transaction, ``ballot_heads`` (primary key: proposal, person) is
pointed at the newest ballot id. The proposal row is locked (shared by voters, exclusive by
the closer on PostgreSQL; SQLite serialises write transactions), so no ballot slips in after
the count. Changing a vote before the close replaces it; the table keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cooplan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from cooplan.institutions import voting
from cooplan.institutions.voting import Choice, ConsentResponse, Method
from cooplan.services.accounts import Actor, coop_members, delegates, require
from cooplan.services.federation import get_coop
from cooplan.store.enums import BodyName, ProposalStatus, Role
from cooplan.store.models import Ballot, BallotHead, Event, Proposal, utcnow

MAX_OPTIONS = 20
YES_NO = [c.value for c in Choice]
CONSENT = [c.value for c in ConsentResponse]


def _problem(message: str, column: str, value: Any, fix: str) -> InputError:
    return InputError.single("proposal", message, column=column, value=value, fix=fix)


def method_options(method: Method, options: Sequence[str]) -> list[str]:
    """The options a ballot chooses among (yes/no/abstain and consent have fixed ones)."""
    if method in (Method.SIMPLE_MAJORITY, Method.QUALIFIED_MAJORITY):
        return list(YES_NO)
    if method is Method.CONSENT:
        return list(CONSENT)
    return list(options)


def create_proposal(
    session: Session,
    *,
    actor: Actor | None,
    title: str,
    question: str,
    body: BodyName,
    method: Method,
    coop_id: str | None = None,
    options: Sequence[str] = (),
    quorum: float = 0.5,
    threshold: float | None = None,
    max_score: int = 5,
    plan_cycle_id: int | None = None,
    bootstrap: bool = False,
) -> Proposal:
    """Put a question to a body. Members propose in their own coop's assembly; delegates,
    planners and administrators in the Congress; planners and administrators anywhere."""
    if not bootstrap:
        actor = require(actor, what="make proposals")
        staff = actor.has(Role.PLANNER) or actor.has(Role.ADMIN)
        own_coop = actor.has(Role.MEMBER) and actor.coop_id == coop_id
        if body is BodyName.ASSEMBLY and not staff and not own_coop:
            raise PermissionDeniedError("members propose only in their own coop's assembly")
        if body is BodyName.CONGRESS and not (staff or actor.has(Role.DELEGATE)):
            raise PermissionDeniedError(
                "only delegates, planners or administrators propose to the Congress"
            )
    if body is BodyName.ASSEMBLY:
        if coop_id is None:
            raise _problem("an assembly proposal needs a coop", "coop_id", None, "give coop_id")
        get_coop(session, coop_id)
    elif coop_id is not None:
        raise _problem("a Congress proposal has no coop", "coop_id", coop_id, "leave it empty")
    if not 0.0 <= quorum <= 1.0:
        raise _problem("quorum must lie in [0, 1]", "quorum", quorum, "e.g. 0.5")
    if method in (Method.RANKED_CHOICE, Method.SCORE):
        cleaned = [o.strip() for o in options if o.strip()]
        if not cleaned or len(set(cleaned)) != len(cleaned) or len(cleaned) > MAX_OPTIONS:
            raise _problem(
                "a ranked-choice or score vote needs 1–20 distinct options",
                "options",
                list(options),
                "list each option once",
            )
        options = cleaned
    else:
        options = []
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise _problem("threshold must lie in [0, 1]", "threshold", threshold, "e.g. 0.5")
    if not 1 <= max_score <= 100:
        raise _problem("max_score must lie in 1…100", "max_score", max_score, "e.g. 5")
    proposal = Proposal(
        title=title.strip()[:200] or "untitled",
        question=question,
        body=body,
        coop_id=coop_id,
        method=method.value,
        options=list(options),
        quorum=quorum,
        threshold=threshold,
        max_score=max_score,
        status=ProposalStatus.OPEN,
        created_by=actor.id if actor else None,
        plan_cycle_id=plan_cycle_id,
    )
    session.add(proposal)
    session.flush()
    session.add(
        Event(
            kind="proposal.created",
            actor_id=actor.id if actor else None,
            subject=f"proposal:{proposal.id}",
            data={"body": body.value, "coop_id": coop_id, "method": method.value},
        )
    )
    return proposal


def get_proposal(session: Session, proposal_id: int, *, lock: str | None = None) -> Proposal:
    """The proposal with this id (404 if none); ``lock`` is ``"share"`` or ``"update"``."""
    query: Select[Any] = select(Proposal).where(Proposal.id == proposal_id)
    if lock == "share":
        query = query.with_for_update(read=True)
    elif lock == "update":
        query = query.with_for_update()
    proposal = session.scalar(query)
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    return proposal


def may_vote(actor: Actor, proposal: Proposal) -> bool:
    """Whether ``actor`` belongs to the body that decides ``proposal``."""
    if proposal.body is BodyName.ASSEMBLY:
        return actor.has(Role.MEMBER) and actor.coop_id == proposal.coop_id
    return actor.has(Role.DELEGATE)


def validate_choice(proposal: Proposal, choice: Any) -> Any:
    """The ballot in its stored form, or 422 naming ``choice`` and what it must be."""
    method = Method(proposal.method)
    if method in (Method.SIMPLE_MAJORITY, Method.QUALIFIED_MAJORITY, Method.CONSENT):
        allowed = YES_NO if method is not Method.CONSENT else CONSENT
        if not isinstance(choice, str) or choice not in allowed:
            raise InputError.single(
                "ballot", "invalid choice", column="choice", value=choice, fix=f"one of {allowed}"
            )
        return choice
    if method is Method.RANKED_CHOICE:
        ok = (
            isinstance(choice, list)
            and 0 < len(choice) <= len(proposal.options)
            and all(isinstance(c, str) and c in proposal.options for c in choice)
            and len(set(choice)) == len(choice)
        )
        if not ok:
            raise InputError.single(
                "ballot",
                "a ranking must list options once each, best first",
                column="choice",
                value=choice,
                fix=f"rank some of {proposal.options}",
            )
        return list(choice)
    ok = (
        isinstance(choice, Mapping)
        and all(k in proposal.options for k in choice)
        and all(
            isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= proposal.max_score
            for v in choice.values()
        )
    )
    if not ok:
        raise InputError.single(
            "ballot",
            "scores must map options to numbers from 0 to the maximum",
            column="choice",
            value=choice,
            fix=f"score {proposal.options} from 0 to {proposal.max_score}",
        )
    return {str(k): float(v) for k, v in choice.items()}


def _upsert_head(session: Session, proposal_id: int, account_id: int, ballot_id: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(BallotHead).values(
        proposal_id=proposal_id, account_id=account_id, ballot_id=ballot_id
    )
    statement = statement.on_conflict_do_update(
        index_elements=[BallotHead.proposal_id, BallotHead.account_id],
        set_={"ballot_id": statement.excluded.ballot_id},
        where=BallotHead.ballot_id < statement.excluded.ballot_id,
    )
    session.execute(statement)


def cast_vote(session: Session, *, actor: Actor | None, proposal_id: int, choice: Any) -> Ballot:
    """Append a ballot and make it the actor's effective one; 409 once the proposal is closed."""
    actor = require(actor, what="vote")
    proposal = get_proposal(session, proposal_id, lock="share")
    if not may_vote(actor, proposal):
        where = (
            f"the assembly of {proposal.coop_id}"
            if proposal.body is BodyName.ASSEMBLY
            else "the Congress"
        )
        raise PermissionDeniedError(f"you have no vote in {where}")
    if proposal.status is not ProposalStatus.OPEN:
        raise ConflictError(f"proposal {proposal.id} is closed")
    stored = validate_choice(proposal, choice)
    ballot = Ballot(proposal_id=proposal.id, account_id=actor.id, choice=stored)
    session.add(ballot)
    session.flush()
    _upsert_head(session, proposal.id, actor.id, ballot.id)
    return ballot


def effective_ballots(session: Session, proposal_id: int) -> dict[int, Any]:
    """Each voter's effective ballot on ``proposal_id`` (account id → choice)."""
    rows = session.execute(
        select(Ballot.account_id, Ballot.choice)
        .join(BallotHead, BallotHead.ballot_id == Ballot.id)
        .where(BallotHead.proposal_id == proposal_id)
        .order_by(Ballot.account_id)
    )
    return {int(account): choice for account, choice in rows}


def my_ballot(session: Session, proposal_id: int, account_id: int) -> Any | None:
    """``account_id``'s effective ballot on the proposal, if any."""
    return session.scalar(
        select(Ballot.choice)
        .join(BallotHead, BallotHead.ballot_id == Ballot.id)
        .where(BallotHead.proposal_id == proposal_id, BallotHead.account_id == account_id)
    )


def ballots_cast(session: Session, proposal_id: int) -> int:
    """How many ballots were appended in all (superseded ones included)."""
    return int(
        session.scalar(select(func.count(Ballot.id)).where(Ballot.proposal_id == proposal_id)) or 0
    )


def eligible_voters(session: Session, proposal: Proposal) -> int:
    """How many people have a vote on ``proposal`` now."""
    if proposal.body is BodyName.ASSEMBLY and proposal.coop_id is not None:
        return len(coop_members(session, proposal.coop_id))
    return len(delegates(session))


def count(proposal: Proposal, ballots: Mapping[int, Any], eligible: int) -> voting.VoteResult:
    """Count ``ballots`` (voter → choice) by the proposal's method (institutions' rules)."""
    method = Method(proposal.method)
    eligible = max(eligible, len(ballots))
    by_voter = {str(k): v for k, v in ballots.items()}
    if method is Method.SIMPLE_MAJORITY:
        return voting.simple_majority(
            {k: Choice(v) for k, v in by_voter.items()},
            eligible,
            threshold=proposal.threshold if proposal.threshold is not None else 0.5,
            quorum=proposal.quorum,
        )
    if method is Method.QUALIFIED_MAJORITY:
        return voting.qualified_majority(
            {k: Choice(v) for k, v in by_voter.items()},
            eligible,
            threshold=proposal.threshold if proposal.threshold is not None else 2.0 / 3.0,
            quorum=proposal.quorum,
        )
    if method is Method.CONSENT:
        return voting.consent(
            {k: ConsentResponse(v) for k, v in by_voter.items()}, eligible, quorum=proposal.quorum
        )
    if method is Method.RANKED_CHOICE:
        return voting.ranked_choice(
            [list(v) for v in by_voter.values()], proposal.options, eligible, quorum=proposal.quorum
        )
    return voting.score(
        [dict(v) for v in by_voter.values()],
        proposal.options,
        eligible,
        max_score=proposal.max_score,
        quorum=proposal.quorum,
    )


def close_proposal(
    session: Session, *, actor: Actor | None, proposal_id: int, bootstrap: bool = False
) -> Proposal:
    """Close a proposal and store its count with the explanation (its author, planners or
    administrators; 409 when already closed)."""
    proposal = get_proposal(session, proposal_id, lock="update")
    if not bootstrap:
        actor = require(actor, what="close proposals")
        allowed = (
            actor.has(Role.PLANNER) or actor.has(Role.ADMIN) or proposal.created_by == actor.id
        )
        if not allowed:
            raise PermissionDeniedError(
                "only the author, a planner or an administrator closes a proposal"
            )
    if proposal.status is not ProposalStatus.OPEN:
        raise ConflictError(f"proposal {proposal.id} is already closed")
    ballots = effective_ballots(session, proposal.id)
    result = count(proposal, ballots, eligible_voters(session, proposal))
    proposal.status = ProposalStatus.CLOSED
    proposal.closed_at = utcnow()
    proposal.result = {
        **result.to_dict(),
        "explanation": result.explanation,
        "ballots_cast": ballots_cast(session, proposal.id),
    }
    session.add(
        Event(
            kind="proposal.closed",
            actor_id=actor.id if actor else None,
            subject=f"proposal:{proposal.id}",
            data={"outcome": result.outcome.value, "winner": result.winner},
        )
    )
    return proposal


def list_proposals(
    session: Session,
    *,
    status: ProposalStatus | None = None,
    coop_id: str | None = None,
    body: BodyName | None = None,
    plan_cycle_id: int | None = None,
) -> list[Proposal]:
    """Proposals, newest first, optionally filtered."""
    query = select(Proposal).order_by(Proposal.id.desc())
    if status is not None:
        query = query.where(Proposal.status == status)
    if coop_id is not None:
        query = query.where(Proposal.coop_id == coop_id)
    if body is not None:
        query = query.where(Proposal.body == body)
    if plan_cycle_id is not None:
        query = query.where(Proposal.plan_cycle_id == plan_cycle_id)
    return list(session.scalars(query))
