"""Turn raw tables into a valid :class:`Economy`, or report every problem at once.

``build_economy`` parses each column by its schema type (row-level problems name the file,
the 1-based data row, the column and the value), then checks references between tables,
duplicates and the structural rules of an economy. It either returns a complete economy or
raises :class:`~cooplan.errors.InputError` listing everything wrong: it never half-succeeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy, EconomyMeta
from cooplan.model.schema import TABLES, TABLES_BY_NAME, Column, ColumnType, ProductKind, Table

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _parse_cell(value: Any, column: Column) -> tuple[Any, str | None]:
    """Parse one cell; returns (value, None) or (None, what is wrong)."""
    if _is_empty(value):
        if column.nullable:
            return column.default, None
        return None, "is empty but required"
    if column.type in (ColumnType.ID, ColumnType.TEXT):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return text, None
    if column.type == ColumnType.BOOLEAN:
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, "is not true/false"
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        return None, "is not a number"
    if not math.isfinite(number):
        return None, "is not a finite number"
    if number < 0 and not column.signed:
        return None, "is negative"
    if column.positive and number <= 0:
        return None, "must be positive"
    if column.type == ColumnType.INTEGER:
        if not number.is_integer():
            return None, "is not a whole number"
        return int(number), None
    return number, None


def _fix_for(column: Column, what: str) -> str:
    if column.choices:
        return f"use one of: {', '.join(column.choices)}"
    if what == "is empty but required":
        return f"fill in the {column.name} ({column.meaning.rstrip('.')})"
    if column.type in (ColumnType.NUMBER, ColumnType.INTEGER):
        return f"write a finite non-negative {column.type.value} ({column.unit or 'no unit'})"
    return "correct the value"


def _parse_numbers_at_once(cells: pd.Series, column: Column) -> np.ndarray | None:
    """A numeric column whose every cell is valid, parsed with array operations (empty cells
    of a nullable column take its default); None when some cell needs a closer look."""
    if column.choices or cells.dtype.kind not in "fiu":
        return None
    values = cells.to_numpy(dtype=float)
    empty = np.isnan(values)
    present = values[~empty]
    if empty.any() and not column.nullable:
        return None
    if not np.isfinite(present).all():
        return None
    if not column.signed and (present < 0).any():
        return None
    if column.positive and (present <= 0).any():
        return None
    if column.type == ColumnType.INTEGER and not (present == np.floor(present)).all():
        return None
    if empty.any():
        default = np.nan if column.default is None else float(column.default)  # type: ignore[arg-type]
        values = np.where(empty, default, values)
    return values


def _parse_texts_at_once(cells: pd.Series, column: Column) -> list[str] | None:
    """An id or text column of strings only, none empty unless the column is nullable and
    every value allowed: the stripped strings (defaults for empty cells); else None."""
    if len(cells) == 0 or pd.api.types.infer_dtype(cells, skipna=False) != "string":
        return None
    if cells.isna().any():  # a string dtype reports "string" whatever its missing cells
        return None
    texts = [cell.strip() for cell in cells.tolist()]
    if "" in texts:
        if not column.nullable:
            return None
        texts = [column.default if text == "" else text for text in texts]  # type: ignore[misc]
    if column.choices and not set(texts) <= set(column.choices):
        return None
    return texts


def _parse_at_once(cells: pd.Series, column: Column) -> Any:
    """The parsed column when array operations can vouch for every cell, else None."""
    if column.type in (ColumnType.NUMBER, ColumnType.INTEGER):
        return _parse_numbers_at_once(cells, column)
    if column.type in (ColumnType.ID, ColumnType.TEXT):
        return _parse_texts_at_once(cells, column)
    return None


def parse_table(
    raw: pd.DataFrame, table: Table, file: str, *, at_once: bool = True
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse a raw table column by column; returns the typed table and the problems found.

    ``at_once``: a column whose cells are all valid (checked with array operations) is parsed
    without a Python call per cell; any other column, and every column with ``at_once=False``,
    is parsed cell by cell, which names each bad cell. Both give the same table."""
    problems: list[Problem] = []
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for name in missing:
        problems.append(
            Problem(
                file,
                f"required column {name!r} is missing",
                row=0,
                column=name,
                fix=f"add a column {name!r}: {table.column(name).meaning}",
            )
        )
    if missing:
        return pd.DataFrame(columns=list(table.column_names)), problems
    data: dict[str, list[Any]] = {}
    for column in table.columns:
        if column.name not in raw.columns:
            data[column.name] = [column.default] * len(raw)
            continue
        quick = _parse_at_once(raw[column.name], column) if at_once else None
        if quick is not None:
            data[column.name] = quick
            continue
        cells = raw[column.name].tolist()
        parsed: list[Any] = []
        for row, cell in enumerate(cells, start=1):
            value, wrong = _parse_cell(cell, column)
            if wrong is None and column.choices and value not in column.choices:
                wrong = "is not an allowed value"
            if wrong is not None:
                problems.append(
                    Problem(
                        file,
                        f"{column.name} {wrong}",
                        row=row,
                        column=column.name,
                        value=cell,
                        fix=_fix_for(column, wrong),
                    )
                )
            parsed.append(value)
        data[column.name] = parsed
    typed = pd.DataFrame(data, columns=list(table.column_names))
    for column in table.columns:
        if column.type == ColumnType.NUMBER:
            typed[column.name] = pd.to_numeric(typed[column.name], errors="coerce").astype(float)
        elif column.type == ColumnType.INTEGER and not typed.empty:
            typed[column.name] = (
                pd.to_numeric(typed[column.name], errors="coerce").fillna(0).astype(np.int64)
            )
        elif column.type == ColumnType.BOOLEAN:
            typed[column.name] = typed[column.name].fillna(False).astype(bool)
        else:
            texts = typed[column.name].astype(object)
            typed[column.name] = texts.where(texts.notna(), None)
    return typed, problems


