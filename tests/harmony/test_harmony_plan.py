"""Harmony planning: hand-worked optima, the LP optimum, limits, floors, determinism."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from harmony_builders import check_within_limits, tiny_economy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.planning.harmony import harmony_plan
from cooplan.planning.harmony.mechanism import HARMONY
from cooplan.planning.mechanism import RunStatus, get_mechanism, run
from cooplan.planning.optimal import plan
from cooplan.synthetic import synthetic_economy

# Stated accuracy of harmony planning against the LP optimum of the same objective
# (docs/harmony.md): value ≥ optimum − 2% of max(1, |optimum|).
LP_TOLERANCE = 0.02


def test_one_good_uses_every_hour_and_reaches_ln_of_its_overfulfilment() -> None:
    # One good, 1 hour a unit, 150 hours, target 100: y = 150, s = 0.5, H = ln 1.5.
    economy = tiny_economy(
        goods=["bread"],
        coops=[("bakery", 150.0)],
        processes=[("bake", "bakery", "bread", 1.0, None)],
        demand=[("bread", 100.0, 1.0, 0.0)],
    )
    result = harmony_plan(economy, tolerance=1e-4)
    assert result.status is RunStatus.CONVERGED
    assert result.value == pytest.approx(math.log(1.5), rel=1e-3)
    assert result.bound is not None and result.bound >= math.log(1.5) - 1e-9
    assert result.delivered["bread"] == pytest.approx(150.0, rel=1e-3)
    check_within_limits(economy, result)


def test_two_goods_share_a_short_coop_equally_on_the_quadratic_branch() -> None:
    # Two goods of 1 hour each from one coop of 100 hours, targets 100 each, equal weights:
    # the optimum splits 50/50, s = −0.5 each, H = −0.5 − 0.125 = −0.625 each.
    economy = tiny_economy(
        goods=["a", "b"],
        coops=[("coop", 100.0)],
        processes=[("make_a", "coop", "a", 1.0, None), ("make_b", "coop", "b", 1.0, None)],
        demand=[("a", 100.0, 1.0, 0.0), ("b", 100.0, 1.0, 0.0)],
    )
    result = harmony_plan(economy, tolerance=1e-4)
    assert result.value == pytest.approx(-1.25, abs=2e-3)
    assert result.fulfilment["a"] == pytest.approx(0.5, abs=0.01)
    assert result.fulfilment["b"] == pytest.approx(0.5, abs=0.01)
    check_within_limits(economy, result)


def test_a_capacity_moves_work_to_the_dearer_technique() -> None:
    # Cheap technique capped at 60 units; the dear one (2 h) makes the rest.
    economy = tiny_economy(
        goods=["steel"],
        coops=[("works", 1000.0)],
        processes=[
            ("cheap", "works", "steel", 1.0, 60.0),
            ("dear", "works", "steel", 2.0, None),
        ],
        demand=[("steel", 100.0, 1.0, 0.0)],
    )
    result = harmony_plan(economy, tolerance=1e-4)
    # All hours used: 60 × 1 + z × 2 = 1000 → z = 470, y = 530, H = ln 5.3.
    assert result.value == pytest.approx(math.log(5.3), rel=2e-3)
    assert result.activity["cheap"] == pytest.approx(60.0, rel=1e-6)
    check_within_limits(economy, result)


def test_floors_are_delivered_even_where_harmony_would_prefer_otherwise() -> None:
    economy = tiny_economy(
        goods=["a", "b"],
        coops=[("coop", 100.0)],
        processes=[("make_a", "coop", "a", 1.0, None), ("make_b", "coop", "b", 1.0, None)],
        demand=[("a", 100.0, 1.0, 80.0), ("b", 100.0, 5.0, 0.0)],
    )
    result = harmony_plan(economy)
    assert result.delivered["a"] >= 80.0 * (1 - 1e-9)
    check_within_limits(economy, result)


def _reference(economy: object) -> float:
    optimum = plan(economy, "harmony")  # type: ignore[arg-type]
    assert optimum.objective_value is not None
    return float(optimum.objective_value)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    n=st.integers(4, 18),
    capacity_share=st.sampled_from([0.0, 0.5]),
    resources=st.integers(0, 2),
    floor_share=st.sampled_from([0.0, 0.5]),
    seed=st.integers(0, 10_000),
)
def test_harmony_reaches_the_lp_optimum_within_the_stated_tolerance(
    n: int, capacity_share: float, resources: int, floor_share: float, seed: int
) -> None:
    economy = synthetic_economy(
        n,
        techniques=2,
        inputs_per_process=min(4, n - 1),
        capacity_share=capacity_share,
        n_resources=resources,
        floor_share=floor_share,
        seed=seed,
    )
    result = harmony_plan(economy)
    optimum = _reference(economy)
    assert result.value is not None and result.bound is not None
    scale = max(1.0, abs(optimum))
    assert result.value >= optimum - LP_TOLERANCE * scale
    # The Lagrangian bound is an upper bound on the true optimum (≥ the LP's plan).
    assert result.bound >= optimum - 1e-6 * scale
    # And no plan beats the optimum by more than the LP's envelope tolerance.
    assert result.value <= optimum + 1e-3 * scale
    check_within_limits(economy, result)


def test_same_economy_same_plan_bit_for_bit() -> None:
    economy = synthetic_economy(15, capacity_share=0.5, n_resources=1, seed=3)
    first = harmony_plan(economy).to_json_dict()
    second = harmony_plan(economy).to_json_dict()
    assert first == second


def test_infeasible_floors_are_a_result_naming_the_limit() -> None:
    # Floors of 80 + 80 hours from a coop of 100 hours cannot both be met.
    economy = tiny_economy(
        goods=["a", "b"],
        coops=[("coop", 100.0)],
        processes=[("make_a", "coop", "a", 1.0, None), ("make_b", "coop", "b", 1.0, None)],
        demand=[("a", 100.0, 1.0, 80.0), ("b", 100.0, 1.0, 80.0)],
    )
    result = harmony_plan(economy)
    assert result.status is RunStatus.INFEASIBLE
    assert "floors cannot be met" in result.message and "coop coop" in result.message
    # What can be delivered without floors is still planned, within every limit.
    assert result.value == pytest.approx(-1.25, abs=5e-3)
    check_within_limits(economy, result)


def test_federation_plan_matches_the_lp(federation_dir: Path) -> None:
    economy = load_economy(federation_dir)
    result = harmony_plan(economy)
    optimum = plan(economy, "harmony")
    if optimum.objective_value is None:
        assert result.status is RunStatus.INFEASIBLE
    else:
        assert result.value is not None
        scale = max(1.0, abs(optimum.objective_value))
        assert result.value >= optimum.objective_value - LP_TOLERANCE * scale
    check_within_limits(economy, result)


def test_federation_without_floors_matches_the_lp(federation_dir: Path) -> None:
    economy = load_economy(federation_dir)
    demand = economy.demand.copy()
    demand["floor"] = 0.0
    relaxed = dataclasses.replace(economy, demand=demand)
    result = harmony_plan(relaxed)
    optimum = _reference(relaxed)
    assert result.value is not None
    assert result.value >= optimum - LP_TOLERANCE * max(1.0, abs(optimum))
    check_within_limits(relaxed, result)


def test_registered_mechanism_runs_through_the_protocol() -> None:
    economy = synthetic_economy(10, seed=1)
    assert get_mechanism("harmony") is HARMONY
    mechanism_plan, record = run("harmony", economy, seed=7)
    assert record.mechanism == "harmony" and record.seed == 7
    assert mechanism_plan.details["harmony"] == pytest.approx(harmony_plan(economy).value)
    assert record.rounds == mechanism_plan.rounds >= 1
    assert np.isfinite(mechanism_plan.total_labour)


@pytest.mark.parametrize(("field", "value"), [("tolerance", 0.0), ("max_rounds", 0)])
def test_bad_arguments_name_the_argument(field: str, value: float) -> None:
    economy = synthetic_economy(5, seed=0)
    with pytest.raises(InputError) as caught:
        harmony_plan(economy, **{field: value})  # type: ignore[arg-type]
    assert caught.value.problems[0].column == field


def test_trace_keeps_the_best_plan_and_the_best_bound() -> None:
    economy = synthetic_economy(12, capacity_share=0.5, n_resources=2, seed=5)
    result = harmony_plan(economy, tolerance=1e-4, max_rounds=150)
    best = [t.best for t in result.trace]
    bounds = [t.bound for t in result.trace]
    assert all(a <= b for a, b in itertools.pairwise(best))
    assert all(a >= b for a, b in itertools.pairwise(bounds))
    assert result.value == best[-1] and result.bound == bounds[-1]
    assert len(result.trace) == result.rounds
