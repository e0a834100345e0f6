"""The planning LP read off an :class:`EconomySnapshot`, in the form the solver works on.

Balance rows: every product that is not a natural resource, ``(B - A) x ≥ λ d + f``
(fulfilment) or ``≥ d + f`` (min-labour). Side rows ``G x ≤ h``: one per coop (labour hours),
one per limited resource (``A_res x ≤ R``) and one per process with a finite capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot


class Objective(StrEnum):
    """The two objectives of the optimal plan."""

    FULFILMENT = "fulfilment"
    MIN_LABOUR = "min-labour"


@dataclass(frozen=True, eq=False)
class PlanningLP:
    """Arrays of the planning LP (original units, nothing scaled)."""

    objective: Objective
    balance_products: np.ndarray  # product index of each balance row
    net_output: sp.csr_matrix  # (B - A) restricted to balance rows
    inputs: sp.csc_matrix  # A restricted to balance rows (processes as columns)
    demand: np.ndarray  # d on balance rows
    floor: np.ndarray  # f on balance rows
    labour: np.ndarray  # l_p
    side: sp.csr_matrix  # G: coops, then limited resources, then capacities
    side_rhs: np.ndarray  # h
    n_coops: int
    resource_products: np.ndarray  # product index of each resource row
    capped_processes: np.ndarray  # process index of each capacity row
    n_products: int
    main_row: np.ndarray  # balance row of each process's main product (-1 if none)
    leontief: bool  # no joint products, main coefficient 1, every balance row produced
    reason: str  # why not Leontief ("" when it is)

    @property
    def n_processes(self) -> int:
        return self.labour.size

    def split_side_prices(self, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Side-row prices as (per coop, per product for resources, per process capacity)."""
        c, r = self.n_coops, self.resource_products.size
        resource = np.zeros(self.n_products)
        resource[self.resource_products] = pi[c : c + r]
        capacity = np.zeros(self.n_processes)
        capacity[self.capped_processes] = pi[c + r :]
        return pi[:c].copy(), resource, capacity


def planning_lp(snapshot: EconomySnapshot, objective: Objective) -> PlanningLP:
    """Read the planning LP off a snapshot (regions summed: a single-region problem)."""
    s = snapshot
    n, m = s.n_products, s.n_processes
    is_resource = s.is_resource
    balance = np.flatnonzero(~is_resource)
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[balance] = np.arange(balance.size)
    A = s.A.tocsc()
    B = s.B.tocsc()
    inputs = A[balance, :].tocsc()
    net = (B[balance, :] - inputs).tocsr()
    floor = np.bincount(s.demand_product, weights=s.demand_floor, minlength=n).astype(float)
    # The floor is the guaranteed part of each target (schema.py): the assortment that λ
    # scales is the rest, so fulfilment delivers f + λ (d − f) and min-labour d.
    demand = s.final_demand - floor
    main_row = row_of[s.process_product]

    reason = ""
    b_rows = B.tocoo()
    main_entries = (b_rows.row == s.process_product[b_rows.col]) & (b_rows.data == 1.0)
    if not (main_entries.all() and B.nnz == m):
        reason = "joint products (or a main-product coefficient other than 1)"
    elif (main_row < 0).any():
        reason = "a process makes a natural resource"
    else:
        made = np.zeros(balance.size, dtype=bool)
        made[main_row] = True
        if not made.all():
            reason = "some product that is not a resource has no process making it"

    coop_rows = sp.csr_matrix(
        (s.process_labour, (s.process_coop, np.arange(m))), shape=(s.n_coops, m)
    )
    limited = np.flatnonzero(is_resource & np.isfinite(s.resource_available))
    resource_rows = A[limited, :].tocsr()
    capped = np.flatnonzero(np.isfinite(s.process_capacity))
    capacity_rows = sp.csr_matrix(
        (np.ones(capped.size), (np.arange(capped.size), capped)), shape=(capped.size, m)
    )
    side = sp.vstack([coop_rows, resource_rows, capacity_rows], format="csr")
    side_rhs = np.concatenate(
        [s.coop_hours.astype(float), s.resource_available[limited], s.process_capacity[capped]]
    )
    return PlanningLP(
        objective=objective,
        balance_products=balance,
        net_output=net,
        inputs=inputs,
        demand=demand[balance],
        floor=floor[balance],
        labour=s.process_labour.astype(float),
        side=side,
        side_rhs=side_rhs,
        n_coops=s.n_coops,
        resource_products=limited,
        capped_processes=capped,
        n_products=n,
        main_row=main_row,
        leontief=reason == "",
        reason=reason,
    )
