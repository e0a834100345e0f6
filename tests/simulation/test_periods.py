"""Periods: determinism, conservation of stocks and workers, reserves against shortfalls."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cooplan.io import load_economy
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import SimulationConfig, periods_table, simulate
from tests.conftest import EXAMPLES
from tests.simulation.conservation import check_settled_periods


@pytest.fixture(scope="module")
def economy():  # type: ignore[no-untyped-def]
    federation = load_economy(EXAMPLES / "federation")
    resources = federation.resources.copy()
    resources["available"] = 1e9  # balance plans ignore endowments; give them room
    return dataclasses.replace(federation, resources=resources)


def test_same_seed_same_run(economy) -> None:  # type: ignore[no-untyped-def]
    config = SimulationConfig(periods=3, seed=11)
    first = simulate(economy, config).to_json_dict()
    second = simulate(economy, config).to_json_dict()
    assert first == second
    other = simulate(economy, dataclasses.replace(config, seed=12)).to_json_dict()
    assert other != first


def test_stocks_carry_over_and_workers_grow(economy) -> None:  # type: ignore[no-untyped-def]
    config = SimulationConfig(periods=3, seed=2, labour_growth=0.01)
    result = simulate(economy, config)
    start = int((economy.coops["members"] + economy.coops["non_members"]).sum())
    totals = [sum(p.workers.values()) for p in result.periods]
    assert totals[0] > start and totals == sorted(totals)
    table = periods_table(result)
    assert list(table["period"]) == [0, 1, 2]
    assert (table["fulfilment"] <= 1 + 1e-12).all()


def test_reserves_soften_shortfalls(economy) -> None:  # type: ignore[no-untyped-def]
    shocks = DisturbanceModel(shortfall_sd=0.1, breakdown_probability=0.2, demand_shift_sd=0.0)
    taut = simulate(economy, SimulationConfig(periods=4, seed=5, disturbances=shocks))
    slack = simulate(
        economy, SimulationConfig(periods=4, seed=5, disturbances=shocks, reserve_share=0.15)
    )
    taut_mean = np.mean([p.fulfilment for p in taut.periods])
    slack_mean = np.mean([p.fulfilment for p in slack.periods])
    assert slack_mean > taut_mean


def test_binding_capacity_gets_investment(economy) -> None:  # type: ignore[no-untyped-def]
    result = simulate(economy, SimulationConfig(periods=2, seed=0, investment_rate=0.2))
    # The balance plan runs steel_blast far above its 60,000 t capacity: it is a bottleneck.
    assert "steel_blast" in result.periods[0].investment
    assert result.periods[0].capacity["steel_blast"] == pytest.approx(60000 * 0.95 + 12000)


def test_market_goods_are_sold_and_targets_follow_prices(economy) -> None:  # type: ignore[no-untyped-def]
    calm = DisturbanceModel(0.0, 0.0, 0.0, 0.0)
    result = simulate(economy, SimulationConfig(periods=2, seed=0, disturbances=calm))
    market = result.periods[0].markets
    assert set(market) == {"appliances", "furniture", "retail"}
    for product, row in market.items():
        assert row["sold"] <= row["supply"] + 1e-9
        # Supply above demand at the labour value clears below it, and the target falls.
        if row["clearing_price"] < row["labour_value"] * (1 - 1e-9):
            assert row["next_target"] < row["target"], product
        if row["clearing_price"] > row["labour_value"] * (1 + 1e-9):
            assert row["next_target"] > row["target"], product
    off = simulate(economy, SimulationConfig(periods=1, seed=0, markets=False))
    assert off.periods[0].markets == {}


def test_settled_periods_conserve_people(economy) -> None:  # type: ignore[no-untyped-def]
    from cooplan.institutions.members import generate_members

    members = generate_members(economy.coops, seed=0)
    config = SimulationConfig(
        periods=2, seed=1, mechanism="optimal", mechanism_options={"objective": "min-labour"}
    )
    result = simulate(economy, config, members=members)
    people = check_settled_periods(result, len(members))
    assert sum(result.periods[-1].workers.values()) <= people


def test_investment_is_paid_from_the_funds(economy) -> None:  # type: ignore[no-untyped-def]
    from cooplan.institutions.members import generate_members

    members = generate_members(economy.coops, seed=0)
    config = SimulationConfig(
        periods=2,
        seed=1,
        mechanism="optimal",
        mechanism_options={"objective": "fulfilment"},
        capital_labour=50.0,
        investment_rate=0.5,
    )
    result = simulate(economy, config, members=members)
    settled = [p for p in result.periods if p.settlement]
    assert settled
    for period in settled:
        financing = period.settlement["investment_financing"]
        assert financing["paid"] <= financing["cost"] + 1e-6
        assert financing["paid"] == pytest.approx(
            financing["from_central"] + financing["from_reserves"]
        )
        if period.investment:
            assert financing["cost"] > 0


def test_concealed_capacity_costs_output(economy) -> None:  # type: ignore[no-untyped-def]
    from cooplan.simulation.behaviour import RatchetScheme

    calm = DisturbanceModel(0.0, 0.0, 0.0, 0.0)
    config = SimulationConfig(
        periods=1, seed=0, mechanism="optimal", disturbances=calm, markets=False
    )
    truthful = simulate(economy, config)
    hiding = simulate(
        economy, dataclasses.replace(config, concealment=RatchetScheme(ratchet=1.0, sigma=0.2))
    )
    assert truthful.periods[0].hidden_capacity_share == 0.0
    assert hiding.periods[0].hidden_capacity_share > 0.1
    # The plan believes the reports: less capacity declared, fewer complete sets planned.
    assert hiding.periods[0].fulfilment < truthful.periods[0].fulfilment
