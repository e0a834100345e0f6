"""``cooplan plan``: a thin CLI over ``plan``; JSON has the documented keys."""

from __future__ import annotations

import json
from pathlib import Path

from optimal_builders import make_economy
from typer.testing import CliRunner

from cooplan.cli import app
from cooplan.io import write_economy

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
