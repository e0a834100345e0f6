"""The iteration board: aggregate proposals, measure imbalances, update prices, stop.

Implements spec ``participatory.md`` §4–7 exactly as pequod-cljs (``csvgen.clj`` at 0d24482)
runs them. For every commodity, with supply S, demand D, the previous multiplier m_{t−1}:

    σ = S − D,   v = |2σ| / (S + D),   T = 100·v  (percent)
    w = 1.05 − 0.5^v,   δ = max(0.001, min(w, |w·m_{t−1}|))
    p_t = p_{t−1}(1 − δ) if σ > 0,  p_{t−1}(1 + δ) if σ < 0,  p_{t−1} if σ = 0
    m_t = min(v, 0.25)

A year runs round 1, then continues while the worst T exceeds 100·threshold and fewer than
``max_rounds`` rounds have run. A round whose imbalances are not finite or whose new prices
are not positive ends the year as DIVERGED (never seen in the stored runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from cooplan.planning.participatory.blocks import (
    WorkerBlock,
    sum_in_block_order,
    worker_block_aggregates,
)
from cooplan.planning.participatory.result import PlanStatus

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_THRESHOLD",
    "DELTA_FLOOR",
    "INITIAL_MULTIPLIER",
    "INITIAL_PRICE",
    "MULTIPLIER_CAP",
    "CouncilEvaluator",
    "LocalEvaluator",
    "PriceUpdate",
    "YearTrajectory",
    "relative_imbalance",
    "run_year",
    "update_prices",
]

FloatArray = NDArray[np.float64]

#: Starting price of every commodity (pequod-cljs ``setup``; spec §1).
INITIAL_PRICE = 700.0
#: Starting multiplier m_0 (``pdlist``) of every commodity (spec §6).
INITIAL_MULTIPLIER = 0.25
#: Cap on the carried multiplier m (spec §6).
MULTIPLIER_CAP = 0.25
#: Floor on the relative price step δ (spec §6).
DELTA_FLOOR = 0.001
#: Convergence threshold on the worst relative imbalance, as a fraction (3%, spec §7).
DEFAULT_THRESHOLD = 0.03
#: Round cap of a year (spec §7).
DEFAULT_MAX_ROUNDS = 200


class CouncilEvaluator(Protocol):
    """Turns a price vector into the WCs' aggregate supply and input spending."""

    def worker_aggregates(self, prices: FloatArray) -> FloatArray:
        """Array (2, commodities): supply Σq, and input spending Σλbq, summed in block order."""
        ...


@dataclass(frozen=True, eq=False)
class LocalEvaluator:
    """Evaluates every WC block in this process, in block order."""

    blocks: Sequence[WorkerBlock]

    def worker_aggregates(self, prices: FloatArray) -> FloatArray:
        """See :class:`CouncilEvaluator`."""
        return sum_in_block_order([worker_block_aggregates(b, prices) for b in self.blocks])


@dataclass(frozen=True, eq=False)
class PriceUpdate:
    """The board's response to one round: new prices and multipliers, steps, imbalances."""

    prices: FloatArray
    multipliers: FloatArray
    deltas: FloatArray
    imbalance: FloatArray
    """v, the relative imbalance as a fraction (T = 100·v)."""


def relative_imbalance(supply: FloatArray, demand: FloatArray) -> FloatArray:
    """v = |2(S − D)| / (S + D), a fraction in [0, 2] (spec §5)."""
    return np.abs(2.0 * (supply - demand)) / (supply + demand)


def update_prices(
    prices: FloatArray, multipliers: FloatArray, supply: FloatArray, demand: FloatArray
) -> PriceUpdate:
    """One application of the program's price rule (spec §6), for every commodity at once."""
    surplus = supply - demand
    imbalance = relative_imbalance(supply, demand)
    weight = 1.05 - np.power(0.5, imbalance)
    deltas = np.maximum(DELTA_FLOOR, np.minimum(weight, np.abs(weight * multipliers)))
    # sign(σ)·δ is +δ, −δ or 0, so the factor is exactly 1 − δ, 1 + δ or 1 (price unchanged).
    return PriceUpdate(
        prices=prices * (1.0 - np.sign(surplus) * deltas),
        multipliers=np.minimum(imbalance, MULTIPLIER_CAP),
        deltas=deltas,
        imbalance=imbalance,
    )


@dataclass(frozen=True, eq=False)
class YearTrajectory:
    """Per-round records of one year, each (rounds × commodities), and how it ended."""

    status: PlanStatus
    prices: FloatArray
    deltas: FloatArray
    multipliers: FloatArray
    supply: FloatArray
    demand: FloatArray
    imbalance_pct: FloatArray


def run_year(
    evaluator: CouncilEvaluator,
    *,
    endowment: FloatArray,
    consumer_spending: FloatArray,
    start_prices: FloatArray,
    start_multipliers: FloatArray,
    threshold: float = DEFAULT_THRESHOLD,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> YearTrajectory:
    """Run rounds until the worst imbalance is ≤ 100·``threshold`` percent or ``max_rounds``.

    ``endowment`` is the fixed supply per commodity (nature, labour; zero elsewhere);
    ``consumer_spending`` the consumer councils' constant K per commodity (private and public
    goods; zero elsewhere), so their demand is K / p.
    """
    if not threshold > 0:
        raise ValueError("threshold must be above zero")
    if max_rounds < 1:
        raise ValueError("max_rounds must be at least 1")
    threshold_pct = 100.0 * threshold
    prices = np.array(start_prices, dtype=np.float64, copy=True)
    multipliers = np.array(start_multipliers, dtype=np.float64, copy=True)
    rows: dict[str, list[FloatArray]] = {
        k: [] for k in ("prices", "deltas", "multipliers", "supply", "demand", "imbalance_pct")
    }
    status = PlanStatus.ROUND_LIMIT
    for _ in range(max_rounds):
        # Overflow or inf/inf is caught below as DIVERGED; NumPy need not warn about it.
        with np.errstate(over="ignore", invalid="ignore"):
            produced, spending = evaluator.worker_aggregates(prices)
            supply = produced + endowment
            demand = (spending + consumer_spending) / prices
            step = update_prices(prices, multipliers, supply, demand)
            imbalance_pct = 100.0 * step.imbalance
        for name, value in (
            ("prices", step.prices),
            ("deltas", step.deltas),
            ("multipliers", step.multipliers),
            ("supply", supply),
            ("demand", demand),
            ("imbalance_pct", imbalance_pct),
        ):
            rows[name].append(value)
        prices, multipliers = step.prices, step.multipliers
        if not (np.all(np.isfinite(imbalance_pct)) and np.all(step.prices > 0)):
            status = PlanStatus.DIVERGED  # inf/NaN: nothing meaningful can follow
            break
        if float(np.max(imbalance_pct)) <= threshold_pct:
            status = PlanStatus.CONVERGED
            break
    return YearTrajectory(status=status, **{k: np.stack(v) for k, v in rows.items()})
