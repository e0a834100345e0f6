"""A plan over several years with investment, in the spirit of Cockshott's five-year plan.

One linear programme over years t = 0 … T−1 (Cockshott & Cottrell 1993, ch. 6; Cockshott's
``5yearplan`` documentation; the dynamic Leontief model of Williams, *Model Building in
Mathematical Programming*, ch. 12.9). Variables per year: activity x_pt, capacity added k_pt
(ready the next year), stock s_it kept at the end of the year, and the number λ_t of complete
sets of the year's final-demand assortment delivered. Constraints:

* balance of every produced product: (B − A) x_t − K k_t + s_{t−1} − s_t ≥ f + λ_t (d_t − f),
  with d_t = d (1 + g)^t the year's targets (g = ``demand_growth``), f the floors, K the
  capital coefficients (units of product i per unit of capacity of process p, ``capital.csv``);
* capacity of every capacitated process: x_pt ≤ (1 − δ)^t u_p + Σ_{τ<t} (1 − δ)^{t−1−τ} k_pτ
  (δ = ``depreciation``; capacity added in year τ is ready in year τ + 1 and depreciates
  like the rest);
* labour of every coop: Σ_{p of c} (l_p x_pt + κ_p k_pt) ≤ H_c (1 + n)^t (κ_p labour per unit
  of capacity built, n = ``labour_growth``);
* natural resources: use in year t ≤ R_i;
* objective ``max-min``: maximise the smallest λ_t (every year at least as well supplied as
  the worst), then, among such plans, the discounted sum Σ β^t λ_t; ``discounted``: maximise
  Σ β^t λ_t alone.

Rolling forward: :func:`plan_horizon` returns every year; a federation adopts year 0, carries
it out, and plans the next horizon from what happened (``cooplan simulate`` does the
carrying out). HiGHS solves the LP; the certificate is recomputed from the primal and dual
vectors of the original constraints.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.model.schema import Column, ColumnType, Table
from cooplan.model.validate import parse_table

CAPITAL = Table(
    "capital",
    "Capital coefficients: what it takes to add one unit of capacity to a process.",
    (
        Column("process", ColumnType.ID, "Process whose capacity is built."),
        Column(
            "product",
            ColumnType.ID,
            "Product used to build it, or 'labour' for the hours it takes.",
        ),
        Column("quantity", ColumnType.NUMBER, "Units (or hours) per unit of capacity added."),
    ),
    key=("process", "product"),
)
LABOUR = "labour"


class HorizonObjective(StrEnum):
    """What the horizon plan maximises."""

    MAX_MIN = "max-min"
    DISCOUNTED = "discounted"


@dataclass(frozen=True)
class CapitalTable:
    """Capital coefficients as read from ``capital.csv`` (validated against an economy)."""

    table: pd.DataFrame


@dataclass(frozen=True)
class HorizonSettings:
    """Growth, depreciation and the objective of a horizon plan (rates per year)."""

    years: int = 5
    demand_growth: float = 0.0
    labour_growth: float = 0.0
    depreciation: float = 0.05
    discount: float = 0.95
    objective: HorizonObjective = HorizonObjective.MAX_MIN

    def problems(self) -> list[Problem]:
        """What is wrong with these settings (empty when they are fine)."""
        found = []
        if self.years < 1:
            found.append(
                Problem("settings", "years must be at least 1", column="years", value=self.years)
            )
        for name in ("depreciation", "discount"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                found.append(
                    Problem("settings", f"{name} must lie in [0, 1]", column=name, value=value)
                )
        for name in ("demand_growth", "labour_growth"):
            value = getattr(self, name)
            if not -1.0 < value < 10.0:
                found.append(
                    Problem("settings", f"{name} must lie in (−1, 10)", column=name, value=value)
                )
        return found


@dataclass(frozen=True)
class HorizonPlan:
    """The plan for every year of the horizon (ids and units of the economy)."""

    status: str
    settings: HorizonSettings
    fulfilment: list[float]
    activity: list[dict[str, float]]
    investment: list[dict[str, float]]
    capacity: list[dict[str, float]]
    stock: list[dict[str, float]]
    labour: list[dict[str, float]]
    prices: list[dict[str, float]]
    certificate: dict[str, float] = field(default_factory=dict)
    solver: dict[str, Any] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "settings": {
                k: (v.value if isinstance(v, StrEnum) else v)
                for k, v in vars(self.settings).items()
            },
            "fulfilment": self.fulfilment,
            "years": [
                {
                    "year": t,
                    "lambda": self.fulfilment[t],
                    "activity": self.activity[t],
                    "investment": self.investment[t],
                    "capacity": self.capacity[t],
                    "stock": self.stock[t],
                    "labour": self.labour[t],
                    "prices": self.prices[t],
                }
                for t in range(len(self.fulfilment))
            ],
            "certificate": self.certificate,
            "solver": self.solver,
        }


def read_capital(path: str | os.PathLike[str], economy: Economy) -> CapitalTable:
    """Read and check ``capital.csv`` against ``economy`` (every problem at once)."""
    file = Path(path)
    if not file.is_file():
        raise InputError.single(
            str(file), "capital table not found", fix="give the path of capital.csv"
        )
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    typed, problems = parse_table(raw, CAPITAL, str(file))
    processes = set(economy.processes["id"])
    products = set(economy.products["id"]) | {LABOUR}
    if not problems:
        for row, (process, product) in enumerate(
            zip(typed["process"], typed["product"], strict=True), 1
        ):
            if process not in processes:
                problems.append(
                    Problem(str(file), "unknown process", row=row, column="process", value=process)
                )
            if product not in products:
                problems.append(
                    Problem(
                        str(file),
                        "unknown product",
                        row=row,
                        column="product",
                        value=product,
                        fix="a product id, or 'labour' for hours",
                    )
                )
    error = InputError.collect(problems, summary=f"invalid capital table {file}")
    if error is not None:
        raise error
    return CapitalTable(typed)


def _capital_arrays(
    economy: Economy, capital: CapitalTable | None
) -> tuple[sp.csc_matrix, np.ndarray]:
    """K (products × processes) and κ (labour per unit of capacity) from the capital table."""
    snap = economy.snapshot()
    K = sp.csc_matrix((snap.n_products, snap.n_processes))
    kappa = np.zeros(snap.n_processes)
    if capital is None or capital.table.empty:
        return K, kappa
    table = capital.table
    goods = table[table["product"] != LABOUR]
    K = sp.csc_matrix(
        (
            goods["quantity"].to_numpy(float),
            (
                [snap.product_index[p] for p in goods["product"]],
                [snap.process_index[p] for p in goods["process"]],
            ),
        ),
        shape=(snap.n_products, snap.n_processes),
    )
    for process, hours in table[table["product"] == LABOUR][["process", "quantity"]].itertuples(
        index=False
    ):
        kappa[snap.process_index[process]] += float(hours)
    return K, kappa


def plan_horizon(
    economy: Economy,
    settings: HorizonSettings | None = None,
    capital: CapitalTable | None = None,
) -> HorizonPlan:
    """The optimal plan over ``settings.years`` years (see the module for the programme).

        Only capacitated processes with capital coefficients can grow (an unbounded process needs
    no investment; one without coefficients cannot be extended). An
        infeasible horizon (floors that cannot be met) is a result with status ``infeasible``.
    """
    settings = settings or HorizonSettings()
    error = InputError.collect(settings.problems(), summary="invalid horizon settings")
    if error is not None:
        raise error
    started = time.perf_counter()
    snap = economy.snapshot()
    T, n, m, C = settings.years, snap.n_products, snap.n_processes, snap.n_coops
    K, kappa = _capital_arrays(economy, capital)
    produced = ~snap.is_resource
    limited = np.isfinite(snap.process_capacity)
    caps = np.flatnonzero(limited)
    q = len(caps)
    d = snap.final_demand
    floors = np.bincount(snap.demand_product, weights=snap.demand_floor, minlength=n)
    net = snap.net_output.tocsr()
    # Variable blocks per year: x (m), k (q), s (n), λ (1); then one z (the max-min level).
    per_year = m + q + n + 1
    N = T * per_year + 1
    x_at = lambda t: t * per_year  # noqa: E731
    k_at = lambda t: t * per_year + m  # noqa: E731
    s_at = lambda t: t * per_year + m + q  # noqa: E731
    lam_at = lambda t: t * per_year + m + q + n  # noqa: E731
    z = N - 1
    blocks: list[sp.spmatrix] = []
    rhs: list[np.ndarray] = []
    rows_of: dict[str, list[tuple[int, int]]] = {
        "balance": [],
        "capacity": [],
        "labour": [],
        "resource": [],
    }
    row = 0
    K_caps = sp.csc_matrix(K[:, caps]) if q else sp.csc_matrix((n, 0))
    res_rows = np.flatnonzero(snap.is_resource & np.isfinite(snap.resource_available))
    prod_rows = np.flatnonzero(produced)
    labour_matrix = snap.coop_process_matrix
    kappa_matrix = sp.csr_matrix(
        (kappa[caps], (snap.process_coop[caps], np.arange(q))), shape=(C, q)
    )
    for t in range(T):
        growth = (1 + settings.demand_growth) ** t
        target = d * growth
        # balance (as ≤): −(B−A)x_t + K k_t − s_{t−1} + s_t + (d_t − f) λ_t ≤ −f
        M = sp.lil_matrix((len(prod_rows), N))
        M[:, x_at(t) : x_at(t) + m] = -net[prod_rows]
        if q:
            M[:, k_at(t) : k_at(t) + q] = K_caps[prod_rows]
        M[:, s_at(t) : s_at(t) + n] = sp.identity(n, format="csr")[prod_rows]
        if t > 0:
            M[:, s_at(t - 1) : s_at(t - 1) + n] = -sp.identity(n, format="csr")[prod_rows]
        M[:, lam_at(t)] = (target - floors)[prod_rows].reshape(-1, 1)
        blocks.append(M.tocsr())
        rhs.append(-floors[prod_rows])
        rows_of["balance"].append((row, row + len(prod_rows)))
        row += len(prod_rows)
        # capacity: x_pt − Σ_{τ<t} (1−δ)^{t−1−τ} k_pτ ≤ (1−δ)^t u_p
        if q:
            Cm = sp.lil_matrix((q, N))
            Cm[:, x_at(t) : x_at(t) + m] = sp.identity(m, format="csr")[caps]
            for tau in range(t):
                Cm[:, k_at(tau) : k_at(tau) + q] = -(
                    (1 - settings.depreciation) ** (t - 1 - tau)
                ) * sp.identity(q)
            blocks.append(Cm.tocsr())
            rhs.append((1 - settings.depreciation) ** t * snap.process_capacity[caps])
            rows_of["capacity"].append((row, row + q))
            row += q
        # labour per coop
        Lm = sp.lil_matrix((C, N))
        Lm[:, x_at(t) : x_at(t) + m] = labour_matrix
        if q:
            Lm[:, k_at(t) : k_at(t) + q] = kappa_matrix
        blocks.append(Lm.tocsr())
        rhs.append(snap.coop_hours * (1 + settings.labour_growth) ** t)
        rows_of["labour"].append((row, row + C))
        row += C
        if len(res_rows):
            Rm = sp.lil_matrix((len(res_rows), N))
            Rm[:, x_at(t) : x_at(t) + m] = -net[res_rows]
            blocks.append(Rm.tocsr())
            rhs.append(snap.resource_available[res_rows])
            rows_of["resource"].append((row, row + len(res_rows)))
            row += len(res_rows)
        # max-min: z − λ_t ≤ 0
        Zm = sp.lil_matrix((1, N))
        Zm[0, z] = 1.0
        Zm[0, lam_at(t)] = -1.0
        blocks.append(Zm.tocsr())
        rhs.append(np.zeros(1))
        row += 1
    A_ub = sp.vstack(blocks, format="csr")
    b_ub = np.concatenate(rhs)
    weights = np.array([settings.discount**t for t in range(T)])
    cost = np.zeros(N)
    for t in range(T):
        cost[lam_at(t)] = -weights[t]
    if settings.objective == HorizonObjective.MAX_MIN:
        cost[z] = -(weights.sum() + 1.0) * 1e3  # lexicographic: the minimum first
    bounds = np.zeros((N, 2))
    bounds[:, 1] = np.inf
    buildable = (np.diff(K_caps.indptr) > 0) | (kappa[caps] > 0) if q else np.zeros(0, bool)
    for t in range(T):
        # A process without capital coefficients cannot grow; nothing is ready after year T−1.
        bounds[k_at(t) : k_at(t) + q, 1] = np.where(buildable & (t < T - 1), np.inf, 0.0)
    if settings.objective != HorizonObjective.MAX_MIN:
        bounds[z, 1] = 0.0
    result = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    elapsed = time.perf_counter() - started
    solver = {
        "name": "highs (scipy)",
        "time_s": elapsed,
        "iterations": int(getattr(result, "nit", 0)),
    }
    if result.status != 0:
        status = {2: "infeasible", 3: "unbounded"}.get(result.status, "not_solved")
        empty: list[dict[str, float]] = []
        return HorizonPlan(
            status, settings, [], empty, empty, empty, empty, empty, empty, {}, solver
        )
    x = result.x
    duals = -result.ineqlin.marginals  # ≥ 0 for ≤ rows of a minimisation
    slack = b_ub - A_ub @ x
    primal = float(max(0.0, -slack.min()) / max(1.0, np.abs(b_ub).max()))
    reduced = cost + A_ub.T @ duals
    lower_violation = np.maximum(-reduced, 0.0)
    lower_violation[x > 1e-9] = 0.0  # only at the lower bound must the reduced cost be ≥ 0
    upper = np.isfinite(bounds[:, 1]) & (x >= bounds[:, 1] - 1e-9)
    lower_violation[upper] = 0.0
    dual = float(lower_violation.max() / max(1.0, np.abs(cost).max()))
    gap = float(abs(cost @ x + b_ub @ duals) / max(1.0, abs(cost @ x)))
    certificate = {
        "primal_infeasibility": primal,
        "dual_infeasibility": dual,
        "complementarity_gap": gap,
    }
    activity, investment, capacity, stock, labour, prices, lams = [], [], [], [], [], [], []
    current = snap.process_capacity[caps].copy()
    for t in range(T):
        xt = x[x_at(t) : x_at(t) + m]
        kt = x[k_at(t) : k_at(t) + q]
        st = x[s_at(t) : s_at(t) + n]
        lams.append(float(x[lam_at(t)]))
        activity.append({snap.process_ids[p]: float(xt[p]) for p in np.flatnonzero(xt > 1e-9)})
        investment.append(
            {snap.process_ids[caps[j]]: float(kt[j]) for j in np.flatnonzero(kt > 1e-9)}
        )
        capacity.append({snap.process_ids[caps[j]]: float(current[j]) for j in range(q)})
        current = current * (1 - settings.depreciation) + kt
        stock.append({snap.product_ids[i]: float(st[i]) for i in np.flatnonzero(st > 1e-9)})
        labour.append(
            {
                snap.coop_ids[c]: float(v)
                for c, v in enumerate(labour_matrix @ xt + kappa_matrix @ kt)
            }
        )
        lo, hi = rows_of["balance"][t]
        prices.append(
            {snap.product_ids[i]: float(v) for i, v in zip(prod_rows, duals[lo:hi], strict=True)}
        )
    return HorizonPlan(
        "optimal",
        settings,
        lams,
        activity,
        investment,
        capacity,
        stock,
        labour,
        prices,
        certificate,
        solver,
    )
