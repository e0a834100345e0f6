"""Every validation error: file, row, column and value named; exit status 2; nothing loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cooplan.cli import main
from cooplan.errors import InputError, NotProductiveError
from cooplan.io import load_economy, write_economy
from cooplan.planning.balances import balance


@pytest.fixture
def economy_dir(tmp_path: Path, federation_dir: Path) -> Path:
    target = tmp_path / "economy"
    shutil.copytree(federation_dir, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def _problems(folder: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_economy(folder)
    return list(caught.value.problems)


CASES = [
    # (file, old text, new text, expected file, row, column, value, words in message)
    (
        "coops.csv",
        "fagor_appliances,Fagor Appliances,debagoiena,industry,",
        "fagor_appliances,Fagor Appliances,debagoiena,industry,-",
        "coops.csv",
        5,
        "members",
        "-1640",
        "negative",
    ),
    (
        "processes.csv",
        "appliance_line,fagor_appliances,appliances,14,",
        "appliance_line,fagor_appliances,appliances,fourteen,",
        "processes.csv",
        7,
        "labour",
        "fourteen",
        "not a number",
    ),
    (
        "processes.csv",
        "appliance_line,fagor_appliances,appliances,14,",
        "appliance_line,fagor_appliances,appliances,inf,",
        "processes.csv",
        7,
        "labour",
        "inf",
        "finite",
    ),
    (
        "products.csv",
        "steel,Steel,t,good,",
        "steel,Steel,t,metal,",
        "products.csv",
        3,
        "kind",
        "metal",
        "allowed",
    ),
    (
        "processes.csv",
        "appliance_line,fagor_appliances,",
        "appliance_line,fagor_appliance,",
        "processes.csv",
        7,
        "coop",
        "fagor_appliance",
        "unknown coop",
    ),
    (
        "inputs.csv",
        "appliance_line,steel,0.04",
        "appliance_line,stel,0.04",
        "inputs.csv",
        17,
        "product",
        "stel",
        "unknown product",
    ),
    (
        "inputs.csv",
        "appliance_line,steel,0.04",
        "appliance_lin,steel,0.04",
        "inputs.csv",
        17,
        "process",
        "appliance_lin",
        "unknown process",
    ),
    (
        "demand.csv",
        "buses,450,bizkaia",
        "buses,450,gipuzkoa",
        "demand.csv",
        3,
        "region",
        "gipuzkoa",
        "unknown region",
    ),
    (
        "coops.csv",
        "kutxa_bank,Kutxa Bank,debagoiena,finance",
        "kutxa_bank,Kutxa Bank,debagoiena,banking",
        "coops.csv",
        12,
        "group",
        "banking",
        "unknown group",
    ),
    (
        "products.csv",
        "timber,Timber,m3,resource",
        "steel,Timber,m3,resource",
        "products.csv",
        3,
        "id",
        "steel",
        "duplicate",
    ),
    (
        "demand.csv",
        "insurance,45000,debagoiena,2,40000",
        "insurance,45000,debagoiena,2,50000",
        "demand.csv",
        15,
        "floor",
        50000.0,
        "floor is above",
    ),
    (
        "resources.csv",
        "timber,260000",
        "steel,260000",
        "resources.csv",
        2,
        "product",
        "steel",
        "not a resource",
    ),
    (
        "processes.csv",
        "power_biomass,leintz_energy,electricity",
        "power_biomass,leintz_energy,timber",
        "processes.csv",
        4,
        "product",
        "timber",
        "cannot be produced",
    ),
    (
        "transport.csv",
        "bizkaia,debagoiena,0.01",
        "bizkaia,bizkaia,0.01",
        "transport.csv",
        2,
        "to",
        "bizkaia",
        "two different regions",
    ),
    (
        "coops.csv",
        "leintz_energy,Leintz Energy,debagoiena,industry,646,1650,216",
        "leintz_energy,Leintz Energy,debagoiena,industry,646,0,216",
        "coops.csv",
        2,
        "hours_per_member",
        0,
        "zero hours per member",
    ),
    (
        "groups.csv",
        "federation,Arrasate federation,,federation",
        "federation,Arrasate federation,industry,federation",
        "groups.csv",
        1,
        "parent",
        "federation",
        "cycle",
    ),
    (
        "coops.csv",
        "unibertsitatea,Unibertsitatea,debagoiena,knowledge,",
        "unibertsitatea,Unibertsitatea,debagoiena,,",
        "coops.csv",
        14,
        "group",
        "",
        "empty",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[-1] for c in CASES])
def test_each_error_names_file_row_column_value(economy_dir: Path, case: tuple) -> None:
    file, old, new, expect_file, row, column, value, words = case
    _edit(economy_dir / file, old, new)
    problems = _problems(economy_dir)
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    problem = matching[0]
    assert problem.file.endswith(expect_file)
    assert problem.row == row
    assert problem.column == column
    assert problem.value == value
    assert problem.fix


def test_nobody_makes_a_needed_product(economy_dir: Path) -> None:
    _edit(economy_dir / "processes.csv", "software_dev,ikerlan_research,software,60,\n", "")
    _edit(economy_dir / "inputs.csv", "software_dev,electricity,0.5\n", "")
    problems = _problems(economy_dir)
    messages = {(p.file.split("/")[-1], p.value, p.message) for p in problems}
    assert ("inputs.csv", "software", "nobody makes this product but it is needed") in messages


def test_joint_product_repeating_the_main_product(economy_dir: Path) -> None:
    (economy_dir / "outputs.csv").write_text(
        "process,product,quantity\npower_hydro,steel,0.1\nsteel_arc,steel,0.2\n"
    )
    problems = _problems(economy_dir)
    found = [(p.file.split("/")[-1], p.row, p.column, p.value, p.message) for p in problems]
    assert found == [
        ("outputs.csv", 2, "product", "steel", "joint product repeats the process's main product")
    ]


def test_coop_without_process(economy_dir: Path) -> None:
    _edit(
        economy_dir / "processes.csv",
        "furniture_shop,basoa_furniture,",
        "furniture_shop,behi_farms,",
    )
    problems = _problems(economy_dir)
    assert any(
        p.message == "coop has no process" and p.value == "basoa_furniture" for p in problems
    )


def test_missing_table_and_column(economy_dir: Path) -> None:
    (economy_dir / "inputs.csv").unlink()
    _edit(economy_dir / "coops.csv", ",hours_per_member,", ",hours,")
    problems = _problems(economy_dir)
    assert any(p.file.endswith("inputs.csv") and "missing" in p.message for p in problems)
    assert any(p.column == "hours_per_member" and p.row == 0 for p in problems)


def test_every_problem_reported_at_once(economy_dir: Path) -> None:
    _edit(economy_dir / "processes.csv", ",14,", ",x,")
    _edit(economy_dir / "coops.csv", ",1650,", ",-1650,")
    assert len(_problems(economy_dir)) >= 2


def test_meta_file_errors(economy_dir: Path) -> None:
    (economy_dir / "economy.toml").write_text('period = "year"\ncolour = "red"\n')
    problems = _problems(economy_dir)
    assert {p.column for p in problems} >= {"name", "colour"}
    (economy_dir / "economy.toml").write_text("name = \n")
    assert "TOML" in _problems(economy_dir)[0].message
    (economy_dir / "economy.toml").unlink()
    assert "missing" in _problems(economy_dir)[0].message


def test_cli_validate_exit_codes(economy_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(economy_dir)]) == 0
    _edit(economy_dir / "processes.csv", ",14,", ",fourteen,")
    assert main(["validate", str(economy_dir)]) == 2
    err = capsys.readouterr().err
    assert "processes.csv" in err and "row 7" in err and "labour" in err and "fourteen" in err


def test_not_productive_names_the_cycle(
    economy_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Steel now needs more machine parts than parts can be made from it: a cycle with ρ > 1.
    _edit(economy_dir / "inputs.csv", "parts_machining,steel,0.05", "parts_machining,steel,0.9")
    _edit(economy_dir / "inputs.csv", "steel_blast,iron_ore,1.5", "steel_blast,machine_parts,1.5")
    _edit(economy_dir / "inputs.csv", "steel_arc,iron_ore,0.3", "steel_arc,machine_parts,1.5")
    with pytest.raises(NotProductiveError) as caught:
        balance(load_economy(economy_dir))
    text = str(caught.value)
    assert "steel" in text and "machine_parts" in text and "spectral radius" in text
    assert main(["balance", str(economy_dir)]) == 2
    assert "not productive" in capsys.readouterr().err


def test_write_then_load_round_trip(economy_dir: Path, tmp_path: Path) -> None:
    economy = load_economy(economy_dir)
    copy = load_economy(write_economy(economy, tmp_path / "copy"))
    for name in ("products", "coops", "processes", "inputs", "demand", "transport", "groups"):
        left, right = economy.table(name), copy.table(name)
        assert left.shape == right.shape, name
    assert balance(copy).total_labour == pytest.approx(balance(economy).total_labour, rel=1e-12)


def test_parquet_tables_are_accepted(economy_dir: Path) -> None:
    import pandas as pd

    frame = pd.read_csv(economy_dir / "inputs.csv")
    frame.to_parquet(economy_dir / "inputs.parquet")
    (economy_dir / "inputs.csv").unlink()
    assert len(load_economy(economy_dir).inputs) == len(frame)


def test_cli_usage_errors_exit_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", "examples/federation", "--periods", "0"]) == 2
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--periods" in err


def test_registry_lists_the_mechanisms(capsys: pytest.CaptureFixture[str]) -> None:
    from cooplan.planning.mechanism import get_mechanism, mechanisms, run

    assert {"balance", "optimal"} <= set(mechanisms())
    assert main(["mechanisms"]) == 0
    assert "optimal" in capsys.readouterr().out
    economy = load_economy(Path(__file__).resolve().parents[2] / "examples" / "federation")
    plan, record = run("balance", economy, seed=3)
    assert record.seed == 3 and record.rounds == plan.rounds and record.time_s >= 0
    from cooplan.errors import NotFoundError

    with pytest.raises(NotFoundError, match="known"):
        get_mechanism("gosplan")
