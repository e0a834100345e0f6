"""Adaptive Wentges smoothing changes the path of the column generation, never the answer.

The smoothing weight moves after every exact pricing by the sign of the bound's derivative
from the smoothed point towards the master's prices (Pessoa et al. 2018); the derivative
used is checked here against the bound itself, priced a small step away.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cooplan.planning.largescale import column_generation, solve_large
from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.problem import Objective, planning_lp
from cooplan.planning.largescale.result import SolveStatus
from cooplan.synthetic import synthetic_snapshot

_SNAPSHOT = synthetic_snapshot(
    1000, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.1, seed=3
)
_GENERATIONS: dict[str, column_generation.ColumnGeneration] = {}


def _generation(objective: Objective) -> column_generation.ColumnGeneration:
    if objective.value not in _GENERATIONS:
        lp = planning_lp(_SNAPSHOT, objective)
        core = LeontiefCore(lp.inputs, lp.main_row)
        _GENERATIONS[objective.value] = column_generation.ColumnGeneration(lp, core, 1e-6, None)
    return _GENERATIONS[objective.value]


def _random_prices(
    generation: column_generation.ColumnGeneration, rng: np.random.Generator
) -> np.ndarray:
    """Positive prices on every side row priced by the master (per unit of the row)."""
    pi = rng.uniform(0.5, 1.5, generation.lp.side_rhs.size) / generation.row_scale
    pi[generation.internal] = 0.0
    return pi


@pytest.mark.parametrize("seed", [0, 1])
def test_adaptive_smoothing_keeps_the_certified_optimum(seed: int) -> None:
    snap = synthetic_snapshot(
        1000, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.1, seed=seed
    )
    adaptive = solve_large(snap, "fulfilment", tol=1e-7)
    with mock.patch.object(column_generation, "ADAPTIVE_SMOOTHING", False):
        fixed = solve_large(snap, "fulfilment", tol=1e-7)
    for plan in (adaptive, fixed):
        assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert adaptive.objective == pytest.approx(fixed.objective, rel=3e-7)


@pytest.mark.parametrize("objective", [Objective.FULFILMENT, Objective.MIN_LABOUR])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_weight_moves_towards_the_side_where_the_bound_improves(
    objective: Objective, seed: int
) -> None:
    generation = _generation(objective)
    rng = np.random.default_rng(seed)
    pi = _random_prices(generation, rng)
    direction = pi * rng.uniform(-1.0, 1.0, pi.size)  # zero on rows priced in the core
    pricing = generation._price(pi, phase_one=False)
    generation.alpha = 0.5
    generation._adapt_smoothing(pricing, direction)
    towards = generation.alpha < 0.5
    assert generation.alpha in (pytest.approx(0.4), pytest.approx(0.55))
    # A small step: prices stay positive, the policy and so the slope mostly stay.
    moved = generation._price(pi + 1e-3 * direction, phase_one=False)
    change = moved.bound - pricing.bound
    assume(abs(change) > 1e-9 * abs(pricing.bound))  # a real change, not round-off
    # Fulfilment minimises its bound (λ ≤ bound), min-labour maximises it (hours ≥ bound).
    improves = change < 0 if objective == Objective.FULFILMENT else change > 0
    assert towards == improves


def test_the_weight_adapts_during_a_run_and_stays_a_weight() -> None:
    weights: list[float] = []
    real = column_generation.ColumnGeneration._adapt_smoothing

    def spy(self: Any, pricing: Any, direction: np.ndarray) -> None:
        real(self, pricing, direction)
        weights.append(self.alpha)

    with mock.patch.object(column_generation.ColumnGeneration, "_adapt_smoothing", spy):
        plan = solve_large(_SNAPSHOT, "fulfilment", tol=1e-7)
    assert plan.certified, plan.message
    assert weights and all(0.0 <= w < 1.0 for w in weights)
    assert len(set(weights)) > 1
