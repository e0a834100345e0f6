"""Every malformed source gives an InputError naming file, row, column and value, and
nothing is written; the CLI turns it into exit status 2."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from cooplan.cli import main
from cooplan.errors import InputError, Problem
from cooplan.io.io_tables import ImportOptions, LabourMeasure, SourceFormat, import_io

Writer = Callable[..., Path]


@pytest.fixture
def table(tmp_path: Path, write_generic: Writer) -> Path:
    Z = np.array([[10.0, 20.0], [30.0, 5.0]])
    return write_generic(
        tmp_path / "src",
        ("a", "b"),
        Z,
        [70.0, 65.0],
        [100.0, 100.0],
        {"compensation": [40.0, 50.0], "jobs": [4.0, 5.0]},
    )


def _problem(error: pytest.ExceptionInfo[InputError]) -> Problem:
    assert error.value.problems, "an InputError must carry its problems"
    return error.value.problems[0]


def _replace_line(path: Path, row: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[row] = text  # row 0 is the header, so data row N is lines[N]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _expect(
    source: Path,
    file: str,
    row: int | None,
    column: str | None,
    value: object,
    tmp_path: Path,
    fmt: SourceFormat | None = None,
) -> Problem:
    out = tmp_path / "never-written"
    with pytest.raises(InputError) as error:
        import_io(source, out, fmt=fmt)
    problem = _problem(error)
    assert Path(problem.file).name == file
    assert problem.row == row
    assert problem.column == column
    assert problem.value == value
    assert not out.exists(), "nothing may be written when the input is bad"
    return problem


def test_non_number_in_flows(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "flows.csv", 2, "a,b,twenty")
    problem = _expect(table, "flows.csv", 2, "value", "twenty", tmp_path)
    assert "not a number" in problem.message


def test_unknown_industry_in_flows(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "flows.csv", 3, "b,zz,30.0")
    _expect(table, "flows.csv", 3, "to", "zz", tmp_path)


def test_duplicate_flow(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "flows.csv", 4, "a,a,1.0")
    _expect(table, "flows.csv", 4, "from", "a/a", tmp_path)


def test_negative_output(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "output.csv", 2, "b,-100")
    _expect(table, "output.csv", 2, "value", "-100", tmp_path)


def test_infinite_final_demand(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "final_demand.csv", 1, "a,inf")
    _expect(table, "final_demand.csv", 1, "value", "inf", tmp_path)


def test_missing_column(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "labour.csv", 0, "industry,what,value")
    _expect(table, "labour.csv", 0, "measure", None, tmp_path)


def test_unknown_labour_measure(table: Path, tmp_path: Path) -> None:
    _replace_line(table / "labour.csv", 1, "a,salary,40")
    _expect(table, "labour.csv", 1, "measure", "salary", tmp_path)


def test_missing_file(table: Path, tmp_path: Path) -> None:
    (table / "output.csv").unlink()
    _expect(table, "output.csv", None, None, None, tmp_path)


def test_table_toml_without_unit(table: Path, tmp_path: Path) -> None:
    (table / "table.toml").write_text('name = "x"\n', encoding="utf-8")
    _expect(table, "table.toml", None, "unit", None, tmp_path)


def test_labour_measure_not_in_table(table: Path) -> None:
    with pytest.raises(InputError) as error:
        import_io(table, options=ImportOptions(labour=LabourMeasure.HOURS))
    assert _problem(error).column == "--labour"
    assert "compensation or jobs" in _problem(error).fix


def test_no_headcount_needs_wage(tmp_path: Path, write_generic: Writer) -> None:
    folder = write_generic(
        tmp_path / "nohead", ("a",), np.zeros((1, 1)), [10.0], [10.0], {"compensation": [4.0]}
    )
    with pytest.raises(InputError) as error:
        import_io(folder)
    assert _problem(error).column == "--wage"
    members = import_io(folder, options=ImportOptions(wage=0.5)).economy.coops["members"]
    assert list(members) == [8]  # 4.0 compensation ÷ 0.5 per worker


def test_output_missing_for_industry_with_flows(tmp_path: Path, write_generic: Writer) -> None:
    folder = write_generic(
        tmp_path / "zero",
        ("a", "b"),
        np.array([[1.0, 2.0], [3.0, 0.0]]),
        [5.0, 0.0],
        [8.0, 0.0],
        {"jobs": [1.0, 1.0]},
    )
    with pytest.raises(InputError) as error:
        import_io(folder)
    assert _problem(error).value == "b"


def test_undetectable_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as error:
        import_io(tmp_path / "empty")
    assert "--format" in _problem(error).fix


def test_cli_exit_status_two(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace_line(table / "flows.csv", 2, "a,b,twenty")
    code = main(["import-io", str(table), str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "flows.csv" in err and "row 2" in err and "twenty" in err
    assert not (tmp_path / "out").exists()


def _copy(shared_dir: Path, name: str, tmp_path: Path) -> Path:
    source = shared_dir / "data" / "io-tables" / name
    if not source.is_dir():
        pytest.skip(f"{source} is absent")
    target = tmp_path / name
    shutil.copytree(source, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def test_bea_malformed_use_cell(shared_dir: Path, tmp_path: Path) -> None:
    folder = _copy(shared_dir, "us_bea_summary_2023", tmp_path)
    _replace_line(folder / "use.csv", 7, "111CA,311FT,12O5")
    _expect(folder, "use.csv", 7, "value", "12O5", tmp_path)


def test_bea_unknown_commodity_in_make(shared_dir: Path, tmp_path: Path) -> None:
    folder = _copy(shared_dir, "us_bea_summary_2023", tmp_path)
    _replace_line(folder / "make.csv", 3, "111CA,99999,13")
    _expect(folder, "make.csv", 3, "commodity", "99999", tmp_path)


def test_oecd_bad_origin(shared_dir: Path, tmp_path: Path) -> None:
    folder = _copy(shared_dir, "oecd_2018_DEU_2015", tmp_path)
    _replace_line(folder / "flows.csv", 5, "D01T03,D10T12,foreign,1.0")
    _expect(folder, "flows.csv", 5, "origin", "foreign", tmp_path)


def test_sweden_negative_hours(shared_dir: Path, tmp_path: Path) -> None:
    folder = _copy(shared_dir, "sweden_sut_2016", tmp_path)
    lines = (folder / "employment.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("A02,hours_worked"))
    _replace_line(folder / "employment.csv", row, "A02,hours_worked,-5,thousand hours,x")
    _expect(folder, "employment.csv", row, "value", "-5", tmp_path)
