"""``cooplan plan``: a thin CLI over ``plan``; JSON has the documented keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from optimal_builders import make_economy
from typer.testing import CliRunner

from cooplan.cli import app
from cooplan.cli.output import to_json_text, write_json
from cooplan.io import load_economy, write_economy
from cooplan.planning.optimal import plan

KEYS = {
    "status",
    "objective",
    "objective_value",
    "fulfilment",
    "activity",
    "output",
    "labour",
    "prices",
    "labour_prices",
    "resource_prices",
    "deliveries",
    "transport_cost",
    "relocations",
    "certificate",
    "solver",
}
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "federation"


def write_bakery(folder: Path, bread: float) -> Path:
    economy = make_economy(
        products=[("bread", "good"), ("flour", "good")],
        coops=[("bakers", "town", "food", 2, 50.0), ("millers", "town", "food", 1, 100.0)],
        processes=[("bake", "bakers", "bread", 2.0, None), ("mill", "millers", "flour", 1.0, None)],
        inputs=[("bake", "flour", 0.5)],
        demand=[("bread", bread, "town", 1, 0)],
        name="bakery",
    )
    return write_economy(economy, folder / "bakery")


def test_plan_command_writes_the_plan_as_json(tmp_path: Path) -> None:
    folder = write_bakery(tmp_path, bread=20.0)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        app, ["plan", str(folder), "--objective", "min-labour", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "certificate passed" in result.output
    payload = json.loads(out.read_text())
    assert set(payload) >= KEYS
    assert payload["status"] == "optimal"
    assert payload["objective_value"] == 20 * 2.0 + 10 * 1.0
    assert payload["certificate"]["passed"] is True
    assert set(payload["certificate"]) >= {
        "primal_infeasibility",
        "dual_infeasibility",
        "complementarity_gap",
    }
    assert {d["to"] for d in payload["deliveries"]} == {"bakers", "public"}
    assert set(payload["deliveries"][0]) >= {"product", "from", "to", "region", "quantity"}


def test_infeasible_plan_exits_1_with_its_diagnosis(tmp_path: Path) -> None:
    folder = write_bakery(tmp_path, bread=1000.0)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        app, ["plan", str(folder), "-o", "fulfilment", "--json", str(out), "--quiet"]
    )
    assert result.exit_code == 0  # floors are 0: λ < 1 is still a plan
    result = CliRunner().invoke(app, ["plan", str(folder), "-o", "min-labour", "--json", str(out)])
    assert result.exit_code == 1
    assert "cannot be met" in result.output
    assert json.loads(out.read_text())["diagnosis"]["shortfalls"][0]["product"] == "bread"


def test_bad_mobility_share_is_an_input_error(tmp_path: Path) -> None:
    from cooplan.cli import main

    folder = write_bakery(tmp_path, bread=20.0)
    assert main(["plan", str(folder), "--mobility-share", "2"]) == 2


def test_bundled_federation_plans_for_every_objective(tmp_path: Path) -> None:
    assert EXAMPLE.is_dir(), "examples/federation is part of the repository"
    for objective in ("fulfilment", "min-labour", "min-cost", "harmony"):
        out = tmp_path / f"{objective}.json"
        result = CliRunner().invoke(
            app, ["plan", str(EXAMPLE), "-o", objective, "--json", str(out), "--quiet"]
        )
        payload = json.loads(out.read_text())
        assert payload["status"] in {"optimal", "infeasible"}
        assert result.exit_code == (0 if payload["status"] == "optimal" else 1)
        if payload["status"] == "optimal":
            assert payload["certificate"]["passed"] is True
        else:
            assert payload["diagnosis"]["shortfalls"]


def test_the_streamed_json_file_is_the_plan_as_one_document(tmp_path: Path) -> None:
    """Deliveries are written one at a time; the file is the text of ``to_json_dict()``."""
    folder = write_bakery(tmp_path, bread=20.0)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(app, ["plan", str(folder), "-o", "min-labour", "--json", str(out)])
    assert result.exit_code == 0, result.output
    whole = plan(load_economy(folder), "min-labour").to_json_dict()
    payload = json.loads(out.read_text())
    whole["solver"]["time_s"] = payload["solver"]["time_s"]  # the one figure that varies
    assert out.read_text() == to_json_text(whole)


@pytest.mark.parametrize("items", [[], [{"a": 1.5, "b": [1, 2]}], [{"x": float("nan")}, {}, 3]])
def test_write_json_streams_arrays_with_the_same_text(tmp_path: Path, items: list) -> None:
    data = {"before": {"k": [1, 2]}, "rows": items, "after": "ü", "inf": float("inf")}
    streamed = write_json(tmp_path / "s.json", data, stream={"rows": iter(items)})
    plain = write_json(tmp_path / "p.json", data)
    assert streamed.read_text() == plain.read_text()
    assert json.loads(streamed.read_text())["rows"] == json.loads(to_json_text(items))
