"""Cross-table checks on id codes find exactly the problems found on the id strings."""

from __future__ import annotations

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, given, settings

from cooplan.examples import example_folder
from cooplan.io.folder import read_table
from cooplan.model.schema import TABLES
from cooplan.model.validate import IdCodes, check_tables, parse_table

FOLDER = example_folder("federation")
# The id columns that refer to other tables or form keys, by table.
ID_COLUMNS = {
    "processes": ("id", "coop", "product"),
    "inputs": ("process", "product"),
    "demand": ("product", "region"),
    "coops": ("id", "region", "group"),
    "products": ("id",),
}


def _raw() -> dict[str, pd.DataFrame]:
    return {
        t.name: read_table(FOLDER / f"{t.name}.csv")
        for t in TABLES
        if (FOLDER / f"{t.name}.csv").is_file()
    }


RAW = _raw()


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, str, int, str]]:
    """Id cells overwritten with another id of the same column or an unknown one."""
    found = []
    for _ in range(draw(st.integers(0, 6))):
        table = draw(st.sampled_from(sorted(ID_COLUMNS)))
        column = draw(st.sampled_from(ID_COLUMNS[table]))
        frame = RAW[table]
        row = draw(st.integers(0, len(frame) - 1))
        other = draw(st.sampled_from([*frame[column].tolist(), "nowhere", "ghost"]))
        found.append((table, column, row, other))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_checks_on_codes_equal_checks_on_strings(changes: list[tuple[str, str, int, str]]) -> None:
    raw = {name: frame.copy() for name, frame in RAW.items()}
    for table, column, row, value in changes:
        raw[table].loc[row, column] = value
    files = {t.name: f"{t.name}.csv" for t in TABLES}
    parsed: dict[str, pd.DataFrame] = {}
    codes: dict[tuple[str, str], IdCodes] = {}
    for table in TABLES:
        if table.name not in raw:
            parsed[table.name] = pd.DataFrame(columns=list(table.column_names))
            continue
        found: dict[str, IdCodes] = {}
        parsed[table.name], problems = parse_table(
            raw[table.name], table, files[table.name], codes=found
        )
        assert not problems
        codes.update({(table.name, column): c for column, c in found.items()})
    assert ("inputs", "product") in codes  # the checks below do use codes
    with_codes = check_tables(parsed, files, codes)
    without = check_tables(parsed, files)
    assert [repr(p) for p in with_codes] == [repr(p) for p in without]


def test_codes_rebuild_the_column() -> None:
    table = next(t for t in TABLES if t.name == "inputs")
    found: dict[str, IdCodes] = {}
    typed, _ = parse_table(RAW["inputs"], table, "inputs.csv", codes=found)
    for column, codes in found.items():
        assert codes.values().tolist() == typed[column].tolist()
