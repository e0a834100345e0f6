"""Quick pricings (columns without an exact evaluation) change the path, never the answer."""

from __future__ import annotations

import re
from unittest import mock

import pytest

from cooplan.planning.largescale import column_generation, solve_large
from cooplan.planning.largescale.result import SolveStatus
from cooplan.synthetic import synthetic_snapshot


def _quick_columns(method: str) -> int:
    found = re.search(r"\((\d+) from quick pricings\)", method)
    assert found is not None, method
    return int(found.group(1))


@pytest.mark.parametrize("seed", [0, 1])
def test_quick_pricings_reach_the_same_certified_optimum(seed: int) -> None:
    snap = synthetic_snapshot(
        1000, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.1, seed=seed
    )
    quick = solve_large(snap, "fulfilment", tol=1e-7)
    with mock.patch.object(column_generation, "QUICK_RUN", 0):
        exact = solve_large(snap, "fulfilment", tol=1e-7)
    for plan in (quick, exact):
        assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert _quick_columns(quick.method) > 0
    assert _quick_columns(exact.method) == 0
    assert quick.objective == pytest.approx(exact.objective, rel=3e-7)


def test_quick_run_grows_while_the_bound_stalls_and_resets_when_it_improves() -> None:
    limit_after = column_generation.ColumnGeneration._quick_limit
    limit = column_generation.QUICK_RUN
    seen = []
    for _ in range(10):
        limit = limit_after(limit, improved=False)
        seen.append(limit)
    stalled = column_generation.QUICK_RUN_STALLED
    assert seen[0] == column_generation.QUICK_RUN + 1
    assert seen == sorted(seen) and seen[-1] == stalled
    assert limit_after(limit, improved=True) == column_generation.QUICK_RUN
    with mock.patch.object(column_generation, "QUICK_RUN", 0):
        assert limit_after(0, improved=False) == 0  # exact pricings only, whatever the bound


@pytest.mark.parametrize("stalled", [column_generation.QUICK_RUN, 8])
def test_longer_quick_runs_after_stalled_bounds_reach_the_same_optimum(stalled: int) -> None:
    snap = synthetic_snapshot(
        2000, 2, 20, capacity_share=0.01, n_resources=3, tight_share=0.05, seed=3
    )
    with mock.patch.object(column_generation, "QUICK_RUN_STALLED", stalled):
        plan = solve_large(snap, "fulfilment", tol=1e-7)
    with mock.patch.object(column_generation, "QUICK_RUN", 0):
        exact = solve_large(snap, "fulfilment", tol=1e-7)
    assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert plan.objective == pytest.approx(exact.objective, rel=3e-7)
