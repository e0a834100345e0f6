"""The certificate is recomputed from the vectors: it passes on optimal pairs and fails on
perturbed ones; solidarity moves hours; the same input gives the same plan, bit for bit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from optimal_builders import check_deliveries, make_economy

from cooplan.planning.optimal import plan
from cooplan.planning.optimal.certificate import certify
from cooplan.planning.optimal.formulation import build_lp
from cooplan.planning.optimal.highs_solver import LPStatus, solve_lp
from cooplan.planning.optimal.result import Objective


def two_region_economy():  # type: ignore[no-untyped-def]
    return make_economy(
        products=[("steel", "good"), ("tools", "good"), ("ore", "resource")],
        coops=[
            ("smelter", "north", "industry", 10, 100.0),
            ("forge", "south", "industry", 5, 100.0),
            ("workshop", "south", "industry", 5, 100.0),
        ],
        processes=[
            ("smelt", "smelter", "steel", 2.0, None),
            ("forge_steel", "forge", "steel", 5.0, 100.0),
            ("make_tools", "workshop", "tools", 4.0, None),
        ],
        inputs=[("smelt", "ore", 1.5), ("forge_steel", "ore", 1.0), ("make_tools", "steel", 2.0)],
        demand=[("tools", 50.0, "south", 1, 10.0), ("steel", 100.0, None, 1, 20.0)],
        resources=[("ore", 600.0)],
        transport=[("north", "south", 0.5, None, 150.0), ("south", "north", 0.5, None, None)],
    )


@pytest.mark.parametrize("objective", list(Objective))
def test_certificate_passes_on_the_solver_answer_and_fails_on_a_perturbed_one(
    objective: Objective,
) -> None:
    snap = two_region_economy().snapshot()
    lp = build_lp(snap, objective, mobility_share=0.2)
    solution = solve_lp(lp)
    assert solution.status is LPStatus.OPTIMAL
    good = certify(lp, solution.x, solution.row_dual)
    assert good.passed
    assert abs(good.duality_gap) <= 1e-6 * good.scale
    pushed = solution.x.copy()
    pushed[lp.columns["x"]] *= 1.5  # over every limit that binds
    assert certify(lp, pushed, solution.row_dual).primal_infeasibility > 1e-3
    flipped = -solution.row_dual
    if np.abs(flipped).max() > 1e-9:
        bad = certify(lp, solution.x, flipped)
        assert bad.dual_infeasibility > 1e-9 and not bad.passed


def test_regional_plan_ships_and_delivers_consistently() -> None:
    economy = two_region_economy()
    result = plan(economy, "min-cost")
    assert result.is_optimal and result.regional
    assert result.certificate is not None and result.certificate.passed
    north_to_south = sum(
        s.quantity for s in result.shipments if (s.origin, s.destination) == ("north", "south")
    )
    assert north_to_south <= 150.0 + 1e-9
    assert result.transport_cost == pytest.approx(sum(s.quantity * 0.5 for s in result.shipments))
    check_deliveries(economy, result)
    # Federation-wide steel demand is delivered somewhere; tools go to the south's public.
    tools = [d for d in result.deliveries if d.product == "tools" and d.target == "public"]
    assert {d.region for d in tools} == {"south"}
    assert set(result.regional_prices["steel"]) == {"north", "south"}


def test_mobility_lends_hours_inside_a_group() -> None:
    def economy(hours_a: float):  # type: ignore[no-untyped-def]
        return make_economy(
            products=[("bread", "good"), ("soap", "good")],
            coops=[
                ("bakery", "r", "food", 1, hours_a),
                ("soapworks", "r", "food", 1, 100.0),
                ("outsider", "r", "other", 1, 100.0),
            ],
            processes=[
                ("bake", "bakery", "bread", 1.0, None),
                ("boil", "soapworks", "soap", 1.0, None),
                ("bake2", "outsider", "bread", 1.0, 0.0),
            ],
            demand=[("bread", 130.0, None, 1, 0), ("soap", 50.0, None, 1, 0)],
        )

    assert not plan(economy(100.0), "min-labour").is_optimal
    result = plan(economy(100.0), "min-labour", mobility_share=0.4)
    assert result.is_optimal
    (move,) = result.relocations
    assert (move.source, move.target) == ("soapworks", "bakery")
    assert move.hours == pytest.approx(30.0)
    assert result.labour["bakery"].borrowed == pytest.approx(30.0)
    assert result.labour["soapworks"].lent == pytest.approx(30.0)
    assert result.labour["outsider"].lent == 0.0  # another group: cannot lend
    assert result.labour_prices["bakery"] == pytest.approx(0.0)
    # Hours move only where they are needed.
    assert plan(economy(200.0), "min-labour", mobility_share=0.4).relocations == ()


def test_same_input_gives_the_same_plan() -> None:
    def run() -> str:
        payload = plan(two_region_economy(), "harmony", mobility_share=0.2).to_json_dict()
        payload["solver"]["time_s"] = 0.0
        return json.dumps(payload, sort_keys=True)

    assert run() == run()
