"""Regulated markets: analytic equilibria, ceilings and queues, floors and unsold stock,
taxes, money conservation, and the price–value feedback to targets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.simulation.markets import (
    ConstantElasticityDemand,
    DemandForm,
    LinearDemand,
    MarketStatus,
    ProductRegulation,
    Regulation,
    adjust_targets,
    calibrated_demand,
    clear_markets,
    market_products,
)

FEDERATION = Path(__file__).resolve().parents[2] / "examples" / "federation"


def test_linear_demand_analytic_equilibrium() -> None:
    # q = 100 − 2p, S = 60 → p* = (100 − 60) / 2 = 20
    outcome = clear_markets({"bread": 60.0}, {"bread": LinearDemand(100.0, 2.0)})
    market = outcome.markets["bread"]
    assert market.status is MarketStatus.CLEARED
    assert market.price == pytest.approx(20.0)
    assert market.sold == 60.0 and market.queue == 0.0 and market.unsold == 0.0
    assert market.buyers_pay == pytest.approx(1200.0)
    assert outcome.producer_receipts["bread"] == pytest.approx(1200.0)


def test_constant_elasticity_analytic_equilibrium() -> None:
    # q = 800 p^-1.5, S = 100 → p* = (800/100)^(1/1.5) = 8^(2/3) = 4
    outcome = clear_markets({"shoes": 100.0}, {"shoes": ConstantElasticityDemand(800.0, 1.5)})
    assert outcome.prices["shoes"] == pytest.approx(4.0)
    assert outcome.sold["shoes"] == 100.0


def test_binding_ceiling_gives_the_right_queue() -> None:
    # q = 100 − 2p, S = 60, ceiling 15: demand at 15 = 70 → queue 10, all 60 sold at 15
    regulation = Regulation({"bread": ProductRegulation(ceiling=15.0)})
    market = clear_markets({"bread": 60.0}, {"bread": LinearDemand(100, 2)}, regulation).markets[
        "bread"
    ]
    assert market.status is MarketStatus.CEILING_BINDS
    assert (market.price, market.sold, market.queue) == (15.0, 60.0, pytest.approx(10.0))
    assert market.clearing_price == pytest.approx(20.0)


def test_slack_ceiling_does_not_bind() -> None:
    regulation = Regulation({"bread": ProductRegulation(ceiling=25.0)})
    outcome = clear_markets({"bread": 60.0}, {"bread": LinearDemand(100, 2)}, regulation)
    assert outcome.markets["bread"].status is MarketStatus.CLEARED
    assert outcome.prices["bread"] == pytest.approx(20.0)


def test_binding_floor_leaves_unsold_stock() -> None:
    # floor 30: demand 100 − 60 = 40 of 60 supplied → 20 unsold
    regulation = Regulation({"bread": ProductRegulation(floor=30.0)})
    market = clear_markets({"bread": 60.0}, {"bread": LinearDemand(100, 2)}, regulation).markets[
        "bread"
    ]
    assert market.status is MarketStatus.FLOOR_BINDS
    assert (market.price, market.sold, market.unsold, market.queue) == (
        30.0,
        pytest.approx(40.0),
        pytest.approx(20.0),
        0.0,
    )


def test_taxes_split_between_tax_revenue_and_producers() -> None:
    # p* = 20, 60 sold: buyers pay 1200; tax 10% of price + 1 per unit = 3 per unit = 180
    regulation = Regulation({"bread": ProductRegulation(tax_rate=0.1, tax_per_unit=1.0)})
    outcome = clear_markets({"bread": 60.0}, {"bread": LinearDemand(100, 2)}, regulation)
    market = outcome.markets["bread"]
    assert market.price == pytest.approx(20.0)  # supply is fixed: the tax does not move p*
    assert market.tax_revenue == pytest.approx(180.0)
    assert market.producer_receipts == pytest.approx(1020.0)
    assert outcome.tax_revenue == pytest.approx(180.0)


def test_excess_supply_at_zero_price_and_no_supply() -> None:
    curves = {
        "a": LinearDemand(50, 1),
        "b": ConstantElasticityDemand(10, 1),
        "c": LinearDemand(9, 3),
    }
    outcome = clear_markets(
        {"a": 80.0, "b": 0.0},
        curves,
        Regulation({"b": ProductRegulation(ceiling=2.0)}),
    )
    a, b, c = (outcome.markets[k] for k in "abc")
    assert a.status is MarketStatus.EXCESS_SUPPLY and a.price == 0.0
    assert (a.sold, a.unsold) == (50.0, 30.0)
    assert b.status is MarketStatus.NO_SUPPLY and b.queue == pytest.approx(5.0)  # 10 / 2
    assert c.status is MarketStatus.NO_SUPPLY and c.sold == 0.0 and c.price == pytest.approx(3.0)
    free = clear_markets({"b": 0.0}, {"b": ConstantElasticityDemand(10, 1)}).markets["b"]
    assert free.status is MarketStatus.NO_SUPPLY and free.to_dict()["clearing_price"] is None


def test_bad_input_is_rejected_with_problems() -> None:
    with pytest.raises(InputError) as caught:
        clear_markets(
            {"x": 5.0, "y": -1.0},
            {"y": LinearDemand(10, 1)},
            Regulation({"y": ProductRegulation(ceiling=1.0, floor=2.0, tax_rate=1.5)}),
        )
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "no demand curve" in messages and "supply must be" in messages
    assert "floor is above the ceiling" in messages and "tax_rate" in messages
    with pytest.raises(ValueError):
        LinearDemand(10, 0)
    with pytest.raises(ValueError):
        ConstantElasticityDemand(10, -1)


curves = st.one_of(
    st.builds(LinearDemand, st.floats(0, 1e4), st.floats(1e-3, 1e3)),
    st.builds(ConstantElasticityDemand, st.floats(1e-2, 1e5), st.floats(0.1, 4.0)),
)
rules = st.builds(
    ProductRegulation,
    ceiling=st.one_of(st.none(), st.floats(0, 1e3)),
    floor=st.one_of(st.none(), st.floats(0, 1e3)),
    tax_rate=st.floats(0, 1),
    tax_per_unit=st.floats(0, 50),
).filter(lambda r: r.ceiling is None or r.floor is None or r.floor <= r.ceiling)


@given(st.floats(0, 1e5), curves, rules)
def test_market_properties(supply: float, curve, rule: ProductRegulation) -> None:
    market = clear_markets({"g": supply}, {"g": curve}, Regulation({"g": rule})).markets["g"]
    tolerance = 1e-9 * max(1.0, supply)
    assert 0.0 <= market.sold <= supply + tolerance
    if math.isfinite(market.price):
        assert market.sold <= curve.quantity(market.price) * (1 + 1e-9) + tolerance
        if rule.ceiling is not None:
            assert market.price <= rule.ceiling
        if rule.floor is not None and market.status is not MarketStatus.NO_SUPPLY:
            assert market.price >= rule.floor or market.status is MarketStatus.CEILING_BINDS
    assert market.buyers_pay == pytest.approx(
        market.producer_receipts + market.tax_revenue, rel=1e-12, abs=1e-9
    )
    assert market.tax_revenue >= 0 and market.producer_receipts >= -1e-9
    assert market.queue >= 0 and market.unsold >= 0


def test_calibrated_curves_pass_through_the_reference_with_elasticity() -> None:
    reference = {"a": (4.0, 100.0)}
    for form in DemandForm:
        curve = calibrated_demand(reference, 0.8, form)["a"]
        assert curve.quantity(4.0) == pytest.approx(100.0)
        h = 1e-6
        elasticity = -(math.log(curve.quantity(4 * (1 + h))) - math.log(curve.quantity(4))) / (
            math.log(1 + h)
        )
        assert elasticity == pytest.approx(0.8, rel=1e-4)
        assert clear_markets({"a": 100.0}, {"a": curve}).prices["a"] == pytest.approx(4.0)


def test_market_products_of_the_sample_federation() -> None:
    economy = load_economy(FEDERATION)
    assert market_products(economy) == ["appliances", "furniture", "retail"]


# ---- Cockshott & Cottrell feedback ----------------------------------------------------------


def test_targets_move_towards_value() -> None:
    targets = {"up": 100.0, "down": 100.0, "even": 100.0, "free": 50.0}
    prices = {"up": 12.0, "down": 8.0, "even": 10.0}
    values = {"up": 10.0, "down": 10.0, "even": 10.0}
    next_targets = adjust_targets(targets, prices, values, rate=0.5)
    # ratio 1.2 → +10%; 0.8 → −10%; 1 → 0; no price → unchanged
    assert next_targets == pytest.approx({"up": 110.0, "down": 90.0, "even": 100.0, "free": 50.0})


def test_adjustment_is_bounded_and_infinite_price_raises_by_the_bound() -> None:
    next_targets = adjust_targets(
        {"a": 100.0, "b": 100.0, "c": 10.0},
        {"a": 100.0, "b": 0.0, "c": math.inf},
        {"a": 1.0, "b": 1.0, "c": 1.0},
        rate=1.0,
        max_change=0.25,
    )
    assert next_targets == pytest.approx({"a": 125.0, "b": 75.0, "c": 12.5})


@given(
    st.floats(0, 1e6),
    st.floats(0, 1e3),
    st.floats(1e-3, 1e3),
    st.floats(0.01, 2),
    st.floats(0.01, 0.99),
)
def test_adjustment_direction_and_bound(target, price, value, rate, bound) -> None:
    new = adjust_targets({"g": target}, {"g": price}, {"g": value}, rate, bound)["g"]
    assert target * (1 - bound) - 1e-9 <= new <= target * (1 + bound) + 1e-9
    if price > value:
        assert new >= target
    elif price < value:
        assert new <= target


def test_adjustment_rejects_bad_input() -> None:
    with pytest.raises(InputError):
        adjust_targets({"g": 1.0}, {"g": 1.0}, {"g": 0.0})
    with pytest.raises(ValueError):
        adjust_targets({"g": 1.0}, {"g": 1.0}, {"g": 1.0}, rate=0.0)


def test_feedback_loop_converges_to_price_equal_value() -> None:
    # supply follows the target; a constant-elasticity public; value 10 h per unit
    curve = ConstantElasticityDemand(scale=1000.0 * 10.0, elasticity=1.0)  # q = 1000 at p = 10
    target = 600.0
    for _ in range(60):
        price = clear_markets({"g": target}, {"g": curve}).clearing_prices["g"]
        target = adjust_targets({"g": target}, {"g": price}, {"g": 10.0})["g"]
    assert target == pytest.approx(1000.0, rel=1e-3)


def test_docs_example_numbers() -> None:
    # the example of docs/markets.md
    outcome = clear_markets(
        supply={"bread": 60.0, "shoes": 100.0},
        demand_curves={
            "bread": LinearDemand(100, 2),
            "shoes": ConstantElasticityDemand(800, 1.5),
        },
        regulation=Regulation({"bread": ProductRegulation(ceiling=15.0, tax_rate=0.1)}),
    )
    assert outcome.prices == pytest.approx({"bread": 15.0, "shoes": 4.0})
    assert outcome.queues == pytest.approx({"bread": 10.0, "shoes": 0.0})
    assert outcome.clearing_prices == pytest.approx({"bread": 20.0, "shoes": 4.0})
    assert outcome.tax_revenue == pytest.approx(90.0)
    assert outcome.producer_receipts == pytest.approx({"bread": 810.0, "shoes": 400.0})
    assert outcome.buyers_pay == pytest.approx(900.0 + 400.0)


def test_federation_markets_from_the_balance() -> None:
    # the wiring docs/markets.md describes: labour values and final use from the balance,
    # demand calibrated at (labour value, planned final use); 10% short supply of each
    # market product → clearing prices above value → every target rises (by ≤ max_change)
    from cooplan.planning.balances import balance

    economy = load_economy(FEDERATION)
    result = balance(economy)
    final = {row.product: row.final_use for row in result.products}
    products = market_products(economy)
    reference = {p: (result.labour_values[p], final[p]) for p in products}
    curves = calibrated_demand(reference, elasticity=1.0)
    supply = {p: 0.9 * final[p] for p in products}
    outcome = clear_markets(supply, curves)
    for p in products:
        # unit elasticity: p* = value × (q0 / S) = value / 0.9
        assert outcome.clearing_prices[p] == pytest.approx(result.labour_values[p] / 0.9)
    targets = adjust_targets(final, outcome.clearing_prices, result.labour_values)
    for p in products:
        assert final[p] < targets[p] <= 1.2 * final[p]
