"""Typed, immutable results of a participatory planning run.

Prices are in the program's abstract units (700 at the start); imbalances are in percent,
``T = 100·|2(S − D)| / (S + D)`` as pequod-cljs reports them (spec ``participatory.md`` §5).
Arrays indexed by round have one row per round (round t is row t − 1) and one column per
commodity, in the order of :attr:`ParticipatoryResult.commodities`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ParticipatoryResult", "PlanStatus", "YearResult"]

FloatArray = NDArray[np.float64]


class PlanStatus(StrEnum):
    """How a planning year ended."""

    CONVERGED = "converged"
    """The worst imbalance fell to the threshold or below."""
    ROUND_LIMIT = "round_limit"
    """``max_rounds`` rounds were run without reaching the threshold."""
    DIVERGED = "diverged"
    """Supply, demand or a price stopped being a finite positive number; the year stopped."""


def _readonly(array: FloatArray) -> FloatArray:
    out = np.array(array, dtype=np.float64, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class YearResult:
    """One planning year: every round's prices, steps, multipliers, supply and demand.

    ``prices[t-1]`` are the prices *after* round t's update (the prices round t + 1 uses, as in
    the program's CSV); ``supply``/``demand`` of round t were proposed at the prices before it.
    ``deltas`` are the relative steps δ, ``multipliers`` the state m carried to the next round.
    ``worker_output`` and ``worker_effort`` are each WC's last proposal, made at
    :attr:`plan_prices` (true effort, spec §2.4).
    """

    year: int
    status: PlanStatus
    threshold: float
    start_prices: FloatArray
    start_multipliers: FloatArray
    prices: FloatArray
    deltas: FloatArray
    multipliers: FloatArray
    supply: FloatArray
    demand: FloatArray
    imbalance_pct: FloatArray
    worker_output: FloatArray
    worker_effort: FloatArray

    def __post_init__(self) -> None:
        for name in (
            "start_prices",
            "start_multipliers",
            "prices",
            "deltas",
            "multipliers",
            "supply",
            "demand",
            "imbalance_pct",
            "worker_output",
            "worker_effort",
        ):
            object.__setattr__(self, name, _readonly(getattr(self, name)))

    @property
    def rounds(self) -> int:
        """Number of proposal rounds run this year."""
        return int(self.prices.shape[0])

    @property
    def converged(self) -> bool:
        """Whether the year ended because the threshold was met."""
        return self.status is PlanStatus.CONVERGED

    @property
    def worst_imbalance_pct(self) -> FloatArray:
        """Worst imbalance of each round, in percent (max over commodities)."""
        return np.max(self.imbalance_pct, axis=1)

    @property
    def max_imbalance_pct(self) -> float:
        """Worst imbalance of the last round, in percent."""
        return float(self.worst_imbalance_pct[-1])

    @property
    def surplus(self) -> FloatArray:
        """S − D per round and commodity (positive: excess supply)."""
        return self.supply - self.demand

    @property
    def final_prices(self) -> FloatArray:
        """Prices after the last round's update (the program's last price columns)."""
        return self.prices[-1]

    @property
    def plan_prices(self) -> FloatArray:
        """Prices at which the last round's (accepted) proposals were made."""
        return self.prices[-2] if self.rounds > 1 else self.start_prices

    def first_round_below(self, percent: float) -> int | None:
        """First round whose worst imbalance is strictly below ``percent``; None if none."""
        below = np.flatnonzero(self.worst_imbalance_pct < percent)
        return int(below[0]) + 1 if below.size else None

    def to_dict(self, commodities: tuple[str, ...]) -> dict[str, Any]:
        """JSON-ready summary: counts, status, final and plan prices, worst imbalance by round."""
        return {
            "year": self.year,
            "status": self.status.value,
            "converged": self.converged,
            "rounds": self.rounds,
            "max_imbalance_pct": self.max_imbalance_pct,
            "first_round_below_5pct": self.first_round_below(5.0),
            "worst_imbalance_pct_by_round": self.worst_imbalance_pct.tolist(),
            "prices": dict(zip(commodities, self.final_prices.tolist(), strict=True)),
            "plan_prices": dict(zip(commodities, self.plan_prices.tolist(), strict=True)),
            "multipliers": dict(zip(commodities, self.multipliers[-1].tolist(), strict=True)),
        }


@dataclass(frozen=True, eq=False)
class ParticipatoryResult:
    """A whole run: one :class:`YearResult` per planning year.

    ``status`` is CONVERGED only when every year converged (else the first failing year's).
    ``rounds`` is the total over years; ``max_imbalance_pct`` and ``final_prices`` are those of
    the last year.
    ``seed`` drew the year-two changes (None when they were given, e.g. recovered draws).
    """

    economy: str
    commodities: tuple[str, ...]
    threshold: float
    max_rounds: int
    block_size: int
    seed: int | None
    years: tuple[YearResult, ...]

    @property
    def status(self) -> PlanStatus:
        """CONVERGED if every year converged, else the first other status of a year."""
        for year in self.years:
            if not year.converged:
                return year.status
        return PlanStatus.CONVERGED

    @property
    def converged(self) -> bool:
        """Whether every year converged."""
        return self.status is PlanStatus.CONVERGED

    @property
    def rounds(self) -> int:
        """Total proposal rounds over all years."""
        return sum(y.rounds for y in self.years)

    @property
    def rounds_by_year(self) -> tuple[int, ...]:
        """Proposal rounds of each year."""
        return tuple(y.rounds for y in self.years)

    @property
    def max_imbalance_pct(self) -> float:
        """Worst imbalance of the last round of the last year, in percent."""
        return self.years[-1].max_imbalance_pct

    @property
    def final_prices(self) -> FloatArray:
        """Prices after the last update of the last year."""
        return self.years[-1].final_prices

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary of the run."""
        return {
            "economy": self.economy,
            "status": self.status.value,
            "converged": self.converged,
            "rounds": self.rounds,
            "rounds_by_year": list(self.rounds_by_year),
            "max_imbalance_pct": self.max_imbalance_pct,
            "threshold_pct": 100.0 * self.threshold,
            "max_rounds": self.max_rounds,
            "block_size": self.block_size,
            "seed": self.seed,
            "years": [y.to_dict(self.commodities) for y in self.years],
        }
