"""Measure one mechanism's plan on one economy with the same yardsticks for every mechanism.

Every figure comes from the plan's own numbers (activity, labour, deliveries) checked against
the economy, so mechanisms are judged alike whatever they report about themselves:

* labour used (hours) against the coops' hours; hours beyond a coop's own hours;
* the largest relative overuse of a coop's hours, a process capacity or a resource, and
  which limits are exceeded (``coop:ID``, ``capacity:PROCESS``, ``resource:PRODUCT`` → relative
  overuse, worst first);
* fulfilment per product (delivered / final demand) and overall: the least ratio
  (Kantorovich's λ), the mean ratio capped at 1, and the harmony Σ_k w_k H(y_k/d_k − 1)
  with each product's delivery split over its demand rows (regions) in the way that gives
  the most harmony (plans report deliveries per product, not per region);
* unmet demand per product (units) and whether the plan's net output covers its deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cooplan.model.economy import Economy
from cooplan.planning.mechanism import MechanismPlan, RunRecord, RunStatus
from cooplan.planning.optimal.harmony import harmony

SPLIT_BISECTIONS = 100  # halvings of log(marginal harmony) when splitting over regions
OVERUSE_SLACK = 1e-6  # relative overuse of a limit still counted as within it (rounding)


@dataclass(frozen=True)
class MechanismRun:
    """One mechanism run with one seed, measured. Missing figures are ``None``."""

    mechanism: str
    seed: int
    status: RunStatus
    rounds: int
    time_s: float
    peak_memory_mb: float
    labour_used: float
    labour_available: float
    labour_beyond_hours: float
    limits_exceeded: int
    overused: dict[str, float]
    max_overuse: float | None
    balance_shortfall: float | None
    fulfilment: dict[str, float]
    unmet: dict[str, float]
    lowest_fulfilment: float | None
    mean_fulfilment: float | None
    harmony: float | None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def total_unmet_share(self) -> float | None:
        """Mean over products with demand of the unmet share (1 − fulfilment, at least 0)."""
        if not self.fulfilment:
            return None
        return float(np.mean([max(0.0, 1.0 - r) for r in self.fulfilment.values()]))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "seed": self.seed,
            "status": self.status.value,
            "rounds": self.rounds,
            "time_s": self.time_s,
            "peak_memory_mb": self.peak_memory_mb,
            "labour_used": self.labour_used,
            "labour_available": self.labour_available,
            "labour_beyond_hours": self.labour_beyond_hours,
            "limits_exceeded": self.limits_exceeded,
            "overused": self.overused,
            "max_overuse": self.max_overuse,
            "balance_shortfall": self.balance_shortfall,
            "lowest_fulfilment": self.lowest_fulfilment,
            "mean_fulfilment": self.mean_fulfilment,
            "unmet_share": self.total_unmet_share,
            "harmony": self.harmony,
            "fulfilment": self.fulfilment,
            "unmet": self.unmet,
            "details": self.details,
        }


def _vector(values: dict[str, float], index: dict[str, int], size: int) -> np.ndarray:
    result = np.zeros(size)
    for key, value in values.items():
        position = index.get(key)
        if position is not None:
            result[position] = float(value)
    return result


def _row_delivery(price: np.ndarray, target: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Delivery to each demand row maximising w H(y/d − 1) − price · y (y ≥ 0)."""
    r = price * target / weight
    s = np.where(r <= 1.0, 1.0 / np.maximum(r, 1e-300) - 1.0, np.maximum(1.0 - r, -1.0))
    result: np.ndarray = target * (1.0 + s)
    return result


