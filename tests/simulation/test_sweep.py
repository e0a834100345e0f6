"""Sweeps on a Dask LocalCluster give the same results as running the scenarios in turn."""

from __future__ import annotations

import pytest

from cooplan.simulation.sweep import grid, run_sweep, simulation_task
from tests.conftest import EXAMPLES


def test_grid_is_every_combination_in_a_stable_order() -> None:
    scenarios = grid({"periods": 2}, seed=[0, 1], reserve_share=[0.0, 0.1])
    assert scenarios == [
        {"periods": 2, "reserve_share": 0.0, "seed": 0},
        {"periods": 2, "reserve_share": 0.0, "seed": 1},
        {"periods": 2, "reserve_share": 0.1, "seed": 0},
        {"periods": 2, "reserve_share": 0.1, "seed": 1},
    ]


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="colour"):
        simulation_task({"economy": str(EXAMPLES / "federation"), "colour": "red"})


@pytest.mark.slow
def test_local_cluster_matches_running_in_turn() -> None:
    scenarios = grid(
        {"economy": str(EXAMPLES / "federation"), "periods": 2, "shortfall_sd": 0.1},
        seed=[0, 1, 2],
    )
    in_turn = run_sweep(simulation_task, scenarios)
    on_dask = run_sweep(simulation_task, scenarios, scheduler="local", workers=2)
    assert on_dask == in_turn
    assert in_turn[0] != in_turn[1]  # seeds matter
