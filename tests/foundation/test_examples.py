"""The bundled examples ship inside the package and are found by name from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cooplan.cli import main
from cooplan.errors import InputError
from cooplan.examples import example_folder, example_names, load_example
from tests.conftest import REPO

TRACKED = ("federation", "fagor", "us_bea_2023")


def test_examples_by_name() -> None:
    assert example_names() == sorted(TRACKED)
    economy = load_example("federation")
    assert len(economy.products) > 0 and len(economy.processes) > 0
    assert (example_folder("fagor") / "scenario.toml").is_file()
    with pytest.raises(InputError) as caught:
        example_folder("atlantis")
    problem = caught.value.problems[0]
    assert problem.value == "atlantis" and "federation" in problem.fix


def test_demo_without_a_folder_runs_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no examples/ folder here
    assert main(["demo"]) == 0
    assert "certificate passed" in capsys.readouterr().out
    assert main(["examples"]) == 0
    listed = capsys.readouterr().out
    for name in TRACKED:
        assert name in listed


def test_the_wheel_carries_every_example_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("cooplan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in TRACKED:
        folder = example_folder(name)
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                inside = f"cooplan/examples/{name}/{path.relative_to(folder).as_posix()}"
                assert inside in names, inside
