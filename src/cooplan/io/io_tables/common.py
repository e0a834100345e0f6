"""What every reader returns, and the strict CSV reading that all readers share.

A reader turns one published table into an :class:`IndustryTable`: a square, domestic,
industry-by-industry table in money units (flows ``Z``, final demand ``f``, gross output
``x``), plus imported inputs and labour by industry. :mod:`.convert` turns that into an
economy. Every malformed source cell raises :class:`~cooplan.errors.InputError` naming the
file, the 1-based data row, the column and the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.model.schema import ProductKind

FloatArray = np.ndarray


class LabourMeasure(StrEnum):
    """What the labour coefficients of an imported economy count."""

    HOURS = "hours"
    COMPENSATION = "compensation"
    JOBS = "jobs"


class SourceFormat(StrEnum):
    """The families of input-output tables that ``import-io`` reads."""

    BEA = "bea"
    OECD = "oecd"
    SWEDEN = "sweden"
    GENERIC = "generic"


@dataclass(frozen=True)
class LabourData:
    """Labour used by each industry in the base year, in ``unit`` (per period)."""

    measure: LabourMeasure
    values: FloatArray
    unit: str
    note: str


@dataclass(frozen=True)
class Headcount:
    """Workers per industry (persons or jobs) and where the figure comes from."""

    values: FloatArray
    note: str


@dataclass(frozen=True)
class Group:
    """A sector group of the table's own aggregation (``parent`` = enclosing group)."""

    id: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class IndustryTable:
    """A domestic industry-by-industry table in money units (one period).

    ``flows[i, j]``: domestic output of industry i bought by industry j; ``final_demand[i]``:
    domestic final use of i's output (net, may be negative before conversion); ``output[j]``:
    gross output that coefficients are divided by; ``imported_inputs[j]``: imported
    intermediate inputs of j; ``published_output``: the publisher's gross output, for checks.
    """

    name: str
    source_format: SourceFormat
    year: int | None
    region: str
    region_name: str
    money_unit: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[ProductKind, ...]
    group_of: tuple[str | None, ...]
    groups: tuple[Group, ...]
    flows: FloatArray
    final_demand: FloatArray
    output: FloatArray
    imported_inputs: FloatArray
    published_output: FloatArray
    labour: Mapping[LabourMeasure, LabourData]
    headcount: Headcount | None
    attribution: str
    notes: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.codes)


class Kind(StrEnum):
    """How a source column is parsed."""

    CODE = "code"
    TEXT = "text"
    NUMBER = "number"
    NONNEGATIVE = "non-negative number"
    YEAR = "year"


def _parse(value: str, kind: Kind) -> tuple[object, str | None]:
    text = value.strip()
    if kind in (Kind.CODE, Kind.TEXT):
        if kind is Kind.CODE and not text:
            return None, "is empty"
        return text, None
    try:
        number = float(text)
    except ValueError:
        return None, "is not a number"
    if not math.isfinite(number):
        return None, "is not a finite number"
    if kind is Kind.NONNEGATIVE and number < 0:
        return None, "is negative"
    if kind is Kind.YEAR:
        if not number.is_integer() or not 1800 <= number <= 2200:
            return None, "is not a year"
        return int(number), None
    return number, None


