"""Crossover for fulfilment: from a near-optimal mix of policy plans to an exact vertex.

The tail of the column generation is slow (see docs/largescale.md): near the optimum the
master still needs many more plan columns. The optimum itself is simple — one process per
product plus at most one extra process per binding side row — so once the master's mix is
close, the crossover finds it directly:

* **Base policy** ``σ``: each product's most active process in the mix.
* **Working rows** ``R``: the side rows that are priced or tight, and later the rows a trial
  plan breaks and the *sign rows* ``x_σ(i) ≥ 0`` of products whose base activity went
  negative. Each costs one transposed solve ``w_r = (I − A_σᵀ)⁻¹ g_{r,σ}`` (norm-wise, the
  coefficients of a small LP), kept as a column of ``W``.
* **Restricted LP**: running process ``q`` (product ``i_q``, not in ``σ``) at level ``z_q``
  makes the base plan deliver ``e_{i_q} − a_q`` less, so row ``r`` changes by
  ``k_qr = g_rq + w_rᵀa_q − w_r,i_q`` per unit of ``z_q``. HiGHS solves
  ``max λ s.t. λ Wᵀd + Σ_q z_q k_q ≤ h_R − Wᵀf, 0 ≤ z_q ≤ 2 × the product's level in the
  mix`` over a set of candidates that grows by pricing every process at the LP's row prices
  (``k_q·π = g_q·π + a_qᵀ(Wπ) − (Wπ)_{i_q}``, one product with ``A``). The box keeps the LP
  bounded while sign rows are missing; a product whose ``z`` reaches it gets its sign row.
* **Trial**: the plan ``x_σ = (I − A_σ)⁻¹(λ d + f + Σ_q z_q (a_q − e_{i_q}))`` (one solve)
  with the ``z_q``, and the least-cost values at the LP's side-row prices (policy iteration
  from ``σ``); the caller certifies the pair against the original LP. Rows the plan breaks
  join ``R``, and the loop goes on, until it certifies, runs out of rounds, rows (memory of
  ``W``) or time.

Measured on the benchmark economy (docs/benchmarks-optimal.md, "Crossover"): at 10⁵
products the column generation reaches a gap of 10⁻⁴ after 185 of the 413 iterations it
would need alone, and the crossover certifies in 5 rounds with 142 working rows (23 s in
all against 42 s).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.problem import PlanningLP

CROSSOVER_GAP = 1e-4  # relative gap of the column generation at which the crossover is tried
MAX_ROUNDS = 12
NEW_ROWS_PER_ROUND = 200
MEMORY_BYTES = 4 << 30  # for W (8 bytes per product and working row)
_W_RTOL = 1e-8  # norm-wise residual of the W columns
_TIGHT = 1e-6  # relative slack below which a side row of the mix is a working row
_BROKEN = 1e-9  # relative violation that makes a row (or a negative base level) count
_BOX = 2.0  # bound on z_q, in units of its product's level in the mix
_PRICING_ROUNDS = 50
_COLUMNS_PER_PRICING = 1000


@dataclass(frozen=True)
class CrossoverPoint:
    """A trial primal-dual pair: plan ``x`` with ``lam`` sets, least-cost ``values`` and
    ``policy`` at side-row prices ``pi`` (unnormalised), their Lagrangian ``bound``."""

    x: np.ndarray
    lam: float
    values: np.ndarray
    policy: np.ndarray
    pi: np.ndarray
    bound: float
    rounds: int
    rows: int


class _WorkingRows:
    """Side rows (key ≥ 0) and sign rows (key ``-1 - product``) with their columns of W."""

    def __init__(self, lp: PlanningLP, core: LeontiefCore, sigma: np.ndarray, capacity: int):
        self.lp, self.core, self.sigma = lp, core, sigma
        self.keys: list[int] = []
        self.w = np.empty((core.n_rows, capacity), order="F")
        self.side = lp.side.tocsr()

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def full(self) -> bool:
        return len(self.keys) >= self.w.shape[1]

    def add(self, key: int) -> None:
        if key >= 0:
            rhs = self.side[key].toarray().ravel()[self.sigma]
        else:
            rhs = np.zeros(self.core.n_rows)
            rhs[-1 - key] = -1.0
        j = len(self.keys)
        self.w[:, j] = self.core.solve_normwise(self.sigma, rhs, _W_RTOL, transpose=True)
        self.keys.append(key)

    @property
    def matrix(self) -> np.ndarray:
        return self.w[:, : len(self.keys)]

    def rhs(self) -> np.ndarray:
        """h_r (0 for a sign row) less the base plan's use for the floors."""
        keys = np.asarray(self.keys)
        h = np.where(keys >= 0, self.lp.side_rhs[np.maximum(keys, 0)], 0.0)
        return np.asarray(h - self.matrix.T @ self.lp.floor)

    def coefficients(self, processes: np.ndarray) -> np.ndarray:
        """``k_q`` for each process (rows: processes, columns: working rows)."""
        w = self.matrix
        keys = np.asarray(self.keys)
        side_rows = keys[keys >= 0]
        k = np.zeros((processes.size, keys.size))
        if side_rows.size:
            k[:, keys >= 0] = self.side[side_rows][:, processes].T.toarray()
        inputs = self.core.inputs_t[processes]
        used = np.unique(inputs.indices)
        k += sp.csr_matrix(inputs[:, used]) @ w[used]
        k -= w[self.lp.main_row[processes]]
        return k


