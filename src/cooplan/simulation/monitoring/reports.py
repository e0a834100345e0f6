"""Production reports: one row per coop, product and reporting interval (a tidy table).

Columns (``REPORTS``): ``coop``, ``product``, ``period``, ``actual``, ``capability`` and
``potential``, all quantities in the product's unit per reporting interval, following Beer's
three levels of achievement (Brain of the Firm, 1972, ch. 10): *actuality* is what the coop
produced, *capability* what it could produce now with its present resources and constraints,
*potentiality* what it ought to be able to produce if it developed its resources and removed
its constraints.

Periods are whole numbers (reporting interval 1, 2, …) or ISO dates (``2026-03-02``); the
intervals of the monitoring clock are the distinct periods of the whole table, in order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.model.schema import Column, ColumnType, Table
from cooplan.model.validate import parse_table

__all__ = ["REPORTS", "ReportTable", "read_reports", "validate_reports"]

REPORTS = Table(
    "reports",
    "Production reports per coop, product and reporting interval (Beer's triple index).",
    (
        Column("coop", ColumnType.ID, "Coop reporting."),
        Column("product", ColumnType.ID, "Product reported (a main product of the coop)."),
        Column("period", ColumnType.TEXT, "Reporting interval: a whole number or ISO date."),
        Column("actual", ColumnType.NUMBER, "Output achieved.", unit="units / interval"),
        Column(
            "capability",
            ColumnType.NUMBER,
            "Output achievable now with existing resources and constraints.",
            unit="units / interval",
        ),
        Column(
            "potential",
            ColumnType.NUMBER,
            "Output achievable with resources developed and constraints removed.",
            unit="units / interval",
        ),
    ),
    key=("coop", "product", "period"),
)


@dataclass(frozen=True, eq=False)
class ReportTable:
    """Validated reports: the tidy table plus the ordered reporting intervals.

    ``table`` has the ``REPORTS`` columns plus ``interval`` (0-based position of the period
    on the monitoring clock), sorted by interval, coop and product. ``periods`` lists the
    period labels in clock order. ``labour`` maps (coop, product) to the direct labour per
    unit of the coop's cheapest process making the product (the weight used to aggregate a
    coop's indices over its products).
    """

    table: pd.DataFrame
    periods: tuple[str, ...]
    labour: dict[tuple[str, str], float]
    source: str = "<memory>"


def _period_order(values: pd.Series, file: str) -> tuple[list[str], list[Problem]]:
    """Distinct period labels in clock order (numbers, else ISO dates)."""
    labels = sorted(set(values.tolist()))
    numbers = pd.to_numeric(pd.Series(labels), errors="coerce")
    if numbers.notna().all() and (numbers % 1 == 0).all():
        ordered = [label for _, label in sorted(zip(numbers.tolist(), labels, strict=True))]
        return ordered, []
    dates = pd.to_datetime(pd.Series(labels), errors="coerce", format="ISO8601")
    if dates.notna().all():
        ordered = [label for _, label in sorted(zip(dates.tolist(), labels, strict=True))]
        return ordered, []
    problems = []
    bad = set(pd.Series(labels)[numbers.isna() & dates.isna()].tolist())
    for row, value in enumerate(values.tolist(), start=1):
        if value in bad:
            problems.append(
                Problem(
                    file,
                    "period is neither a whole number nor an ISO date",
                    row=row,
                    column="period",
                    value=value,
                    fix="write every period as a whole number (1, 2, …) or as YYYY-MM-DD",
                )
            )
            break
    if not problems:
        problems.append(
            Problem(
                file,
                "periods mix whole numbers and dates",
                column="period",
                fix="use one kind of period label in the whole file",
            )
        )
    return labels, problems


def _labour_weights(economy: Economy) -> dict[tuple[str, str], float]:
    processes = economy.processes
    weights: dict[tuple[str, str], float] = {}
    for coop, product, labour in zip(
        processes["coop"], processes["product"], processes["labour"], strict=True
    ):
        key = (str(coop), str(product))
        weights[key] = min(float(labour), weights.get(key, float("inf")))
    return weights


def validate_reports(raw: pd.DataFrame, economy: Economy, file: str = "<reports>") -> ReportTable:
    """Parse and check raw reports (strings or numbers) against ``economy``.

    Raises :class:`InputError` naming every bad cell, unknown coop or product, product the
    coop does not make, and duplicate (coop, product, period); never returns half a table.
    """
    typed, problems = parse_table(raw, REPORTS, file)
    if problems:
        raise InputError(problems, summary=f"invalid reports {file}")
    coops = set(economy.coops["id"])
    products = set(economy.products["id"])
    weights = _labour_weights(economy)
    for row, (coop, product) in enumerate(zip(typed["coop"], typed["product"], strict=True), 1):
        if coop not in coops:
            problems.append(
                Problem(
                    file,
                    "unknown coop",
                    row=row,
                    column="coop",
                    value=coop,
                    fix="use an id from coops.csv",
                )
            )
        elif product not in products:
            problems.append(
                Problem(
                    file,
                    "unknown product",
                    row=row,
                    column="product",
                    value=product,
                    fix="use an id from products.csv",
                )
            )
        elif (coop, product) not in weights:
            problems.append(
                Problem(
                    file,
                    f"coop {coop!r} runs no process making this product",
                    row=row,
                    column="product",
                    value=product,
                    fix="report only the main products of the coop's processes",
                )
            )
    duplicated = typed.duplicated(["coop", "product", "period"], keep="first")
    for row in (duplicated[duplicated].index + 1).tolist():
        problems.append(
            Problem(
                file,
                "second report for the same coop, product and period",
                row=row,
                column="period",
                value=typed.loc[row - 1, "period"],
                fix="keep one row per coop, product and period",
            )
        )
    order, period_problems = _period_order(typed["period"], file)
    problems += period_problems
    invalid = InputError.collect(problems, summary=f"invalid reports {file}")
    if invalid is not None:
        raise invalid
    position = {label: i for i, label in enumerate(order)}
    table = typed.assign(interval=typed["period"].map(position).astype("int64"))
    table = table.sort_values(["interval", "coop", "product"], kind="stable").reset_index(drop=True)
    used = {(c, p) for c, p in zip(table["coop"], table["product"], strict=True)}
    return ReportTable(
        table=table,
        periods=tuple(order),
        labour={key: weights[key] for key in sorted(used)},
        source=file,
    )


def read_reports(path: str | os.PathLike[str], economy: Economy) -> ReportTable:
    """Read a reports CSV (or Parquet) file and validate it against ``economy``."""
    file = Path(path)
    if not file.is_file():
        raise InputError.single(str(file), "reports file not found", fix="check the path")
    try:
        if file.suffix == ".parquet":
            raw = pd.read_parquet(file).astype(str)
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise InputError.single(str(file), f"cannot be read as a table: {error}") from error
    return validate_reports(raw, economy, str(file))
