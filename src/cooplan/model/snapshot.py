"""The immutable array form of an economy that every algorithm works on.

Stable string ids stay outside; inside, products, coops, processes, regions and groups are
dense row indices 0..n-1 in the order of the tables. One converter, :func:`build_snapshot`,
turns an :class:`~cooplan.model.economy.Economy` into an :class:`EconomySnapshot`.

Conventions (units are those of the economy's tables):

* ``A`` (products × processes, CSC): units of product i used per unit of activity of process p.
* ``B`` (products × processes, CSC): units of product i made per unit of activity of p; the
  main product contributes 1, joint products their quantity. Activity is measured in units
  of the main product.
* ``process_labour[p]``: labour per unit of activity; ``process_capacity[p]``: ``inf`` when
  unbounded.
* ``coop_hours[c]``: labour available to coop c per period, (members + non-members) × hours.
* Demand rows keep their region (``-1`` = delivered anywhere in the federation).
* ``resource_available[i]``: endowment of natural resource i; ``inf`` for products that are
  not resources and for resources without a row in resources.csv (not limited).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cooplan.model.economy import Economy
from cooplan.model.schema import ProductKind

FloatArray = np.ndarray
IntArray = np.ndarray


def _index(ids: tuple[str, ...]) -> dict[str, int]:
    return {value: i for i, value in enumerate(ids)}


@dataclass(frozen=True, eq=False)
class EconomySnapshot:
    """Arrays and sparse matrices of one economy (read-only by contract)."""

    product_ids: tuple[str, ...]
    product_kind: tuple[str, ...]
    coop_ids: tuple[str, ...]
    coop_region: IntArray
    coop_group: IntArray
    coop_members: IntArray
    coop_workers: IntArray
    coop_hours: FloatArray
    region_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    group_parent: IntArray
    process_ids: tuple[str, ...]
    process_coop: IntArray
    process_product: IntArray
    process_labour: FloatArray
    process_capacity: FloatArray
    A: sp.csc_matrix
    B: sp.csc_matrix
    demand_product: IntArray
    demand_region: IntArray
    demand_quantity: FloatArray
    demand_floor: FloatArray
    demand_priority: FloatArray
    resource_available: FloatArray
    link_from: IntArray
    link_to: IntArray
    link_cost: FloatArray
    link_product: IntArray
    link_capacity: FloatArray

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @property
    def n_processes(self) -> int:
        return len(self.process_ids)

    @property
    def n_coops(self) -> int:
        return len(self.coop_ids)

    @property
    def n_regions(self) -> int:
        return len(self.region_ids)

    @cached_property
    def product_index(self) -> dict[str, int]:
        return _index(self.product_ids)

    @cached_property
    def coop_index(self) -> dict[str, int]:
        return _index(self.coop_ids)

    @cached_property
    def process_index(self) -> dict[str, int]:
        return _index(self.process_ids)

    @cached_property
    def region_index(self) -> dict[str, int]:
        return _index(self.region_ids)

    @cached_property
    def is_resource(self) -> np.ndarray:
        """Boolean mask of natural resources (not produced)."""
        return np.array([k == ProductKind.RESOURCE for k in self.product_kind], dtype=bool)

    @cached_property
    def final_demand(self) -> FloatArray:
        """Total final demand per product over all regions."""
        return np.bincount(
            self.demand_product, weights=self.demand_quantity, minlength=self.n_products
        ).astype(float)

    @cached_property
    def net_output(self) -> sp.csc_matrix:
        """B − A: net output of each product per unit of each process."""
        return (self.B - self.A).tocsc()

    @cached_property
    def coop_process_matrix(self) -> sp.csr_matrix:
        """Coops × processes: labour of process p charged to its coop (l_p in row coop(p))."""
        return sp.csr_matrix(
            (self.process_labour, (self.process_coop, np.arange(self.n_processes))),
            shape=(self.n_coops, self.n_processes),
        )

    @cached_property
    def producers(self) -> list[np.ndarray]:
        """For each product, the processes whose main product it is (ascending)."""
        order = np.argsort(self.process_product, kind="stable")
        bounds = np.searchsorted(self.process_product[order], np.arange(self.n_products + 1))
        return [order[bounds[i] : bounds[i + 1]] for i in range(self.n_products)]


def _lookup(ids: pd.Index, values: object, missing: int = -1) -> IntArray:
    """Position in ``ids`` of each of ``values`` (``missing`` for None); KeyError naming the
    first value that is not an id (a validated economy has none)."""
    column = pd.Series(values, dtype=object)
    absent = column.isna().to_numpy()
    codes = ids.get_indexer(pd.Index(column))
    unknown = (codes < 0) & ~absent
    if unknown.any():
        raise KeyError(column.to_numpy()[np.flatnonzero(unknown)[0]])
    return np.where(absent, missing, codes).astype(np.int64)


def build_snapshot(economy: Economy) -> EconomySnapshot:
    """Convert a validated economy into its array snapshot (the one converter)."""
    products = economy.products
    product_ids = tuple(products["id"].tolist())
    pidx = pd.Index(product_ids)
    coops = economy.coops
    coop_ids = tuple(coops["id"].tolist())
    cidx = pd.Index(coop_ids)
    region_ids = tuple(economy.regions["id"].tolist())
    ridx = pd.Index(region_ids)
    groups = economy.groups
    group_ids = tuple(groups["id"].tolist())
    gidx = pd.Index(group_ids)
    procs = economy.processes
    process_ids = tuple(procs["id"].tolist())
    xidx = pd.Index(process_ids)
    n, m = len(product_ids), len(process_ids)

    inputs = economy.inputs
    A = sp.csc_matrix(
        (
            inputs["quantity"].to_numpy(float),
            (_lookup(pidx, inputs["product"]), _lookup(xidx, inputs["process"])),
        ),
        shape=(n, m),
    )
    outputs = economy.outputs
    main_rows = _lookup(pidx, procs["product"])
    B = sp.csc_matrix(
        (
            np.concatenate([np.ones(m), outputs["quantity"].to_numpy(float)]),
            (
                np.concatenate([main_rows, _lookup(pidx, outputs["product"])]),
                np.concatenate([np.arange(m), _lookup(xidx, outputs["process"])]),
            ),
        ),
        shape=(n, m),
    )
    capacity = procs["capacity"].to_numpy(float)
    capacity = np.where(np.isnan(capacity), np.inf, capacity)
    workers = (coops["members"] + coops["non_members"]).to_numpy(np.int64)
    available = np.full(n, np.inf)
    resources = economy.resources
    if not resources.empty:
        available[_lookup(pidx, resources["product"])] = resources["available"].to_numpy(float)
    demand = economy.demand
    transport = economy.transport
    link_capacity = transport["capacity"].to_numpy(float)
    return EconomySnapshot(
        product_ids=product_ids,
        product_kind=tuple(products["kind"].tolist()),
        coop_ids=coop_ids,
        coop_region=_lookup(ridx, coops["region"]),
        coop_group=_lookup(gidx, coops["group"]) if group_ids else np.full(len(coop_ids), -1),
        coop_members=coops["members"].to_numpy(np.int64),
        coop_workers=workers,
        coop_hours=workers * coops["hours_per_member"].to_numpy(float),
        region_ids=region_ids,
        group_ids=group_ids,
        group_parent=_lookup(gidx, groups["parent"]),
        process_ids=process_ids,
        process_coop=_lookup(cidx, procs["coop"]),
        process_product=main_rows,
        process_labour=procs["labour"].to_numpy(float),
        process_capacity=capacity,
        A=A,
        B=B,
        demand_product=_lookup(pidx, demand["product"]),
        demand_region=_lookup(ridx, demand["region"]),
        demand_quantity=demand["quantity"].to_numpy(float),
        demand_floor=demand["floor"].to_numpy(float),
        demand_priority=demand["priority"].to_numpy(float),
        resource_available=available,
        link_from=_lookup(ridx, transport["from"]),
        link_to=_lookup(ridx, transport["to"]),
        link_cost=transport["cost"].to_numpy(float),
        link_product=_lookup(pidx, transport["product"]),
        link_capacity=np.where(np.isnan(link_capacity), np.inf, link_capacity),
    )
