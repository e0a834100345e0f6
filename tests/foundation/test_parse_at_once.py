"""Columns parsed with array operations give the same table and problems as cell by cell."""

from __future__ import annotations

import sys

import hypothesis.strategies as st
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings

from cooplan.model.schema import TABLES
from cooplan.model.validate import PYTHON_SPACES, parse_table

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMBERS = st.one_of(
    st.floats(-5, 5, allow_nan=False),
    st.integers(0, 9).map(float),
    st.sampled_from([float("nan"), float("inf"), -0.0, 0.0, 2.5]),
)
TEXTS = st.one_of(
    st.sampled_from(["a", " b ", "", "   ", "good", "resource", "x1", "true", "no"]),
    st.sampled_from(["TRUE", " Yes\t", "f", "0", "1", "N", "maybe", "\u0130", "\u212a", "\xa0y"]),
    st.text(alphabet="ab -\u3000\x1c\t", max_size=4),
)
MIXED = st.one_of(NUMBERS, TEXTS, st.none(), st.integers(-3, 3))
# Numbers as a CSV file read as text gives them, and texts that only look like numbers.
FORMATS = ["{!r}", "{:.12g}", "{:e}", "{:.3f}", " {} ", "{}\t", "+{}", "{:_}"]
DECIMAL_TEXTS = st.one_of(
    st.tuples(st.sampled_from(FORMATS), st.floats(-1e6, 1e6, allow_nan=False)).map(
        lambda pair: pair[0].format(pair[1])
    ),
    st.from_regex(r"\A[+-]?[0-9]{0,20}\.?[0-9]{0,20}([eE][+-]?[0-9]{1,3})?\Z"),
    st.sampled_from(["", "  ", "\t", "inf", "nan", "1_000", "1e", ".", "1.5\n", "\xa02", "٣"]),
)


@st.composite
def raw_tables(draw: st.DrawFn) -> tuple[object, pd.DataFrame]:
    table = draw(st.sampled_from(TABLES))
    rows = draw(st.integers(0, 6))
    data: dict[str, object] = {}
    for column in table.columns:
        if draw(st.booleans()) and not column.required:
            continue  # an optional column left out
        kind = draw(st.sampled_from(["float", "int", "text", "mixed", "decimal", "read"]))
        if kind == "float":
            data[column.name] = np.array(draw(st.lists(NUMBERS, min_size=rows, max_size=rows)))
        elif kind == "int":
            data[column.name] = np.array(
                draw(st.lists(st.integers(-2, 9), min_size=rows, max_size=rows)), dtype=np.int64
            )
        elif kind == "text":
            texts = draw(st.lists(TEXTS, min_size=rows, max_size=rows))
            data[column.name] = pd.Series(texts, dtype=draw(st.sampled_from([object, str])))
        elif kind in ("decimal", "read"):  # as objects, or as pandas's text dtype (read_csv)
            texts = draw(st.lists(DECIMAL_TEXTS, min_size=rows, max_size=rows))
            data[column.name] = pd.Series(texts, dtype=object if kind == "decimal" else str)
        else:
            data[column.name] = pd.Series(
                draw(st.lists(MIXED, min_size=rows, max_size=rows)), dtype=object
            )
    return table, pd.DataFrame(data, index=range(rows))


@SETTINGS
@given(raw_tables())
def test_at_once_equals_cell_by_cell(case: tuple[object, pd.DataFrame]) -> None:
    table, raw = case
    quick, quick_problems = parse_table(raw, table, "t.csv")  # type: ignore[arg-type]
    slow, slow_problems = parse_table(raw, table, "t.csv", at_once=False)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(quick, slow)
    assert [repr(p) for p in quick_problems] == [repr(p) for p in slow_problems]  # nan != nan


def test_a_valid_numeric_column_is_parsed_at_once() -> None:
    table = next(t for t in TABLES if t.name == "resources")
    raw = pd.DataFrame({"product": ["ore ", "coal"], "available": np.array([3.0, 4.0])})
    typed, problems = parse_table(raw, table, "resources.csv")
    assert not problems
    assert typed["product"].tolist() == ["ore", "coal"]
    assert typed["available"].tolist() == [3.0, 4.0]
    as_read = raw.assign(available=pd.Series([" 3", "4.0 "], dtype=str))
    typed, problems = parse_table(as_read, table, "resources.csv")
    assert not problems and typed["available"].tolist() == [3.0, 4.0]
    bad = raw.assign(available=np.array([3.0, -1.0]))
    _, problems = parse_table(bad, table, "resources.csv")
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "available", -1.0)]


def test_python_spaces_are_those_str_strip_removes() -> None:
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert spaces == PYTHON_SPACES


def test_texts_read_from_a_file_are_stripped_like_python_strips() -> None:
    table = next(t for t in TABLES if t.name == "resources")
    for padded in ("ore\u3000", "\x1core", "o re", "ore"):
        raw = pd.DataFrame({"product": pd.Series([padded, "coal"], dtype=str), "available": [1, 2]})
        typed, problems = parse_table(raw, table, "resources.csv")
        assert not problems
        assert typed["product"].tolist() == [padded.strip(), "coal"]
        assert typed["product"].dtype == object


BOOLEAN_WORDS = st.sampled_from(
    ["true", "False", " YES", "n\t", "1", "0", "", " ", "maybe", "\u212a", "\xa0t", "2"]
)


@SETTINGS
@given(st.lists(BOOLEAN_WORDS, min_size=1, max_size=6), st.sampled_from([object, str]))
def test_a_true_false_column_at_once_equals_cell_by_cell(words: list[str], dtype: type) -> None:
    table = next(t for t in TABLES if t.name == "products")
    n = len(words)
    raw = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "name": ["x"] * n,
            "unit": ["t"] * n,
            "kind": ["good"] * n,
            "market": pd.Series(words, dtype=dtype),
        }
    )
    quick, quick_problems = parse_table(raw, table, "products.csv")
    slow, slow_problems = parse_table(raw, table, "products.csv", at_once=False)
    pd.testing.assert_frame_equal(quick, slow)
    assert [repr(p) for p in quick_problems] == [repr(p) for p in slow_problems]
