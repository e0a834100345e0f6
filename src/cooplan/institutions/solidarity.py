"""Conditional solidarity: support to a coop in trouble under an agreement, never open-ended.

An agreement has a cap (EUR), a duration (plan periods from its start) and restructuring
milestones. Support flows only while the agreement is active: started, not expired, not
exhausted, and every milestone due before the current period met. The monitor reports each
coop's cumulative support against its cap (Kornai's soft budget constraint made visible).
Source: institutions.md (Conditional solidarity; Fagor: about EUR 300 million put in, a
further EUR 170 million refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cooplan.errors import InputError, Problem
from cooplan.institutions.rules import FederationRules

__all__ = [
    "Agreement",
    "AgreementStatus",
    "Milestone",
    "SupportLine",
    "agreement_status",
    "validate_agreements",
]


class AgreementStatus(StrEnum):
    """Where an agreement stands in a period."""

    NOT_STARTED = "not_started"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Milestone:
    """A restructuring step the supported coop promised by ``due_period``."""

    name: str
    due_period: int
    met: bool | None = None


@dataclass(frozen=True)
class Agreement:
    """Support of at most ``cap`` EUR to ``coop`` for ``duration`` periods from ``start_period``.

    ``paid`` is the support already received before the period being settled.
    """

    coop: str
    cap: float
    start_period: int
    duration: int
    milestones: tuple[Milestone, ...] = ()
    paid: float = 0.0

    @property
    def remaining(self) -> float:
        """Support still available under the cap (EUR)."""
        return max(0.0, self.cap - self.paid)


@dataclass(frozen=True)
class SupportLine:
    """The soft-budget monitor's line for one coop in one period (EUR)."""

    coop: str
    cap: float
    before: float
    support: float
    status: AgreementStatus
    periods_left: int
    missed_milestones: tuple[str, ...]

    @property
    def cumulative(self) -> float:
        """Support received so far, this period included."""
        return self.before + self.support

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "cap": self.cap,
            "before": self.before,
            "support": self.support,
            "cumulative": self.cumulative,
            "remaining": max(0.0, self.cap - self.cumulative),
            "share_of_cap": self.cumulative / self.cap if self.cap > 0 else None,
            "status": self.status.value,
            "periods_left": self.periods_left,
            "missed_milestones": list(self.missed_milestones),
        }


def agreement_status(agreement: Agreement, period: int) -> tuple[AgreementStatus, tuple[str, ...]]:
    """Status of ``agreement`` when settling ``period`` and the milestones it has missed."""
    missed = tuple(
        m.name for m in agreement.milestones if m.due_period < period and m.met is not True
    )
    if period < agreement.start_period:
        return AgreementStatus.NOT_STARTED, missed
    if period >= agreement.start_period + agreement.duration:
        return AgreementStatus.EXPIRED, missed
    if missed:
        return AgreementStatus.SUSPENDED, missed
    if agreement.remaining <= 0:
        return AgreementStatus.EXHAUSTED, missed
    return AgreementStatus.ACTIVE, missed


def validate_agreements(
    agreements: Sequence[Agreement], coops: Sequence[str], rules: FederationRules
) -> dict[str, Agreement]:
    """Check agreements (known coop, one each, cap ≥ 0, duration within the rule) by coop."""
    problems: list[Problem] = []
    known = set(coops)
    by_coop: dict[str, Agreement] = {}
    for row, a in enumerate(agreements, 1):

        def bad(column: str, value: Any, message: str, fix: str, row: int = row) -> None:
            problems.append(
                Problem(
                    "solidarity agreements", message, row=row, column=column, value=value, fix=fix
                )
            )

        if a.coop not in known:
            bad("coop", a.coop, "unknown coop", "use an id from coops.csv")
        if a.coop in by_coop:
            bad("coop", a.coop, "more than one agreement", "merge them into one agreement")
        if a.cap < 0 or a.paid < 0:
            bad("cap", a.cap, "cap and paid must be ≥ 0", "give amounts in EUR ≥ 0")
        if not 1 <= a.duration <= rules.solidarity_max_duration_periods:
            bad(
                "duration",
                a.duration,
                "duration outside 1…solidarity.max_duration_periods",
                f"at most {rules.solidarity_max_duration_periods} periods",
            )
        by_coop[a.coop] = a
    error = InputError.collect(problems, "invalid solidarity agreements")
    if error is not None:
        raise error
    return by_coop
