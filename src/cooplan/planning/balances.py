"""Material balances and labour values: the Gosplan and Leontief layer.

For final demand d, gross output solves x = A x + d with one technique per product. Where a
product has several processes, the technique is the one of least labour value (the
non-substitution theorem, Samuelson 1951), found by policy iteration: value the products with
the current techniques (v M = l), switch every product to a cheaper technique if one exists,
repeat until none does. Labour values v are vertically integrated hours per unit; total
labour l·x equals v·d. Nothing here forms an inverse: solves are sparse LU or GMRES.

Regions are aggregated (demand of every region is added up; transport is ignored), natural
resources are not produced and carry no labour value (their use is reported against the
endowment). See docs/balances.md.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cooplan.errors import InputError, NotProductiveError, Problem
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning import linalg

TOLERANCE = 1e-10
"""Relative residual required of every linear solve."""


@dataclass(frozen=True)
class ProductBalance:
    """One row of the balance table, in the product's own unit per period."""

    product: str
    production: float
    intermediate_use: float
    final_use: float
    available: float | None
    surplus: float


@dataclass(frozen=True, eq=False)
class BalanceTable:
    """The balance table as arrays (one entry per product, in snapshot order).

    ``available`` is NaN where the product has no endowment (not a limited resource).
    """

    product_ids: tuple[str, ...]
    production: np.ndarray
    intermediate_use: np.ndarray
    final_use: np.ndarray
    available: np.ndarray
    surplus: np.ndarray

    def rows(self) -> list[ProductBalance]:
        """One :class:`ProductBalance` per product."""
        return [
            ProductBalance(
                pid,
                float(self.production[i]),
                float(self.intermediate_use[i]),
                float(self.final_use[i]),
                None if np.isnan(self.available[i]) else float(self.available[i]),
                float(self.surplus[i]),
            )
            for i, pid in enumerate(self.product_ids)
        ]


@dataclass(frozen=True)
class CoopCheck:
    """A coop's required against available labour and the capacity use of its processes."""

    coop: str
    labour_required: float
    labour_available: float
    over_capacity: dict[str, float]

    @property
    def labour_over(self) -> float:
        """Hours by which the requirement exceeds what the coop has (0 when it fits).

        Excesses within the solve's rounding (relative 1e-9) count as fitting.
        """
        excess = self.labour_required - self.labour_available
        return excess if excess > 1e-9 * max(1.0, self.labour_available) else 0.0


