"""200 concurrent vote requests over real HTTP leave exactly one effective ballot per member per
proposal (the newest of theirs), on SQLite and PostgreSQL; the table keeps every ballot."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from platform_support import fast_settings, seed_federation
from sqlalchemy import func, select

from cooplan.api import create_app
from cooplan.api.server import background_server
from cooplan.institutions.voting import Method
from cooplan.services import accounts
from cooplan.services.votes import create_proposal
from cooplan.store.db import open_database
from cooplan.store.enums import BodyName, Role
from cooplan.store.models import Account, Ballot, BallotHead

pytestmark = pytest.mark.slow
VOTERS = 40
REQUESTS = 200


def _setup(url: str) -> tuple[int, dict[str, str]]:
    settings = fast_settings()
    seed_federation(url, settings)
    db = open_database(url)
    tokens: dict[str, str] = {}
    try:
        with db.session() as session:
            for i in range(VOTERS):
                account = accounts.create_account(
                    session,
                    settings.password_hasher,
                    username=f"voter{i:02d}",
                    password="voter password",
                    coop_id="ulma_components",
                    roles=[Role.MEMBER],
                    bootstrap=True,
                )
                tokens[account.username] = accounts.issue_token(session, account)
            proposal = create_proposal(
                session,
                actor=None,
                title="Night shift",
                question="Open a night shift?",
                body=BodyName.ASSEMBLY,
                coop_id="ulma_components",
                method=Method.SIMPLE_MAJORITY,
                bootstrap=True,
            )
            return proposal.id, tokens
    finally:
        db.dispose()


async def _storm(base: str, proposal_id: int, tokens: dict[str, str]) -> list[int]:
    rng = random.Random(1)
    names = sorted(tokens)
    # Every member votes at least once; the rest are repeats by random members.
    plan = names + [rng.choice(names) for _ in range(REQUESTS - len(names))]
    rng.shuffle(plan)
    limits = httpx.Limits(max_connections=REQUESTS)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def vote(name: str) -> int:
            response = await client.post(
                f"/api/proposals/{proposal_id}/votes",
                json={"choice": rng.choice(["yes", "no", "abstain"])},
                headers={"Authorization": f"Bearer {tokens[name]}"},
            )
            return response.status_code

        return list(await asyncio.gather(*(vote(n) for n in plan)))


def test_concurrent_votes_leave_one_effective_ballot_each(database_url: str) -> None:
    proposal_id, tokens = _setup(database_url)
    app = create_app(database_url, settings=fast_settings())
    with background_server(app) as base:
        statuses = asyncio.run(_storm(base, proposal_id, tokens))
    assert statuses == [200] * REQUESTS
    db = open_database(database_url)
    try:
        with db.session() as session:
            cast = session.scalar(
                select(func.count(Ballot.id)).where(Ballot.proposal_id == proposal_id)
            )
            assert cast == REQUESTS  # append-only: every ballot is kept
            heads = session.execute(
                select(BallotHead.account_id, BallotHead.ballot_id).where(
                    BallotHead.proposal_id == proposal_id
                )
            ).all()
            assert len(heads) == VOTERS == len({a for a, _ in heads})
            newest = dict(
                session.execute(
                    select(Ballot.account_id, func.max(Ballot.id))
                    .where(Ballot.proposal_id == proposal_id)
                    .group_by(Ballot.account_id)
                ).all()
            )
            assert dict(heads) == newest  # each effective ballot is the member's newest
            voters = set(session.scalars(select(Account.id).where(Account.username.like("voter%"))))
            assert set(newest) == voters
    finally:
        db.dispose()
