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
