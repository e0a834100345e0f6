"""The Leontief solves' accuracy follows the certificate tolerance, with a thousandfold margin."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplan.planning.largescale import solve_large
from cooplan.planning.largescale.problem import Objective, planning_lp
from cooplan.planning.largescale.result import SolveStatus
from cooplan.planning.largescale.solve import solve_rtol
from cooplan.synthetic import synthetic_snapshot


@given(st.floats(min_value=1e-14, max_value=1e-1))
def test_solve_accuracy_is_a_thousandth_of_the_tolerance_within_its_range(tol: float) -> None:
    rtol = solve_rtol(tol)
    assert 1e-11 <= rtol <= 1e-9
    assert rtol <= 1e-3 * tol or rtol == 1e-11
    assert rtol == pytest.approx(1e-3 * tol) or rtol in (1e-11, 1e-9)


@pytest.mark.parametrize(("objective", "tol"), [("fulfilment", 1e-6), ("min-labour", 1e-6),
                                                ("fulfilment", 1e-8)])  # fmt: skip
def test_certified_plans_keep_the_margin(objective: str, tol: float) -> None:
    snap = synthetic_snapshot(
        1500, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.1, seed=4
    )
    plan = solve_large(snap, objective, tol=tol)  # type: ignore[arg-type]
    assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    # Plans solved to 10⁻³·tol per equation: the balances of the answer hold far inside the
    # certificate's tolerance, not just at its edge (side rows are the master's or the
    # crossover LP's, met to HiGHS's tolerance).
    lp = planning_lp(snap, Objective(objective))
    lam = plan.objective if objective == "fulfilment" else 1.0
    rhs = lp.floor + lam * lp.demand if objective == "fulfilment" else lp.demand + lp.floor
    terms = np.abs(rhs) + abs(lp.net_output) @ np.abs(plan.x)
    shortfall = np.maximum(rhs - lp.net_output @ plan.x, 0.0)
    assert float(np.max(shortfall / terms)) <= 2 * solve_rtol(tol)
