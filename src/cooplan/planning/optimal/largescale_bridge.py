"""Hand big single-region problems to :mod:`cooplan.planning.largescale`, if it is installed.

The structure-exploiting solver answers ``fulfilment`` and ``min-labour`` on one region
without labour mobility. Its answer is trusted only when it says ``certified`` *and* the
certificate recomputed here, on this package's own LP, passes; otherwise the caller falls
back to HiGHS and says so in the result's solver section.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.certificate import certify
from cooplan.planning.optimal.formulation import LinearProgram
from cooplan.planning.optimal.highs_solver import LPSolution, LPStatus, new_highs
from cooplan.planning.optimal.result import Objective

DEFAULT_THRESHOLD = 5000
"""Processes above which a single-region problem goes to the large-scale solver."""


@dataclass(frozen=True)
class BridgeOutcome:
    """The large-scale answer in this package's LP vector form, or why there is none.

    ``note``: the method used (with a solution) or why it was not used (without).
    """

    solution: LPSolution | None
    name: str
    note: str


def eligible(lp: LinearProgram, snap: EconomySnapshot, threshold: int) -> bool:
    """Single region (no transport modelled), no mobility, fulfilment or min-labour, big."""
    return (
        lp.objective in (Objective.FULFILMENT, Objective.MIN_LABOUR)
        and not lp.layout.regional
        and len(lp.layout.mobile_coops) == 0
        and snap.n_processes > threshold
    )


def _module() -> Any | None:
    try:
        return importlib.import_module("cooplan.planning.largescale")
    except ImportError:
        return None


def solve_with_large_scale(
    snap: EconomySnapshot,
    lp: LinearProgram,
    *,
    tolerance: float = 1e-6,
    time_limit_s: float | None = None,
) -> BridgeOutcome:
    """Solve ``lp`` with ``solve_large`` and map its answer onto ``lp``'s vectors."""
    module = _module()
    solve_large = getattr(module, "solve_large", None) if module is not None else None
    if solve_large is None:
        return BridgeOutcome(None, "", "large-scale solver not available")
    new_highs()  # swallow HiGHS's one-time banner before the other solver creates an instance
    answer = solve_large(snap, lp.objective.value, tol=tolerance, max_time_s=time_limit_s)
    name = "largescale"
    method = str(getattr(answer, "method", ""))
    status = str(getattr(answer.status, "value", answer.status))
    if status != "optimal":
        return BridgeOutcome(None, name, f"large-scale solver reports {status}")
    if not getattr(answer, "certified", False):
        return BridgeOutcome(None, name, "large-scale solver not certified")
    x = np.zeros(lp.n_cols)
    x[lp.columns["x"]] = np.asarray(answer.x, dtype=float)
    if lp.columns["lam"].stop > lp.columns["lam"].start:
        x[lp.columns["lam"]] = float(answer.lam or 0.0)
    layout = lp.layout
    dual = np.zeros(lp.n_rows)
    dual[lp.rows["balance"]] = np.asarray(answer.product_prices, dtype=float)[
        layout.balance_products
    ]
    dual[lp.rows["labour"]] = -np.asarray(answer.labour_prices, dtype=float)
    dual[lp.rows["resource"]] = -np.asarray(answer.resource_prices, dtype=float)[
        layout.resource_products
    ]
    check = certify(lp, x, dual, tolerance=max(tolerance, 1e-6) * 10)
    if not check.passed:
        return BridgeOutcome(
            None, name, "large-scale answer failed this package's certificate check"
        )
    solution = LPSolution(
        status=LPStatus.OPTIMAL,
        message="certified by the large-scale solver",
        x=x,
        row_dual=dual,
        objective=float(lp.cost @ x),
        iterations=int(answer.iterations),
        time_s=float(answer.time_s),
    )
    return BridgeOutcome(solution, name, method)
