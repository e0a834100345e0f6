"""A plan over several years with investment, in the spirit of Cockshott's five-year plan.

One linear programme over years t = 0 … T−1 (Cockshott & Cottrell 1993, ch. 6; Cockshott's
``5yearplan`` documentation; the dynamic Leontief model of Williams, *Model Building in
Mathematical Programming*, 5th ed., problem 12.9). Variables: activity x_pt (its output
appears in year t; its inputs and labour are drawn in year t − L, L = ``production_lag``),
capacity k_pτ whose building inputs are drawn in year τ (ready in year τ + C,
C = ``construction_lag``), stock s_iτ kept at the end of year τ, and the number λ_t of
complete sets of the year's final-demand assortment delivered. With L = 1 the plan opens
with the present year τ = −1, whose only supply is the initial stock σ: it draws the inputs
of year 0 and may start building. Constraints, for every year τ in −L … T−1:

* balance of every produced product: B x_τ − A x_{τ+L} − K k_τ + s_{τ−1} − s_τ
  ≥ f + λ_τ (d_τ − f) (no output and no final demand in the present year; s_{−L−1} = σ),
  with d_τ = d (1 + g)^τ the year's targets (g = ``demand_growth``), f the floors, K the
  capital coefficients (units of product i per unit of capacity of process p, ``capital.csv``);
* labour of every coop: Σ_{p of c} (l_p x_{p,τ+L} + κ_p k_pτ) ≤ H_c (1 + n)^τ (κ_p hours per
  unit of capacity built, n = ``labour_growth``; dropped when ``labour_limit`` is off);
* natural resources drawn in year τ: −(B − A)_i x_{τ+L} ≤ R_i;
* capacity of every capacitated process in every production year t:
  x_pt ≤ (1 − δ)^t u_p + Σ_{1 ≤ j ≤ t} (1 − δ)^{t−j} P_pj + Σ_{τ ≤ t−C} (1 − δ)^{t−τ−C} k_pτ
  (δ = ``depreciation``; P_pj the capacity started before the horizon that is ready in year j,
  ``pipeline``): capacity wears from the year it is ready; nothing may be started that is not
  ready by year T−1.

The ``static`` end condition adds the year T after the horizon: its inputs and labour are drawn
in year T−1 (so L = 1), its capacity is year T's, and x_T ≥ x̄, the stationary plan that
meets the year-T targets with the least labour (Williams: x̄ = (I − A)⁻¹ d).

Objectives: ``max-min`` maximises the smallest λ_t (every year at least as well supplied as
the worst), then, among such plans, the discounted sum Σ β^t λ_t; ``discounted`` maximises
Σ β^t λ_t alone. The other three fix λ_t = ``required_fulfilment`` and maximise the capacity
standing in year T−1 (``max-capacity``), the output Σ_i (B x_t)_i of the last
``output_years`` years (``max-output``), or the hours worked in years 0 … T−1
(``max-labour``); the sums add units of different products and processes, which is what
Williams does with his £ figures.

Rolling forward: :func:`plan_horizon` returns every year; a federation adopts year 0, carries
it out, and plans the next horizon from what happened, with the capacity still under
construction as its ``pipeline`` (``cooplan simulate`` does the carrying out, with production
lag 0). HiGHS solves the LP; the certificate is recomputed from the primal and dual vectors
(:mod:`cooplan.planning.horizon.certificate`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.horizon.capital import (
    CAPITAL,
    LABOUR,
    CapitalTable,
    capital_arrays,
    pipeline_array,
    read_capital,
    stock_vector,
)
from cooplan.planning.horizon.certificate import certificate
from cooplan.planning.horizon.settings import (
    HorizonObjective,
    HorizonSettings,
    TerminalCondition,
)

__all__ = [
    "CAPITAL",
    "LABOUR",
    "CapitalTable",
    "HorizonObjective",
    "HorizonPlan",
    "HorizonSettings",
    "TerminalCondition",
    "plan_horizon",
    "read_capital",
]

_ZERO = 1e-9


@dataclass(frozen=True)
class HorizonPlan:
    """The plan for every year of the horizon (ids and units of the economy).

    ``activity[t]`` is what is produced for year t; ``investment[t]`` the capacity whose
    building inputs are drawn in year t; ``labour[t]`` the hours drawn in year t (with a
    production lag, those of year t+1's output). ``present_year`` holds what the present year
    draws before year 0 when the production lag is 1 (investment, labour, stock carried into
    year 0, prices); ``after_horizon`` the activity of the year after the horizon under the
    static end condition; ``objective_value`` the value of the objective in the economy's
    units (λ for ``max-min``, Σ βᵗλₜ, capacity, output or hours).
    """

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
    objective_value: float | None = None
    present_year: dict[str, dict[str, float]] = field(default_factory=dict)
    after_horizon: dict[str, float] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "settings": {
                k: (v.value if isinstance(v, StrEnum) else v)
                for k, v in vars(self.settings).items()
            },
            "objective_value": self.objective_value,
            "fulfilment": self.fulfilment,
            "present_year": self.present_year,
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
            "after_horizon": self.after_horizon,
            "certificate": self.certificate,
            "solver": self.solver,
        }


@dataclass(frozen=True)
class _Layout:
    """Column offsets of the variable blocks: x (production years 0 … X−1), k and s (years
    −L … T−1), λ (years 0 … T−1) and the max-min level z."""

    T: int
    L: int
    X: int
    m: int
    q: int
    n: int

    def has_x(self, t: int) -> bool:
        return 0 <= t < self.X

    def x(self, t: int) -> int:
        return t * self.m

    def k(self, t: int) -> int:
        return self.X * self.m + (t + self.L) * self.q

    def s(self, t: int) -> int:
        return self.X * self.m + (self.T + self.L) * self.q + (t + self.L) * self.n

    def lam(self, t: int) -> int:
        return self.X * self.m + (self.T + self.L) * (self.q + self.n) + t

    @property
    def z(self) -> int:
        return self.lam(self.T)

    @property
    def size(self) -> int:
        return self.z + 1


class _Rows:
    """Rows A x ≤ b assembled block by block (each block placed at a column offset)."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.count = 0
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self._rhs: list[np.ndarray] = []

    def add(self, blocks: list[tuple[int, Any]], rhs: np.ndarray) -> tuple[int, int]:
        """Append len(rhs) rows; each block (column offset, matrix) has that many rows."""
        height = len(rhs)
        for col0, block in blocks:
            coo = sp.coo_matrix(block)
            if coo.shape[0] != height:
                raise ValueError("block height differs from the right-hand side")
            self._rows.append(coo.row + self.count)
            self._cols.append(coo.col + col0)
            self._vals.append(coo.data)
        self._rhs.append(np.asarray(rhs, dtype=float))
        span = (self.count, self.count + height)
        self.count += height
        return span

    def build(self) -> tuple[sp.csr_matrix, np.ndarray]:
        if not self._rows:
            return sp.csr_matrix((0, self.n_cols)), np.zeros(0)
        matrix = sp.csr_matrix(
            (
                np.concatenate(self._vals),
                (np.concatenate(self._rows), np.concatenate(self._cols)),
            ),
            shape=(self.count, self.n_cols),
        )
        return matrix, np.concatenate(self._rhs)


def _stationary_plan(snap: EconomySnapshot, target: np.ndarray) -> np.ndarray | None:
    """Least-labour activity whose yearly net output meets ``target`` (capacity and resources
    aside); for a Leontief economy the static solution x̄ = (I − A)⁻¹ d. None if none exists."""
    produced = ~snap.is_resource
    net = snap.net_output.tocsr()[np.flatnonzero(produced)]
    result = linprog(
        snap.process_labour,
        A_ub=-net,
        b_ub=-target[produced],
        bounds=(0, None),
        method="highs",
    )
    return np.asarray(result.x) if result.status == 0 else None


def _empty(status: str, settings: HorizonSettings, solver: dict[str, Any]) -> HorizonPlan:
    return HorizonPlan(status, settings, [], [], [], [], [], [], [], {}, solver)


@dataclass(frozen=True)
class _Data:
    """The arrays the programme is built from (one economy, one set of settings)."""

    snap: EconomySnapshot
    settings: HorizonSettings
    lay: _Layout
    caps: np.ndarray  # capacitated processes
    K: sp.csr_matrix  # capital coefficients, products × capacitated processes
    kappa: np.ndarray  # hours per unit of capacity, capacitated processes
    initial: np.ndarray  # stocks in hand, per product
    static_plan: np.ndarray | None  # lower bound on the year after the horizon
    arriving: np.ndarray  # capacity under construction, capacitated processes × years 1 … J

    @property
    def keep(self) -> float:
        return 1.0 - self.settings.depreciation

    def arrived(self, t: int) -> np.ndarray:
        """Capacity started before the horizon and standing in year t (worn from when ready)."""
        standing = np.zeros(self.lay.q)
        for j in range(1, min(t, self.arriving.shape[1]) + 1):
            standing = standing + self.keep ** (t - j) * self.arriving[:, j - 1]
        return standing

    @property
    def prod_rows(self) -> np.ndarray:
        return np.flatnonzero(~self.snap.is_resource)

    @property
    def kappa_matrix(self) -> sp.csr_matrix:
        snap, q = self.snap, self.lay.q
        return sp.csr_matrix(
            (self.kappa, (snap.process_coop[self.caps], np.arange(q))), shape=(snap.n_coops, q)
        )


def _constraints(data: _Data) -> tuple[sp.csr_matrix, np.ndarray, dict[int, tuple[int, int]]]:
    """A x ≤ b (balances, capacity, labour, resources, max-min) and each year's balance rows."""
    snap, settings, lay = data.snap, data.settings, data.lay
    L, C, T, q = lay.L, data.settings.construction_lag, lay.T, lay.q
    n = snap.n_products
    net = snap.net_output.tocsr()
    prod_rows = data.prod_rows
    res_rows = np.flatnonzero(snap.is_resource & np.isfinite(snap.resource_available))
    B_prod = snap.B.tocsr()[prod_rows]
    A_prod = snap.A.tocsr()[prod_rows]
    K_prod = data.K[prod_rows]
    stock_rows = sp.identity(n, format="csr")[prod_rows]
    floors = np.bincount(snap.demand_product, weights=snap.demand_floor, minlength=n)
    rows = _Rows(lay.size)
    balance: dict[int, tuple[int, int]] = {}
    for tau in range(-L, T):
        blocks: list[tuple[int, Any]] = []
        if L == 0:
            blocks.append((lay.x(tau), -net[prod_rows]))
        else:
            if tau >= 0:
                blocks.append((lay.x(tau), -B_prod))
            if lay.has_x(tau + L):
                blocks.append((lay.x(tau + L), A_prod))
        if q:
            blocks.append((lay.k(tau), K_prod))
        blocks.append((lay.s(tau), stock_rows))
        if tau > -L:
            blocks.append((lay.s(tau - 1), -stock_rows))
        rhs = np.zeros(len(prod_rows))
        if tau >= 0:
            target = snap.final_demand * (1 + settings.demand_growth) ** tau
            blocks.append((lay.lam(tau), (target - floors)[prod_rows].reshape(-1, 1)))
            rhs -= floors[prod_rows]
        if tau == -L:
            rhs += data.initial[prod_rows]  # the stock in hand is supply
        balance[tau] = rows.add(blocks, rhs)
    if q:
        cap_rows = sp.identity(snap.n_processes, format="csr")[data.caps]
        for t in range(lay.X):
            blocks = [(lay.x(t), cap_rows)]
            for tau in range(-L, t - C + 1):
                blocks.append((lay.k(tau), -(data.keep ** (t - tau - C)) * sp.identity(q)))
            rows.add(blocks, data.keep**t * snap.process_capacity[data.caps] + data.arrived(t))
    for tau in range(-L, T):
        drawn = [(lay.x(tau + L), snap.coop_process_matrix)] if lay.has_x(tau + L) else []
        if settings.labour_limit:
            blocks = drawn + ([(lay.k(tau), data.kappa_matrix)] if q else [])
            if blocks:
                rows.add(blocks, snap.coop_hours * (1 + settings.labour_growth) ** tau)
        if len(res_rows) and lay.has_x(tau + L):
            rows.add([(lay.x(tau + L), -net[res_rows])], snap.resource_available[res_rows])
    for t in range(T):  # max-min: z − λ_t ≤ 0
        rows.add([(lay.z, np.ones((1, 1))), (lay.lam(t), -np.ones((1, 1)))], np.zeros(1))
    A_ub, b_ub = rows.build()
    return A_ub, b_ub, balance


def _cost(data: _Data) -> tuple[np.ndarray, float]:
    """The cost vector (a minimisation) and the constant the objective adds to −cᵀx."""
    snap, settings, lay = data.snap, data.settings, data.lay
    T, L, C, m, q = lay.T, lay.L, settings.construction_lag, lay.m, lay.q
    objective = settings.objective
    cost = np.zeros(lay.size)
    constant = 0.0
    if objective in (HorizonObjective.MAX_MIN, HorizonObjective.DISCOUNTED):
        weights = np.array([settings.discount**t for t in range(T)])
        for t in range(T):
            cost[lay.lam(t)] = -weights[t]
        if objective == HorizonObjective.MAX_MIN:
            cost[lay.z] = -(weights.sum() + 1.0) * 1e3  # lexicographic: the minimum first
    elif objective == HorizonObjective.MAX_CAPACITY:
        for tau in range(-L, T - C):
            cost[lay.k(tau) : lay.k(tau) + q] = -(data.keep ** (T - 1 - tau - C))
        constant = float(data.keep ** (T - 1) * snap.process_capacity[data.caps].sum())
        constant += float(data.arrived(T - 1).sum())
    elif objective == HorizonObjective.MAX_OUTPUT:
        output = np.asarray(snap.B.sum(axis=0)).ravel()
        first = T - settings.output_years if settings.output_years else 0
        for t in range(max(0, first), T):
            cost[lay.x(t) : lay.x(t) + m] -= output
    else:  # MAX_LABOUR: the hours drawn in years 0 … T−1
        for tau in range(T):
            if lay.has_x(tau + L):
                cost[lay.x(tau + L) : lay.x(tau + L) + m] -= snap.process_labour
            cost[lay.k(tau) : lay.k(tau) + q] -= data.kappa
    return cost, constant


def _bounds(data: _Data) -> np.ndarray:
    """Lower and upper bound of every variable (N × 2)."""
    settings, lay = data.settings, data.lay
    bounds = np.zeros((lay.size, 2))
    bounds[:, 1] = np.inf
    buildable = (np.diff(data.K.tocsc().indptr) > 0) | (data.kappa > 0)
    for tau in range(-lay.L, lay.T):
        # A process without capital coefficients cannot grow; nothing is ready after year T−1.
        ready = tau + settings.construction_lag <= lay.T - 1
        bounds[lay.k(tau) : lay.k(tau) + lay.q, 1] = np.where(buildable & ready, np.inf, 0.0)
    if settings.objective != HorizonObjective.MAX_MIN:
        bounds[lay.z, 1] = 0.0
    if settings.objective.fixes_fulfilment:
        for t in range(lay.T):
            bounds[lay.lam(t)] = settings.required_fulfilment
    if data.static_plan is not None:
        bounds[lay.x(lay.T) : lay.x(lay.T) + lay.m, 0] = data.static_plan
    return bounds


def plan_horizon(
    economy: Economy,
    settings: HorizonSettings | None = None,
    capital: CapitalTable | None = None,
    stocks: Mapping[str, float] | None = None,
    pipeline: Mapping[str, Sequence[float]] | None = None,
) -> HorizonPlan:
    """The optimal plan over ``settings.years`` years (see the module for the programme).

    ``stocks`` maps produced products to the units in hand when the horizon starts (default
    none). ``pipeline`` maps capacitated processes to the capacity started before the horizon
    and not yet usable: entry i is ready in year i + 1 (default none; what a plan rolled
    forward started with a construction lag above 1; arrivals after year T−1 are ignored).
    Only capacitated processes with capital coefficients can grow (an unbounded process needs
    no investment; one without coefficients cannot be extended). An infeasible horizon (floors
    or required fulfilment that cannot be met) is a result with status ``infeasible``.
    """
    settings = settings or HorizonSettings()
    error = InputError.collect(settings.problems(), summary="invalid horizon settings")
    if error is not None:
        raise error
    initial = stock_vector(economy, stocks)
    arriving = pipeline_array(economy, pipeline)
    started = time.perf_counter()
    snap = economy.snapshot()
    T, L = settings.years, settings.production_lag
    terminal = settings.terminal == TerminalCondition.STATIC
    static_plan = None
    if terminal:
        static_plan = _stationary_plan(snap, snap.final_demand * (1 + settings.demand_growth) ** T)
        if static_plan is None:
            return _empty("infeasible", settings, {"name": "highs (scipy)", "time_s": 0.0})
    K, kappa = capital_arrays(economy, capital)
    caps = np.flatnonzero(np.isfinite(snap.process_capacity))
    lay = _Layout(T=T, L=L, X=T + int(terminal), m=snap.n_processes, q=len(caps), n=snap.n_products)
    data = _Data(
        snap,
        settings,
        lay,
        caps,
        sp.csr_matrix(K[:, caps]),
        kappa[caps],
        initial,
        static_plan,
        arriving[caps],
    )
    A_ub, b_ub, balance = _constraints(data)
    cost, constant = _cost(data)
    bounds = _bounds(data)
    result = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    solver = {
        "name": "highs (scipy)",
        "time_s": time.perf_counter() - started,
        "iterations": int(getattr(result, "nit", 0)),
    }
    if result.status != 0:
        status = {2: "infeasible", 3: "unbounded"}.get(result.status, "not_solved")
        return _empty(status, settings, solver)
    x = np.asarray(result.x)
    duals = -np.asarray(result.ineqlin.marginals)  # ≥ 0 for ≤ rows of a minimisation
    proof = certificate(cost, A_ub, b_ub, bounds, x, duals)
    return _report(data, x, duals, balance, float(-(cost @ x)) + constant, proof, solver)


def _report(
    data: _Data,
    x: np.ndarray,
    duals: np.ndarray,
    balance: dict[int, tuple[int, int]],
    value: float,
    proof: dict[str, float],
    solver: dict[str, Any],
) -> HorizonPlan:
    """The solved programme in the economy's ids and units."""
    snap, settings, lay = data.snap, data.settings, data.lay
    T, L, C, m, n, q = lay.T, lay.L, settings.construction_lag, lay.m, lay.n, lay.q
    caps, prod_rows = data.caps, data.prod_rows

    def activity_of(t: int) -> np.ndarray:
        return x[lay.x(t) : lay.x(t) + m] if lay.has_x(t) else np.zeros(m)

    def investment_of(tau: int) -> np.ndarray:
        return x[lay.k(tau) : lay.k(tau) + q]

    def hours_of(tau: int) -> dict[str, float]:
        hours = snap.coop_process_matrix @ activity_of(tau + L)
        hours = hours + data.kappa_matrix @ investment_of(tau)
        return {snap.coop_ids[c]: float(v) for c, v in enumerate(hours)}

    def named(ids: tuple[str, ...], index: np.ndarray, values: np.ndarray) -> dict[str, float]:
        return {ids[index[j]]: float(values[j]) for j in np.flatnonzero(values > _ZERO)}

    def stock_of(tau: int) -> dict[str, float]:
        return named(snap.product_ids, np.arange(n), x[lay.s(tau) : lay.s(tau) + n])

    def prices_of(tau: int) -> dict[str, float]:
        lo, hi = balance[tau]
        return {snap.product_ids[i]: float(v) for i, v in zip(prod_rows, duals[lo:hi], strict=True)}

    activity, investment, capacity, stock, labour, prices, lams = [], [], [], [], [], [], []
    for t in range(T):
        standing = data.keep**t * snap.process_capacity[caps] + data.arrived(t)
        for tau in range(-L, t - C + 1):
            standing = standing + data.keep ** (t - tau - C) * investment_of(tau)
        lams.append(float(x[lay.lam(t)]))
        activity.append(named(snap.process_ids, np.arange(m), activity_of(t)))
        investment.append(named(snap.process_ids, caps, investment_of(t)))
        capacity.append({snap.process_ids[caps[j]]: float(standing[j]) for j in range(q)})
        stock.append(stock_of(t))
        labour.append(hours_of(t))
        prices.append(prices_of(t))
    present: dict[str, dict[str, float]] = {}
    if L:
        present = {
            "investment": named(snap.process_ids, caps, investment_of(-1)),
            "labour": hours_of(-1),
            "stock": stock_of(-1),
            "prices": prices_of(-1),
        }
    if settings.objective == HorizonObjective.MAX_MIN:
        value = min(lams)
    elif settings.objective == HorizonObjective.DISCOUNTED:
        value = float(np.array([settings.discount**t for t in range(T)]) @ np.array(lams))
    after = named(snap.process_ids, np.arange(m), activity_of(T)) if lay.X > T else {}
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
        proof,
        solver,
        objective_value=value,
        present_year=present,
        after_horizon=after,
    )
