"""Solve a :class:`~cooplan.planning.optimal.formulation.LinearProgram` with HiGHS.

Returns the raw primal and dual vectors in the LP's minimisation form (HiGHS convention:
``row_dual`` π with reduced costs cost − Aᵀπ; π ≥ 0 on a row at its lower bound, ≤ 0 at its
upper bound). Interpreting them is the caller's job; trusting them needs
:func:`cooplan.planning.optimal.certificate.certify`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np

from cooplan.planning.optimal.formulation import LinearProgram

FloatArray = np.ndarray


class LPStatus(StrEnum):
    """Termination of one LP solve."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # primal and dual feasible, optimality not proven (a gap remains)
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    FAILED = "failed"


@dataclass(frozen=True, eq=False)
class Basis:
    """A simplex basis: HiGHS's status of each column and row (to warm-start a solve)."""

    col_status: tuple[highspy.HighsBasisStatus, ...]
    row_status: tuple[highspy.HighsBasisStatus, ...]


@dataclass(frozen=True, eq=False)
class LPSolution:
    """What one solve returned: status, vectors (minimisation form), effort."""

    status: LPStatus
    message: str
    x: FloatArray
    row_dual: FloatArray
    objective: float
    iterations: int
    time_s: float
    ray: FloatArray | None = None
    basis: Basis | None = None


_STATUS = {
    highspy.HighsModelStatus.kOptimal: LPStatus.OPTIMAL,
    highspy.HighsModelStatus.kModelEmpty: LPStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: LPStatus.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: LPStatus.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: LPStatus.INFEASIBLE_OR_UNBOUNDED,
}


_banner_lock = threading.Lock()
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints its banner on the process's first instance, straight to file descriptor 1,
    which would corrupt JSON written to standard output: the first construction runs with
    that descriptor pointed at the null device.
    """
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            highs = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    highs = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
    highs.setOptionValue("output_flag", False)
    return highs


def solve_lp(
    lp: LinearProgram, *, time_limit_s: float = 600.0, start: Basis | None = None
) -> LPSolution:
    """Solve ``lp`` with HiGHS (fixed seed: deterministic).

    ``start``: a basis of an LP with the same columns and the first rows of this one (rows
    added since start basic), e.g. the basis of a solve before an objective row was added.

    The number of threads is left to HiGHS: it is fixed process-wide by the first solve,
    and asking for another number afterwards makes every later solve fail.
    """
    started = time.perf_counter()
    highs = new_highs()
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("time_limit", float(time_limit_s))
    model = highspy.HighsLp()
    model.num_col_ = lp.n_cols
    model.num_row_ = lp.n_rows
    model.col_cost_ = np.asarray(lp.cost, dtype=float)
    model.col_lower_ = np.asarray(lp.col_lower, dtype=float)
    model.col_upper_ = np.asarray(lp.col_upper, dtype=float)
    model.row_lower_ = np.asarray(lp.row_lower, dtype=float)
    model.row_upper_ = np.asarray(lp.row_upper, dtype=float)
    csc = lp.matrix.tocsc()
    csc.sort_indices()
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = csc.indptr.astype(np.int32)
    model.a_matrix_.index_ = csc.indices.astype(np.int32)
    model.a_matrix_.value_ = csc.data.astype(float)
    model.a_matrix_.num_col_ = lp.n_cols
    model.a_matrix_.num_row_ = lp.n_rows
    highs.passModel(model)
    if start is not None:
        _set_basis(highs, start, lp.n_cols, lp.n_rows)
    run_status = highs.run()
    model_status = highs.getModelStatus()
    status = _STATUS.get(model_status, LPStatus.FAILED)
    message = highs.modelStatusToString(model_status)
    if run_status == highspy.HighsStatus.kError:
        status, message = LPStatus.FAILED, f"HiGHS returned an error ({message})"
    info = highs.getInfo()
    iterations = int(info.simplex_iteration_count) + max(int(info.ipm_iteration_count), 0)
    solution = highs.getSolution()
    x = np.asarray(solution.col_value, dtype=float)
    dual = np.asarray(solution.row_dual, dtype=float)
    if len(x) != lp.n_cols:
        x = np.zeros(lp.n_cols)
    if len(dual) != lp.n_rows:
        dual = np.zeros(lp.n_rows)
    ray = None
    if status is LPStatus.UNBOUNDED:
        found, has_ray, values = _primal_ray(highs, lp.n_cols)
        ray = values if found and has_ray else None
    basis = None
    if status is LPStatus.OPTIMAL and info.basis_validity == 1:
        current = highs.getBasis()
        basis = Basis(tuple(current.col_status), tuple(current.row_status))
    return LPSolution(
        status=status,
        message=message,
        x=x,
        row_dual=dual,
        objective=float(info.objective_function_value),
        iterations=iterations,
        time_s=time.perf_counter() - started,
        ray=ray,
        basis=basis,
    )


def _set_basis(highs: highspy.Highs, start: Basis, n_cols: int, n_rows: int) -> None:
    """Warm-start from ``start`` when it fits (same columns, no more rows than the LP)."""
    if len(start.col_status) != n_cols or len(start.row_status) > n_rows:
        return
    basis = highspy.HighsBasis()
    basis.col_status = list(start.col_status)
    extra = n_rows - len(start.row_status)
    basis.row_status = [*start.row_status, *([highspy.HighsBasisStatus.kBasic] * extra)]
    basis.valid = True
    highs.setBasis(basis)


def _primal_ray(highs: highspy.Highs, n_cols: int) -> tuple[bool, bool, FloatArray]:
    """HiGHS's primal ray (direction of unbounded improvement), when it has one."""
    try:
        result = highs.getPrimalRay()  # type: ignore[attr-defined]
    except (RuntimeError, TypeError):
        return False, False, np.zeros(n_cols)
    status, has_ray, values = result
    ok = status == highspy.HighsStatus.kOk
    return ok, bool(has_ray), np.asarray(values, dtype=float)
