"""The demo runs end to end on the bundled federation and shows every part of the job."""

from __future__ import annotations

import pytest

from cooplan.cli import main
from tests.conftest import EXAMPLES


def test_demo_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(EXAMPLES / "federation")]) == 0
    out = capsys.readouterr().out
    for heading in (
        "1. Material balances",
        "2. The optimal plan",
        "Plan per coop",
        "Main deliveries between coops",
        "3. Solidarity after the plan",
        "Funds",
        "4. The Fagor case",
    ):
        assert heading in out, heading
    assert "certificate passed" in out
