"""The federation's bodies and who sits in them.

Each coop has a General Assembly (every *member* has one vote, whatever their job or capital;
non-member workers have no vote), a Governing Council elected by the assembly, and a
consultative Social Council elected by work section. The federation has a Congress of
delegates allocated to coops by rule (a minimum per coop, the rest in proportion to members
by largest remainders) and a Standing Committee whose seats are allocated to groups the same
way. Source: institutions.md (Governance).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.institutions.rules import FederationRules
from cooplan.institutions.voting import Step

__all__ = [
    "Allocation",
    "Body",
    "BodyKind",
    "allocate_seats",
    "congress",
    "elected_council",
    "general_assembly",
    "standing_committee",
]


class BodyKind(StrEnum):
    """Kinds of body."""

    GENERAL_ASSEMBLY = "general_assembly"
    GOVERNING_COUNCIL = "governing_council"
    SOCIAL_COUNCIL = "social_council"
    CONGRESS = "congress"
    STANDING_COMMITTEE = "standing_committee"


@dataclass(frozen=True)
class Body:
    """A decision body: its kind, the coop or group it belongs to, and its voters' ids.

    For the Congress and the Standing Committee ``seats`` maps each coop (or group) to its
    number of seats and ``voters`` is empty until delegates are named.
    """

    kind: BodyKind
    owner: str
    voters: tuple[str, ...]
    seats: Mapping[str, int]

    @property
    def eligible(self) -> int:
        """Number of votes in the body."""
        return len(self.voters) if self.voters else sum(self.seats.values())


@dataclass(frozen=True)
class Allocation:
    """Seats per party (coop or group) with the steps of the largest-remainder count."""

    seats: Mapping[str, int]
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "seats": dict(self.seats),
            "steps": [{"text": s.text, "data": dict(s.data)} for s in self.steps],
        }


def allocate_seats(weights: Mapping[str, int], total: int, minimum: int = 0) -> Allocation:
    """Allocate ``total`` seats: ``minimum`` each (never above its weight), the rest by Hamilton.

    The seats left after the minima go in proportion to ``weights`` (e.g. members): each party
    gets the whole part of its quota, then the parties with the largest remainders one more
    seat each. Equal remainders: the larger weight first, then the party id in sort order.
    Raises :class:`InputError` when the minima alone exceed ``total``.
    """
    problems = [
        Problem(
            "seat allocation",
            "weights must be whole numbers ≥ 0",
            column=str(k),
            value=v,
            fix="give each coop's number of members",
        )
        for k, v in weights.items()
        if v < 0
    ]
    floors = {k: min(minimum, int(v)) for k, v in weights.items()}
    if sum(floors.values()) > total:
        problems.append(
            Problem(
                "seat allocation",
                "the minimum seats exceed the total",
                column="minimum",
                value=minimum,
                fix=f"lower the minimum or raise the total above {sum(floors.values())}",
            )
        )
    if total < 0:
        problems.append(
            Problem(
                "seat allocation",
                "total must be ≥ 0",
                column="total",
                value=total,
                fix="give a positive number of seats",
            )
        )
    error = InputError.collect(problems, "cannot allocate seats")
    if error is not None:
        raise error
    rest = total - sum(floors.values())
    weight_sum = sum(weights.values())
    steps = [
        Step(
            f"Minimum: {minimum} seat(s) per party (at most its weight): "
            f"{sum(floors.values())} seats; {rest} left to share.",
            {"minimum": dict(floors), "rest": rest},
        )
    ]
    if rest == 0 or weight_sum == 0:
        return Allocation(dict(floors), tuple(steps))
    quotas = {k: rest * v / weight_sum for k, v in weights.items()}
    whole = {k: math.floor(q + 1e-12) for k, q in quotas.items()}
    remainders = {k: quotas[k] - whole[k] for k in weights}
    left = rest - sum(whole.values())
    order = sorted(weights, key=lambda k: (-round(remainders[k], 12), -weights[k], k))
    extra = set(order[:left])
    seats = {k: floors[k] + whole[k] + (1 if k in extra else 0) for k in weights}
    steps.append(
        Step(
            f"Quotas: {rest} × weight / {weight_sum}; whole parts give "
            f"{sum(whole.values())} seats.",
            {"quota": {k: round(q, 6) for k, q in quotas.items()}, "whole": whole},
        )
    )
    steps.append(
        Step(
            f"Largest remainders: {left} more seat(s) to {sorted(extra)}.",
            {"remainder": {k: round(r, 6) for k, r in remainders.items()}, "extra": sorted(extra)},
        )
    )
    return Allocation(seats, tuple(steps))


def general_assembly(workers: pd.DataFrame, coop: str) -> Body:
    """A coop's General Assembly: one vote per member of ``coop`` (non-members have none).

    ``workers`` is a validated members table (columns ``id``, ``coop``, ``member``).
    """
    rows = workers[(workers["coop"] == coop) & (workers["member"].astype(bool))]
    voters = tuple(sorted(str(v) for v in rows["id"]))
    return Body(BodyKind.GENERAL_ASSEMBLY, coop, voters, {})


def elected_council(
    workers: pd.DataFrame, coop: str, elected: Sequence[str], kind: BodyKind
) -> Body:
    """A Governing or Social Council of ``coop`` made of the ``elected`` members.

    Raises :class:`InputError` when someone elected is not a member of the coop.
    """
    if kind not in (BodyKind.GOVERNING_COUNCIL, BodyKind.SOCIAL_COUNCIL):
        raise ValueError(f"not a coop council: {kind}")
    assembly = set(general_assembly(workers, coop).voters)
    problems = [
        Problem(
            f"{kind.value} of {coop}",
            "only members of the coop can be elected",
            column="elected",
            value=person,
            fix="elect members of the general assembly",
        )
        for person in elected
        if person not in assembly
    ]
    if len(set(elected)) != len(elected):
        problems.append(
            Problem(
                f"{kind.value} of {coop}",
                "someone is elected twice",
                column="elected",
                value=list(elected),
                fix="list each person once",
            )
        )
    error = InputError.collect(problems, f"invalid {kind.value}")
    if error is not None:
        raise error
    return Body(kind, coop, tuple(elected), {})


def congress(
    members_per_coop: Mapping[str, int], rules: FederationRules
) -> tuple[Body, Allocation]:
    """The federation Congress: ``rules.congress_delegates`` seats allocated to coops."""
    allocation = allocate_seats(
        members_per_coop, rules.congress_delegates, rules.congress_min_per_coop
    )
    return Body(BodyKind.CONGRESS, "federation", (), allocation.seats), allocation


def standing_committee(
    members_per_group: Mapping[str, int], rules: FederationRules
) -> tuple[Body, Allocation]:
    """The Standing Committee: seats to groups (divisions) by members, one at least each."""
    allocation = allocate_seats(members_per_group, rules.congress_standing_committee, minimum=1)
    return Body(BodyKind.STANDING_COMMITTEE, "federation", (), allocation.seats), allocation
