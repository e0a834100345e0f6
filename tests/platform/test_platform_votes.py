"""Property: whatever the order of ballots, the effective ballot of each member is their last,
every ballot is kept, and the stored count equals the institutions' count of the last ballots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_support import fast_settings, seed_federation
from sqlalchemy import func, select

from cooplan.institutions import voting
from cooplan.institutions.voting import Choice, Method
from cooplan.services import accounts
from cooplan.services.accounts import Actor
from cooplan.services.votes import cast_vote, close_proposal, create_proposal, effective_ballots
from cooplan.store.db import Database, open_database
from cooplan.store.enums import BodyName, Role
from cooplan.store.models import Ballot

MEMBERS = 6


@pytest.fixture(scope="module")
def voters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[Actor]]]:
    folder: Path = tmp_path_factory.mktemp("votes")
    url = f"sqlite:///{folder / 'votes.db'}"
    settings_ = fast_settings()
    seed_federation(url, settings_)
    db = open_database(url)
    people = []
    with db.session() as session:
        for i in range(MEMBERS):
            account = accounts.create_account(
                session,
                settings_.password_hasher,
                username=f"orona{i}",
                password="orona password",
                coop_id="orona_lifts",
                roles=[Role.MEMBER],
                bootstrap=True,
            )
            people.append(Actor.of(account))
    yield db, people
    db.dispose()


ballots = st.lists(
    st.tuples(st.integers(0, MEMBERS - 1), st.sampled_from([c.value for c in Choice])),
    max_size=25,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=ballots, quorum=st.sampled_from([0.0, 0.5, 1.0]))
def test_last_ballot_counts_and_history_is_kept(
    voters: tuple[Database, list[Actor]], sequence: list[tuple[int, str]], quorum: float
) -> None:
    db, people = voters
    with db.session() as session:
        proposal = create_proposal(
            session,
            actor=None,
            title="Lift design",
            question="Adopt the new lift design?",
            body=BodyName.ASSEMBLY,
            coop_id="orona_lifts",
            method=Method.SIMPLE_MAJORITY,
            quorum=quorum,
            bootstrap=True,
        )
        pid = proposal.id
    for who, choice in sequence:
        with db.session() as session:
            cast_vote(session, actor=people[who], proposal_id=pid, choice=choice)
    last = {people[who].id: choice for who, choice in sequence}
    with db.session() as session:
        assert effective_ballots(session, pid) == last
        kept = session.scalar(select(func.count(Ballot.id)).where(Ballot.proposal_id == pid))
        assert kept == len(sequence)
        closed = close_proposal(session, actor=None, proposal_id=pid, bootstrap=True)
        expected = voting.simple_majority(
            {str(k): Choice(v) for k, v in last.items()}, MEMBERS, quorum=quorum
        )
        assert closed.result is not None
        assert closed.result["outcome"] == expected.outcome.value
        assert closed.result["tally"] == dict(expected.tally)
        assert closed.result["explanation"] == expected.explanation
