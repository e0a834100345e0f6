"""``cooplan monitor``: tables, JSON output and error exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
FEDERATION = ROOT / "examples" / "federation"
DATA = Path(__file__).resolve().parent / "data"
REPORTS = DATA / "federation_reports.csv"


def test_monitor_prints_indices_and_alerts(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "monitor.json"
    code = main(
        [
            "monitor",
            str(REPORTS),
            "--economy",
            str(FEDERATION),
            "--resolutions",
            str(DATA / "federation_resolutions.csv"),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "triple index" in printed and "fagor_appliances" in printed
    data = json.loads(out.read_text())
    alerts = {(a["coop"], a["product"], a["kind"]): a for a in data["alerts"]}
    # the three changes injected into the sample reports (see tests/monitoring/data)
    step = alerts[("fagor_appliances", "appliances", "step")]
    assert (step["change_at"], step["direction"], step["resolved_at"]) == ("19", "down", "21")
    slope = alerts[("irizar_coaches", "buses", "slope")]
    assert slope["direction"] == "down" and slope["level"] == "federation"
    assert alerts[("basoa_furniture", "furniture", "outlier")]["change_at"] == "23"
    assert len(data["coops"]) == 15 * 30
    assert all(r["performance"] is not None for r in data["coops"])


def test_monitor_bad_reports_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "reports.csv"
    bad.write_text(
        "coop,product,period,actual,capability,potential\nfagor_appliances,appliances,1,10,x,20\n",
        encoding="utf-8",
    )
    assert main(["monitor", str(bad), "--economy", str(FEDERATION)]) == 2
    err = capsys.readouterr().err
    assert "row 1" in err and "capability" in err


def test_monitor_bad_policy_exit_2() -> None:
    args = ["monitor", str(REPORTS), "--economy", str(FEDERATION), "--to-group", "4"]
    assert main([*args, "--to-federation", "3", "--quiet"]) == 2
