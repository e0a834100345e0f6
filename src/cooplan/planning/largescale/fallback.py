"""The planning LP handed whole to HiGHS, for economies outside the Leontief structure.

Used when the snapshot has joint products (or another departure from one main product per
process) so that policy plans do not describe every vertex. The answer is certified the same
way as the structured method's, from the vectors and the original data.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from cooplan.planning.largescale.problem import Objective, PlanningLP


@dataclass(frozen=True)
class HighsAnswer:
    """HiGHS's status string, plan, λ and duals (y ≥ 0 on balances, π ≥ 0 on side rows)."""

    status: str
    x: np.ndarray
    lam: float | None
    y: np.ndarray
    pi: np.ndarray
    iterations: int


@dataclass(frozen=True)
class WholeLP:
    """The planning LP as ``min cost·z s.t. row_lower ≤ M z ≤ row_upper, z ≥ 0``.

    ``z = x`` (min-labour) or ``z = (x, λ)`` (fulfilment, cost -1 on λ); rows are the balances
    (lower bound) then the side rows (upper bound).
    """

    cost: np.ndarray
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray


def whole_lp(lp: PlanningLP) -> WholeLP:
    """The planning LP in one matrix, as general solvers take it."""
    fulfil = lp.objective == Objective.FULFILMENT
    m = lp.n_processes
    n_bal, n_side = lp.demand.size, lp.side_rhs.size
    if fulfil:
        top = sp.hstack([lp.net_output, sp.csr_matrix(-lp.demand.reshape(-1, 1))])
        bottom = sp.hstack([lp.side, sp.csr_matrix((n_side, 1))])
        cost = np.zeros(m + 1)
        cost[m] = -1.0
        rhs = lp.floor
    else:
        top, bottom, cost, rhs = lp.net_output, lp.side, lp.labour, lp.demand + lp.floor
    matrix = sp.vstack([top, bottom], format="csc")
    matrix.sort_indices()
    return WholeLP(
        cost=np.asarray(cost, dtype=float),
        matrix=matrix,
        row_lower=np.concatenate([rhs, np.full(n_side, -np.inf)]),
        row_upper=np.concatenate([np.full(n_bal, np.inf), lp.side_rhs]),
    )


def solve_with_highs(
    lp: PlanningLP, solver: str, max_time_s: float | None, threads: int | None = None
) -> HighsAnswer:
    """Solve the full LP with HiGHS (``solver`` = "ipm", "simplex" or "pdlp").

    ``threads`` can only be set in a process where HiGHS has not run yet (benchmarks).
    """
    fulfil = lp.objective == Objective.FULFILMENT
    m = lp.n_processes
    n_bal = lp.demand.size
    whole = whole_lp(lp)
    matrix = whole.matrix
    inf = highspy.kHighsInf
    model = highspy.HighsLp()
    model.num_col_ = matrix.shape[1]
    model.num_row_ = matrix.shape[0]
    model.col_cost_ = whole.cost
    model.col_lower_ = np.zeros(matrix.shape[1])
    model.col_upper_ = np.full(matrix.shape[1], inf)
    model.row_lower_ = np.where(np.isinf(whole.row_lower), -inf, whole.row_lower)
    model.row_upper_ = np.where(np.isinf(whole.row_upper), inf, whole.row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("solver", solver)
    if threads is not None:
        highs.setOptionValue("threads", threads)
    if max_time_s is not None:
        highs.setOptionValue("time_limit", float(max_time_s))
    highs.passModel(model)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    sol = highs.getSolution()
    col = np.asarray(sol.col_value) if sol.value_valid else np.zeros(matrix.shape[1])
    dual = np.asarray(sol.row_dual) if sol.dual_valid else np.zeros(matrix.shape[0])
    info = highs.getInfo()
    iterations = int(info.simplex_iteration_count + info.ipm_iteration_count)
    return HighsAnswer(
        status=status,
        x=np.maximum(col[:m], 0.0),
        lam=float(col[m]) if fulfil else None,
        y=np.maximum(dual[:n_bal], 0.0),
        pi=np.maximum(-dual[n_bal:], 0.0),
        iterations=iterations,
    )
