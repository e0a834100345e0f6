"""Capacity already under construction when a horizon starts (``pipeline``), hand-worked on
a one-product economy: grain at 1 hour a tonne, capacity 100 t, target 10 t a year."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.planning.horizon import (
    CapitalTable,
    HorizonObjective,
    HorizonPlan,
    HorizonSettings,
    plan_horizon,
)
from tests.economies import grain_farm


def _grain(capacity: float = 100.0) -> Economy:
    """Grain (1 hour a tonne, ``capacity`` t; NaN = unbounded), 1000 hours, target 10 t."""
    return grain_farm(capacity)


# Half a tonne of grain per unit of capacity.
CAPITAL = CapitalTable(pd.DataFrame([{"process": "sow", "product": "grain", "quantity": 0.5}]))


def _tight(plan: HorizonPlan) -> bool:
    return plan.status == "optimal" and max(plan.certificate.values()) <= 1e-9


def _sow(plan: HorizonPlan) -> list[float]:
    return [year["sow"] for year in plan.capacity]


def test_capacity_under_construction_is_ready_in_its_year() -> None:
    # As test_construction_lag_delays_the_capacity (discounted, β = 1, C = 2: k₀ = 200 t
    # started in year 0 is ready in year 2; Σλ = (100 + 100 + 100 + k₀ − 0.5 k₀)/10 = 40),
    # with 50 t more ready in year 1: Σλ = (400 + 100)/10 = 50 and k₀ is started as before.
    settings = HorizonSettings(
        years=3,
        depreciation=0.0,
        discount=1.0,
        objective=HorizonObjective.DISCOUNTED,
        construction_lag=2,
    )
    in_year_1 = plan_horizon(_grain(), settings, CAPITAL, pipeline={"sow": [50.0]})
    assert in_year_1.investment[0]["sow"] == pytest.approx(200.0)
    assert _sow(in_year_1) == pytest.approx([100.0, 150.0, 350.0])
    assert in_year_1.objective_value == pytest.approx(50.0)
    assert _tight(in_year_1)
    # Ready in year 2 instead: years 0 and 1 make 100 t each, Σλ = (450 + 0)/10 = 45.
    in_year_2 = plan_horizon(_grain(), settings, CAPITAL, pipeline={"sow": [0.0, 50.0]})
    assert _sow(in_year_2) == pytest.approx([100.0, 100.0, 350.0])
    assert in_year_2.objective_value == pytest.approx(45.0)
    assert _tight(in_year_2)


def test_capacity_under_construction_wears_from_when_it_is_ready() -> None:
    # δ = 0.1, no capital: 100, 90 + 50, 81 + 0.9·50 = 126 t. Year 0 caps λ₀ at 10; stocks
    # carry the rest forward, so max-min gives λ = 10 and the sum 366/10 = 36.6.
    result = plan_horizon(
        _grain(), HorizonSettings(years=3, depreciation=0.1), None, pipeline={"sow": [50.0]}
    )
    assert _sow(result) == pytest.approx([100.0, 140.0, 126.0])
    assert min(result.fulfilment) == pytest.approx(10.0)
    assert sum(result.fulfilment) == pytest.approx(36.6)
    assert _tight(result)


def test_max_capacity_counts_what_is_under_construction() -> None:
    # Two years, C = 1, every target met: year 0 makes 10 t and can spare 90 t for
    # k₀ = 180; year 1 stands at 100 + 30 + 180 = 310.
    settings = HorizonSettings(years=2, depreciation=0.0, objective=HorizonObjective.MAX_CAPACITY)
    result = plan_horizon(_grain(), settings, CAPITAL, pipeline={"sow": [30.0]})
    assert result.investment[0]["sow"] == pytest.approx(180.0)
    assert _sow(result) == pytest.approx([100.0, 310.0])
    assert result.objective_value == pytest.approx(310.0)
    assert _tight(result)


def test_empty_or_late_pipeline_changes_nothing() -> None:
    settings = HorizonSettings(years=2, depreciation=0.0, discount=1.0)
    alone = plan_horizon(_grain(), settings, CAPITAL)
    pipelines: list[dict[str, list[float]]] = [
        {},
        {"sow": []},
        {"sow": [0.0]},
        {"sow": [0, 0, 500.0]},
    ]
    for pipeline in pipelines:
        other = plan_horizon(_grain(), settings, CAPITAL, pipeline=pipeline)
        assert other.fulfilment == alone.fulfilment, pipeline
        assert other.investment == alone.investment, pipeline
        assert other.capacity == alone.capacity, pipeline


def test_pipeline_errors() -> None:
    pipeline = {"sow": [-1.0, math.nan], "till": [1.0]}
    with pytest.raises(InputError) as caught:
        plan_horizon(_grain(), HorizonSettings(years=2), CAPITAL, pipeline=pipeline)
    problems = caught.value.problems
    assert [p.column for p in problems] == ["sow", "sow", "till"]
    assert problems[0].value == -1.0 and math.isnan(problems[1].value)
    assert "year 1" in problems[0].message and "year 2" in problems[1].message
    assert problems[2].message == "unknown process"
    with pytest.raises(InputError, match="unbounded"):
        plan_horizon(_grain(math.nan), HorizonSettings(years=2), None, pipeline={"sow": [1.0]})
