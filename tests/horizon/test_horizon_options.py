"""Lags, initial stocks, the static end condition and the fixed-fulfilment objectives,
each on a hand-worked one-product economy."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cooplan.errors import InputError
from cooplan.model import EconomyMeta, build_economy
from cooplan.model.economy import Economy
from cooplan.planning.horizon import (
    CapitalTable,
    HorizonObjective,
    HorizonPlan,
    HorizonSettings,
    TerminalCondition,
    plan_horizon,
    read_stocks,
)


def _grain(seed: float = 0.0, hours: float = 1000.0) -> Economy:
    """Grain from ``seed`` t of grain and 1 hour a tonne, capacity 100 t, target 10 t."""
    tables = {
        "products": pd.DataFrame(
            [
                {"id": "grain", "name": "grain", "unit": "t", "kind": "good"},
                {"id": "water", "name": "water", "unit": "m3", "kind": "resource"},
            ]
        ),
        "coops": pd.DataFrame(
            [
                {
                    "id": "farm",
                    "name": "farm",
                    "region": "r",
                    "group": "g",
                    "members": 1,
                    "hours_per_member": hours,
                }
            ]
        ),
        "processes": pd.DataFrame(
            [{"id": "sow", "coop": "farm", "product": "grain", "labour": 1.0, "capacity": 100.0}]
        ),
        "inputs": pd.DataFrame(
            [{"process": "sow", "product": "grain", "quantity": seed}] if seed else [],
            columns=["process", "product", "quantity"],
        ),
        "demand": pd.DataFrame([{"product": "grain", "quantity": 10.0}]),
    }
    return build_economy(EconomyMeta(name="grain"), tables)


# Half a tonne of grain per unit of capacity.
CAPITAL = CapitalTable(pd.DataFrame([{"process": "sow", "product": "grain", "quantity": 0.5}]))


def _tight(plan: HorizonPlan) -> bool:
    return plan.status == "optimal" and max(plan.certificate.values()) <= 1e-9


def test_production_lag_draws_year_zero_inputs_from_the_stocks() -> None:
    # 20 t in hand, half a tonne of seed a tonne. Without a lag year 0 keeps its own seed:
    # 0.5·100 + 20 = 70 t, λ = 7. With a lag the present year sows from the stock:
    # 0.5 x₀ + s ≤ 20 and λ = (x₀ + s)/10 = (20 + 0.5 x₀)/10, best at x₀ = 40: λ = 4.
    stocks = {"grain": 20.0}
    same_year = plan_horizon(_grain(seed=0.5), HorizonSettings(years=1), None, stocks)
    assert same_year.fulfilment == pytest.approx([7.0])
    lagged = plan_horizon(
        _grain(seed=0.5), HorizonSettings(years=1, production_lag=1), None, stocks
    )
    assert lagged.fulfilment == pytest.approx([4.0])
    assert lagged.activity[0]["sow"] == pytest.approx(40.0)
    assert lagged.present_year["labour"]["farm"] == pytest.approx(40.0)
    assert _tight(same_year) and _tight(lagged)
    # Nothing in hand, nothing sown: the first year delivers nothing.
    empty = plan_horizon(_grain(seed=0.5), HorizonSettings(years=1, production_lag=1))
    assert empty.fulfilment == pytest.approx([0.0])


def test_construction_lag_delays_the_capacity() -> None:
    # Discounted sum, β = 1: capacity started in year 0 is ready in year 2; nothing started
    # later is ready in time. λ₀ = (100 − 0.5 k₀)/10, λ₁ + λ₂ = (200 + k₀)/10: k₀ = 200.
    settings = HorizonSettings(
        years=3,
        depreciation=0.0,
        discount=1.0,
        objective=HorizonObjective.DISCOUNTED,
        construction_lag=2,
    )
    result = plan_horizon(_grain(), settings, CAPITAL)
    assert result.investment[0]["sow"] == pytest.approx(200.0)
    assert result.investment[1:] == [{}, {}]
    assert [c["sow"] for c in result.capacity] == pytest.approx([100.0, 100.0, 300.0])
    assert result.fulfilment[0] == pytest.approx(0.0, abs=1e-9)
    assert sum(result.fulfilment) == pytest.approx(40.0)
    assert result.objective_value == pytest.approx(40.0)
    assert _tight(result)


def test_static_end_condition_leaves_the_seed_for_next_year() -> None:
    # The stationary plan meeting 10 t with half a tonne of seed is x̄ = 20 t, whose 10 t of
    # seed year 0 must keep back: from 100 t in hand the present year sows 100 t (50 t seed),
    # year 0 has 100 + 50 t and keeps 10 t: λ = 14.
    settings = HorizonSettings(years=1, production_lag=1, terminal=TerminalCondition.STATIC)
    result = plan_horizon(_grain(seed=0.5), settings, None, {"grain": 100.0})
    assert result.after_horizon == pytest.approx({"sow": 20.0})
    assert result.fulfilment == pytest.approx([14.0])
    assert result.labour[0]["farm"] == pytest.approx(20.0)  # year 0 works for next year
    assert _tight(result)


def test_max_capacity_meets_every_target() -> None:
    # λ = 1 every year: year 0 can spare 90 t (k₀ = 180), year 1 makes 280 t and spares 270 t
    # (k₁ = 540); capacity in year 2 is 100 + 180 + 540 = 820.
    settings = HorizonSettings(years=3, depreciation=0.0, objective=HorizonObjective.MAX_CAPACITY)
    result = plan_horizon(_grain(), settings, CAPITAL)
    assert result.objective_value == pytest.approx(820.0)
    assert result.capacity[2]["sow"] == pytest.approx(820.0)
    assert result.fulfilment == [1.0, 1.0, 1.0]
    assert _tight(result)
    # Twenty complete sets (200 t) a year exceed year 0's capacity of 100 t.
    too_much = HorizonSettings(
        years=3,
        depreciation=0.0,
        objective=HorizonObjective.MAX_CAPACITY,
        required_fulfilment=20.0,
    )
    assert plan_horizon(_grain(), too_much, CAPITAL).status == "infeasible"


def test_max_output_and_max_labour() -> None:
    # 60 hours a year: output and hours are both 60 a year.
    economy = _grain(hours=60.0)
    last = HorizonSettings(years=2, objective=HorizonObjective.MAX_OUTPUT, output_years=1)
    assert plan_horizon(economy, last).objective_value == pytest.approx(60.0)
    every = HorizonSettings(years=2, objective=HorizonObjective.MAX_OUTPUT)
    assert plan_horizon(economy, every).objective_value == pytest.approx(120.0)
    hours = HorizonSettings(years=2, objective=HorizonObjective.MAX_LABOUR)
    bounded = plan_horizon(economy, hours)
    assert bounded.objective_value == pytest.approx(120.0)
    assert _tight(bounded)
    # Without the limit only capacity binds: 100 t (and hours), then 95 after depreciation.
    unbounded = HorizonSettings(years=2, objective=HorizonObjective.MAX_LABOUR, labour_limit=False)
    assert plan_horizon(economy, unbounded).objective_value == pytest.approx(195.0)


def test_settings_and_stock_errors(tmp_path: Path) -> None:
    bad = HorizonSettings(
        production_lag=2, construction_lag=0, required_fulfilment=-1.0, output_years=-1
    )
    columns = {p.column for p in bad.problems()}
    assert columns == {"production_lag", "construction_lag", "required_fulfilment", "output_years"}
    assert {p.column for p in HorizonSettings(terminal=TerminalCondition.STATIC).problems()} == {
        "terminal"
    }
    with pytest.raises(InputError) as caught:
        plan_horizon(_grain(), HorizonSettings(), None, {"gold": 1.0, "water": 2.0, "grain": -1})
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (1, "product"),
        (2, "product"),
        (3, "quantity"),
    ]
    file = tmp_path / "stocks.csv"
    file.write_text("product,quantity\ngrain,20\n")
    assert read_stocks(file, _grain()) == {"grain": 20.0}
    file.write_text("product,quantity\ngrain,-3\n")
    with pytest.raises(InputError):
        read_stocks(file, _grain())


def test_cli_horizon_with_lags(tmp_path: Path) -> None:
    from cooplan.cli import main
    from cooplan.io import write_economy

    folder = tmp_path / "grain"
    write_economy(_grain(seed=0.5), folder)
    (tmp_path / "stocks.csv").write_text("product,quantity\ngrain,20\n")
    out = tmp_path / "horizon.json"
    code = main(
        [
            "horizon",
            str(folder),
            "--years",
            "1",
            "--production-lag",
            "1",
            "--stocks",
            str(tmp_path / "stocks.csv"),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["years"][0]["lambda"] == pytest.approx(4.0)
    assert data["objective_value"] == pytest.approx(4.0)
    assert data["settings"]["production_lag"] == 1
    assert data["present_year"]["labour"]["farm"] == pytest.approx(40.0)
