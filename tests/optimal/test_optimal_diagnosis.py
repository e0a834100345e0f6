"""Infeasible and unbounded plans are results with a diagnosis; bad arguments are errors."""

from __future__ import annotations

import pytest
from optimal_builders import make_economy

from cooplan.errors import InputError
from cooplan.planning.optimal import PlanStatus, plan


def bakery(hours: float, bread: float, floor: float = 0.0, flour: float = 1000.0):  # type: ignore[no-untyped-def]
    """One coop baking bread (2 h and 0.5 kg flour per loaf) and milling flour (1 h/kg)."""
    return make_economy(
        products=[("bread", "good"), ("flour", "good"), ("wheat", "resource")],
        coops=[("bakers", "town", "food", 1, hours), ("millers", "town", "food", 1, 100.0)],
        processes=[("bake", "bakers", "bread", 2.0, None), ("mill", "millers", "flour", 1.0, 80)],
        inputs=[("bake", "flour", 0.5), ("mill", "wheat", 1.2)],
        demand=[("bread", bread, None, 1, floor)],
        resources=[("wheat", flour)],
    )


def test_too_few_hours_gives_least_shortfall_and_the_coop_out_of_hours() -> None:
    result = plan(bakery(hours=100.0, bread=80.0), "min-labour")
    assert result.status is PlanStatus.INFEASIBLE
    diagnosis = result.diagnosis
    assert diagnosis is not None
    (short,) = diagnosis.shortfalls
    assert short.product == "bread"
    assert short.required == pytest.approx(80.0)
    assert short.attainable == pytest.approx(50.0)  # 100 hours / 2 hours per loaf
    assert short.shortfall == pytest.approx(30.0)
    assert [(b.kind, b.name) for b in diagnosis.binding] == [("labour", "bakers")]
    assert diagnosis.binding[0].used == pytest.approx(100.0)
    assert "bread" in diagnosis.message and "bakers" in diagnosis.message
    assert diagnosis.certificate is not None and diagnosis.certificate.passed
    payload = result.to_json_dict()
    assert payload["status"] == "infeasible"
    assert payload["diagnosis"]["shortfalls"][0]["shortfall"] == pytest.approx(30.0)


def test_scarce_resource_and_capacity_are_named() -> None:
    # 60 kg of wheat make 50 kg of flour, enough for 100 loaves; the floor asks for 150.
    result = plan(bakery(hours=1000.0, bread=200.0, floor=150.0, flour=60.0), "fulfilment")
    assert result.status is PlanStatus.INFEASIBLE
    assert result.diagnosis is not None
    assert result.diagnosis.shortfalls[0].attainable == pytest.approx(100.0)
    kinds = {(b.kind, b.name) for b in result.diagnosis.binding}
    assert ("resource", "wheat") in kinds


def test_floors_below_reach_are_feasible_and_lambda_scales_the_rest() -> None:
    result = plan(bakery(hours=1000.0, bread=100.0, floor=20.0), "fulfilment")
    assert result.status is PlanStatus.OPTIMAL
    # Mill capacity 80 kg → 160 loaves = 20 + λ·(100 − 20), so λ = 1.75.
    assert result.fulfilment_lambda == pytest.approx(1.75)
    assert result.capacity_prices["mill"] > 0
    assert result.fulfilment_ratio["bread"] == pytest.approx(1.6)


def test_free_production_is_unbounded_and_names_the_process() -> None:
    economy = make_economy(
        products=[("air", "good")],
        coops=[("c", "r", "g", 1, 10.0)],
        processes=[("breathe", "c", "air", 0.0, None)],
        demand=[("air", 1.0, None, 1, 0)],
    )
    result = plan(economy, "fulfilment")
    assert result.status is PlanStatus.UNBOUNDED
    assert result.diagnosis is not None
    assert "breathe" in result.diagnosis.message
    assert result.to_json_dict()["objective_value"] is None


def test_empty_assortment_is_unbounded_with_a_reason() -> None:
    result = plan(bakery(hours=100.0, bread=0.0), "fulfilment")
    assert result.status is PlanStatus.UNBOUNDED
    assert result.diagnosis is not None and "assortment is empty" in result.diagnosis.message


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"objective": "max-profit"}, "objective"),
        ({"mobility_share": 1.5}, "mobility_share"),
        ({"harmony_tolerance": 0.0}, "harmony_tolerance"),
    ],
)
def test_bad_arguments_raise_input_errors(kwargs: dict[str, object], column: str) -> None:
    with pytest.raises(InputError) as caught:
        plan(bakery(hours=100.0, bread=10.0), **kwargs)  # type: ignore[arg-type]
    assert caught.value.problems[0].column == column
