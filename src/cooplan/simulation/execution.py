"""Carrying out a plan: shortfalls, and how they cascade through a taut plan.

Each process can run at most its planned level times its coop's output factor. A product's
supply is what is made plus the stock held in reserve (for a natural resource, its
endowment); processes are served before final use, and when a product falls short its users
are rationed in proportion, which cuts their own output, which may starve their users in
turn: the cascade. :func:`execute` repeats the rationing until no product is short (levels
only ever fall) and reports how many rounds the cascade ran; where a supply cycle makes it
crawl, it stops after ``max_rounds`` and settles the most work that can still run with no
deficit (an LP). What is left after intermediate use goes to the public up to (shifted)
demand; any rest is carried over as stock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplan.model.snapshot import EconomySnapshot
from cooplan.simulation.disturbances import Disturbance


@dataclass(frozen=True)
class Execution:
    """What happened in one period (arrays in snapshot order)."""

    planned_activity: np.ndarray
    activity: np.ndarray
    production: np.ndarray
    intermediate_use: np.ndarray
    final_delivered: np.ndarray
    final_demand: np.ndarray
    stock_after: np.ndarray
    cascade_rounds: int

    @property
    def unmet_demand(self) -> np.ndarray:
        """Final demand not delivered, per product (units)."""
        return np.maximum(self.final_demand - self.final_delivered, 0.0)

    @property
    def shortfall(self) -> np.ndarray:
        """Planned minus realised activity, per process."""
        return self.planned_activity - self.activity

    def fulfilment(self) -> float:
        """Delivered share of final demand, weighted by quantity (1.0 when none demanded)."""
        demand = self.final_demand.sum()
        return (
            float(np.minimum(self.final_delivered, self.final_demand).sum() / demand)
            if demand
            else 1.0
        )


def _salvage(
    A: sp.csr_matrix, B: sp.csr_matrix, held: np.ndarray, ceiling: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """The most work (labour-weighted) that can run at or below ``ceiling`` with no deficit.

    On a supply cycle proportional rationing only approaches its fixed point geometrically;
    after ``max_rounds`` the coops settle what they can still run with an LP (HiGHS):
    maximise Σ w_p x_p subject to (A − B) x ≤ held, 0 ≤ x ≤ ceiling.
    """
    finite = np.isfinite(held)
    result = linprog(
        -np.maximum(weight, 1e-9),
        A_ub=(A - B)[finite],
        b_ub=held[finite],
        bounds=np.column_stack([np.zeros_like(ceiling), ceiling]),
        method="highs",
    )
    if result.status != 0:  # pragma: no cover - x = 0 is always feasible
        return np.zeros_like(ceiling)
    return np.minimum(np.maximum(result.x, 0.0), ceiling)


def execute(
    snapshot: EconomySnapshot,
    planned_activity: np.ndarray,
    disturbance: Disturbance,
    stock: np.ndarray | None = None,
    *,
    max_rounds: int = 200,
) -> Execution:
    """Carry out ``planned_activity`` under ``disturbance`` with ``stock`` held in reserve."""
    stock = np.zeros(snapshot.n_products) if stock is None else np.asarray(stock, float)
    capacity_factor = disturbance.output_factor[snapshot.process_coop]
    activity = np.asarray(planned_activity, float) * capacity_factor
    A, B = snapshot.A.tocsr(), snapshot.B.tocsr()
    A_users = snapshot.A.tocsc()
    endowment = np.where(snapshot.is_resource, snapshot.resource_available, 0.0)
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - the count is reported
        supply = B @ activity + stock + endowment  # inf for unlimited resources
        need = A @ activity
        short = need > supply * (1 + 1e-12)
        if not short.any():
            break
        ratio = np.ones(snapshot.n_products)
        ratio[short] = supply[short] / need[short]
        # Each process runs at the share its scarcest input allows.
        scaled = A_users.copy()
        scaled.data = ratio[scaled.indices]
        allowed = np.ones(snapshot.n_processes)
        has_inputs = np.diff(scaled.indptr) > 0
        if has_inputs.any():
            allowed[has_inputs] = np.minimum.reduceat(scaled.data, scaled.indptr[:-1][has_inputs])
        activity = activity * np.minimum(allowed, 1.0)
    else:
        activity = _salvage(A, B, stock + endowment, activity, snapshot.process_labour)
    production = B @ activity
    intermediate = A @ activity
    demand = np.bincount(
        snapshot.demand_product,
        weights=snapshot.demand_quantity * disturbance.demand_factor,
        minlength=snapshot.n_products,
    )
    left = production + stock - intermediate
    # Natural resources: their endowment covers their use; what is not used is not stocked.
    left = np.where(snapshot.is_resource, 0.0, left)
    available = np.maximum(left, 0.0)
    delivered = np.minimum(available, demand)
    return Execution(
        planned_activity=np.asarray(planned_activity, float),
        activity=activity,
        production=production,
        intermediate_use=intermediate,
        final_delivered=delivered,
        final_demand=demand,
        stock_after=available - delivered,
        cascade_rounds=rounds,
    )
