"""The harmony planning problem in array form, built once from an economy snapshot.

Harmony planning works at federation level: each demand row k (product i, region r) has its
own target d_k, priority w_k and floor f_k, and its own delivery y_k; a product's net output
is Σ_k y_k over its rows. Transport between regions is not modelled (links are taken as
unlimited and free). Natural-resource demand rows are taken out of the endowment at their
floor.

A plan is given by deliveries y (per demand row) and technique shares φ (the share of good
i's gross output q_i made by each of its processes): x_p = φ_p q_i with q = A_φ q + Y,
Y_i = Σ_{k of i} y_k. Balances then hold exactly; the other constraints (coop hours, capacities,
resource endowments) are linear in (x) and checked apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot

FloatArray = np.ndarray
IntArray = np.ndarray


@dataclass(frozen=True, eq=False)
class HarmonyProblem:
    """Arrays of one harmony problem (dense indices into the snapshot; read-only).

    ``inputs`` (products × processes, CSR) is net use of produced goods per unit of activity
    (inputs minus joint outputs; the main product excluded). ``usage`` (constraints ×
    processes, CSR) is the use of each limited thing per unit of activity, divided by its
    limit: rows are coops (hours), finite resources (units), finite capacities (units). A plan
    is within limits iff ``usage @ x ≤ 1``.
    """

    snapshot: EconomySnapshot
    inputs: sp.csr_matrix
    inputs_t: sp.csr_matrix
    usage: sp.csr_matrix
    usage_t: sp.csr_matrix
    constraint_kind: tuple[str, ...]
    constraint_id: tuple[str, ...]
    process_product: IntArray
    process_order: IntArray
    group_starts: IntArray
    group_products: IntArray
    runnable: np.ndarray
    producible: np.ndarray
    row_product: IntArray
    row_target: FloatArray
    row_weight: FloatArray
    row_floor: FloatArray

    @property
    def n_products(self) -> int:
        return self.snapshot.n_products

    @property
    def n_processes(self) -> int:
        return self.snapshot.n_processes

    @property
    def n_constraints(self) -> int:
        return int(self.usage.shape[0])

    @cached_property
    def objective_rows(self) -> IntArray:
        """Demand rows that carry harmony: positive target and priority, producible good."""
        return np.flatnonzero(
            (self.row_target > 0) & (self.row_weight > 0) & self.producible[self.row_product]
        )

    def per_product(self, row_values: FloatArray) -> FloatArray:
        """Sum of a per-demand-row quantity over the rows of each product."""
        total: FloatArray = np.bincount(
            self.row_product, weights=row_values, minlength=self.n_products
        ).astype(float)
        return total

    @property
    def target(self) -> FloatArray:
        """Final demand per product (non-resource rows)."""
        return self.per_product(self.row_target)

    @property
    def floor(self) -> FloatArray:
        """Floor per product (non-resource rows)."""
        return self.per_product(self.row_floor)

    def cheapest(self, cost: FloatArray) -> FloatArray:
        """Per product, the least ``cost`` over its runnable processes (``inf`` where none)."""
        result = np.full(self.n_products, np.inf)
        ordered = cost[self.process_order]
        if len(ordered):
            mins = np.minimum.reduceat(ordered, self.group_starts)
            result[self.group_products] = mins
        return result


def _runnable(snap: EconomySnapshot, produced_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Processes that can run (every produced input has a runnable maker) and goods they make."""
    runnable = np.isfinite(snap.process_labour) & (snap.process_capacity > 0)
    uses = (snap.A[produced_rows] > 0).astype(np.int8).tocsc()
    while True:
        producible = np.zeros(snap.n_products, dtype=bool)
        producible[snap.process_product[runnable]] = True
        missing = ~producible[produced_rows]
        blocked = np.asarray(uses[missing].sum(axis=0)).ravel() > 0
        still = runnable & ~blocked
        if np.array_equal(still, runnable):
            return runnable, producible
        runnable = still


