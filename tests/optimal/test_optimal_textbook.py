"""Published and hand-worked problems with their known answers."""

from __future__ import annotations

import pytest
from optimal_builders import check_deliveries, make_economy

from cooplan.planning.optimal import plan

# Dantzig (1963), Linear Programming and Extensions, §3.3, as the GAMS model library's
# TRNSPORT (Rosenthal, "A GAMS Tutorial", 1988): canneries Seattle (350 cases) and San Diego
# (600) supply New York (325), Chicago (300) and Topeka (275); freight 90 $ per case per
# thousand miles; distances in thousands of miles. Optimal cost 153.675 thousand dollars,
# demand marginals 0.225 (New York), 0.153 (Chicago), 0.126 (Topeka).
TRNSPORT_SUPPLY = {"seattle": 350, "san-diego": 600}
TRNSPORT_DEMAND = {"new-york": 325, "chicago": 300, "topeka": 275}
TRNSPORT_MILES = {
    ("seattle", "new-york"): 2.5,
    ("seattle", "chicago"): 1.7,
    ("seattle", "topeka"): 1.8,
    ("san-diego", "new-york"): 2.5,
    ("san-diego", "chicago"): 1.8,
    ("san-diego", "topeka"): 1.4,
}
TRNSPORT_OPTIMUM = 153.675
TRNSPORT_MARGINALS = {"new-york": 0.225, "chicago": 0.153, "topeka": 0.126}


def trnsport_economy():  # type: ignore[no-untyped-def]
    return make_economy(
        products=[("cases", "good")],
        coops=[(f"cannery-{p}", p, "canning", 1, 1.0) for p in TRNSPORT_SUPPLY],
        processes=[
            (f"can-{p}", f"cannery-{p}", "cases", 0.0, cap) for p, cap in TRNSPORT_SUPPLY.items()
        ],
        demand=[("cases", q, m, 1, 0) for m, q in TRNSPORT_DEMAND.items()],
        transport=[(a, b, 90 * d / 1000, None, None) for (a, b), d in TRNSPORT_MILES.items()],
        regions=[*TRNSPORT_SUPPLY, *TRNSPORT_DEMAND],
    )


def test_dantzig_transport_problem_cost_and_marginals() -> None:
    economy = trnsport_economy()
    result = plan(economy, "min-cost")
    assert result.is_optimal and result.certificate is not None and result.certificate.passed
    assert result.objective_value == pytest.approx(TRNSPORT_OPTIMUM, abs=1e-9)
    assert result.transport_cost == pytest.approx(TRNSPORT_OPTIMUM, abs=1e-9)
    for market, marginal in TRNSPORT_MARGINALS.items():
        assert result.regional_prices["cases"][market] == pytest.approx(marginal, abs=1e-9)
    shipped = {(s.origin, s.destination): s.quantity for s in result.shipments}
    assert sum(shipped.values()) == pytest.approx(sum(TRNSPORT_DEMAND.values()))
    check_deliveries(economy, result)
    # Deliveries across regions name the cannery that made the cases.
    to_topeka = [d for d in result.deliveries if d.region == "topeka" and d.target == "public"]
    assert {d.source for d in to_topeka} == {"cannery-san-diego"}


# Hillier & Lieberman, Introduction to Operations Research (9th ed., 2010), §3.1 (Wyndor
# Glass Co.): maximise 3 x1 + 5 x2 with x1 ≤ 4 (plant 1 hours), 2 x2 ≤ 12 (plant 2), 3 x1 +
# 2 x2 ≤ 18 (plant 3); optimum Z = 36 at (2, 6), shadow prices (0, 3/2, 1) (§4.7).
WYNDOR_OPTIMUM = 36.0
WYNDOR_SHADOW = {"plant1": 0.0, "plant2": 1.5, "plant3": 1.0}


def test_wyndor_product_mix_as_an_assortment_of_one_joint_product() -> None:
    # Profit becomes a joint product "value"; λ complete sets of 1 value = the profit.
    # Plant 3's hours become a service that plant 3 makes at one hour per unit.
    economy = make_economy(
        products=[
            ("doors", "good"),
            ("windows", "good"),
            ("plant3_time", "service"),
            ("value", "good"),
        ],
        coops=[
            ("plant1", "r", "g", 1, 4.0),
            ("plant2", "r", "g", 1, 12.0),
            ("plant3", "r", "g", 1, 18.0),
        ],
        processes=[
            ("make_doors", "plant1", "doors", 1.0, None),
            ("make_windows", "plant2", "windows", 2.0, None),
            ("run_plant3", "plant3", "plant3_time", 1.0, None),
        ],
        inputs=[("make_doors", "plant3_time", 3.0), ("make_windows", "plant3_time", 2.0)],
        outputs=[("make_doors", "value", 3.0), ("make_windows", "value", 5.0)],
        demand=[("value", 1.0, None, 1, 0)],
    )
    result = plan(economy, "fulfilment")
    assert result.is_optimal and result.certificate is not None and result.certificate.passed
    assert result.fulfilment_lambda == pytest.approx(WYNDOR_OPTIMUM)
    assert result.activity["make_doors"] == pytest.approx(2.0)
    assert result.activity["make_windows"] == pytest.approx(6.0)
    for coop, price in WYNDOR_SHADOW.items():
        assert result.labour_prices[coop] == pytest.approx(price, abs=1e-9)
    check_deliveries(economy, result)