@dataclass(frozen=True)
class BalanceResult:
    """The material balance of an economy for its final demand (see module docstring)."""

    economy: str
    gross_output: dict[str, float]
    labour_values: dict[str, float]
    total_labour: float
    technique: dict[str, str]
    activity: dict[str, float]
    table: BalanceTable
    coops: list[CoopCheck]
    spectral_radius: float | None
    policy_iterations: int
    solves: list[linalg.SolveReport]
    time_s: float
    warnings: list[str] = field(default_factory=list)

    @property
    def coops_over(self) -> list[CoopCheck]:
        """Coops whose required labour or process capacity exceeds what they have."""
        return [c for c in self.coops if c.labour_over > 0 or c.over_capacity]

    @property
    def products(self) -> list[ProductBalance]:
        """The balance table, one row per product."""
        return self.table.rows()

    @property
    def resource_deficits(self) -> dict[str, float]:
        """Resources used beyond their endowment, by how much."""
        t = self.table
        short = np.flatnonzero(~np.isnan(t.available) & (t.surplus < 0))
        return {t.product_ids[i]: float(-t.surplus[i]) for i in short}

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form written by ``cooplan balance --json``."""
        return {
            "economy": self.economy,
            "gross_output": self.gross_output,
            "labour_values": self.labour_values,
            "total_labour": self.total_labour,
            "technique": self.technique,
            "activity": self.activity,
            "balance": {
                b.product: {
                    "production": b.production,
                    "intermediate_use": b.intermediate_use,
                    "final_use": b.final_use,
                    "available": b.available,
                    "surplus": b.surplus,
                }
                for b in self.products
            },
            "coops": {
                c.coop: {
                    "labour_required": c.labour_required,
                    "labour_available": c.labour_available,
                    "labour_over": c.labour_over,
                    "over_capacity": c.over_capacity,
                }
                for c in self.coops
            },
            "coops_over": [c.coop for c in self.coops_over],
            "resource_deficits": self.resource_deficits,
            "spectral_radius": self.spectral_radius,
            "policy_iterations": self.policy_iterations,
            "solves": [
                {"method": s.method, "iterations": s.iterations, "residual": s.relative_residual}
                for s in self.solves
            ],
            "time_s": self.time_s,
            "warnings": self.warnings,
        }


def _produced(snap: EconomySnapshot) -> np.ndarray:
    """Indices of products that some process makes as its main product."""
    return np.unique(snap.process_product)


def _process_costs(snap: EconomySnapshot, values: np.ndarray) -> np.ndarray:
    """Labour value of one unit of each process's main product at product values ``values``.

    cost_p = l_p + Σ_i a_ip v_i − Σ_{i joint} b_ip v_i (per unit of main product).
    """
    credit = snap.B.T @ values - values[snap.process_product]
    return snap.process_labour + snap.A.T @ values - credit


def _best_technique(
    snap: EconomySnapshot,
    costs: np.ndarray,
    produced: np.ndarray,
    current: np.ndarray | None = None,
) -> np.ndarray:
    """For each produced product, the cheapest process (lowest index on ties).

    With ``current``, a product keeps its technique unless another is strictly cheaper
    (relative margin 1e-12), so policy iteration cannot cycle on ties.
    """
    order = np.lexsort((np.arange(snap.n_processes), costs, snap.process_product))
    first = np.searchsorted(snap.process_product[order], produced)
    best = order[first]
    if current is None:
        return best
    keep = costs[current] <= costs[best] + 1e-12 * np.abs(costs[best]) + 1e-15
    return np.where(keep, current, best)


def _square_system(
    snap: EconomySnapshot, technique: np.ndarray, produced: np.ndarray
) -> sp.csr_matrix:
    """M = (B − A) restricted to produced products × chosen processes."""
    net = sp.csr_matrix(snap.net_output[:, technique])
    if len(produced) == snap.n_products:
        return net
    return net[produced, :]


def _diagnose_not_productive(
    snap: EconomySnapshot, technique: np.ndarray, produced: np.ndarray
) -> NotProductiveError:
    A_sel = sp.csr_matrix(snap.A[:, technique][produced, :])
    problems = []
    for members in linalg.cyclic_components(A_sel):
        block = A_sel[members][:, members]
        rho = linalg.spectral_radius(block)
        if rho >= 1 - 1e-9:
            names = [snap.product_ids[produced[i]] for i in members]
            shown = ", ".join(names[:20]) + (f" … ({len(names)} in all)" if len(names) > 20 else "")
            problems.append(
                Problem(
                    "inputs.csv",
                    f"these products use up at least as much of each other as they make "
                    f"(spectral radius {rho:.6g} ≥ 1): {shown}",
                    column="quantity",
                    value=shown,
                    fix="lower their input coefficients, or add a more efficient technique",
                )
            )
    if not problems:
        problems.append(
            Problem(
                "inputs.csv",
                "the economy cannot deliver its final demand with non-negative output",
                fix="check joint products and input coefficients",
            )
        )
    return NotProductiveError(problems, summary="the economy is not productive")


def _twins(snap: EconomySnapshot, technique: np.ndarray) -> list[np.ndarray]:
    """Groups of processes identical to a chosen one but for their coop.

    Same main product, labour, inputs and outputs: e.g. one industry split into several
    coops. Returned groups start with the chosen process.
    """
    if snap.n_processes == len(technique):
        return []
    frame = pd.DataFrame({"product": snap.process_product, "labour": snap.process_labour})
    size = frame.groupby(["product", "labour"])["labour"].transform("size").to_numpy()
    groups = []
    A, B = snap.A.tocsc(), snap.B.tocsc()

    def column(matrix: sp.csc_matrix, p: int) -> tuple[bytes, bytes]:
        lo, hi = matrix.indptr[p], matrix.indptr[p + 1]
        return matrix.indices[lo:hi].tobytes(), matrix.data[lo:hi].tobytes()

    for p in technique[size[technique] > 1]:
        same = np.flatnonzero(
            (snap.process_product == snap.process_product[p])
            & (snap.process_labour == snap.process_labour[p])
        )
        signature = (column(A, int(p)), column(B, int(p)))
        twins = [q for q in same if q != p and (column(A, int(q)), column(B, int(q))) == signature]
        if twins:
            groups.append(np.array([p, *twins]))
    return groups


def _share_among_twins(
    snap: EconomySnapshot, activity: np.ndarray, technique: np.ndarray
) -> np.ndarray:
    """Spread each chosen process's level over its identical twins.

    In proportion to capacity where every twin has one, else to the coops' hours: the
    non-substitution choice is indifferent between them, and a split industry should not
    load its first coop alone.
    """
    shared = activity.copy()
    for group in _twins(snap, technique):
        capacity = snap.process_capacity[group]
        weight = (
            capacity if np.all(np.isfinite(capacity)) else snap.coop_hours[snap.process_coop[group]]
        )
        if weight.sum() <= 0:
            continue
        shared[group] = activity[group[0]] * weight / weight.sum()
    return shared


EXACT_RADIUS_LIMIT = 600
"""Up to this many produced products the spectral radius is computed exactly (dense)."""


def _spectral_radius(
    snap: EconomySnapshot, technique: np.ndarray, produced: np.ndarray, ones: np.ndarray
) -> float | None:
    """ρ(A_sel): exact when small; else the Collatz–Wielandt bound from x = (I − A)⁻¹ 1.

    With x > 0 solving (I − A) x = 1, (A x)_i / x_i = 1 − 1/x_i, so ρ ≤ max_i (1 − 1/x_i).
    ``None`` with joint products, where B_sel is not the identity.
    """
    if len(produced) == 0 or snap.B.nnz > snap.n_processes:
        return None
    if len(produced) <= EXACT_RADIUS_LIMIT:
        return linalg.spectral_radius(snap.A[:, technique][produced, :])
    return float(np.max(1.0 - 1.0 / ones))


def _fixed_techniques(
    snap: EconomySnapshot, produced: np.ndarray, chosen: Mapping[str, str]
) -> np.ndarray:
    """Technique per produced product from ``chosen`` {product: process}; least labour else."""
    technique = _best_technique(snap, snap.process_labour, produced)
    position = {int(i): k for k, i in enumerate(produced)}
    problems = []
    for product, process in chosen.items():
        p = snap.process_index.get(process)
        i = snap.product_index.get(product)
        if p is None or i is None or snap.process_product[p] != i or i not in position:
            problems.append(
                Problem(
                    "techniques",
                    "not a process that makes this product",
                    column=product,
                    value=process,
                    fix="name a process whose main product it is",
                )
            )
            continue
        technique[position[i]] = p
    if problems:
        raise InputError(problems, summary="invalid choice of techniques")
    return technique


def balance(
    economy: Economy | EconomySnapshot,
    *,
    name: str | None = None,
    techniques: Mapping[str, str] | None = None,
) -> BalanceResult:
    """Gross output, labour values, balance table and coop checks for the final demand.

    With ``techniques`` ({product: process}) those techniques are used as given (the others
    by least labour) and no choice is made: labour values are then those of the given
    techniques. Raises :class:`~cooplan.errors.NotProductiveError` (exit status 2) naming the
    products of a cycle whose spectral radius is at least 1.
    """
    started = time.perf_counter()
    snap = economy.snapshot() if isinstance(economy, Economy) else economy
    label = name or (economy.meta.name if isinstance(economy, Economy) else "economy")
    produced = _produced(snap)
    n_prod = len(produced)
    solves: list[linalg.SolveReport] = []
    warnings: list[str] = []

    # Policy iteration for the least-labour technique (non-substitution theorem).
    if not n_prod:
        technique = np.zeros(0, dtype=np.int64)
    elif techniques is not None:
        technique = _fixed_techniques(snap, produced, techniques)
    else:
        technique = _best_technique(snap, snap.process_labour, produced)
    values = np.zeros(snap.n_products)
    iterations = 0
    for iterations in range(1, 101):  # noqa: B007 - the count is reported
        M = _square_system(snap, technique, produced)
        v_prod, report = linalg.solve(M.T, snap.process_labour[technique], tol=TOLERANCE)
        solves.append(report)
        if report.relative_residual > 1e-6 or np.any(
            v_prod < -1e-9 * max(1.0, np.abs(v_prod).max())
        ):
            raise _diagnose_not_productive(snap, technique, produced)
        values = np.zeros(snap.n_products)
        values[produced] = v_prod
        if snap.n_processes == n_prod or techniques is not None:
            break  # nothing to choose
        improved = _best_technique(snap, _process_costs(snap, values), produced, technique)
        if np.array_equal(improved, technique):
            break
        technique = improved
    else:  # pragma: no cover - policy iteration is finite; this guards numerical cycling
        warnings.append("technique choice did not settle in 100 policy iterations")

    # Productivity (Hawkins–Simon): (B−A)_sel x = 1 must have a non-negative solution.
    M = _square_system(snap, technique, produced)
    ones, report = linalg.solve(M, np.ones(n_prod), tol=TOLERANCE)
    solves.append(report)
    if n_prod and (report.relative_residual > 1e-6 or np.any(ones < 0)):
        raise _diagnose_not_productive(snap, technique, produced)
    rho_bound = _spectral_radius(snap, technique, produced, ones)

    demand = snap.final_demand
    x_prod, report = linalg.solve(M, demand[produced], tol=TOLERANCE)
    solves.append(report)
    if report.relative_residual > 1e-6:
        warnings.append(f"gross-output solve residual {report.relative_residual:.2e}")
    activity = np.zeros(snap.n_processes)
    activity[technique] = np.maximum(x_prod, 0.0)
    activity = _share_among_twins(snap, activity, technique)

    production = snap.B @ activity
    intermediate = snap.A @ activity
    total_labour = float(snap.process_labour @ activity)
    limited = snap.is_resource & np.isfinite(snap.resource_available)
    available = np.where(limited, snap.resource_available, np.nan)
    surplus = production + np.where(limited, available, 0.0) - intermediate - demand
    table = BalanceTable(snap.product_ids, production, intermediate, demand, available, surplus)
    coop_labour = np.bincount(
        snap.process_coop, weights=snap.process_labour * activity, minlength=snap.n_coops
    )
    over_cap: dict[int, dict[str, float]] = {}
    for p in np.flatnonzero(activity > snap.process_capacity * (1 + 1e-9)):
        c = int(snap.process_coop[p])
        over_cap.setdefault(c, {})[snap.process_ids[p]] = float(
            activity[p] - snap.process_capacity[p]
        )
    coops = [
        CoopCheck(cid, float(coop_labour[c]), float(snap.coop_hours[c]), over_cap.get(c, {}))
        for c, cid in enumerate(snap.coop_ids)
    ]
    return BalanceResult(
        economy=label,
        gross_output={snap.product_ids[i]: float(production[i]) for i in produced},
        labour_values={pid: float(values[i]) for i, pid in enumerate(snap.product_ids)},
        total_labour=total_labour,
        technique={
            snap.product_ids[i]: snap.process_ids[p]
            for i, p in zip(produced, technique, strict=True)
        },
        activity={
            snap.process_ids[p]: float(activity[p])
            for p in np.union1d(technique, np.flatnonzero(activity))
        },
        table=table,
        coops=coops,
        spectral_radius=rho_bound,
        policy_iterations=iterations,
        solves=solves,
        time_s=time.perf_counter() - started,
        warnings=warnings,
    )
