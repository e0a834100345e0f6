"""Rolling a horizon plan forward in ``simulate`` with its construction lag.

The economy is one product: grain at 1 hour a tonne, capacity 100 t, 1000 hours, target 10 t
a period; half a tonne of grain builds a unit of capacity. Every horizon plan runs 3 years
with targets growing 50% a year (10, 15, 22.5 t), no depreciation and max-min fulfilment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import SimulationConfig, SimulationResult, simulate
from tests.economies import grain_farm

CALM = DisturbanceModel(0.0, 0.0, 0.0, 0.0)


def _grain() -> Economy:
    return grain_farm()


@pytest.fixture
def capital(tmp_path: Path) -> str:
    path = tmp_path / "capital.csv"
    path.write_text("process,product,quantity\nsow,grain,0.5\n")
    return str(path)


def _run(capital: str, periods: int, depreciation: float = 0.0, **horizon: Any) -> SimulationResult:
    options = {
        "years": 3,
        "demand_growth": 0.5,
        "depreciation": depreciation,
        "discount": 1.0,
        "capital": capital,
        **horizon,
    }
    config = SimulationConfig(
        periods=periods,
        seed=0,
        mechanism="horizon",
        mechanism_options=options,
        disturbances=CALM,
        depreciation=depreciation,
        markets=False,
    )
    return simulate(_grain(), config)


# Period 0 with C = 2: capacity 100 in years 0 and 1, 100 + k₀ in year 2, stocks carry output
# forward. Equal supply L: years 0–1 give 25 L + 0.5 k₀ ≤ 200, years 0–2 give
# 47.5 L + 0.5 k₀ ≤ 300 + k₀; both bind: L = 500/72.5 = 200/29, k₀ = 400 − 50 L = 1600/29
# (year 0 alone: 10 L + 0.5 k₀ = 2800/29 ≤ 100).
STARTED_0 = 1600 / 29
# Period 1 knows that P = k₀ is ready in its year 1: years 0–2 give
# 47.5 L + 0.5 k₀ ≤ 300 + 2 P + k₀ and year 0 gives 10 L + 0.5 k₀ ≤ 100; both bind:
# L = (400 + 2 P)/57.5 = 5920/667, k₀ = 200 − 20 L = 15000/667. Without P it would plan
# as period 0 did and start 1600/29 again.
STARTED_1 = 15000 / 667


def test_capacity_started_with_lag_two_is_ready_two_periods_later(capital: str) -> None:
    result = _run(capital, periods=4, construction_lag=2)
    started = [p.investment.get("sow", 0.0) for p in result.periods]
    assert started[:2] == pytest.approx([STARTED_0, STARTED_1])
    # ``capacity`` is what the next period has; ``production[...]["capacity"]`` this period's.
    in_period = [p.production["sow"]["capacity"] for p in result.periods]
    assert in_period == pytest.approx([100.0, 100.0, 100.0 + STARTED_0, 100.0 + sum(started[:2])])
    assert result.periods[0].capacity["sow"] == pytest.approx(100.0)  # not yet in period 1
    assert result.periods[1].capacity["sow"] == pytest.approx(100.0 + STARTED_0)
    # Nothing is lost or counted twice: period 4 has what periods 0–2 started; period 3's
    # is still under construction.
    assert result.periods[3].capacity["sow"] == pytest.approx(100.0 + sum(started[:3]))


def test_capacity_wears_from_when_it_is_ready(capital: str) -> None:
    # Capacity for period t + 1 = (1 − δ) × capacity of period t + what period t − 1 started.
    result = _run(capital, periods=4, depreciation=0.1, construction_lag=2)
    started = [p.investment.get("sow", 0.0) for p in result.periods]
    standing = 100.0
    for t, period in enumerate(result.periods):
        standing = 0.9 * standing + (started[t - 1] if t >= 1 else 0.0)
        assert period.capacity["sow"] == pytest.approx(standing), t


def test_default_lag_gives_the_results_from_before_the_pipeline(capital: str) -> None:
    # Stored from `simulate` before construction lags were rolled forward (the same economy,
    # δ = 0.1 in the plan and the simulation): capacity is ready the next period.
    before_started = [47.78280542986426, 65.83648983436045, 90.71136269032922, 124.98466035839486]
    before_capacity = [
        137.78280542986425,
        189.84101472123828,
        261.56827593944365,
        360.39610870389413,
    ]
    for result in (
        _run(capital, periods=4, depreciation=0.1),
        _run(capital, periods=4, depreciation=0.1, construction_lag=1),
    ):
        assert [p.investment["sow"] for p in result.periods] == pytest.approx(
            before_started, rel=1e-9
        )
        assert [p.capacity["sow"] for p in result.periods] == pytest.approx(
            before_capacity, rel=1e-9
        )


def test_production_lag_is_refused(capital: str) -> None:
    with pytest.raises(InputError) as caught:
        _run(capital, periods=2, production_lag=1)
    (problem,) = caught.value.problems
    assert problem.column == "production_lag" and problem.value == 1
    assert "production_lag" in str(caught.value) and "cooplan horizon" in problem.fix


def test_investment_is_paid_when_started(capital: str) -> None:
    from cooplan.institutions.members import generate_members

    economy = _grain()
    config = SimulationConfig(
        periods=3,
        seed=0,
        mechanism="horizon",
        mechanism_options={
            "years": 3,
            "demand_growth": 0.5,
            "depreciation": 0.0,
            "discount": 1.0,
            "capital": capital,
            "construction_lag": 2,
        },
        disturbances=CALM,
        depreciation=0.0,
        capital_labour=1.0,
        markets=False,
    )
    result = simulate(economy, config, members=generate_members(economy.coops, seed=0))
    first, second, _ = result.periods
    financing = first.settlement["investment_financing"]
    # The whole start is costed in the period it is started, and what the funds pay is built.
    money = first.settlement["money_per_unit"]
    assert financing["cost"] == pytest.approx(STARTED_0 * config.capital_labour * money)
    assert financing["paid"] == pytest.approx(
        financing["from_central"] + financing["from_reserves"]
    )
    assert first.investment["sow"] == pytest.approx(STARTED_0 * financing["share_built"])
    assert 0.0 < financing["share_built"] <= 1.0
    # Ready two periods on, not one.
    assert first.capacity["sow"] == pytest.approx(100.0)
    assert second.capacity["sow"] == pytest.approx(100.0 + first.investment["sow"])
    # Funds are conserved: within each settlement, and across the payment.
    for period in result.periods:
        for flow in period.settlement["funds"].values():
            assert flow["after"] == pytest.approx(flow["before"] + flow["inflow"] - flow["outflow"])
    # What the funds paid leaves them for the next period: central fund and reserves alike.
    for fund, paid in (("central", "from_central"), ("reserves", "from_reserves")):
        after = first.settlement["funds"][fund]["after"]
        assert second.settlement["funds"][fund]["before"] == pytest.approx(
            after - financing[paid], abs=1e-9 * max(1.0, abs(after))
        )
