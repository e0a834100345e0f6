"""The ``cooplan participatory`` command: a thin layer over run_participatory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooplan.cli import main
from cooplan.planning.participatory import load_pequod, run_participatory, write_pequod


@pytest.fixture
def council_file(tmp_path, small_economy):
    return write_pequod(small_economy, tmp_path / "small.clj")


def test_cli_reports_and_writes_json(council_file, tmp_path, capsys):
    out = tmp_path / "result.json"
    code = main(
        [
            "participatory",
            str(council_file),
            "--threshold",
            "0.03",
            "--years",
            "2",
            "--seed",
            "4",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "converged" in printed and "worst imbalance by round" in printed
    payload = json.loads(out.read_text())
    expected = run_participatory(load_pequod(council_file), years=2, seed=4)
    assert payload["rounds"] == expected.rounds
    assert payload["rounds_by_year"] == list(expected.rounds_by_year)
    assert payload["converged"] is True and payload["status"] == "converged"
    assert payload["max_imbalance_pct"] == expected.max_imbalance_pct
    first = payload["years"][0]
    assert first["worst_imbalance_pct_by_round"] == expected.years[0].worst_imbalance_pct.tolist()
    assert first["prices"]["private-1"] == expected.years[0].final_prices[0]
    assert len(first["prices"]) == 25


def test_cli_round_limit_is_reported(council_file, tmp_path):
    out = tmp_path / "r.json"
    assert (
        main(
            [
                "participatory",
                str(council_file),
                "--years",
                "1",
                "--max-rounds",
                "2",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    payload = json.loads(out.read_text())
    assert payload["status"] == "round_limit" and payload["rounds"] == 2


def test_cli_bad_input_exits_2(council_file, tmp_path, capsys):
    assert main(["participatory", str(council_file), "--threshold", "0"]) == 2
    assert "--threshold" in capsys.readouterr().err
    assert main(["participatory", str(tmp_path / "absent.clj")]) == 2
    bad = tmp_path / "bad.clj"
    bad.write_text("(def ccs [{:income 1}]")
    out = tmp_path / "never.json"
    assert main(["participatory", str(bad), "--json", str(out)]) == 2
    assert not out.exists()


def test_cli_generate_writes_a_loadable_file(tmp_path):
    path = tmp_path / "gen.clj.gz"
    assert main(["participatory-generate", str(path), "--seed", "2"]) == 0
    economy = load_pequod(path)
    assert economy.workers.count == 3000 and economy.name == "gen"
    assert main(["participatory-generate", str(path), "--scale", "huge"]) == 2


def test_cli_reproduces_dep1ex01(pequod_dir, recovered_path, tmp_path):
    out = tmp_path / "dep1ex01.json"
    assert (
        main(
            [
                "participatory",
                str(pequod_dir / "dep1ex01.clj.gz"),
                "--year2-draws",
                str(recovered_path),
                "--json",
                str(out),
            ]
        )
        == 0
    )
    payload = json.loads(out.read_text())
    assert payload["rounds_by_year"] == [19, 9]  # dep1ex01.csv, pequod-cljs 0d24482


def test_python_example_of_the_docs_runs(pequod_dir, monkeypatch):
    """The Python example of docs/participatory.md runs as written (from the data folder)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "participatory.md").read_text()
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(pequod_dir)
    namespace: dict[str, object] = {}
    exec(compile(example, "docs/participatory.md", "exec"), namespace)
    assert namespace["result"].rounds_by_year == (19, 9)
    assert namespace["exact"].rounds_by_year == (19, 9)