def _harmony(economy: Economy, delivered: np.ndarray) -> float | None:
    """Σ_k w_k H(y_k/d_k − 1) with each product's delivery split over its demand rows in the
    way that gives the most harmony (equal marginal harmony per unit; bisection on it)."""
    snap = economy.snapshot()
    rows = np.flatnonzero(
        (snap.demand_quantity > 0)
        & (snap.demand_priority > 0)
        & ~snap.is_resource[snap.demand_product]
    )
    if not len(rows):
        return None
    product = snap.demand_product[rows]
    target, weight = snap.demand_quantity[rows], snap.demand_priority[rows]
    total = delivered[product]
    ratio = weight / target
    low = np.full(snap.n_products, np.inf)
    high = np.zeros(snap.n_products)
    np.minimum.at(low, product, ratio)
    np.maximum.at(high, product, 2.0 * ratio)
    log_low = np.log(low[product] * 1e-12)
    log_high = np.log(high[product])
    for _ in range(SPLIT_BISECTIONS):
        middle = 0.5 * (log_low + log_high)
        given = np.bincount(
            product,
            weights=_row_delivery(np.exp(middle), target, weight),
            minlength=snap.n_products,
        )[product]
        too_much = given > total
        log_low = np.where(too_much, middle, log_low)
        log_high = np.where(too_much, log_high, middle)
    y = _row_delivery(np.exp(0.5 * (log_low + log_high)), target, weight)
    y = np.where(total > 0, y, 0.0)
    return float(weight @ harmony(np.maximum(y / target - 1.0, -1.0)))


def measure(
    economy: Economy, plan: MechanismPlan, record: RunRecord, *, keep_details: bool = False
) -> MechanismRun:
    """Judge ``plan`` (made by ``record.mechanism``) against ``economy``'s limits and demand."""
    snap = economy.snapshot()
    x = _vector(plan.activity, snap.process_index, snap.n_processes)
    labour = _vector(plan.labour_used, snap.coop_index, snap.n_coops)
    if not plan.labour_used and plan.activity:
        labour = np.bincount(
            snap.process_coop, weights=snap.process_labour * x, minlength=snap.n_coops
        )
    delivered = _vector(plan.final_delivered, snap.product_index, snap.n_products)
    demand = snap.final_demand

    ratios: list[np.ndarray] = [labour / np.maximum(snap.coop_hours, 1e-300)]
    names: list[str] = [f"coop:{c}" for c in snap.coop_ids]
    if plan.activity:
        capped = np.flatnonzero(np.isfinite(snap.process_capacity))
        ratios.append(x[capped] / np.maximum(snap.process_capacity[capped], 1e-300))
        names += [f"capacity:{snap.process_ids[p]}" for p in capped]
        limited = np.flatnonzero(snap.is_resource & np.isfinite(snap.resource_available))
        used = snap.A @ x
        ratios.append(used[limited] / np.maximum(snap.resource_available[limited], 1e-300))
        names += [f"resource:{snap.product_ids[i]}" for i in limited]
    load = np.concatenate(ratios)
    over = load - 1.0
    beyond = labour > snap.coop_hours * (1.0 + OVERUSE_SLACK)
    overused = {
        names[j]: float(over[j])
        for j in np.argsort(-over, kind="stable")
        if over[j] > OVERUSE_SLACK
    }
    max_overuse = float(np.max(over, initial=0.0)) if plan.activity or len(labour) else None

    shortfall: float | None = None
    if plan.activity:
        net = snap.B @ x - snap.A @ x
        goods = ~snap.is_resource & (delivered > 0)
        gap = (delivered - net)[goods] / np.maximum(delivered[goods], 1e-300)
        shortfall = float(np.max(gap, initial=0.0))

    with_demand = np.flatnonzero((demand > 0) & ~snap.is_resource)
    ratio = delivered[with_demand] / demand[with_demand]
    fulfilment = {snap.product_ids[i]: float(r) for i, r in zip(with_demand, ratio, strict=True)}
    unmet = {snap.product_ids[i]: float(max(0.0, demand[i] - delivered[i])) for i in with_demand}
    return MechanismRun(
        mechanism=record.mechanism,
        seed=record.seed,
        status=record.status,
        rounds=record.rounds,
        time_s=record.time_s,
        peak_memory_mb=record.peak_memory_mb,
        labour_used=float(labour.sum()),
        labour_available=float(snap.coop_hours.sum()),
        labour_beyond_hours=float(np.where(beyond, labour - snap.coop_hours, 0.0).sum()),
        limits_exceeded=len(overused),
        overused=overused,
        max_overuse=max_overuse,
        balance_shortfall=shortfall,
        fulfilment=fulfilment,
        unmet=unmet,
        lowest_fulfilment=float(ratio.min()) if len(ratio) else None,
        mean_fulfilment=float(np.minimum(ratio, 1.0).mean()) if len(ratio) else None,
        harmony=_harmony(economy, delivered),
        details=dict(plan.details) if keep_details else {},
    )
