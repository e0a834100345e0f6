"""Settlement of real plans from the optimal planner on the bundled example federation."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplan.institutions.members import generate_members
from cooplan.institutions.relocation import region_distances
from cooplan.institutions.settlement import settle
from cooplan.institutions.tables import coops_table, optional_table

FEDERATION = Path(__file__).resolve().parents[2] / "examples" / "federation"


@pytest.mark.parametrize("objective", ["min-labour", "fulfilment"])
def test_settle_a_plan_of_the_optimal_planner(objective: str) -> None:
    api = pytest.importorskip("cooplan.planning.optimal.api")
    folder_io = pytest.importorskip("cooplan.io.folder")
    if not FEDERATION.is_dir():
        pytest.skip("examples/federation is absent")
    result = api.plan(folder_io.load_economy(FEDERATION), objective)
    data = result.to_json_dict()
    if data["status"] != "optimal":
        pytest.skip(f"the planner returned {data['status']} for the example federation")
    coops = coops_table(FEDERATION)
    members = generate_members(coops, seed=0)
    settlement = settle(
        coops,
        members,
        data,
        processes=optional_table(FEDERATION, "processes.csv"),
        inputs=optional_table(FEDERATION, "inputs.csv"),
        distances=region_distances(optional_table(FEDERATION, "regions.csv")),
    )
    lab = settlement.labour
    assert lab.members_before == int(members["member"].sum())
    assert lab.members_before == (
        len(lab.stayed) + len(lab.relocations) + len(lab.early_retirements) + len(lab.on_benefit)
    )
    # the wage bill is the calibrated share of value added
    accounts = settlement.accounts.values()
    value_added = sum(a.income - a.materials for a in accounts)
    wage_bill = sum(a.advances for a in accounts)
    assert wage_bill == pytest.approx(0.75 * value_added, rel=1e-9)
    expected = "shadow_prices" if objective == "min-labour" else "labour_values"
    assert settlement.valuation.startswith(expected)