class _Checker:
    """Cross-table checks over parsed tables; collects problems."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], files: Mapping[str, str]) -> None:
        self.t = tables
        self.files = files
        self.problems: list[Problem] = []

    def add(self, table: str, message: str, **kw: Any) -> None:
        self.problems.append(Problem(self.files[table], message, **kw))

    def duplicates(self, name: str) -> None:
        table = TABLES_BY_NAME[name]
        frame = self.t[name]
        if frame.empty or not table.key:
            return
        keys = frame[list(table.key)].astype(str)
        dup = keys.duplicated(keep="first")
        for row in np.flatnonzero(dup.to_numpy()):
            value = "/".join(keys.iloc[row].tolist())
            self.add(
                name,
                f"duplicate {'/'.join(table.key)}",
                row=int(row) + 1,
                column=table.key[0],
                value=value,
                fix="each one must appear once: merge or rename the rows",
            )

    def references(self, name: str, column: str, known: set[str], what: str) -> None:
        frame = self.t[name]
        if frame.empty:
            return
        values = frame[column]
        suspects = np.flatnonzero(~values.isin(known).to_numpy())  # unknown or empty
        cells = values.to_numpy(dtype=object)
        for row, value in zip((suspects + 1).tolist(), cells[suspects].tolist(), strict=True):
            if _is_empty(value):
                continue
            if value not in known:
                self.add(
                    name,
                    f"unknown {what}",
                    row=row,
                    column=column,
                    value=value,
                    fix=f"use an id listed in {what}s, or add it there",
                )


def _check_groups(ch: _Checker) -> None:
    groups = ch.t["groups"]
    if groups.empty:
        return
    parent_of = dict(zip(groups["id"], groups["parent"], strict=True))
    ch.references("groups", "parent", set(parent_of), "group")
    for row, gid in enumerate(groups["id"].tolist(), start=1):
        seen = {gid}
        node = parent_of.get(gid)
        while node is not None and node in parent_of:
            if node in seen:
                ch.add(
                    "groups",
                    "groups form a cycle through their parents",
                    row=row,
                    column="parent",
                    value=gid,
                    fix="make the parent chain end at a top-level group",
                )
                break
            seen.add(node)
            node = parent_of[node]


def _check_structure(ch: _Checker) -> None:
    products = ch.t["products"]
    kinds = dict(zip(products["id"], products["kind"], strict=True))
    processes = ch.t["processes"]
    coops = ch.t["coops"]
    made = set(processes["product"]) | set(ch.t["outputs"]["product"])
    for row, product in enumerate(processes["product"].tolist(), start=1):
        if kinds.get(product) == ProductKind.RESOURCE:
            ch.add(
                "processes",
                "a natural resource cannot be produced",
                row=row,
                column="product",
                value=product,
                fix="give the product another kind, or list its endowment in resources.csv",
            )
    needed: dict[str, tuple[str, int, str]] = {}
    for row, product in enumerate(ch.t["inputs"]["product"].tolist(), start=1):
        needed.setdefault(product, ("inputs", row, "product"))
    for row, product in enumerate(ch.t["demand"]["product"].tolist(), start=1):
        needed.setdefault(product, ("demand", row, "product"))
    for product, (table, row, column) in needed.items():
        if product in kinds and product not in made and kinds[product] != ProductKind.RESOURCE:
            ch.add(
                table,
                "nobody makes this product but it is needed",
                row=row,
                column=column,
                value=product,
                fix="add a process that makes it, or mark it as a resource with an endowment",
            )
    running = set(processes["coop"])
    for row, cid in enumerate(coops["id"].tolist(), start=1):
        if cid not in running:
            ch.add(
                "coops",
                "coop has no process",
                row=row,
                column="id",
                value=cid,
                fix="add at least one process run by this coop in processes.csv",
            )
    for row in range(1, len(coops) + 1):
        workers = coops["members"].iloc[row - 1] + coops["non_members"].iloc[row - 1]
        if workers > 0 and coops["hours_per_member"].iloc[row - 1] <= 0:
            ch.add(
                "coops",
                "coop has workers but zero hours per member",
                row=row,
                column="hours_per_member",
                value=0,
                fix="give the hours each worker works per period",
            )
    main = dict(zip(processes["id"], processes["product"], strict=True))
    outputs = ch.t["outputs"]
    for row, (pid, product) in enumerate(
        zip(outputs["process"], outputs["product"], strict=True), start=1
    ):
        if main.get(pid) == product:
            ch.add(
                "outputs",
                "joint product repeats the process's main product",
                row=row,
                column="product",
                value=product,
                fix="list only extra products; the main product is one unit per unit",
            )
    for row, product in enumerate(ch.t["resources"]["product"].tolist(), start=1):
        if product in kinds and kinds[product] != ProductKind.RESOURCE:
            ch.add(
                "resources",
                "endowment given for a product that is not a resource",
                row=row,
                column="product",
                value=product,
                fix="set its kind to resource in products.csv, or remove this row",
            )
    demand = ch.t["demand"]
    for row, (quantity, floor) in enumerate(
        zip(demand["quantity"], demand["floor"], strict=True), start=1
    ):
        if floor > quantity:
            ch.add(
                "demand",
                "floor is above the target quantity",
                row=row,
                column="floor",
                value=floor,
                fix="a floor is the part of the target delivered in full: at most the quantity",
            )
    for row, (a, b) in enumerate(
        zip(ch.t["transport"]["from"], ch.t["transport"]["to"], strict=True), start=1
    ):
        if a == b:
            ch.add(
                "transport",
                "a link must join two different regions",
                row=row,
                column="to",
                value=b,
                fix="remove the row: shipping inside a region costs nothing here",
            )


def check_tables(tables: Mapping[str, pd.DataFrame], files: Mapping[str, str]) -> list[Problem]:
    """All cross-table problems of parsed tables (ids, duplicates, structure)."""
    ch = _Checker(tables, files)
    for table in TABLES:
        ch.duplicates(table.name)
    product_ids = set(tables["products"]["id"])
    coop_ids = set(tables["coops"]["id"])
    process_ids = set(tables["processes"]["id"])
    if not tables["regions"].empty:
        region_ids = set(tables["regions"]["id"])
        ch.references("coops", "region", region_ids, "region")
    else:
        region_ids = set(tables["coops"]["region"])
    if not tables["groups"].empty:
        ch.references("coops", "group", set(tables["groups"]["id"]), "group")
        _check_groups(ch)
    ch.references("processes", "coop", coop_ids, "coop")
    ch.references("processes", "product", product_ids, "product")
    for name in ("inputs", "outputs"):
        ch.references(name, "process", process_ids, "process")
        ch.references(name, "product", product_ids, "product")
    ch.references("demand", "product", product_ids, "product")
    ch.references("demand", "region", region_ids, "region")
    ch.references("resources", "product", product_ids, "product")
    ch.references("transport", "from", region_ids, "region")
    ch.references("transport", "to", region_ids, "region")
    ch.references("transport", "product", product_ids, "product")
    if not ch.problems:
        _check_structure(ch)
    if tables["products"].empty:
        ch.add("products", "no products", row=None, fix="list at least one product")
    if tables["coops"].empty:
        ch.add("coops", "no coops", row=None, fix="list at least one coop")
    return ch.problems


def _default_regions(coops: pd.DataFrame) -> pd.DataFrame:
    ids = sorted(set(coops["region"]))
    return pd.DataFrame({"id": ids, "name": ids}, columns=["id", "name"])


def build_economy(
    meta: EconomyMeta,
    raw_tables: Mapping[str, pd.DataFrame | None],
    files: Mapping[str, str] | None = None,
    source: str = "<memory>",
) -> Economy:
    """Parse and check ``raw_tables`` (by table name; ``None`` = optional table absent).

    Raises :class:`InputError` with every problem found; returns a complete Economy otherwise.
    """
    files = {t.name: (files or {}).get(t.name, f"{t.name}.csv") for t in TABLES}
    problems: list[Problem] = []
    parsed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        raw = raw_tables.get(table.name)
        if raw is None:
            if table.required:
                problems.append(
                    Problem(
                        files[table.name],
                        "required table is missing",
                        fix=f"create {table.name}.csv with columns "
                        + ",".join(c.name for c in table.columns if c.required),
                    )
                )
            parsed[table.name] = pd.DataFrame(columns=list(table.column_names))
            continue
        parsed[table.name], found = parse_table(raw, table, files[table.name])
        problems += found
    if not problems:
        problems += check_tables(parsed, files)
    error = InputError.collect(problems, summary=f"invalid economy {source}")
    if error is not None:
        raise error
    if parsed["regions"].empty:
        parsed["regions"] = _default_regions(parsed["coops"])
    tables = {name: frame.reset_index(drop=True) for name, frame in parsed.items()}
    return Economy(meta=meta, source=source, **tables)
