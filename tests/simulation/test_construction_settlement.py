"""Building capacity in a settled simulation: construction hours and what an hour costs.

The economy: a farm of 2 members × 500 hours sows grain at 1 hour a tonne, capacity 1000 t,
and 1000 t are asked for. Planned by ``optimal`` fulfilment, period 0 uses all 1000 hours and
fills the capacity, so the farm invests ``investment_rate`` 0.5 × 1000 = 500 units of capacity
at ``capital_labour`` 1 hour each: 500 hours of period 1 go to construction, leaving 500 to
produce (λ = 0.5). Those 500 hours are one member at work on the building site. The rules
leave the farm enough surplus (advances 20 % of value added, 90 % of the result to the
reserve and the central fund, no interest) to pay for the whole investment in period 0.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from cooplan.institutions.members import generate_members
from cooplan.institutions.rules import parse_rules
from cooplan.institutions.settlement import Settlement
from cooplan.model.economy import Economy
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import (
    SimulationConfig,
    SimulationResult,
    _money_per_hour,
    simulate,
)
from tests.economies import grain_farm
from tests.simulation.conservation import check_settled_periods

CALM = DisturbanceModel(0.0, 0.0, 0.0, 0.0)
HOURS = 1000.0  # the farm's hours per period (2 members × 500)
BUILT = 500.0  # capacity started in period 0 (0.5 × 1000)


def _farm() -> Economy:
    return grain_farm(capacity=HOURS, hours=HOURS, demand=HOURS, members=2)


def _run(valuation: str = "auto") -> SimulationResult:
    economy = _farm()
    config = SimulationConfig(
        periods=2,
        seed=0,
        mechanism="optimal",
        mechanism_options={"objective": "fulfilment"},
        disturbances=CALM,
        depreciation=0.0,
        investment_rate=0.5,
        capital_labour=1.0,
        labour_growth=0.0,
        markets=False,
    )
    rules = parse_rules(
        {
            "valuation": {"basis": valuation},
            "pay": {"labour_share_of_value_added": 0.2},
            "surplus": {
                "mandatory_reserve": 0.45,
                "central_fund": 0.45,
                "education_fund": 0.05,
                "group_pooling": 0.0,
            },
            "capital": {"interest_rate": 0.0},
        }
    )
    members = generate_members(economy.coops, seed=0)
    result = simulate(economy, config, members=members, rules=rules)
    check_settled_periods(result, len(members))
    return result


def test_construction_hours_are_work_not_surplus() -> None:
    first, second = _run().periods
    assert first.investment["sow"] == pytest.approx(BUILT)
    assert first.settlement["investment_financing"]["share_built"] == pytest.approx(1.0)
    # Period 1: 500 hours produce, 500 build; nobody is idle, so nobody moves or is laid off.
    assert second.planned_labour == pytest.approx(HOURS - BUILT)
    assert second.settlement["on_benefit"] == 0
    assert second.settlement["relocated"] == 0
    assert second.settlement["stayed"] == 2


@pytest.mark.parametrize("valuation", ["shadow_prices", "labour_values"])
def test_investment_is_costed_per_hour_of_work(valuation: str) -> None:
    first = _run(valuation).periods[0]
    settled = first.settlement
    financing = settled["investment_financing"]
    # The cost is hours × EUR per hour, whatever unit the plan's valuation is in.
    assert financing["cost"] == pytest.approx(BUILT * 1.0 * settled["money_per_hour"])
    assert settled["money_per_hour"] > 0


def test_the_price_of_an_hour_does_not_depend_on_the_valuation() -> None:
    # Money is calibrated so that advances are a fixed share of value added: the EUR value
    # added per hour is the same under every valuation, while EUR per valuation unit is not
    # (fulfilment duals are in units of λ, labour values in hours).
    dual = _run("shadow_prices").periods[0].settlement
    hours = _run("labour_values").periods[0].settlement
    assert dual["valuation"].startswith("shadow_prices")
    assert hours["valuation"].startswith("labour_values")
    assert dual["money_per_hour"] == pytest.approx(hours["money_per_hour"], rel=1e-9)
    assert dual["money_per_unit"] != pytest.approx(dual["money_per_hour"], rel=1e-3)
    # With labour values an hour of value added is an hour worked: both measures agree.
    assert hours["money_per_unit"] == pytest.approx(hours["money_per_hour"], rel=1e-9)


def test_an_hour_is_never_free() -> None:
    # Without hours or without positive value added the advance per hour prices the work.
    def settlement(income: float, materials: float) -> Settlement:
        account = SimpleNamespace(income=income, materials=materials)
        return cast(Settlement, SimpleNamespace(accounts={"farm": account}))

    worked = {"labour": {"farm": {"used": 10.0, "available": 12.0}}}
    idle = {"labour": {"farm": {"used": 0.0, "available": 12.0}}}
    assert _money_per_hour(settlement(300.0, 100.0), worked, 9.0) == pytest.approx(20.0)
    assert _money_per_hour(settlement(100.0, 300.0), worked, 9.0) == 9.0
    assert _money_per_hour(settlement(300.0, 100.0), idle, 9.0) == 9.0
