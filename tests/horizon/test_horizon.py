"""Multi-period plans with investment: hand-worked cases, certificates, input errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.model.economy import Economy
from cooplan.planning.horizon import (
    CapitalTable,
    HorizonObjective,
    HorizonSettings,
    plan_horizon,
    read_capital,
)
from tests.conftest import EXAMPLES
from tests.economies import grain_farm


def _grain(capacity: float = 100.0, hours: float = 1000.0, demand: float = 10.0) -> Economy:
    """One product, one process (1 hour a unit, a capacity), one coop, no inputs."""
    return grain_farm(capacity, hours, demand)


# Building one unit of capacity takes half a tonne of grain, ready the next year.
CAPITAL = CapitalTable(pd.DataFrame([{"process": "sow", "product": "grain", "quantity": 0.5}]))


def test_discounted_sum_invests_everything_in_year_zero() -> None:
    # Hand-worked: max λ0 + λ1 with λ0 = (100 − 0.5 k)/10, λ1 = (100 + k)/10, k ≤ 200
    # (λ0 ≥ 0): each tonne invested gives two next year, so k = 200, λ = (0, 30).
    settings = HorizonSettings(
        years=2, depreciation=0.0, discount=1.0, objective=HorizonObjective.DISCOUNTED
    )
    result = plan_horizon(_grain(), settings, CAPITAL)
    assert result.status == "optimal"
    assert result.fulfilment == pytest.approx([0.0, 30.0], abs=1e-7)
    assert result.investment[0]["sow"] == pytest.approx(200.0)


def test_max_min_with_growing_targets() -> None:
    # Hand-worked: targets 10, 15, 22.5 (growth 50%); equal λ in every year needs
    # 100 − 0.5 k0 = 10 L, 100 + k0 − 0.5 k1 = 15 L, 100 + k0 + k1 = 22.5 L: L = 8, k0 = k1 = 40.
    settings = HorizonSettings(years=3, demand_growth=0.5, depreciation=0.0, discount=1.0)
    result = plan_horizon(_grain(), settings, CAPITAL)
    assert result.fulfilment == pytest.approx([8.0, 8.0, 8.0], abs=1e-7)
    assert result.investment[0]["sow"] == pytest.approx(40.0)
    assert result.investment[1]["sow"] == pytest.approx(40.0)
    assert result.capacity[2]["sow"] == pytest.approx(180.0)


def test_one_year_is_the_one_period_plan() -> None:
    # Without capital the first year delivers min(capacity, hours)/demand sets.
    result = plan_horizon(_grain(capacity=70.0), HorizonSettings(years=1), None)
    assert result.fulfilment == pytest.approx([7.0])


def test_depreciation_wears_capacity_down_and_stocks_even_it_out() -> None:
    # Capacity 100, 90, 81 and no capital: stocks carry year-0 output forward, so the best
    # equal supply L solves 3 L = 271 (cumulative output): λ = 9.0333 every year.
    settings = HorizonSettings(years=3, depreciation=0.1)
    result = plan_horizon(_grain(), settings, None)
    assert result.fulfilment == pytest.approx([271 / 30] * 3)
    assert result.capacity[2]["sow"] == pytest.approx(81.0)
    assert result.investment == [{}, {}, {}]


def test_sample_federation_certificate() -> None:
    economy = load_economy(EXAMPLES / "federation")
    result = plan_horizon(economy, HorizonSettings(years=3))
    assert result.status == "optimal"
    for value in result.certificate.values():
        assert value <= 1e-6
    assert min(result.fulfilment) > 0


def test_capital_table_errors(tmp_path: Path) -> None:
    economy = _grain()
    bad = tmp_path / "capital.csv"
    bad.write_text("process,product,quantity\nreap,grain,0.5\nsow,gold,1\nsow,labour,-2\n")
    with pytest.raises(InputError) as caught:
        read_capital(bad, economy)
    assert {p.column for p in caught.value.problems} >= {"quantity"}
    bad.write_text("process,product,quantity\nreap,grain,0.5\nsow,gold,1\n")
    with pytest.raises(InputError) as caught:
        read_capital(bad, economy)
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "process"), (2, "product")}
    with pytest.raises(InputError, match="horizon"):
        plan_horizon(economy, HorizonSettings(years=0))


def test_cli_horizon(tmp_path: Path) -> None:
    import json

    from cooplan.cli import main

    out = tmp_path / "horizon.json"
    assert main(["horizon", str(EXAMPLES / "federation"), "--years", "2", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["status"] == "optimal" and len(data["years"]) == 2


def test_horizon_is_rolled_forward_in_simulate() -> None:
    from cooplan.simulation.disturbances import DisturbanceModel
    from cooplan.simulation.periods import SimulationConfig, simulate

    economy = load_economy(EXAMPLES / "federation")
    config = SimulationConfig(
        periods=2,
        seed=0,
        mechanism="horizon",
        mechanism_options={"years": 3},
        disturbances=DisturbanceModel(0.0, 0.0, 0.0, 0.0),
    )
    result = simulate(economy, config)
    assert [p.plan_status for p in result.periods] == ["converged", "converged"]
    assert all(p.fulfilment > 0.95 for p in result.periods)


def test_simulate_builds_what_the_horizon_plan_invests(tmp_path: Path) -> None:
    from cooplan.simulation.disturbances import DisturbanceModel
    from cooplan.simulation.periods import SimulationConfig, simulate

    capital = tmp_path / "capital.csv"
    CAPITAL.table.to_csv(capital, index=False)
    config = SimulationConfig(
        periods=1,
        seed=0,
        mechanism="horizon",
        mechanism_options={
            "years": 3,
            "demand_growth": 0.5,
            "depreciation": 0.0,
            "discount": 1.0,
            "capital": str(capital),
        },
        disturbances=DisturbanceModel(0.0, 0.0, 0.0, 0.0),
        depreciation=0.0,
        markets=False,
    )
    result = simulate(_grain(), config)
    # The hand-worked horizon plan above starts 40 units of capacity in year 0.
    assert result.periods[0].investment == pytest.approx({"sow": 40.0})
    assert result.periods[0].capacity["sow"] == pytest.approx(140.0)