def test_machine_assortment_in_the_manner_of_kantorovich_1939() -> None:
    """Kantorovich's problem A, worked by hand.

    Three groups of machines make two parts that go into complete sets (one of each). A
    machine-day of the milling group makes 10 of part 1 or 20 of part 2; of the turret lathes
    20 or 30; of the automatic lathe 30 or 80. Groups: 3, 3 and 1 machine-days. Comparative
    advantage puts the turret lathes on part 1 and the automatic lathe on part 2, the milling
    machines split t days to part 1: 60 + 10 t = 80 + 20 (3 − t) gives t = 8/3 and
    λ = 260/3 sets. Resolving multipliers: p1 + p2 = 1 (a set is worth 1) and the split
    milling group 10 p1 = 20 p2, so p = (2/3, 1/3); a machine-day is worth 20/3 (milling),
    40/3 (turret), 80/3 (automatic), and Σ days × value = 260/3 = λ.
    """
    rates = {"milling": (10, 20, 3), "turret": (20, 30, 3), "automatic": (30, 80, 1)}
    processes = []
    for group, (first, second, _) in rates.items():
        processes.append((f"{group}_part1", group, "part1", 1.0 / first, None))
        processes.append((f"{group}_part2", group, "part2", 1.0 / second, None))
    economy = make_economy(
        products=[("part1", "good"), ("part2", "good")],
        coops=[(g, "shop", "machines", days, 1.0) for g, (_, _, days) in rates.items()],
        processes=processes,
        demand=[("part1", 1.0, None, 1, 0), ("part2", 1.0, None, 1, 0)],
    )
    result = plan(economy, "fulfilment")
    assert result.certificate is not None and result.certificate.passed
    assert result.fulfilment_lambda == pytest.approx(260 / 3)
    assert result.prices == pytest.approx({"part1": 2 / 3, "part2": 1 / 3})
    assert result.labour_prices == pytest.approx(
        {"milling": 20 / 3, "turret": 40 / 3, "automatic": 80 / 3}
    )
    assert result.activity["milling_part1"] == pytest.approx(10 * 8 / 3)


def test_worked_example_of_docs_optimal_md() -> None:
    economy = make_economy(
        products=[("bread", "good"), ("flour", "good"), ("wheat", "resource")],
        coops=[("bakers", "town", "food", 2, 50.0), ("millers", "town", "food", 1, 100.0)],
        processes=[("bake", "bakers", "bread", 2.0, None), ("mill", "millers", "flour", 1.0, 30)],
        inputs=[("bake", "flour", 0.5), ("mill", "wheat", 1.2)],
        demand=[("bread", 40.0, "town", 1, 10.0)],
        resources=[("wheat", 60.0)],
    )
    labour = plan(economy, "min-labour")
    assert labour.objective_value == pytest.approx(100.0)
    assert labour.prices == pytest.approx({"bread": 2.5, "flour": 1.0})
    assert labour.labour_prices == pytest.approx({"bakers": 0.0, "millers": 0.0})
    assert sorted((d.product, d.source, d.target, d.quantity) for d in labour.deliveries) == [
        ("bread", "bakers", "public", pytest.approx(40.0)),
        ("flour", "millers", "bakers", pytest.approx(20.0)),
        ("wheat", "nature", "millers", pytest.approx(24.0)),
    ]
    sets = plan(economy, "fulfilment")
    assert sets.fulfilment_lambda == pytest.approx(4 / 3)
    assert sets.labour_prices["bakers"] == pytest.approx(1 / 60)
    assert sets.prices["bread"] == pytest.approx(1 / 30)
    assert sets.prices["flour"] == pytest.approx(0.0, abs=1e-12)
    # Among the plans with λ = 4/3, the one without needless work: no flour milled for stock.
    assert sets.output["flour"] == pytest.approx(25.0)
    assert not [d for d in sets.deliveries if d.target == "surplus"]
    untied = plan(economy, "fulfilment", tie_break=False)
    assert untied.fulfilment_lambda == pytest.approx(4 / 3)
    assert untied.certificate is not None and untied.certificate.passed
