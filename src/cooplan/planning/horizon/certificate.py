"""The optimality certificate of an LP min cᵀx, A x ≤ b, l ≤ x ≤ u, from its primal and dual.

With row duals y ≥ 0 the reduced costs are r = c + Aᵀy and the Lagrangian dual bound is
−bᵀy + Σⱼ min(rⱼ lⱼ, rⱼ uⱼ); it is finite when rⱼ ≥ 0 wherever uⱼ = ∞ (all lⱼ are finite here).
The certificate reports, each relative to the size of the data: the worst violation of a row
or a bound (primal), the worst negative dual or negative reduced cost of an unbounded-above
variable (dual), and the gap between the primal objective and the dual bound (which is zero
exactly when complementary slackness holds for rows and bounds alike).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def certificate(
    cost: np.ndarray,
    A_ub: sp.spmatrix,
    b_ub: np.ndarray,
    bounds: np.ndarray,
    x: np.ndarray,
    duals: np.ndarray,
) -> dict[str, float]:
    """Primal infeasibility, dual infeasibility and duality gap (dimensionless, ≥ 0)."""
    lower, upper = bounds[:, 0], bounds[:, 1]
    slack = b_ub - A_ub @ x
    worst_row = max(0.0, float(-slack.min())) if len(slack) else 0.0
    worst_bound = float(max(0.0, (lower - x).max(), (x - upper).max()))
    scale = max(1.0, float(np.abs(b_ub).max()) if len(b_ub) else 0.0, float(np.abs(lower).max()))
    reduced = cost + A_ub.T @ duals
    open_above = ~np.isfinite(upper)
    worst_dual = max(
        float(np.maximum(-duals, 0.0).max()) if len(duals) else 0.0,
        float(np.maximum(-reduced[open_above], 0.0).max()) if open_above.any() else 0.0,
    )
    # min over the box of rⱼ xⱼ: at the lower bound where rⱼ ≥ 0, else at the (finite) upper.
    at = np.where(reduced >= 0.0, lower, np.where(open_above, 0.0, upper))
    dual_bound = float(-b_ub @ duals + reduced @ at)
    primal_value = float(cost @ x)
    return {
        "primal_infeasibility": max(worst_row, worst_bound) / scale,
        "dual_infeasibility": worst_dual / max(1.0, float(np.abs(cost).max())),
        "complementarity_gap": abs(primal_value - dual_bound) / max(1.0, abs(primal_value)),
    }
