"""A fulfilment run without a finite bound prices every side row once: the bound becomes
finite there, and the certified optimum stays the same."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
import pytest

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.largescale import column_generation, solve_large
from cooplan.planning.largescale.result import SolveStatus
from cooplan.synthetic import synthetic_snapshot


def _economy(seed: int) -> EconomySnapshot:
    return synthetic_snapshot(
        1000, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.3, seed=seed
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_pricing_every_row_keeps_the_certified_optimum(seed: int) -> None:
    snap = _economy(seed)
    real_price = column_generation.ColumnGeneration._price
    everywhere: list[float] = []

    def price(self: Any, pi: np.ndarray, phase_one: bool) -> Any:
        pricing = real_price(self, pi, phase_one)
        if np.array_equal(pi, 1.0 / self.row_scale):
            everywhere.append(pricing.bound)
        return pricing

    with (
        mock.patch.object(column_generation, "BOUNDLESS_PRICINGS", 1),
        mock.patch.object(column_generation.ColumnGeneration, "_price", price),
    ):
        early = solve_large(snap, "fulfilment", tol=1e-7)
    default = solve_large(snap, "fulfilment", tol=1e-7)
    for plan in (early, default):
        assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert early.objective == pytest.approx(default.objective, rel=3e-7)
    # The pricing at 1/h happened once, and its bound is finite and bounds the optimum.
    assert len(everywhere) == 1
    assert default.objective is not None and np.isfinite(everywhere[0])
    assert everywhere[0] >= default.objective * (1 - 1e-9)


def test_runs_that_find_a_bound_soon_never_price_every_row() -> None:
    snap = _economy(0)
    calls: list[int] = []
    real = column_generation.ColumnGeneration._price_every_row

    def spy(self: Any, master: Any, best: Any) -> Any:
        calls.append(self.boundless)
        return real(self, master, best)

    with mock.patch.object(column_generation.ColumnGeneration, "_price_every_row", spy):
        plan = solve_large(snap, "fulfilment", tol=1e-7)
    assert plan.certified
    assert len(calls) < column_generation.BOUNDLESS_PRICINGS
