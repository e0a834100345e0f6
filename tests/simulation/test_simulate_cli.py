"""``cooplan simulate`` passes mechanism options (``-o KEY=VALUE``) and ``--capital-labour``.

The economy is the horizon rolling test's grain farm (tests/simulation/test_horizon_rolling.py)
written as a folder: the command's periods must equal the library's with the same settings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooplan.cli import main
from cooplan.io import load_economy, write_economy
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import SimulationConfig, simulate
from tests.simulation.test_horizon_rolling import _grain

CALM = ["--shortfall-sd", "0", "--breakdown", "0", "--demand-sd", "0"]


@pytest.fixture
def farm(tmp_path: Path) -> Path:
    folder = write_economy(_grain(), tmp_path / "grain")
    (folder / "capital.csv").write_text("process,product,quantity\nsow,grain,0.5\n")
    return folder


def test_options_reach_the_horizon_mechanism(farm: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    horizon = ["years=3", "demand_growth=0.5", "depreciation=0", "discount=1"]
    argv = ["simulate", str(farm), "--mechanism", "horizon", "--periods", "3", *CALM]
    argv += ["--depreciation", "0", "--capital-labour", "2", "--json", str(out)]
    argv += [a for item in [*horizon, "construction_lag=2"] for a in ("-o", item)]
    assert main(argv) == 0
    periods = json.loads(out.read_text())["periods"]

    options = {"years": 3, "demand_growth": 0.5, "depreciation": 0, "discount": 1}
    config = SimulationConfig(
        periods=3,
        seed=0,
        mechanism="horizon",
        mechanism_options={**options, "construction_lag": 2},
        disturbances=DisturbanceModel(0.0, 0.0, 0.5, 0.0),
        depreciation=0.0,
        capital_labour=2.0,
    )
    expected = simulate(load_economy(farm), config).periods
    assert periods[0]["investment"]["sow"] > 0
    for got, want in zip(periods, expected, strict=True):
        assert got["investment"] == pytest.approx(want.investment)
        assert got["capacity"] == pytest.approx(want.capacity)
        assert got["planned_labour"] == pytest.approx(want.planned_labour)
    # The lag reached the plan: what period 0 starts is usable in period 2, not period 1.
    assert periods[0]["capacity"]["sow"] == pytest.approx(100.0)
    assert periods[1]["capacity"]["sow"] == pytest.approx(100.0 + periods[0]["investment"]["sow"])
    # Construction hours are charged: period 1 plans fewer hours than the farm has.
    assert periods[1]["planned_labour"] <= 1000.0 - 2.0 * periods[0]["investment"]["sow"] + 1e-6


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("construction_lag", "KEY=VALUE"),
        ("construction_lg=2", "unknown horizon setting"),
        ("objective=most", "objective must be one of"),
        ("years=2.5", "years must be a whole number"),
    ],
)
def test_bad_options_are_reported_without_a_traceback(
    farm: Path, item: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["simulate", str(farm), "--mechanism", "horizon", "--periods", "1", "-o", item]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert words in err
