"""Hand big single-region problems to :mod:`cooplan.planning.largescale`, if it is installed.

The structure-exploiting solver answers ``fulfilment`` and ``min-labour`` on one region
without labour mobility. Its answer is trusted only when it says ``certified`` *and* the
certificate recomputed here, on this package's own LP, passes; otherwise the caller falls
back to HiGHS and says so in the result's solver section. When it stops at its time limit
with a plan that meets every constraint and prices that are dual feasible (both checked
here), that pair is kept as ``feasible``: the caller returns it, with the gap it leaves,
when HiGHS cannot do better in the time that remains.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.certificate import certify
from cooplan.planning.optimal.formulation import LinearProgram
from cooplan.planning.optimal.highs_solver import LPSolution, LPStatus, new_highs
from cooplan.planning.optimal.result import Certificate, Objective

if TYPE_CHECKING:  # the large-scale package is imported only when it is used
    from cooplan.planning.largescale.progress import ProgressCallback

DEFAULT_THRESHOLD = 5000
"""Processes above which a single-region problem goes to the large-scale solver."""


@dataclass(frozen=True)
class BridgeOutcome:
    """The large-scale answer in this package's LP vector form, or why there is none.

    ``note``: the method used (with a solution) or why it was not used (without).
    ``feasible``: without a certified solution, a primal and dual feasible pair that is not
    proven optimal (status ``LPStatus.FEASIBLE``), if the solver stopped with one.
    """

    solution: LPSolution | None
    name: str
    note: str
    feasible: LPSolution | None = None


@dataclass(frozen=True)
class Tuning:
    """Settings of the structured solver that change the time it takes, never its answer."""

    threads: int | None = None  # CPU threads for its sparse products (None: COOPLAN_THREADS)
    plan_memory_bytes: int | None = None  # bytes for plans outside the mix (None: 2 GiB)
    progress: ProgressCallback | None = None  # told how the solve stands (largescale.progress)

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``solve_large`` that are set."""
        given = {
            "threads": self.threads,
            "plan_memory_bytes": self.plan_memory_bytes,
            "progress": self.progress,
        }
        return {name: value for name, value in given.items() if value is not None}


DEFAULT_TUNING = Tuning()


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
    tuning: Tuning = DEFAULT_TUNING,
) -> BridgeOutcome:
    """Solve ``lp`` with ``solve_large`` (tuned by ``tuning``) and map its answer onto
    ``lp``'s vectors."""
    module = _module()
    solve_large = getattr(module, "solve_large", None) if module is not None else None
    if solve_large is None:
        return BridgeOutcome(None, "", "large-scale solver not available")
    new_highs()  # swallow HiGHS's one-time banner before the other solver creates an instance
    answer = solve_large(
        snap, lp.objective.value, tol=tolerance, max_time_s=time_limit_s, **tuning.options()
    )
    name = "largescale"
    method = str(getattr(answer, "method", ""))
    status = str(getattr(answer.status, "value", answer.status))
    if status not in ("optimal", "not_certified"):
        return BridgeOutcome(None, name, f"large-scale solver reports {status}")
    x, dual = _lp_vectors(lp, answer)
    check = certify(lp, x, dual, tolerance=max(tolerance, 1e-6) * 10)
    solution = LPSolution(
        status=LPStatus.OPTIMAL,
        message="certified by the large-scale solver",
        x=x,
        row_dual=dual,
        objective=float(lp.cost @ x),
        iterations=int(answer.iterations),
        time_s=float(answer.time_s),
    )
    if status == "optimal" and getattr(answer, "certified", False) and check.passed:
        return BridgeOutcome(solution, name, method)
    if status == "not_certified" and _feasible_pair(answer, check, tolerance):
        gap = check.duality_gap / max(abs(solution.objective), 1e-300)
        near = replace(
            solution,
            status=LPStatus.FEASIBLE,
            message=f"feasible plan from the large-scale solver, relative gap {gap:.1e}",
        )
        return BridgeOutcome(None, name, f"large-scale solver not certified (gap {gap:.1e})", near)
    if status != "optimal":
        return BridgeOutcome(None, name, "large-scale solver not certified")
    if not getattr(answer, "certified", False):
        return BridgeOutcome(None, name, "large-scale solver not certified")
    return BridgeOutcome(None, name, "large-scale answer failed this package's certificate check")


def _feasible_pair(answer: Any, check: Certificate, tolerance: float) -> bool:
    """Whether an uncertified answer is still a primal plan and a dual bound: its own
    (relative, row by row) primal and dual infeasibilities within ``tolerance``, this
    package's primal check passed and its bound on the right side of the plan's value."""
    own = getattr(answer, "certificate", None)
    if own is None:
        return False
    allowed = check.tolerance * check.scale
    return (
        float(own.primal_infeasibility) <= tolerance
        and float(own.dual_infeasibility) <= tolerance
        and check.primal_infeasibility <= allowed
        and check.duality_gap >= -allowed
    )


def _lp_vectors(lp: LinearProgram, answer: Any) -> tuple[np.ndarray, np.ndarray]:
    """The large-scale answer's plan and prices as ``lp``'s primal and row-dual vectors."""
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
    return x, dual
