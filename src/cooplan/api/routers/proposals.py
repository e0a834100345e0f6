"""Proposals to a coop's assembly or to the Congress, ballots, and the count."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from cooplan.api import schemas
from cooplan.api.deps import Ctx
from cooplan.api.routers.convert import proposal_out
from cooplan.services import votes
from cooplan.store.enums import BodyName, ProposalStatus

router = APIRouter(prefix="/api", tags=["proposals and votes"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
}
CONFLICT: schemas.Responses = {409: {"model": schemas.ErrorOut}}
ProposalId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]


@router.post(
    "/proposals",
    operation_id="create_proposal",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ProposalOut,
    responses=ERRORS,
)
def create_proposal(body: schemas.ProposalIn, ctx: Ctx) -> schemas.ProposalOut:
    """Put a question to a coop's assembly (its members, planners, administrators) or to
    the Congress (delegates, planners, administrators)."""
    with ctx.unit() as (session, actor):
        proposal = votes.create_proposal(session, actor=actor, **body.model_dump())
        session.commit()
        return proposal_out(session, proposal, actor)


@router.get(
    "/proposals",
    operation_id="list_proposals",
    response_model=list[schemas.ProposalOut],
    responses=ERRORS,
)
def list_proposals(
    ctx: Ctx,
    status_: Annotated[ProposalStatus | None, Query(alias="status")] = None,
    body: BodyName | None = None,
    coop_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[schemas.ProposalOut]:
    """Proposals, newest first, filtered by status, body or coop."""
    with ctx.unit() as (session, actor):
        found = votes.list_proposals(session, status=status_, body=body, coop_id=coop_id)
        return [proposal_out(session, p, actor) for p in found]


@router.get(
    "/proposals/{proposal_id}",
    operation_id="read_proposal",
    response_model=schemas.ProposalOut,
    responses=ERRORS,
)
def read_proposal(proposal_id: ProposalId, ctx: Ctx) -> schemas.ProposalOut:
    """A proposal, the caller's effective ballot, and the result with its explanation once
    closed."""
    with ctx.unit() as (session, actor):
        return proposal_out(session, votes.get_proposal(session, proposal_id), actor)


@router.post(
    "/proposals/{proposal_id}/votes",
    operation_id="cast_vote",
    response_model=schemas.BallotOut,
    responses={**ERRORS, **CONFLICT},
)
def cast_vote(proposal_id: ProposalId, body: schemas.VoteIn, ctx: Ctx) -> schemas.BallotOut:
    """Vote (members in their own coop's assembly, delegates in the Congress). Voting again
    before the close replaces the earlier ballot."""
    with ctx.unit() as (session, actor):
        ballot = votes.cast_vote(session, actor=actor, proposal_id=proposal_id, choice=body.choice)
        session.commit()
        return schemas.BallotOut(
            id=ballot.id,
            proposal_id=ballot.proposal_id,
            choice=ballot.choice,
            cast_at=ballot.cast_at,
        )


@router.post(
    "/proposals/{proposal_id}/close",
    operation_id="close_proposal",
    response_model=schemas.ProposalOut,
    responses={**ERRORS, **CONFLICT},
)
def close_proposal(proposal_id: ProposalId, ctx: Ctx) -> schemas.ProposalOut:
    """Close the vote and count it by the proposal's method (its author, planners,
    administrators)."""
    with ctx.unit() as (session, actor):
        proposal = votes.close_proposal(session, actor=actor, proposal_id=proposal_id)
        session.commit()
        return proposal_out(session, proposal, actor)
