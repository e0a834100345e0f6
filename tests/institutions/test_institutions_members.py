"""members.csv validation and the deterministic member generator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from institutions_fixtures import coops_frame, workers_frame

from cooplan.errors import InputError
from cooplan.institutions.members import generate_members, load_members, validate_members
from cooplan.institutions.tables import coops_table

FEDERATION = Path(__file__).resolve().parents[2] / "examples" / "federation"


def test_valid_table_is_typed_and_defaults_filled(tmp_path: Path) -> None:
    frame = workers_frame().drop(columns=["capital_account", "months_on_benefit"])
    frame.to_csv(tmp_path / "members.csv", index=False)
    members = load_members(tmp_path, coops=coops_frame()["id"])
    assert members["member"].dtype == bool and members["age"].dtype.kind == "i"
    assert (members["capital_account"] == 0).all() and (members["months_on_benefit"] == 0).all()


def test_every_problem_names_row_column_and_value(tmp_path: Path) -> None:
    text = (
        "id,coop,name,member,age,skill,pay_index,hours\n"
        "a,fagor,A,true,40,s,1,100\n"
        "a,fagor,B,maybe,12,s,0,100\n"
        "c,mars,C,false,forty,s,1,-5\n"
    )
    (tmp_path / "members.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_members(tmp_path / "members.csv", coops=["fagor"])
    found = {(p.row, p.column): p.value for p in caught.value.problems}
    assert found == {
        (2, "member"): "maybe",
        (2, "age"): "12",
        (2, "pay_index"): "0",
        (3, "age"): "forty",
        (3, "hours"): "-5",
        (2, "id"): "a",
        (3, "coop"): "mars",
    }
    assert all(p.fix for p in caught.value.problems)


def test_missing_columns_are_named() -> None:
    with pytest.raises(InputError) as caught:
        validate_members(pd.DataFrame({"id": ["a"], "coop": ["x"]}))
    assert "member" in caught.value.problems[0].column


def test_generator_is_deterministic_and_valid() -> None:
    coops = coops_table(FEDERATION) if FEDERATION.is_dir() else coops_table(coops_frame())
    first = generate_members(coops, seed=3)
    again = generate_members(coops, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(generate_members(coops, seed=4))
    checked = validate_members(first, coops=coops["id"])
    counts = checked.groupby("coop")["member"].agg(["sum", "size"])
    expected = coops.set_index("id")
    assert (counts["sum"] == expected.loc[counts.index, "members"]).all()
    assert (counts["size"] - counts["sum"] == expected.loc[counts.index, "non_members"]).all()
    assert checked.groupby("coop")["pay_index"].agg(lambda s: s.max() / s.min()).max() <= 6.0


def test_coops_table_errors(tmp_path: Path) -> None:
    (tmp_path / "coops.csv").write_text(
        "id,members,hours_per_member\na,10,1600\na,x,1600\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        coops_table(tmp_path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "id"), (2, "members")}
