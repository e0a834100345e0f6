"""Least-cost Leontief plans with process capacities, by a capacity-aware policy iteration.

For ``min c·x s.t. (I - A) x ≥ y, 0 ≤ x ≤ u`` with ``c ≥ 0`` where every product has at least
one process without a capacity: in an optimal basis each product has one *marginal* process
(basic, below its capacity) and its processes cheaper at the margin run at full capacity.
Given values ``v`` (``q_p = c_p + Σ_j a_jp v_j``) and gross outputs ``z``, each product's
processes are taken in order of ``q``: full ones while their capacities stay below ``z_i``,
then the marginal one (an uncapped process always qualifies). Then values and plan are
recomputed for that assignment, until it no longer changes. At that point ``v`` and
``μ_p = v_i - q_p ≥ 0`` on the full processes are optimal duals (capacity rents), and the plan
meets every capacity exactly: the pair is checked by the caller's certificate anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cooplan.planning.largescale.leontief import LeontiefCore


@dataclass(frozen=True)
class BoundedPlan:
    """Values, marginal policy, plan, capacity rents and whether the iteration settled."""

    values: np.ndarray
    policy: np.ndarray
    full: np.ndarray  # processes at capacity
    x: np.ndarray
    rents: np.ndarray  # μ_p ≥ 0 per process (0 off capacity)
    settled: bool
    flipping: np.ndarray  # processes going in and out of capacity when not settled


def _assign(
    core: LeontiefCore, q: np.ndarray, capacity: np.ndarray, gross: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Marginal process per product and the processes at capacity, from q and gross outputs."""
    order = np.lexsort((np.arange(q.size), q, core.main_row))
    rows = core.main_row[order]
    cap = capacity[order]
    free = np.isinf(cap)
    starts = np.searchsorted(rows, np.arange(core.n_rows))
    csum = np.cumsum(np.where(free, 0.0, cap))
    before_group = np.concatenate([[0.0], csum])[starts][rows]
    cum = csum - before_group
    free_count = np.cumsum(free)
    free_before_group = np.concatenate([[0], free_count])[starts][rows]
    any_free = (free_count - free_before_group) > 0
    enough = any_free | (cum >= gross[rows])
    # First position of each group that is enough: the marginal process.
    hits = np.flatnonzero(enough)
    first = hits[np.r_[True, rows[hits[1:]] != rows[hits[:-1]]]]
    policy = order[first]
    full = order[np.arange(q.size) < np.repeat(first, np.diff(np.append(starts, q.size)))]
    return policy, np.sort(full)


def bounded_least_cost(
    core: LeontiefCore,
    cost: np.ndarray,
    capacity: np.ndarray,
    rhs: np.ndarray,
    policy: np.ndarray | None,
    values: np.ndarray | None,
    max_rounds: int = 30,
) -> BoundedPlan:
    """Capacity-aware policy iteration (see module doc); ``capacity`` is ``inf`` where free."""
    v, policy, _ = core.values(cost, policy, values)
    x = core.plan(policy, rhs)
    full = np.empty(0, dtype=np.int64)
    settled = False
    flipping = np.empty(0, dtype=np.int64)
    visited: set[bytes] = set()
    for _ in range(max_rounds):
        gross = np.bincount(core.main_row, weights=x, minlength=core.n_rows)
        q = cost + core.inputs_t @ v
        new_policy, new_full = _assign(core, q, capacity, gross)
        same = np.array_equal(new_policy, policy) and np.array_equal(new_full, full)
        if same and _within(x, policy, capacity):
            settled = True
            break
        flipping = np.union1d(flipping, np.setdiff1d(full, new_full))  # left capacity
        state = new_policy.tobytes() + new_full.tobytes()
        if state in visited:
            break  # a cycle: this assignment will not settle
        visited.add(state)
        policy, full = new_policy, new_full
        v = core.evaluate(policy, cost, v)
        shifted = rhs.copy()
        if full.size:
            made = capacity[full]
            shifted -= np.bincount(core.main_row[full], weights=made, minlength=core.n_rows)
            shifted += core.inputs[:, full] @ made
        x = core.plan(policy, shifted, x[policy])
        x[full] = capacity[full]
    q = cost + core.inputs_t @ v
    rents = np.zeros(q.size)
    if full.size:
        rents[full] = np.maximum(v[core.main_row[full]] - q[full], 0.0)
    return BoundedPlan(v, policy, full, x, rents, settled, flipping)


def _within(x: np.ndarray, policy: np.ndarray, capacity: np.ndarray) -> bool:
    marginal = x[policy]
    scale = max(float(np.max(np.abs(x), initial=0.0)), 1e-300)
    return bool(
        np.all(marginal >= -1e-12 * scale)
        and np.all(marginal <= capacity[policy] * (1 + 1e-12) + 1e-12 * scale)
    )
