"""The comparison harness: same yardsticks for every mechanism, valid files, determinism."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest
from typer.testing import CliRunner

import cooplan.planning.harmony.mechanism  # noqa: F401 - registers "harmony"
from cooplan.cli import app
from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.model import Economy, EconomyMeta, build_economy
from cooplan.planning.compare import (
    compare,
    measure,
    plot_comparison,
    write_csv,
    write_json,
)
from cooplan.planning.mechanism import (
    MechanismPlan,
    RunRecord,
    RunStatus,
    mechanisms,
    run,
)
from cooplan.synthetic import synthetic_economy

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUICK = {"harmony": {"max_rounds": 60}}  # enough for a feasible plan; quality is tested apart
COSTS = ("time_s", "peak_memory_mb", "median_time_s", "max_peak_memory_mb")


def _without_costs(data: Any) -> Any:
    """Drop wall time and memory (they differ between runs by nature)."""
    if isinstance(data, dict):
        return {k: _without_costs(v) for k, v in data.items() if k not in COSTS}
    if isinstance(data, list):
        return [_without_costs(v) for v in data]
    return data


def _two_goods() -> Economy:
    import pandas as pd

    tables = {
        "products": pd.DataFrame(
            {
                "id": ["a", "b", "ore"],
                "name": ["a", "b", "ore"],
                "unit": "unit",
                "kind": ["good", "good", "resource"],
            }
        ),
        "coops": pd.DataFrame(
            {
                "id": ["c"],
                "name": ["c"],
                "region": ["r"],
                "group": ["g"],
                "members": [1],
                "hours_per_member": [100.0],
            }
        ),
        "processes": pd.DataFrame(
            {
                "id": ["make_a", "make_b"],
                "coop": ["c", "c"],
                "product": ["a", "b"],
                "labour": [1.0, 1.0],
                "capacity": [10.0, ""],
            }
        ),
        "inputs": pd.DataFrame({"process": ["make_b"], "product": ["ore"], "quantity": [2.0]}),
        "demand": pd.DataFrame({"product": ["a", "b"], "quantity": [20.0, 50.0]}),
        "resources": pd.DataFrame({"product": ["ore"], "available": [60.0]}),
    }
    return build_economy(EconomyMeta(name="two goods"), tables)


def test_measure_judges_a_hand_made_plan_against_the_economy() -> None:
    economy = _two_goods()
    # 15 of a (capacity 10: 50% over), 40 of b (80 ore of 60: 33% over), 55 hours of 100.
    plan = MechanismPlan(
        mechanism="hand",
        status=RunStatus.CONVERGED,
        activity={"make_a": 15.0, "make_b": 40.0},
        output={"a": 15.0, "b": 40.0},
        labour_used={"c": 55.0},
        final_delivered={"a": 15.0, "b": 40.0},
    )
    record = RunRecord("hand", 0, RunStatus.CONVERGED, 1, 0.1, 1.0, {})
    measured = measure(economy, plan, record)
    assert measured.labour_used == 55.0 and measured.labour_available == 100.0
    assert measured.labour_beyond_hours == 0.0
    assert measured.limits_exceeded == 2
    assert list(measured.overused) == ["capacity:make_a", "resource:ore"]
    assert measured.overused["resource:ore"] == pytest.approx(80 / 60 - 1)
    assert measured.max_overuse == pytest.approx(0.5)
    assert measured.balance_shortfall == 0.0
    assert measured.fulfilment == {"a": 0.75, "b": 0.8}
    assert measured.unmet == {"a": 5.0, "b": 10.0}
    assert measured.lowest_fulfilment == 0.75
    assert measured.mean_fulfilment == pytest.approx(0.775)
    # H(−0.25) + H(−0.2) with H(s) = s − s²/2.
    expected = (-0.25 - 0.25**2 / 2) + (-0.2 - 0.2**2 / 2)
    assert measured.harmony == pytest.approx(expected, abs=1e-9)


def test_a_plan_delivering_more_than_it_makes_shows_a_balance_shortfall() -> None:
    economy = _two_goods()
    plan = MechanismPlan(
        mechanism="hand",
        status=RunStatus.CONVERGED,
        activity={"make_a": 5.0, "make_b": 0.0},
        output={"a": 5.0},
        labour_used={"c": 5.0},
        final_delivered={"a": 10.0},
    )
    record = RunRecord("hand", 0, RunStatus.CONVERGED, 1, 0.1, 1.0, {})
    assert measure(economy, plan, record).balance_shortfall == pytest.approx(0.5)


def test_federation_balance_and_harmony_side_by_side(federation_dir: Path) -> None:
    economy = load_economy(federation_dir)
    comparison = compare(economy, ["balance", "harmony"], seeds=2, options=QUICK)
    assert comparison.mechanisms == ("balance", "harmony")
    assert len(comparison.runs) == 4
    balance, harmony = comparison.summaries()
    assert all(r == pytest.approx(1.0) for r in balance.first.fulfilment.values())
    assert harmony.first.limits_exceeded == 0
    assert harmony.first.max_overuse is not None and harmony.first.max_overuse <= 1e-6
    assert harmony.first.balance_shortfall is not None
    assert harmony.first.balance_shortfall <= 1e-7
    assert balance.same_plan_every_seed and harmony.same_plan_every_seed
    # The harness's harmony (best split over regions) is harmony's own objective value.
    plan, _ = run("harmony", economy, **QUICK["harmony"])
    assert harmony.first.harmony == pytest.approx(plan.details["harmony"], rel=1e-6)


def test_every_registered_mechanism_runs_on_the_federation(federation_dir: Path) -> None:
    economy = load_economy(federation_dir)
    comparison = compare(economy, options=QUICK)
    assert set(comparison.mechanisms) == set(mechanisms())
    assert {"balance", "harmony"} <= set(comparison.mechanisms)
    for summary in comparison.summaries():
        assert set(summary.first.fulfilment) == set(comparison.products)


def test_files_are_valid_and_complete(tmp_path: Path) -> None:
    economy = synthetic_economy(12, capacity_share=0.3, seed=2)
    comparison = compare(economy, ["balance", "harmony"], seeds=[3, 5], options=QUICK)
    json_path = write_json(comparison, tmp_path / "out" / "comparison.json")
    csv_path = write_csv(comparison, tmp_path / "comparison.csv")
    png_path = plot_comparison(comparison, tmp_path / "comparison.png")

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["mechanisms"] == ["balance", "harmony"] and data["seeds"] == [3, 5]
    assert [r["seed"] for r in data["runs"]] == [3, 5, 3, 5]
    assert {s["mechanism"] for s in data["summary"]} == {"balance", "harmony"}
    assert set(data["runs"][1]["fulfilment"]) == set(comparison.products)

    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert [r["mechanism"] for r in rows] == ["balance", "balance", "harmony", "harmony"]
    for row in rows:
        for product in comparison.products:
            assert math.isfinite(float(row[f"fulfilment:{product}"]))
        assert float(row["labour_used"]) > 0

    assert png_path.read_bytes()[:8] == PNG_SIGNATURE
    image = plt.imread(png_path)
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_plot_of_many_products_draws_distributions(tmp_path: Path) -> None:
    economy = synthetic_economy(45, seed=4)
    comparison = compare(economy, ["balance", "harmony"], options=QUICK)
    path = plot_comparison(comparison, tmp_path / "many.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_same_inputs_same_comparison() -> None:
    economy = synthetic_economy(10, capacity_share=0.5, n_resources=1, seed=9)
    first = compare(economy, ["balance", "harmony"], seeds=2, options=QUICK).to_json_dict()
    second = compare(economy, ["balance", "harmony"], seeds=2, options=QUICK).to_json_dict()
    assert _without_costs(first) == _without_costs(second)


def test_unknown_mechanism_lists_the_registered_ones() -> None:
    economy = synthetic_economy(5, seed=0)
    with pytest.raises(InputError) as caught:
        compare(economy, ["balance", "gosplan"])
    problem = caught.value.problems[0]
    assert problem.value == "gosplan"
    for name in mechanisms():
        assert name in problem.fix


@pytest.mark.parametrize("seeds", [0, []])
def test_no_seed_is_an_input_error(seeds: int | list[int]) -> None:
    with pytest.raises(InputError):
        compare(synthetic_economy(5, seed=0), ["balance"], seeds=seeds)


def test_cli_writes_every_file_and_rejects_unknown_names(
    federation_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    files = [tmp_path / "c.json", tmp_path / "c.csv", tmp_path / "c.png"]
    result = runner.invoke(
        app,
        [
            "compare",
            str(federation_dir),
            "--mechanisms",
            "balance,harmony",
            "--json",
            str(files[0]),
            "--csv",
            str(files[1]),
            "--plot",
            str(files[2]),
            "--option",
            "harmony.max_rounds=50",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "harmony" in result.output and "balance" in result.output
    assert all(f.is_file() for f in files)
    data = json.loads(files[0].read_text(encoding="utf-8"))
    harmony_run = next(r for r in data["runs"] if r["mechanism"] == "harmony")
    assert harmony_run["rounds"] <= 50


def test_cli_unknown_mechanism_exits_2_naming_the_known_ones(
    federation_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cooplan.cli import main

    assert main(["compare", str(federation_dir), "--mechanisms", "nope"]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "nope" in text and "balance" in text and "harmony" in text
