"""``cooplan synthetic``: a seeded synthetic economy written as a folder that loads and plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplan.cli import main
from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.planning.optimal import plan
from cooplan.synthetic import synthetic_snapshot


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_folder_is_the_seeded_economy_and_plans(tmp_path: Path) -> None:
    out = tmp_path / "econ"
    assert main(["synthetic", str(out), "-n", "300", "--seed", "3"]) == 0
    economy = load_economy(out)
    snap = economy.snapshot()
    same = synthetic_snapshot(300, 2, 20, n_resources=3, seed=3)
    assert snap.n_products == same.n_products and snap.n_processes == same.n_processes
    assert abs(snap.A - same.A).max() < 1e-12 * abs(same.A).max()
    assert snap.coop_hours == pytest.approx(same.coop_hours, rel=1e-11)
    result = plan(economy, "fulfilment")
    assert result.is_optimal and result.certificate is not None and result.certificate.passed
    again = tmp_path / "again"
    assert main(["synthetic", str(again), "-n", "300", "--seed", "3"]) == 0
    assert _files(again) == _files(out)  # same seed, same files byte for byte
    other = tmp_path / "other"
    assert main(["synthetic", str(other), "-n", "300", "--seed", "4"]) == 0
    assert _files(other) != _files(out)


def test_an_existing_folder_is_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["synthetic", str(out), "-n", "50"]) == InputError.exit_code
    assert "not empty" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"
    assert main(["synthetic", str(out), "-n", "50", "--force"]) == 0
    assert not (out / "notes.txt").exists() and (out / "economy.toml").exists()


def test_impossible_sizes_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bad"
    assert main(["synthetic", str(out), "-n", "30", "--coops", "500"]) == InputError.exit_code
    err = capsys.readouterr().err
    assert "--coops" in err and "coops=500" in err
    assert not out.exists()  # nothing half-written