def read_source_csv(
    path: Path,
    columns: Mapping[str, Kind],
    optional: Mapping[str, Kind] | None = None,
) -> pd.DataFrame:
    """Read ``path`` with every column in ``columns`` parsed by its kind.

    Codes stay text (``"22"`` stays ``"22"``). Raises InputError listing every bad cell
    (file, 1-based data row, column, value) or a missing file or column.
    """
    if not path.is_file():
        raise InputError.single(
            str(path), "source file is missing", fix=f"the table needs {path.name}"
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise InputError.single(str(path), f"cannot be read as CSV: {error}") from error
    spec = dict(columns)
    problems = [
        Problem(
            str(path),
            f"required column {name!r} is missing",
            row=0,
            column=name,
            fix="header must have: " + ",".join(columns),
        )
        for name in columns
        if name not in raw.columns
    ]
    if problems:
        raise InputError(problems, summary=f"invalid {path.name}")
    spec.update({k: v for k, v in (optional or {}).items() if k in raw.columns})
    data: dict[str, list[object]] = {}
    for name, kind in spec.items():
        parsed: list[object] = []
        for row, cell in enumerate(raw[name].tolist(), start=1):
            value, wrong = _parse(cell, kind)
            if wrong is not None:
                problems.append(
                    Problem(
                        str(path),
                        f"{name} {wrong}",
                        row=row,
                        column=name,
                        value=cell,
                        fix=f"write a {kind.value}",
                    )
                )
            parsed.append(value)
        data[name] = parsed
    if problems:
        raise InputError(problems, summary=f"invalid {path.name}")
    return pd.DataFrame(data, columns=list(spec))


def check_codes(
    frame: pd.DataFrame, column: str, known: Iterable[str], path: Path, what: str
) -> None:
    """Raise InputError for every value of ``column`` that is not in ``known``."""
    allowed = set(known)
    problems = [
        Problem(
            str(path),
            f"unknown {what}",
            row=row,
            column=column,
            value=value,
            fix=f"use a code listed in the {what} list",
        )
        for row, value in enumerate(frame[column].tolist(), start=1)
        if value not in allowed
    ]
    if problems:
        raise InputError(problems, summary=f"invalid {path.name}")


def check_unique(frame: pd.DataFrame, key: Sequence[str], path: Path) -> None:
    """Raise InputError for rows that repeat an earlier row's ``key``."""
    dup = frame.duplicated(subset=list(key), keep="first").to_numpy()
    problems = [
        Problem(
            str(path),
            "cell listed twice",
            row=int(row) + 1,
            column=key[0],
            value="/".join(str(frame[k].iloc[row]) for k in key),
            fix="list each cell once",
        )
        for row in np.flatnonzero(dup)
    ]
    if problems:
        raise InputError(problems, summary=f"invalid {path.name}")


def matrix(
    frame: pd.DataFrame,
    rows: str,
    cols: str,
    row_codes: Sequence[str],
    col_codes: Sequence[str],
    value: str = "value",
) -> FloatArray:
    """Dense matrix (row_codes × col_codes) from a long table; missing cells are zero.

    Rows whose codes are not in ``row_codes``/``col_codes`` are left out (callers check codes
    first, so this only selects a part of the table).
    """
    r = {c: i for i, c in enumerate(row_codes)}
    c = {code: j for j, code in enumerate(col_codes)}
    out = np.zeros((len(row_codes), len(col_codes)))
    ri = frame[rows].map(r)
    ci = frame[cols].map(c)
    ok = (ri.notna() & ci.notna()).to_numpy()
    if ok.any():
        np.add.at(
            out,
            (ri.to_numpy()[ok].astype(np.int64), ci.to_numpy()[ok].astype(np.int64)),
            frame[value].to_numpy(float)[ok],
        )
    return out


def vector(frame: pd.DataFrame, key: str, codes: Sequence[str], value: str = "value") -> FloatArray:
    """Dense vector over ``codes`` from a long table (repeated keys are added, others left out)."""
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros(len(codes))
    at = frame[key].map(index)
    ok = at.notna().to_numpy()
    if ok.any():
        np.add.at(out, at.to_numpy()[ok].astype(np.int64), frame[value].to_numpy(float)[ok])
    return out


_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def year_from_folder(folder: Path, given: int | None) -> int | None:
    """The table's year: ``given`` when set, else the last 4-digit year in the folder's name."""
    if given is not None:
        return given
    found = _YEAR.findall(folder.resolve().name)
    return int(found[-1]) if found else None


def code_list(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes and names of a ``code,name`` list file (codes must be unique)."""
    frame = read_source_csv(path, {"code": Kind.CODE, "name": Kind.TEXT})
    check_unique(frame, ["code"], path)
    return tuple(frame["code"]), tuple(frame["name"])
