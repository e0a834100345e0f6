"""Resolutions: a coop's statement that the alerts on one of its products are dealt with.

A resolutions table has columns ``coop``, ``product``, ``period`` and, optionally, ``kind``
(step, slope or outlier; empty = every kind).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from cooplan.errors import InputError
from cooplan.model.schema import Column, ColumnType, Table
from cooplan.model.validate import parse_table
from cooplan.simulation.monitoring.forecaster import ChangeKind
from cooplan.simulation.monitoring.run import Resolution

__all__ = ["RESOLUTIONS", "parse_resolutions", "read_resolutions"]

RESOLUTIONS = Table(
    "resolutions",
    "Alerts dealt with, per coop, product and period.",
    (
        Column("coop", ColumnType.ID, "Coop whose alerts are resolved."),
        Column("product", ColumnType.ID, "Product whose alerts are resolved."),
        Column("period", ColumnType.TEXT, "Reporting period of the resolution."),
        Column(
            "kind",
            ColumnType.TEXT,
            "Kind of alert resolved (step, slope, outlier); empty = every kind.",
            required=False,
            nullable=True,
            default=None,
            choices=tuple(k.value for k in ChangeKind if k is not ChangeKind.NONE),
        ),
    ),
)


def parse_resolutions(raw: pd.DataFrame, file: str = "<resolutions>") -> list[Resolution]:
    """Typed resolutions from a raw table; :class:`InputError` names every bad cell."""
    typed, problems = parse_table(raw, RESOLUTIONS, file)
    # an empty (default) kind is allowed even though it is not one of the choices
    problems = [
        p for p in problems if not (p.column == "kind" and (p.value is None or p.value == ""))
    ]
    invalid = InputError.collect(problems, summary=f"invalid resolutions {file}")
    if invalid is not None:
        raise invalid
    return [
        Resolution(str(c), str(p), str(t), None if k is None else ChangeKind(k))
        for c, p, t, k in zip(
            typed["coop"], typed["product"], typed["period"], typed["kind"], strict=True
        )
    ]


def read_resolutions(path: str | os.PathLike[str]) -> list[Resolution]:
    """Read a resolutions CSV file."""
    file = Path(path)
    if not file.is_file():
        raise InputError.single(str(file), "resolutions file not found", fix="check the path")
    raw = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    return parse_resolutions(raw, str(file))
