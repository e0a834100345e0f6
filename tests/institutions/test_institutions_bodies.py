"""Bodies: who votes, and the largest-remainder allocation of congress seats."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from institutions_fixtures import workers_frame

from cooplan.errors import InputError
from cooplan.institutions.bodies import (
    BodyKind,
    allocate_seats,
    congress,
    elected_council,
    general_assembly,
    standing_committee,
)
from cooplan.institutions.rules import default_rules


def test_hamilton_matches_the_published_example() -> None:
    # Wikipedia, "Largest remainder method", Hare quota example: 100,000 votes, 10 seats ->
    # Yellows 5, Whites 2, Reds 1, Greens 1, Blues 1, Pinks 0.
    votes = {
        "Yellows": 47000,
        "Whites": 16000,
        "Reds": 15800,
        "Greens": 12000,
        "Blues": 6100,
        "Pinks": 3100,
    }
    allocation = allocate_seats(votes, 10)
    assert allocation.seats == {
        "Yellows": 5,
        "Whites": 2,
        "Reds": 1,
        "Greens": 1,
        "Blues": 1,
        "Pinks": 0,
    }
    assert allocation.steps[-1].data["extra"] == ["Blues", "Whites", "Yellows"]


def test_minimum_per_coop_then_proportional() -> None:
    # 10 seats, minimum 2 (tiny has 1 member, so 1): minima 2+2+1 = 5; the 5 left by members:
    # quotas 5·300/401 = 3.741, 5·100/401 = 1.247, 5·1/401 = 0.012 -> 3, 1, 0 and the last
    # seat to the largest remainder (big, .741): big 6, mid 3, tiny 1.
    allocation = allocate_seats({"big": 300, "mid": 100, "tiny": 1}, 10, minimum=2)
    assert allocation.seats == {"big": 6, "mid": 3, "tiny": 1}
    assert sum(allocation.seats.values()) == 10


def test_minimum_cannot_exceed_the_total() -> None:
    with pytest.raises(InputError, match="minimum seats exceed"):
        allocate_seats({"a": 10, "b": 10, "c": 10}, 5, minimum=2)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.integers(0, 5000), min_size=1, max_size=12
    ),
    st.integers(0, 4),
    st.integers(0, 700),
)
def test_allocation_properties(weights: dict[str, int], minimum: int, extra: int) -> None:
    total = sum(min(minimum, w) for w in weights.values()) + extra
    seats = allocate_seats(weights, total, minimum).seats
    if sum(weights.values()) > 0:
        assert sum(seats.values()) == total
    for coop, n in seats.items():
        assert n >= min(minimum, weights[coop])
    # Quota rule: the proportional part is within one seat of its exact quota.
    rest = total - sum(min(minimum, w) for w in weights.values())
    if sum(weights.values()) > 0:
        for coop, w in weights.items():
            quota = rest * w / sum(weights.values())
            assert abs(seats[coop] - min(minimum, w) - quota) < 1 + 1e-9


def test_assembly_is_one_member_one_vote_without_non_members() -> None:
    body = general_assembly(workers_frame(), "fagor")
    assert body.kind is BodyKind.GENERAL_ASSEMBLY
    assert body.voters == ("f1", "f2", "f3", "f4", "f5", "f6")  # fx is not a member
    assert body.eligible == 6


def test_councils_must_be_members() -> None:
    council = elected_council(workers_frame(), "fagor", ["f1", "f3"], BodyKind.GOVERNING_COUNCIL)
    assert council.voters == ("f1", "f3")
    with pytest.raises(InputError, match="only members"):
        elected_council(workers_frame(), "fagor", ["fx"], BodyKind.SOCIAL_COUNCIL)


def test_congress_and_standing_committee_sizes() -> None:
    rules = default_rules()
    body, allocation = congress({"a": 8000, "b": 300, "c": 40}, rules)
    assert body.eligible == 650 and min(allocation.seats.values()) >= 2
    committee, _ = standing_committee({"industry": 40000, "retail": 25000, "finance": 2000}, rules)
    assert committee.eligible == 21 and committee.seats["finance"] >= 1
