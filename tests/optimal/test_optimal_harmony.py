"""Harmony: the tangent envelope's error bound, and the LP against the smooth optimum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimal_builders import check_deliveries, make_economy

from cooplan.planning.optimal import plan
from cooplan.planning.optimal.harmony import envelope, envelope_error, harmony, tangent_points


def test_harmony_function_matches_its_definition() -> None:
    s = np.array([-1.0, -0.5, 0.0, 0.5, 3.0])
    expected = [-1.5, -0.625, 0.0, math.log(1.5), math.log(4.0)]
    assert harmony(s) == pytest.approx(expected)


@settings(max_examples=30, deadline=None)
@given(
    tolerance=st.floats(1e-6, 1e-2),
    lowest=st.floats(-1.0, 2.0),
    width=st.floats(0.01, 50.0),
)
def test_envelope_lies_above_h_within_the_tolerance(
    tolerance: float, lowest: float, width: float
) -> None:
    points = tangent_points(lowest, lowest + width, tolerance)
    grid = np.linspace(lowest, lowest + width, 2001)
    gap = envelope(grid, points) - harmony(grid)
    assert gap.min() >= -1e-12
    assert gap.max() <= tolerance * (1 + 1e-9)
    assert envelope_error(points) <= tolerance * (1 + 1e-9)
    assert envelope_error(points) >= gap.max() - 1e-12


def test_harmony_plan_is_within_its_bound_of_the_smooth_optimum() -> None:
    # One coop with 30 hours makes two goods at 1 hour each; targets 10 and 20, priorities
    # 1 and 2. Smooth optimum (both over-fulfilled, ln branch): maximise ln(y1/10) +
    # 2 ln(y2/20) with y1 + y2 = 30 gives y = (10, 20), harmony 0 — and a larger budget of
    # 60 hours gives y = (20, 40), harmony 3 ln 2.
    for hours, y_star in [(30.0, (10.0, 20.0)), (60.0, (20.0, 40.0))]:
        economy = make_economy(
            products=[("a", "good"), ("b", "good")],
            coops=[("c", "r", "g", 1, hours)],
            processes=[("pa", "c", "a", 1.0, None), ("pb", "c", "b", 1.0, None)],
            demand=[("a", 10.0, None, 1.0, 0.0), ("b", 20.0, None, 2.0, 0.0)],
        )
        result = plan(economy, "harmony", harmony_tolerance=1e-5)
        assert result.certificate is not None and result.certificate.passed
        report = result.harmony
        assert report is not None
        best = math.log(y_star[0] / 10) + 2 * math.log(y_star[1] / 20)
        assert report.achieved <= best + 1e-12
        assert report.lp_bound >= best - 1e-9
        assert best - report.achieved <= report.error_bound + 1e-9
        assert report.error_bound <= 3 * 1e-5 + 1e-12  # Σ priorities × ε
        assert result.output["a"] == pytest.approx(y_star[0], rel=1e-2)
        check_deliveries(economy, result)


def test_harmony_widens_its_range_for_large_overfulfilment() -> None:
    economy = make_economy(
        products=[("a", "good")],
        coops=[("c", "r", "g", 1, 1000.0)],
        processes=[("pa", "c", "a", 1.0, None)],
        demand=[("a", 10.0, None, 1.0, 0.0)],
    )
    result = plan(economy, "harmony")
    assert result.harmony is not None
    assert result.output["a"] == pytest.approx(1000.0)
    assert result.harmony.max_overfulfilment >= 99.0
    assert result.objective_value == pytest.approx(math.log(100.0))
