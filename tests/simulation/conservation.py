"""Shared assertion: every period settled, members and money conserved within each period."""

from __future__ import annotations

import pytest

from cooplan.simulation.periods import SimulationResult


def check_settled_periods(result: SimulationResult, people: int) -> int:
    """Assert each period was settled with members and every fund balanced; returns the
    people left after early retirements."""
    for period in result.periods:
        settled = period.settlement
        assert settled, period.plan_status
        assert settled["members_before"] == (
            settled["stayed"]
            + settled["relocated"]
            + settled["early_retired"]
            + settled["on_benefit"]
        )
        people -= settled["early_retired"]
        for flow in settled["funds"].values():
            assert flow["after"] == pytest.approx(flow["before"] + flow["inflow"] - flow["outflow"])
    return people
