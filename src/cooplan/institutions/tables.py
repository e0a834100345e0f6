"""Thin adapter from an economy folder (or an ``Economy``) to the tables the institutions need.

The institutions engine works on plain pandas tables; this module is the one place that knows
where they come from, so it can switch to ``cooplan.io.folder.load_economy`` without touching
the rules. Coops table columns: ``id, name, region, group, members, hours_per_member,
non_members`` (0 when absent) and ``reserve`` (EUR, 0 when absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cooplan.errors import InputError, Problem

__all__ = ["COOP_COLUMNS", "coops_table", "optional_table", "read_csv"]

COOP_COLUMNS: tuple[str, ...] = ("id", "region", "group", "members", "hours_per_member")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV with every column as text (ids stay ids); InputError when it cannot be read."""
    if not path.is_file():
        raise InputError.single(str(path), "file not found", fix="check the folder")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise InputError.single(
            str(path), f"cannot read CSV: {error}", fix="save it as UTF-8 CSV"
        ) from error


def _numeric(frame: pd.DataFrame, column: str, file: str, minimum: float) -> list[Problem]:
    problems = []
    values = pd.to_numeric(frame[column], errors="coerce")
    for row, (raw, value) in enumerate(zip(frame[column], values, strict=True), 1):
        if pd.isna(value) or value < minimum:
            problems.append(
                Problem(
                    file,
                    f"must be a number ≥ {minimum:g}",
                    row=row,
                    column=column,
                    value=raw,
                    fix="write a number",
                )
            )
    frame[column] = values
    return problems


def coops_table(source: str | Path | pd.DataFrame | Any) -> pd.DataFrame:
    """The coops table from a folder with ``coops.csv``, a DataFrame, or an object with ``.coops``.

    Validates ids (unique, non-empty) and numbers; raises :class:`InputError` naming row and
    column. Missing optional columns are filled: ``name`` = id, ``non_members`` = 0,
    ``reserve`` = 0, ``group``/``region`` = "".
    """
    if isinstance(source, pd.DataFrame):
        frame, file = source.copy(), "coops"
    elif hasattr(source, "coops"):
        frame, file = pd.DataFrame(source.coops).copy(), "coops"
    else:
        path = Path(source)
        path = path / "coops.csv" if path.is_dir() else path
        frame, file = read_csv(path), str(path)
    if "id" not in frame.columns and frame.index.name == "id":
        frame = frame.reset_index()
    missing = [c for c in ("id", "members", "hours_per_member") if c not in frame.columns]
    if missing:
        raise InputError.single(
            file,
            "missing columns",
            column=", ".join(missing),
            fix=f"add the columns {', '.join(COOP_COLUMNS)}",
        )
    for column, default in (
        ("name", None),
        ("region", ""),
        ("group", ""),
        ("non_members", 0),
        ("reserve", 0.0),
    ):
        if column not in frame.columns:
            frame[column] = frame["id"] if default is None else default
    frame["id"] = frame["id"].astype(str).str.strip()
    frame["region"] = frame["region"].astype(str)
    frame["group"] = frame["group"].astype(str)
    problems: list[Problem] = []
    for row, value in enumerate(frame["id"], 1):
        if not value:
            problems.append(
                Problem(
                    file, "empty id", row=row, column="id", value=value, fix="give every coop an id"
                )
            )
    for row in frame.index[frame["id"].duplicated()]:
        problems.append(
            Problem(
                file,
                "duplicate id",
                row=int(row) + 1,
                column="id",
                value=frame["id"][row],
                fix="make the ids unique",
            )
        )
    for column, minimum in (
        ("members", 0),
        ("hours_per_member", 0),
        ("non_members", 0),
        ("reserve", 0),
    ):
        if frame[column].dtype == object:
            frame[column] = frame[column].replace("", "0" if column != "members" else "")
        problems += _numeric(frame, column, file, minimum)
    error = InputError.collect(problems, f"invalid coops table {file}")
    if error is not None:
        raise error
    frame["members"] = frame["members"].astype(int)
    frame["non_members"] = frame["non_members"].astype(int)
    frame["hours_per_member"] = frame["hours_per_member"].astype(float)
    frame["reserve"] = frame["reserve"].astype(float)
    return frame.reset_index(drop=True)


def optional_table(folder: str | Path, name: str) -> pd.DataFrame | None:
    """``folder/name`` read as text, or ``None`` when the folder has no such file."""
    path = Path(folder) / name
    return read_csv(path) if path.is_file() else None
