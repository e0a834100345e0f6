"""Optimality certificates recomputed from the vectors and the LP's own data.

For min cᵀv subject to L ≤ Av ≤ U, l ≤ v ≤ u with row duals π, the reduced costs are
ρ = c − Aᵀπ. The pair (v, π) is optimal when

* primal feasibility: L ≤ Av ≤ U and l ≤ v ≤ u;
* dual feasibility: π_r ≥ 0 where U_r = +∞, π_r ≤ 0 where L_r = −∞; ρ_j ≥ 0 where
  u_j = +∞, ρ_j ≤ 0 where l_j = −∞;
* complementary slackness: π_r⁺ (Av − L)_r = 0, π_r⁻ (U − Av)_r = 0, and likewise ρ with
  the bounds.

Nothing is taken from the solver but the two vectors; the gap between the primal objective
cᵀv and the dual objective Lᵀπ⁺ − Uᵀπ⁻ + lᵀρ⁺ − uᵀρ⁻ is reported as well.
"""

from __future__ import annotations

import numpy as np

from cooplan.planning.optimal.formulation import LinearProgram
from cooplan.planning.optimal.result import Certificate

FloatArray = np.ndarray

DEFAULT_TOLERANCE = 1e-6
"""Relative tolerance: each measure must be below tolerance × scale."""


def _finite(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values), values, 0.0)


def _bound_violation(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """How far each value lies outside [lower, upper] (infinite bounds never violated)."""
    below = np.where(np.isfinite(lower), np.maximum(_finite(lower) - values, 0.0), 0.0)
    above = np.where(np.isfinite(upper), np.maximum(values - _finite(upper), 0.0), 0.0)
    result: FloatArray = below + above
    return result


def _side_terms(
    dual: FloatArray, activity: FloatArray, lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-entry (dual sign violation, complementarity |dual×slack|, dual objective part)."""
    positive, negative = np.maximum(dual, 0.0), np.maximum(-dual, 0.0)
    has_lower, has_upper = np.isfinite(lower), np.isfinite(upper)
    violation = np.where(has_lower, 0.0, positive) + np.where(has_upper, 0.0, negative)
    slack_low = np.where(has_lower, activity - _finite(lower), 0.0)
    slack_up = np.where(has_upper, _finite(upper) - activity, 0.0)
    gap = np.where(has_lower, positive * np.abs(slack_low), 0.0) + np.where(
        has_upper, negative * np.abs(slack_up), 0.0
    )
    objective = np.where(has_lower, positive * _finite(lower), 0.0) - np.where(
        has_upper, negative * _finite(upper), 0.0
    )
    return violation, gap, objective


def certify(
    lp: LinearProgram,
    x: FloatArray,
    row_dual: FloatArray,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Certificate:
    """The certificate of the primal ``x`` and row duals ``row_dual`` of ``lp``."""
    activity = lp.matrix @ x
    reduced = lp.cost - lp.matrix.T @ row_dual
    row_violation = _bound_violation(activity, lp.row_lower, lp.row_upper)
    col_violation = _bound_violation(x, lp.col_lower, lp.col_upper)
    primal = float(max(np.max(row_violation, initial=0.0), np.max(col_violation, initial=0.0)))
    row_dual_violation, row_gap, row_objective = _side_terms(
        row_dual, activity, lp.row_lower, lp.row_upper
    )
    col_dual_violation, col_gap, col_objective = _side_terms(reduced, x, lp.col_lower, lp.col_upper)
    dual = float(
        max(np.max(row_dual_violation, initial=0.0), np.max(col_dual_violation, initial=0.0))
    )
    complementarity = float(row_gap.sum() + col_gap.sum())
    primal_objective = float(lp.cost @ x)
    dual_objective = float(row_objective.sum() + col_objective.sum())
    scale = 1.0 + max(
        float(np.max(np.abs(_finite(lp.row_lower)), initial=0.0)),
        float(np.max(np.abs(_finite(lp.row_upper)), initial=0.0)),
        float(np.max(np.abs(lp.cost), initial=0.0)),
        abs(primal_objective),
    )
    passed = primal <= tolerance * scale and dual <= tolerance * scale
    passed = passed and complementarity <= tolerance * scale
    # The objectives must also agree relative to the objective itself: the scale above is
    # set by the largest right-hand side (coop hours), which for a fulfilment plan (λ ≈ 1)
    # would let a gap of whole percents pass.
    gap_scale = 1.0 + abs(primal_objective) + abs(dual_objective)
    passed = passed and abs(primal_objective - dual_objective) <= tolerance * gap_scale
    return Certificate(
        primal_infeasibility=primal,
        dual_infeasibility=dual,
        complementarity_gap=complementarity,
        duality_gap=primal_objective - dual_objective,
        tolerance=tolerance,
        scale=scale,
        passed=bool(passed),
    )
