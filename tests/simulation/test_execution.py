"""Execution: conservation of every product, the cascade, reserves, determinism."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.io import load_economy
from cooplan.planning.balances import balance
from cooplan.simulation.disturbances import (
    NO_DISTURBANCE,
    Disturbance,
    DisturbanceModel,
    draw,
    period_rng,
)
from cooplan.simulation.execution import execute
from tests.conftest import EXAMPLES


def _federation() -> tuple:
    """The sample federation with unlimited iron ore, so its balance plan is feasible."""
    economy = load_economy(EXAMPLES / "federation")
    snap = dataclasses.replace(
        economy.snapshot(), resource_available=np.full(economy.snapshot().n_products, np.inf)
    )
    plan = balance(economy)
    x = np.array([plan.activity.get(p, 0.0) for p in snap.process_ids])
    return snap, x


def test_undisturbed_plan_delivers_all_demand() -> None:
    snap, x = _federation()
    d = draw(NO_DISTURBANCE, snap.n_coops, len(snap.demand_quantity), period_rng(0, 0))
    result = execute(snap, x, d)
    np.testing.assert_allclose(result.activity, x)
    assert result.fulfilment() > 1 - 1e-9
    assert result.cascade_rounds == 1


def test_a_shortfall_cascades_to_users_and_the_public() -> None:
    snap, x = _federation()
    factor = np.ones(snap.n_coops)
    factor[snap.coop_index["arrasate_steel"]] = 0.5  # steel works lose half their output
    shock = Disturbance(factor, factor < 1, np.ones(len(snap.demand_quantity)))
    taut = execute(snap, x, shock)
    parts = snap.process_index["parts_machining"]
    assert taut.activity[parts] < x[parts]  # steel users are starved...
    coach = snap.process_index["coach_works"]
    assert taut.activity[coach] < x[coach]  # ...and so are the users of their parts
    assert taut.cascade_rounds > 1
    # Reserves of steel absorb the shock.
    reserve = np.zeros(snap.n_products)
    reserve[snap.product_index["steel"]] = 0.5 * taut.intermediate_use.max()
    slack = execute(snap, x, shock, stock=reserve)
    assert slack.fulfilment() > taut.fulfilment()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), sd=st.floats(0.0, 0.5))
def test_conservation_and_determinism(seed: int, sd: float) -> None:
    snap, x = _federation()
    model = DisturbanceModel(shortfall_sd=sd, breakdown_probability=0.1, demand_shift_sd=sd)
    d = draw(model, snap.n_coops, len(snap.demand_quantity), period_rng(seed, 3))
    stock = np.full(snap.n_products, 10.0)
    result = execute(snap, x, d, stock=stock)
    # Every unit made or held is used, delivered or kept: nothing appears or vanishes.
    made = ~snap.is_resource
    np.testing.assert_allclose(
        (result.production + stock)[made],
        (result.intermediate_use + result.final_delivered + result.stock_after)[made],
        rtol=1e-9,
        atol=1e-6,
    )
    assert np.all(result.activity <= x * d.output_factor[snap.process_coop] + 1e-9)
    assert np.all(result.stock_after >= 0)
    again = execute(
        snap, x, draw(model, snap.n_coops, len(snap.demand_quantity), period_rng(seed, 3)), stock
    )
    np.testing.assert_array_equal(again.activity, result.activity)
