"""Certificates of the planning LP computed from the vectors and the original data.

All measures are relative, dimensionless and unchanged by rescaling units (see
docs/largescale.md): each violation is divided by the size of the terms that make it up.
"""

from __future__ import annotations

import numpy as np

from cooplan.planning.largescale.problem import Objective, PlanningLP
from cooplan.planning.largescale.result import Certificate, CertificateKind


def _pos_max(values: np.ndarray) -> float:
    return float(np.max(values, initial=0.0))


def _ratio(num: np.ndarray, den: np.ndarray) -> float:
    """max_k num_k / den_k over positive num (den = magnitude of the terms, never 0 there)."""
    bad = num > 0.0
    if not bad.any():
        return 0.0
    return float(np.max(num[bad] / np.maximum(den[bad], 1e-300)))


def primal_infeasibility(lp: PlanningLP, x: np.ndarray, lam: float | None) -> float:
    """Largest relative violation of the balance, side and sign constraints by (x, λ).

    A row's violation is divided by ``|rhs| + Σ_p |coefficient × x_p|`` (the size of the
    terms it adds up); a negative activity by ``max|x|``.
    """
    fulfil = lp.objective == Objective.FULFILMENT
    rhs = lp.floor + (lam or 0.0) * lp.demand if fulfil else lp.demand + lp.floor
    absx = np.abs(x)
    balance = _ratio(rhs - lp.net_output @ x, np.abs(rhs) + abs(lp.net_output) @ absx)
    side = _ratio(lp.side @ x - lp.side_rhs, np.abs(lp.side_rhs) + abs(lp.side) @ absx)
    sign = _pos_max(-x) / max(_pos_max(absx), 1e-300)
    return max(balance, side, sign, max(0.0, -(lam or 0.0)))


def optimality_certificate(
    lp: PlanningLP, x: np.ndarray, lam: float | None, y: np.ndarray, pi: np.ndarray
) -> Certificate:
    """Certificate of a primal (x, λ) and dual (y on balance rows, π on side rows) pair.

    Dual rows: the reduced cost ``c_p - Σ_i (b_ip - a_ip) y_i + Σ_r g_rp π_r`` must be ≥ 0; its
    shortfall is divided by ``|c_p| + Σ_i |b_ip - a_ip| y_i + Σ_r g_rp π_r``. Negative prices
    count relative to the largest price; for fulfilment ``d·y ≥ 1`` too. The gap is
    ``|primal - dual| / (|primal| + |dual|)``.
    """
    fulfil = lp.objective == Objective.FULFILMENT
    cost = np.zeros(lp.n_processes) if fulfil else lp.labour
    lty = lp.net_output.T @ y
    gtp = lp.side.T @ pi
    magnitude = np.abs(cost) + abs(lp.net_output).T @ np.abs(y) + abs(lp.side).T @ np.abs(pi)
    dual = _ratio(-(cost - lty + gtp), magnitude)
    largest = max(_pos_max(np.abs(y)), _pos_max(np.abs(pi)), 1e-300)
    dual = max(dual, _pos_max(-y) / largest, _pos_max(-pi) / largest)
    if fulfil:
        dual = max(dual, 1.0 - float(lp.demand @ y))
        primal_obj = float(lam or 0.0)
        dual_obj = float(lp.side_rhs @ pi - lp.floor @ y)
    else:
        primal_obj = float(lp.labour @ x)
        dual_obj = float((lp.demand + lp.floor) @ y - lp.side_rhs @ pi)
    size = abs(primal_obj) + abs(dual_obj)
    gap = abs(primal_obj - dual_obj) / size if size > 0 else 0.0
    return Certificate(
        kind=CertificateKind.OPTIMALITY,
        primal_infeasibility=primal_infeasibility(lp, x, lam),
        dual_infeasibility=dual,
        complementarity_gap=gap,
    )


def infeasibility_certificate(
    lp: PlanningLP, x: np.ndarray, y: np.ndarray, pi: np.ndarray
) -> Certificate:
    """Farkas certificate: y, π ≥ 0 with (B-A)ᵀy ≤ Gᵀπ and rhs·y > h·π (relative measures)."""
    rhs = lp.floor if lp.objective == Objective.FULFILMENT else lp.demand + lp.floor
    lty = lp.net_output.T @ y
    gtp = lp.side.T @ pi
    magnitude = abs(lp.net_output).T @ np.abs(y) + abs(lp.side).T @ np.abs(pi)
    scale = 1e-300 + _pos_max(magnitude)
    sign = max(_pos_max(-y), _pos_max(-pi)) / scale
    dual = max(_pos_max((lty - gtp) / scale), sign)
    margin = float(rhs @ y - lp.side_rhs @ pi) / (
        1e-300 + float(np.abs(rhs) @ np.abs(y) + np.abs(lp.side_rhs) @ np.abs(pi))
    )
    return Certificate(
        kind=CertificateKind.INFEASIBILITY,
        primal_infeasibility=primal_infeasibility(lp, x, 0.0),
        dual_infeasibility=dual,
        complementarity_gap=0.0,
        farkas_margin=margin,
    )


def unboundedness_certificate(lp: PlanningLP, ray: np.ndarray) -> Certificate:
    """Ray x ≥ 0 with (B-A) x ≥ d and G x ≤ 0: λ grows without limit (fulfilment only)."""
    scale = 1.0 + _pos_max(np.abs(ray))
    balance = _pos_max((lp.demand - lp.net_output @ ray) / (1.0 + np.abs(lp.demand)))
    side = _pos_max(lp.side @ ray) / scale
    return Certificate(
        kind=CertificateKind.UNBOUNDEDNESS,
        primal_infeasibility=max(balance, side, _pos_max(-ray) / scale),
        dual_infeasibility=0.0,
        complementarity_gap=0.0,
    )