def _row_capacity(n_rows: int) -> int:
    """Working rows that W may have within ``MEMORY_BYTES`` (at least 64, at most 5,000)."""
    return int(min(5000, max(64, MEMORY_BYTES // (8 * max(n_rows, 1)))))


def _solve_lp(
    demand_use: np.ndarray, k: np.ndarray, rhs: np.ndarray, scale: np.ndarray, upper: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """``max λ s.t. λ demand_use + kᵀz ≤ rhs, 0 ≤ z ≤ upper``; (λ, z, row prices) or None."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    # The entries of k span many decades; HiGHS drops entries below 1e-9 by default, which
    # turns tiny true costs into free directions (an "unbounded" LP).
    h.setOptionValue("small_matrix_value", 1e-12)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    matrix = sp.csc_matrix(np.column_stack([demand_use, k.T]) / scale[:, None])
    model = highspy.HighsLp()
    model.num_col_ = matrix.shape[1]
    model.num_row_ = matrix.shape[0]
    model.col_cost_ = np.r_[-1.0, np.zeros(k.shape[0])]
    model.col_lower_ = np.zeros(matrix.shape[1])
    model.col_upper_ = np.r_[highspy.kHighsInf, upper]
    model.row_lower_ = np.full(matrix.shape[0], -highspy.kHighsInf)
    model.row_upper_ = rhs / scale
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    h.passModel(model)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    col = np.asarray(solution.col_value)
    prices = np.maximum(-np.asarray(solution.row_dual), 0.0) / scale
    return float(col[0]), np.maximum(col[1:], 0.0), prices


def crossover(
    lp: PlanningLP,
    core: LeontiefCore,
    mix: np.ndarray,
    priced: np.ndarray,
    certifies: Callable[[CrossoverPoint], bool],
    deadline: float | None,
    on_round: Callable[[CrossoverPoint, bool], None] | None = None,
) -> tuple[CrossoverPoint | None, CrossoverPoint | None]:
    """Try to turn a near-optimal fulfilment ``mix`` into a certified optimum.

    ``priced``: side rows with a positive price at the best dual point so far. ``on_round``
    is told each trial point and whether it certified. Returns (certified point or None,
    last trial point or None — its bound is valid either way).
    """
    sigma = core.most_active(mix)
    in_sigma = np.zeros(lp.n_processes, dtype=bool)
    in_sigma[sigma] = True
    candidates = np.flatnonzero(~in_sigma)
    level = np.bincount(lp.main_row, weights=mix, minlength=core.n_rows)
    upper = _BOX * level[lp.main_row] + 1e-300
    capacity = _row_capacity(core.n_rows)
    rows = _WorkingRows(lp, core, sigma, capacity)
    side = rows.side
    scale_h = np.maximum(np.abs(lp.side_rhs), 1.0)
    slack = (lp.side_rhs - side @ mix) / scale_h
    first = np.concatenate([np.flatnonzero(priced), np.flatnonzero(~priced & (slack < _TIGHT))])
    for key in first[:capacity].tolist():
        rows.add(int(key))
    active = candidates[mix[candidates] > 0.0]
    last: CrossoverPoint | None = None
    for round_ in range(1, MAX_ROUNDS + 1):
        if deadline is not None and time.perf_counter() > deadline:
            break
        w = rows.matrix
        demand_use = w.T @ lp.demand
        rhs = rows.rhs()
        keys = np.asarray(rows.keys)
        scale = np.where(keys >= 0, scale_h[np.maximum(keys, 0)], np.abs(demand_use) + 1e-300)
        k = rows.coefficients(active)
        answer = None
        for _ in range(_PRICING_ROUNDS):
            answer = _solve_lp(demand_use, k, rhs, scale, upper[active])
            if answer is None:
                return None, last
            lam, z, prices = answer
            y = w @ prices
            pi = np.zeros(lp.side_rhs.size)
            pi[keys[keys >= 0]] = prices[keys >= 0]
            reduced = (side.T @ pi)[candidates] + (core.inputs_t @ y)[candidates]
            reduced -= y[lp.main_row[candidates]]
            floor = -1e-12 * float(np.max(np.abs(y), initial=0.0))
            pick = (reduced < floor) & ~np.isin(candidates, active)
            if not pick.any():
                break
            order = np.argsort(reduced[pick], kind="stable")[:_COLUMNS_PER_PRICING]
            new = candidates[pick][order]
            active = np.concatenate([active, new])
            k = np.vstack([k, rows.coefficients(new)])
        assert answer is not None
        lam, z, prices = answer
        net = lam * lp.demand + lp.floor
        np.subtract.at(net, lp.main_row[active], z)
        net += lp.inputs[:, active] @ z
        base = core.solve(sigma, net, mix[sigma], core.rtol)
        x = np.zeros(lp.n_processes)
        x[sigma] = base
        x[active] += z
        # pi: the side-row prices of this answer, set by its pricing round above.
        values, policy, _ = core.values(side.T @ pi, sigma, w @ prices)
        dv = float(lp.demand @ values)
        bound = (float(lp.side_rhs @ pi) - float(lp.floor @ values)) / dv if dv > 0 else np.inf
        last = CrossoverPoint(np.maximum(x, 0.0), lam, values, policy, pi, bound, round_, len(rows))
        certified = certifies(last)
        if on_round is not None:
            on_round(last, certified)
        if certified:
            return last, last
        negative = np.flatnonzero(base < -_BROKEN * float(np.max(base, initial=0.0)))
        at_box = np.unique(lp.main_row[active[z >= upper[active] * (1.0 - 1e-9)]])
        signs = np.setdiff1d(np.union1d(negative, at_box), -1 - keys[keys < 0])
        signs = signs[np.argsort(base[signs], kind="stable")][:NEW_ROWS_PER_ROUND]
        broken = np.flatnonzero((side @ x - lp.side_rhs) / scale_h > _BROKEN)
        broken = np.setdiff1d(broken, keys[keys >= 0])[:NEW_ROWS_PER_ROUND]
        additions = [int(r) for r in broken] + [-1 - int(i) for i in signs]
        if not additions:
            break
        for key in additions:
            if rows.full:
                return None, last
            rows.add(key)
    return None, last
