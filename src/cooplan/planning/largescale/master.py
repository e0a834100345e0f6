"""The small restricted master LP of the column generation, kept warm in one HiGHS model.

Columns are whole plans ``x_k`` (policy solutions of the Leontief core); rows are the side rows
in the working set, each divided by its scale ``max(|h_r|, 1)`` so that every row reads
``Σ_k (G_r x_k / s_r) θ_k - e_r ≤ h_r / s_r``. The elastic variable ``e_r ≥ 0`` costs ``penalty``
(phase 2) or 1 (phase 1, where plan columns cost 0); the solver only accepts answers with
``e = 0``. ``convexity`` columns (plans for ``d + f`` in min-labour, for ``f`` in fulfilment)
add up to 1; the others (plans for ``d`` in fulfilment, each worth one set of demand) are free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

_INF = highspy.kHighsInf
_UNBOUNDED = (
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)
_VERDICTS = (highspy.HighsModelStatus.kOptimal, *_UNBOUNDED)
_DUAL, _PRIMAL = 1, 4  # HiGHS simplex_strategy values


@dataclass
class MasterSolution:
    """Weights of the columns, prices of the working rows (original units) and elastic use."""

    weights: np.ndarray
    row_prices: np.ndarray  # ≥ 0, per unit of the original row (divided back by its scale)
    convexity_price: float
    elastic: float  # Σ e_r (scaled units)
    objective: float


@dataclass
class RestrictedMaster:
    """Master LP ``min Σ cost_k θ_k + penalty Σ e_r`` over the working rows.

    Inside HiGHS plan costs are divided by ``cost_scale`` (so they are about 1) and the
    penalty is in those units; returned prices are in the original units.
    """

    penalty: float
    cost_scale: float = 1.0  # plan costs are divided by this inside HiGHS (prices multiplied back)
    highs: highspy.Highs = field(default_factory=highspy.Highs)
    rows: list[int] = field(default_factory=list)  # global side-row index of each master row
    scales: list[float] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    convex: list[bool] = field(default_factory=list)
    phase_one: bool = False
    rows_changed: bool = True  # rows added since the last solve (dual simplex next)
    last_simplex: str = ""  # "primal" or "dual": the simplex of the last solve

    def __post_init__(self) -> None:
        h = self.highs
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-9)
        # Row 0 is the convexity row Σ θ_k = 1 over convexity columns.
        h.addRow(1.0, 1.0, 0, np.empty(0, dtype=np.int32), np.empty(0))

    @property
    def n_columns(self) -> int:
        return len(self.costs)

    def _elastic_index(self, j: int) -> int:
        return j  # elastic variables are the first columns, added with their rows

    def add_rows(self, rows: np.ndarray, rhs: np.ndarray, usage: np.ndarray) -> None:
        """Add side rows: ``usage[j, k] = G_row x_k`` for every existing plan column k."""
        h = self.highs
        for j, r in enumerate(rows.tolist()):
            scale = max(abs(float(rhs[j])), 1.0)
            idx = np.array(
                [self._column_position(k) for k in range(self.n_columns)], dtype=np.int32
            )
            vals = usage[j] / scale
            nz = vals != 0.0
            h.addRow(-_INF, float(rhs[j]) / scale, int(nz.sum()), idx[nz], vals[nz])
            row_id = h.getNumRow() - 1
            cost = 1.0 if self.phase_one else self.penalty
            h.addCol(cost, 0.0, _INF, 1, np.array([row_id], dtype=np.int32), np.array([-1.0]))
            self._elastic_cols.append(h.getNumCol() - 1)
            self.rows.append(r)
            self.scales.append(scale)
        self.rows_changed = True

    def add_column(self, cost: float, usage: np.ndarray, convex: bool) -> None:
        """Add a plan column: its cost and ``G_r x`` for each working row, in row order."""
        h = self.highs
        vals = usage / np.asarray(self.scales) if self.rows else np.empty(0)
        idx = np.arange(1, len(self.rows) + 1, dtype=np.int32)
        nz = vals != 0.0
        idx, vals = idx[nz], vals[nz]
        if convex:
            idx = np.concatenate([np.array([0], dtype=np.int32), idx])
            vals = np.concatenate([[1.0], vals])
        h.addCol(0.0 if self.phase_one else cost / self.cost_scale, 0.0, _INF, idx.size, idx, vals)
        self._plan_cols.append(h.getNumCol() - 1)
        self.costs.append(cost)
        self.convex.append(convex)

    def _column_position(self, k: int) -> int:
        return self._plan_cols[k]

    def set_phase(self, phase_one: bool, penalty: float | None = None) -> None:
        """Phase 1 (minimise elastic use) or phase 2 (minimise cost + penalty × elastic)."""
        self.phase_one = phase_one
        if penalty is not None:
            self.penalty = penalty
        h = self.highs
        for k, col in enumerate(self._plan_cols):
            h.changeColCost(col, 0.0 if phase_one else self.costs[k] / self.cost_scale)
        for col in self._elastic_cols:
            h.changeColCost(col, 1.0 if phase_one else self.penalty)

    def solve(self) -> MasterSolution:
        """Solve the master (warm-started simplex); raises RuntimeError if HiGHS fails.

        New columns and new costs (a change of phase) leave the last basis primal feasible,
        so the primal simplex goes on from it; new rows leave it dual feasible, so the dual
        simplex does (at 10⁵ products with 495 working rows: 22 s of master solves instead
        of 59 s with the dual simplex throughout, same iterations).
        """
        h = self.highs
        self.last_simplex = "dual" if self.rows_changed else "primal"
        h.setOptionValue("simplex_strategy", _DUAL if self.rows_changed else _PRIMAL)
        self.rows_changed = False
        h.run()
        status = h.getModelStatus()
        if status not in _VERDICTS:
            # Warm-started from the last basis, the simplex can end without a verdict (HiGHS
            # said "Unknown" for an unbounded master at 2·10⁵ products); a cold solve decides.
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
        if status in _UNBOUNDED:
            # Elastic rows keep the master feasible, so "unbounded or infeasible" is unbounded.
            raise OverflowError("master unbounded")
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"master LP: {h.modelStatusToString(status)}")
        sol = h.getSolution()
        col = np.asarray(sol.col_value)
        duals = np.asarray(sol.row_dual)
        weights = np.maximum(col[np.asarray(self._plan_cols, dtype=np.int64)], 0.0)
        elastic = (
            float(col[np.asarray(self._elastic_cols, dtype=np.int64)].sum())
            if self._elastic_cols
            else 0.0
        )
        unit = 1.0 if self.phase_one else self.cost_scale
        prices = (
            unit * np.maximum(-duals[1:], 0.0) / np.asarray(self.scales)
            if self.rows
            else np.empty(0)
        )
        return MasterSolution(
            weights=weights,
            row_prices=prices,
            convexity_price=unit * float(duals[0]),
            elastic=elastic,
            objective=unit * float(h.getInfo().objective_function_value),
        )

    _plan_cols: list[int] = field(default_factory=list)
    _elastic_cols: list[int] = field(default_factory=list)
