"""Typed results of the large-scale planning LP solver."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class SolveStatus(StrEnum):
    """Outcome of :func:`~cooplan.planning.largescale.solve_large`.

    ``OPTIMAL``, ``INFEASIBLE`` and ``UNBOUNDED`` are only returned with a certificate that
    passed the tolerance; anything the solver could not prove is ``NOT_CERTIFIED``.
    """

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_CERTIFIED = "not_certified"


class CertificateKind(StrEnum):
    """What a certificate proves."""

    OPTIMALITY = "optimality"
    INFEASIBILITY = "infeasibility"
    UNBOUNDEDNESS = "unboundedness"


@dataclass(frozen=True)
class Certificate:
    """Relative errors of a primal-dual pair, computed from the vectors and the original LP.

    For ``OPTIMALITY`` (see docs/largescale.md; every measure is scale-invariant):

    * ``primal_infeasibility``: max over balance, coop-hour, resource and capacity rows of the
      violation divided by ``|rhs| + Σ_p |coefficient × x_p|``, and of ``-x_p / max|x|``;
    * ``dual_infeasibility``: max over processes of the reduced cost's shortfall below 0
      divided by ``|c_p| + Σ_i |b_ip - a_ip| y_i + Σ_r g_rp π_r``, of negative prices over the
      largest price and (fulfilment) of ``1 - d·y``;
    * ``complementarity_gap``: ``|primal objective - dual objective| / (|primal| + |dual|)``
      (equal to the complementary-slackness sum for feasible pairs).

    For ``INFEASIBILITY`` the prices form a Farkas ray: ``dual_infeasibility`` is its sign
    error, ``farkas_margin`` its relative strict positivity (must exceed the tolerance),
    ``primal_infeasibility`` the least relative violation reached by a plan (information),
    ``complementarity_gap`` is 0. For ``UNBOUNDEDNESS`` ``x`` is a ray and
    ``primal_infeasibility`` its relative violation.
    """

    kind: CertificateKind
    primal_infeasibility: float
    dual_infeasibility: float
    complementarity_gap: float
    farkas_margin: float | None = None

    def passes(self, tol: float) -> bool:
        """True when every error is at most ``tol`` (and a Farkas margin, if any, exceeds it)."""
        if self.kind == CertificateKind.INFEASIBILITY:
            return (
                self.dual_infeasibility <= tol
                and self.farkas_margin is not None
                and self.farkas_margin > tol
            )
        if self.kind == CertificateKind.UNBOUNDEDNESS:
            return self.primal_infeasibility <= tol
        return (
            max(self.primal_infeasibility, self.dual_infeasibility, self.complementarity_gap) <= tol
        )


@dataclass(frozen=True, eq=False)
class LargeScaleSolution:
    """A plan with its prices and its certificate.

    Units: ``x`` in units of each process's main product per period; ``lam`` complete sets of
    final demand (fulfilment only); ``objective`` is λ (fulfilment) or labour hours
    (min-labour). Prices are duals of the original LP, all ≥ 0: ``product_prices`` per unit of
    each product (0 for natural resources), ``labour_prices`` per hour of each coop,
    ``resource_prices`` per unit of each product (non-zero only for limited resources),
    ``capacity_prices`` per unit of each process's capacity. For ``min-labour`` they are in
    hours per unit; for ``fulfilment`` in λ per unit (they sum, weighted by demand, to 1).
    """

    status: SolveStatus
    objective_kind: str
    x: np.ndarray
    lam: float | None
    objective: float | None
    product_prices: np.ndarray
    labour_prices: np.ndarray
    resource_prices: np.ndarray
    capacity_prices: np.ndarray
    certificate: Certificate
    certified: bool
    iterations: int
    time_s: float
    method: str
    message: str = ""
