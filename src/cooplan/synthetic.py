"""Seeded synthetic planning economies, from 10 to 10⁶ products, for tests and benchmarks.

:func:`synthetic_snapshot` builds the array form (:class:`~cooplan.model.EconomySnapshot`)
directly with vectorised NumPy (no Python loop over rows), so 10⁶ products × 20 inputs take
seconds and about 1 GB. :func:`synthetic_economy` builds the same instance as validated pandas
tables (an :class:`~cooplan.model.Economy`, for small sizes) so it can be written as a folder;
``build_snapshot(synthetic_economy(...))`` gives the same arrays as ``synthetic_snapshot(...)``.

Construction (all draws from one ``numpy.random.default_rng(seed)``):

* ``n_products`` produced goods ``P0..``, then ``n_resources`` natural resources ``R0..``.
* ``techniques`` processes per good (process ``x{i*techniques+k}`` makes good ``i``), each with
  ``inputs_per_process`` distinct produced inputs (never its own product) whose coefficients
  add up to a column sum drawn uniformly in ``[max_column_sum/2, max_column_sum]``; so
  ``ρ(A_π) ≤ max_column_sum < 1`` for every choice of technique: productive by construction.
  With resources, each process also uses one resource (0.1–1 units per unit).
* Labour per unit uniform in ``[0.2, 1.0]`` hours; final demand uniform in ``[0.5, 1.5]`` units
  (scaled so that a coop holds about 25 members of 1,600 hours) for every good, positive;
  ``floor_share`` of it is a floor.
* Processes are spread over ``n_coops`` coops (default ``max(1, n_products // 10)``), every coop
  running at least one; coops are spread over ``regions`` regions (one group per region).
* Reference plans, each delivering ``d + f`` (as the planning LP asks): ``x_even`` (every
  technique of a good runs an equal share) and ``x_cheap`` (the non-substitution plan: the
  least labour value technique per good, by value iteration). Coop hours are
  ``max(usage of x_even, usage of x_cheap)`` times ``U(1.0, 1.1)`` for a ``tight_share`` of the
  coops (the bottlenecks) and ``U(2.0, 4.0)`` for the others, so both plans fit, the
  min-labour plan is feasible and a few coops bind when λ is maximised. A ``capacity_share``
  of the goods gets a capacity on the process ``x_cheap`` runs, ``max(x_even_p,
  x_cheap_p × U(0.5, 1.0))``: below what the cheapest plan wants, so those capacities bind,
  yet ``x_even`` still fits. Resource endowments are ``U(1.0, 1.1)`` × the most that
  ``x_even`` or ``x_cheap`` needs (they bind when λ is maximised). Every bound keeps a
  margin of 0.1 % above the reference plans, so that they fit strictly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cooplan.model.economy import Economy, EconomyMeta
from cooplan.model.snapshot import EconomySnapshot
from cooplan.model.validate import build_economy

_HOURS_PER_MEMBER = 1600.0  # hours a synthetic coop member works per period (assumption)
_MEMBERS_PER_COOP = 25.0  # average coop size aimed at when scaling demand (assumption)
_MARGIN = 1.001  # room left above the reference plans, so that they fit strictly


def _distinct_inputs(rng: np.random.Generator, owner: np.ndarray, n: int, k: int) -> np.ndarray:
    """For each process (its good ``owner``), ``k`` distinct input goods other than its own."""
    m = owner.size
    if k == 0:
        return np.empty((m, 0), dtype=np.int64)
    if k * 4 >= n or n <= 64:
        # Small economies: a random permutation of the other goods per process.
        keys = rng.random((m, n - 1))
        offsets = np.argsort(keys, axis=1)[:, :k] + 1
    else:
        offsets = rng.integers(1, n, size=(m, k))
        while True:
            offsets.sort(axis=1)
            dup = np.zeros_like(offsets, dtype=bool)
            dup[:, 1:] = offsets[:, 1:] == offsets[:, :-1]
            count = int(dup.sum())
            if count == 0:
                break
            offsets[dup] = rng.integers(1, n, size=count)
    return (owner[:, None] + offsets) % n


def _leontief_plan(
    a_sel: sp.csc_matrix, demand: np.ndarray, sweeps: int = 400, rtol: float = 1e-13
) -> np.ndarray:
    """x = A_sel x + d by successive approximation (A_sel productive)."""
    x = demand.copy()
    for _ in range(sweeps):
        new = a_sel @ x + demand
        if np.max(np.abs(new - x)) <= rtol * np.max(np.abs(new)):
            return np.asarray(new)
        x = new
    return np.asarray(x)


def synthetic_snapshot(
    n_products: int,
    techniques: int = 2,
    inputs_per_process: int = 20,
    *,
    n_coops: int | None = None,
    capacity_share: float = 0.0,
    n_resources: int = 0,
    regions: int = 1,
    max_column_sum: float = 0.7,
    floor_share: float = 0.0,
    tight_share: float = 0.01,
    seed: int = 0,
) -> EconomySnapshot:
    """A productive random planning economy as an :class:`EconomySnapshot` (see module doc).

    ``n_products`` produced goods (plus ``n_resources`` resources), ``techniques`` processes per
    good with ``min(inputs_per_process, n_products - 1)`` distinct inputs each; column sums of
    A at most ``max_column_sum`` (< 1); ``capacity_share`` (0–1) of the goods get a capacity
    below what the least-labour plan wants; ``tight_share`` (0–1) of the coops get hours within
    10 % of what the reference plans use; ``floor_share`` of each demand is a floor; coops and
    demand are spread over ``regions``. Same arguments and seed → identical arrays. Raises
    ``ValueError`` for arguments outside these ranges.
    """
    if n_products < 1 or techniques < 1:
        raise ValueError("n_products and techniques must be at least 1")
    if not 0.0 < max_column_sum < 1.0:
        raise ValueError("max_column_sum must lie in (0, 1) for a productive economy")
    if not 0.0 <= capacity_share <= 1.0 or not 0.0 <= floor_share <= 1.0:
        raise ValueError("capacity_share and floor_share must lie in [0, 1]")
    rng = np.random.default_rng(seed)
    n, t, r = n_products, techniques, n_resources
    m = n * t
    k = min(inputs_per_process, n - 1)
    n_coops = max(1, n // 10) if n_coops is None else n_coops
    if not 1 <= n_coops <= m or not 1 <= regions <= n_coops:
        raise ValueError("need 1 ≤ regions ≤ n_coops ≤ number of processes")

    owner = np.repeat(np.arange(n, dtype=np.int64), t)
    rows = _distinct_inputs(rng, owner, n, k)
    weights = rng.random((m, k)) + 0.05
    column_sum = max_column_sum * rng.uniform(0.5, 1.0, size=m)
    coef = weights * (column_sum / np.maximum(weights.sum(axis=1), 1e-300))[:, None]
    indptr = np.arange(m + 1, dtype=np.int64) * k
    a_prod = sp.csc_matrix((coef.ravel(), rows.ravel(), indptr), shape=(n + r, m))
    if r > 0:
        res_rows = n + rng.integers(0, r, size=m)
        res_coef = rng.uniform(0.1, 1.0, size=m)
        a_res = sp.csc_matrix(
            (res_coef, res_rows, np.arange(m + 1, dtype=np.int64)), shape=(n + r, m)
        )
        A = (a_prod + a_res).tocsc()
    else:
        A = a_prod
    A.sort_indices()
    B = sp.csc_matrix(
        (np.ones(m), owner.copy(), np.arange(m + 1, dtype=np.int64)), shape=(n + r, m)
    )
    labour = rng.uniform(0.2, 1.0, size=m)
    demand = rng.uniform(0.5, 1.5, size=n)

    a_nn = A[:n, :]
    # x_even: every technique of a good runs 1/t of it (averaged columns).
    averaging = sp.csr_matrix((np.full(m, 1.0 / t), (np.arange(m), owner)), shape=(m, n))
    a_even = (a_nn @ averaging).tocsc()
    unit_even = _leontief_plan(a_even, demand)
    # x_cheap: least labour value technique per good (value iteration v = min_p l_p + a_p·v).
    values = np.zeros(n)
    a_t = a_nn.T.tocsr()
    for _ in range(400):
        cost = labour + a_t @ values
        new = cost.reshape(n, t).min(axis=1)
        done = np.max(np.abs(new - values)) <= 1e-12 * np.max(new)
        values = new
        if done:
            break
    choice = np.arange(n) * t + np.argmin((labour + a_t @ values).reshape(n, t), axis=1)
    unit_cheap = _leontief_plan(a_nn[:, choice].tocsc(), demand)

    # Scale demand so that an average coop has about 25 members of 1,600 hours.
    total_labour = float(values @ demand)
    scale = n_coops * _MEMBERS_PER_COOP * _HOURS_PER_MEMBER / total_labour
    demand *= scale
    # Reference plans are sized for (1 + floor_share) × d: a margin that keeps instances with
    # floors feasible (a floor is the guaranteed part of its target, see docs/format.md).
    x_even = np.repeat(unit_even * scale * (1.0 + floor_share) / t, t)
    x_cheap = np.zeros(m)
    x_cheap[choice] = unit_cheap * scale * (1.0 + floor_share)

    process_coop = rng.permutation(m) % n_coops
    usage_even = np.bincount(process_coop, weights=labour * x_even, minlength=n_coops)
    usage_cheap = np.bincount(process_coop, weights=labour * x_cheap, minlength=n_coops)
    tight = rng.random(n_coops) < tight_share
    factor = np.where(
        tight, rng.uniform(1.0, 1.1, size=n_coops), rng.uniform(2.0, 4.0, size=n_coops)
    )
    hours = np.maximum(usage_even, usage_cheap) * factor * _MARGIN
    members = np.maximum(1, np.round(hours / _HOURS_PER_MEMBER)).astype(np.int64)
    hours_per_member = hours / members
    coop_hours = members * hours_per_member

    capacity = np.full(m, np.inf)
    n_capped = round(capacity_share * n)
    if n_capped > 0:
        capped = rng.choice(choice, size=min(n_capped, n), replace=False)
        capped.sort()
        capacity[capped] = np.maximum(
            x_even[capped] * _MARGIN, x_cheap[capped] * rng.uniform(0.5, 1.0, size=capped.size)
        )
    available = np.full(n + r, np.inf)
    if r > 0:
        need = np.maximum(A[n:, :] @ x_even, A[n:, :] @ x_cheap)
        available[n:] = need * rng.uniform(1.0, 1.1, size=r) * _MARGIN

    coop_region = np.arange(n_coops, dtype=np.int64) % regions
    demand_region = (
        np.full(n, -1, dtype=np.int64) if regions == 1 else np.arange(n, dtype=np.int64) % regions
    )
    width = len(str(max(n, m, n_coops, r, 1)))
    return EconomySnapshot(
        product_ids=tuple(f"P{i:0{width}d}" for i in range(n))
        + tuple(f"R{i:0{width}d}" for i in range(r)),
        product_kind=("good",) * n + ("resource",) * r,
        coop_ids=tuple(f"C{c:0{width}d}" for c in range(n_coops)),
        coop_region=coop_region,
        coop_group=coop_region.copy(),
        coop_members=members,
        coop_workers=members.copy(),
        coop_hours=coop_hours,
        region_ids=tuple(f"r{g}" for g in range(regions)),
        group_ids=tuple(f"g{g}" for g in range(regions)),
        group_parent=np.full(regions, -1, dtype=np.int64),
        process_ids=tuple(f"x{p:0{width}d}" for p in range(m)),
        process_coop=process_coop.astype(np.int64),
        process_product=owner,
        process_labour=labour,
        process_capacity=capacity,
        A=A,
        B=B,
        demand_product=np.arange(n, dtype=np.int64),
        demand_region=demand_region,
        demand_quantity=demand,
        demand_floor=floor_share * demand,
        demand_priority=np.ones(n),
        resource_available=available,
        link_from=np.empty(0, dtype=np.int64),
        link_to=np.empty(0, dtype=np.int64),
        link_cost=np.empty(0),
        link_product=np.empty(0, dtype=np.int64),
        link_capacity=np.empty(0),
    )


def snapshot_to_economy(snapshot: EconomySnapshot, name: str = "synthetic") -> Economy:
    """The validated table form of a snapshot without transport links or joint products."""
    s = snapshot
    hours_per_member = s.coop_hours / np.maximum(s.coop_workers, 1)
    A = s.A.tocoo()
    demand_region: list[str | None] = [
        None if g < 0 else s.region_ids[g] for g in s.demand_region.tolist()
    ]
    pid, xid, cid = s.product_ids, s.process_ids, s.coop_ids
    finite = np.flatnonzero(np.isfinite(s.resource_available))
    tables: dict[str, pd.DataFrame | None] = {
        "products": pd.DataFrame(
            {"id": list(pid), "name": list(pid), "unit": "unit", "kind": list(s.product_kind)}
        ),
        "coops": pd.DataFrame(
            {
                "id": list(cid),
                "name": list(cid),
                "region": [s.region_ids[g] for g in s.coop_region.tolist()],
                "group": [s.group_ids[g] for g in s.coop_group.tolist()],
                "members": s.coop_members,
                "hours_per_member": hours_per_member,
            }
        ),
        "processes": pd.DataFrame(
            {
                "id": list(xid),
                "coop": [cid[c] for c in s.process_coop.tolist()],
                "product": [pid[i] for i in s.process_product.tolist()],
                "labour": s.process_labour,
                "capacity": np.where(np.isfinite(s.process_capacity), s.process_capacity, np.nan),
            }
        ),
        "inputs": pd.DataFrame(
            {
                "process": [xid[p] for p in A.col.tolist()],
                "product": [pid[i] for i in A.row.tolist()],
                "quantity": A.data,
            }
        ),
        "demand": pd.DataFrame(
            {
                "product": [pid[i] for i in s.demand_product.tolist()],
                "region": demand_region,
                "quantity": s.demand_quantity,
                "floor": s.demand_floor,
                "priority": s.demand_priority,
            }
        ),
        "resources": pd.DataFrame(
            {
                "product": [pid[i] for i in finite.tolist()],
                "available": s.resource_available[finite],
            }
        )
        if finite.size
        else None,
        "regions": pd.DataFrame({"id": list(s.region_ids), "name": list(s.region_ids)}),
        "groups": pd.DataFrame(
            {"id": list(s.group_ids), "name": list(s.group_ids), "parent": None, "axis": "region"}
        ),
    }
    meta = EconomyMeta(name=name, description="synthetic planning economy (cooplan.synthetic)")
    return build_economy(meta, tables, source=f"<{name}>")


def synthetic_economy(
    n_products: int,
    techniques: int = 2,
    inputs_per_process: int = 20,
    *,
    n_coops: int | None = None,
    capacity_share: float = 0.0,
    n_resources: int = 0,
    regions: int = 1,
    max_column_sum: float = 0.7,
    floor_share: float = 0.0,
    tight_share: float = 0.01,
    seed: int = 0,
) -> Economy:
    """The economy of :func:`synthetic_snapshot` (same arguments) as validated tables.

    Meant for small sizes (up to about 10⁴ products): it builds one pandas row per input.
    """
    snapshot = synthetic_snapshot(
        n_products,
        techniques,
        inputs_per_process,
        n_coops=n_coops,
        capacity_share=capacity_share,
        n_resources=n_resources,
        regions=regions,
        max_column_sum=max_column_sum,
        floor_share=floor_share,
        tight_share=tight_share,
        seed=seed,
    )
    return snapshot_to_economy(snapshot, name=f"synthetic-{n_products}-{seed}")