def build_problem(snap: EconomySnapshot) -> HarmonyProblem:
    """Turn a snapshot into a :class:`HarmonyProblem` (one pass, vectorised)."""
    n, m = snap.n_products, snap.n_processes
    resource = snap.is_resource
    produced_rows = np.flatnonzero(~resource)
    runnable, producible = _runnable(snap, produced_rows)
    producible &= ~resource

    main = sp.csc_matrix((np.ones(m), (snap.process_product, np.arange(m))), shape=(n, m))
    net_use = (snap.A - (snap.B - main)).tocsr()
    keep = np.zeros(n)
    keep[produced_rows] = 1.0
    inputs = (sp.diags(keep) @ net_use).tocsr()
    inputs.eliminate_zeros()

    demand_is_resource = resource[snap.demand_product]
    rows = np.flatnonzero(~demand_is_resource)
    row_product = np.asarray(snap.demand_product[rows], dtype=np.int64)
    row_target = snap.demand_quantity[rows].astype(float)
    row_weight = np.where(row_target > 0, snap.demand_priority[rows], 0.0).astype(float)
    row_floor = np.where(producible[row_product], snap.demand_floor[rows], 0.0).astype(float)
    resource_demand = np.bincount(
        snap.demand_product[demand_is_resource],
        weights=snap.demand_floor[demand_is_resource],
        minlength=n,
    )

    blocks: list[sp.csr_matrix] = []
    kinds: list[str] = []
    ids: list[str] = []
    hours = snap.coop_hours
    blocks.append(
        sp.csr_matrix(
            (
                snap.process_labour / np.maximum(hours[snap.process_coop], 1e-300),
                (snap.process_coop, np.arange(m)),
            ),
            shape=(snap.n_coops, m),
        )
    )
    kinds += ["coop"] * snap.n_coops
    ids += list(snap.coop_ids)
    limited = np.flatnonzero(resource & np.isfinite(snap.resource_available))
    if len(limited):
        left = np.maximum(snap.resource_available[limited] - resource_demand[limited], 1e-300)
        blocks.append((sp.diags(1.0 / left) @ snap.A[limited]).tocsr())
        kinds += ["resource"] * len(limited)
        ids += [snap.product_ids[i] for i in limited]
    capped = np.flatnonzero(np.isfinite(snap.process_capacity) & runnable)
    if len(capped):
        blocks.append(
            sp.csr_matrix(
                (1.0 / snap.process_capacity[capped], (np.arange(len(capped)), capped)),
                shape=(len(capped), m),
            )
        )
        kinds += ["capacity"] * len(capped)
        ids += [snap.process_ids[p] for p in capped]
    usage = sp.vstack(blocks).tocsr()
    # Processes that cannot run are cut out of every matrix.
    dead = sp.diags(runnable.astype(float))
    inputs = (inputs @ dead).tocsr()
    usage = (usage @ dead).tocsr()
    inputs.eliminate_zeros()
    usage.eliminate_zeros()

    alive = np.flatnonzero(runnable)
    order = alive[np.argsort(snap.process_product[alive], kind="stable")]
    products_sorted = snap.process_product[order]
    starts = (
        np.flatnonzero(np.r_[True, products_sorted[1:] != products_sorted[:-1]])
        if len(order)
        else np.zeros(0, dtype=np.int64)
    )
    return HarmonyProblem(
        snapshot=snap,
        inputs=inputs,
        inputs_t=inputs.T.tocsr(),
        usage=usage,
        usage_t=usage.T.tocsr(),
        constraint_kind=tuple(kinds),
        constraint_id=tuple(ids),
        process_product=np.asarray(snap.process_product, dtype=np.int64),
        process_order=order,
        group_starts=starts,
        group_products=products_sorted[starts] if len(order) else np.zeros(0, dtype=np.int64),
        runnable=runnable,
        producible=producible,
        row_product=row_product,
        row_target=row_target,
        row_weight=row_weight,
        row_floor=row_floor,
    )
