"""Turn raw tables into a valid :class:`Economy`, or report every problem at once.

``build_economy`` parses each column by its schema type (row-level problems name the file,
the 1-based data row, the column and the value), then checks references between tables,
duplicates and the structural rules of an economy. It either returns a complete economy or
raises :class:`~cooplan.errors.InputError` listing everything wrong: it never half-succeeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# A decimal number, optionally signed, between spaces or tabs: every such text means the same
# to Python's float() and to Arrow's cast (both round correctly); anything else (underscores,
# other whitespace, inf, nan) is left to the cell-by-cell parser.
_DECIMAL = r"^[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t]*$"
_BLANK = r"^[ \t]*$"


def _arrow_strings(cells: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The cells as an Arrow string array (missing cells null), or None if some are not str."""
    try:
        texts = pa.array(cells, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        return None
    return texts


def _numbers_from_texts(cells: pd.Series) -> np.ndarray | None:
    """Texts that are all decimal numbers or blank (or missing), as floats with NaN for the
    blank ones; None when some cell is anything else."""
    texts = _arrow_strings(cells)
    if texts is None:
        return None
    blank = pc.fill_null(pc.match_substring_regex(texts, _BLANK), True)
    decimal = pc.fill_null(pc.match_substring_regex(texts, _DECIMAL), False)
    if not pc.all(pc.or_(blank, decimal)).as_py():
        return None
    try:
        numbers = pc.cast(pc.if_else(blank, None, pc.utf8_trim(texts, " \t")), pa.float64())
    except pa.ArrowInvalid:  # a form Arrow does not read: the cell-by-cell parser decides
        return None
    return numbers.to_numpy(zero_copy_only=False)


def _parse_numbers_at_once(cells: pd.Series, column: Column) -> np.ndarray | None:
    """A numeric column whose every cell is valid, parsed with array operations (empty cells
    of a nullable column take its default); None when some cell needs a closer look.

    Numbers may come as numbers or as decimal texts (a CSV file read as text)."""
    if column.choices:
        return None
    if cells.dtype.kind in "fiu":
        values = cells.to_numpy(dtype=float)
    elif pd.api.types.infer_dtype(cells, skipna=True) == "string":
        found = _numbers_from_texts(cells)
        if found is None:
            return None
        values = found
    else:
        return None
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


# The characters str.strip() removes (those whose str.isspace() is true), as an RE2 class;
# tests check the list against the running Python.
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_SPACES) + "]"
_EDGE_SPACE = f"^{_SPACE_CLASS}|{_SPACE_CLASS}$"


@dataclass(frozen=True)
class IdCodes:
    """A text column as codes: its values are ``distinct[indices]`` (int32 indices into an
    object array of distinct str). Lets the cross-table checks work on integers."""

    indices: np.ndarray
    distinct: np.ndarray

    def values(self) -> np.ndarray:
        """The column as an object array; equal texts share one str object."""
        return self.distinct[self.indices]


def _strings_as_read(cells: pd.Series) -> IdCodes | None:
    """Strings without surrounding whitespace, none missing, as codes into their distinct
    values; None when some cell is not such a string (then the caller strips cell by cell)."""
    texts = _arrow_strings(cells)
    if texts is None:
        return None
    if texts.null_count or pc.any(pc.match_substring_regex(texts, _EDGE_SPACE)).as_py():
        return None
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    # One str object per distinct text, shared by its cells: an id repeated in 20 million
    # rows is one object, not 20 million.
    encoded = pc.dictionary_encode(texts)
    return IdCodes(
        encoded.indices.to_numpy(zero_copy_only=False),
        encoded.dictionary.to_numpy(zero_copy_only=False),
    )


def _parse_texts_at_once(
    cells: pd.Series, column: Column
) -> tuple[np.ndarray, IdCodes | None] | None:
    """An id or text column of strings only, none empty unless the column is nullable and
    every value allowed: the stripped strings (defaults for empty cells) and, where they are
    the cells as read, their codes; else None."""
    if len(cells) == 0 or pd.api.types.infer_dtype(cells, skipna=False) != "string":
        return None
    if cells.isna().any():  # a string dtype reports "string" whatever its missing cells
        return None
    codes = _strings_as_read(cells)
    if codes is not None:
        texts = codes.values()
    else:
        texts = np.array([cell.strip() for cell in cells.tolist()], dtype=object)
    empty = texts == ""
    if empty.any():
        if not column.nullable:
            return None
        texts[empty] = column.default
        codes = None
    if column.choices and not set(pd.unique(texts)) <= set(column.choices):
        return None
    return texts, codes


_WORD = r"^[ \t]*[A-Za-z01]*[ \t]*$"  # ASCII only: lower-cased alike by Python and Arrow


def _parse_booleans_at_once(cells: pd.Series, column: Column) -> np.ndarray | None:
    """A true/false column of booleans, or of texts that are all true/false words or blank
    (blank cells take the default of a nullable column); None when some cell needs a closer
    look."""
    if cells.dtype == bool:
        return cells.to_numpy()
    texts = _arrow_strings(cells)
    if texts is None:
        return None
    if not pc.all(pc.fill_null(pc.match_substring_regex(texts, _WORD), True)).as_py():
        return None
    words = pc.utf8_lower(pc.utf8_trim(texts, " \t"))
    blank = pc.fill_null(pc.equal(words, ""), True)
    true = pc.is_in(words, value_set=pa.array(sorted(_TRUE)))
    false = pc.is_in(words, value_set=pa.array(sorted(_FALSE)))
    if not pc.all(pc.or_(blank, pc.or_(true, false))).as_py():
        return None
    blank_cells = blank.to_numpy(zero_copy_only=False)
    if blank_cells.any() and not column.nullable:
        return None
    return np.where(blank_cells, bool(column.default), true.to_numpy(zero_copy_only=False))


def _parse_at_once(cells: pd.Series, column: Column) -> tuple[Any, IdCodes | None] | None:
    """The parsed column (and a text column's codes, where it has them) when array operations
    can vouch for every cell, else None."""
    if column.type in (ColumnType.ID, ColumnType.TEXT):
        return _parse_texts_at_once(cells, column)
    if column.type == ColumnType.BOOLEAN and not column.choices:
        values = _parse_booleans_at_once(cells, column)
    elif column.type in (ColumnType.NUMBER, ColumnType.INTEGER):
        values = _parse_numbers_at_once(cells, column)
    else:
        return None
    return None if values is None else (values, None)


def _typed_column(values: Any, column: Column) -> pd.Series:
    """Parsed values as their table holds them: float (NaN where missing), int64, bool, or
    objects (str, None where missing)."""
    numeric = isinstance(values, np.ndarray) and values.dtype != object
    cells = pd.Series(values) if numeric else pd.Series(values, dtype=object)  # no str dtype
    if column.type == ColumnType.NUMBER:
        return pd.to_numeric(cells, errors="coerce").astype(float)
    if column.type == ColumnType.INTEGER:
        if cells.empty:
            return cells.astype(object)
        return pd.to_numeric(cells, errors="coerce").fillna(0).astype(np.int64)
    if column.type == ColumnType.BOOLEAN:
        return cells.fillna(False).astype(bool)
    texts = cells.astype(object)
    return texts.where(texts.notna(), None)


def parse_table(
    raw: pd.DataFrame,
    table: Table,
    file: str,
    *,
    at_once: bool = True,
    codes: dict[str, IdCodes] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse a raw table column by column; returns the typed table and the problems found.

    ``at_once``: a column whose cells are all valid (checked with array operations) is parsed
    without a Python call per cell; any other column, and every column with ``at_once=False``,
    is parsed cell by cell, which names each bad cell. Both give the same table. ``codes``,
    when given, receives the codes of the text columns parsed at once (by column name), for
    :func:`check_tables`."""
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
    data: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in raw.columns:
            data[column.name] = [column.default] * len(raw)
            continue
        quick = _parse_at_once(raw[column.name], column) if at_once else None
        if quick is not None:
            data[column.name], found_codes = quick
            if codes is not None and found_codes is not None:
                codes[column.name] = found_codes
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
    typed = pd.DataFrame(
        {column.name: _typed_column(data[column.name], column) for column in table.columns},
        columns=list(table.column_names),
    )
    return typed, problems


class _Checker:
    """Cross-table checks over parsed tables; collects problems."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        files: Mapping[str, str],
        codes: Mapping[tuple[str, str], IdCodes],
    ) -> None:
        self.t = tables
        self.files = files
        self.codes = codes
        self.problems: list[Problem] = []

    def _keys(self, name: str, columns: tuple[str, ...]) -> pd.Series | pd.DataFrame:
        """Values that are equal where the rows' ``columns`` are equal: one int64 per row from
        the columns' codes where every column has them, else the columns themselves."""
        found = [self.codes.get((name, column)) for column in columns]
        sizes = [1 if codes is None else codes.distinct.size for codes in found]
        if any(codes is None for codes in found) or np.prod(sizes, dtype=float) >= 2**62:
            return self.t[name][list(columns)]
        key = np.zeros(self.t[name].shape[0], dtype=np.int64)
        for codes in found:
            assert codes is not None
            key *= codes.distinct.size
            key += codes.indices
        return pd.Series(key)

    def add(self, table: str, message: str, **kw: Any) -> None:
        self.problems.append(Problem(self.files[table], message, **kw))

    def flag(self, table: str, column: str, flags: Any, message: str, fix: str) -> None:
        """One problem for every flagged row of ``table`` (in row order), naming ``column``
        and the row's value there."""
        rows = np.flatnonzero(np.asarray(flags, dtype=bool))
        values = self.t[table][column].iloc[rows].tolist()
        for row, value in zip((rows + 1).tolist(), values, strict=True):
            self.add(table, message, row=row, column=column, value=value, fix=fix)

    def duplicates(self, name: str) -> None:
        table = TABLES_BY_NAME[name]
        frame = self.t[name]
        if frame.empty or not table.key:
            return
        keys = frame[list(table.key)]  # ids: str, or None where missing
        dup = self._keys(name, table.key).duplicated(keep="first")
        for row in np.flatnonzero(dup.to_numpy()):
            value = "/".join(str(key) for key in keys.iloc[row].tolist())
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
        coded = self.codes.get((name, column))
        if coded is not None:  # each distinct value looked up once
            listed = pd.Series(coded.distinct, dtype=object).isin(known).to_numpy()
            suspects = np.flatnonzero(~listed[coded.indices])
        else:
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


def _first_rows(values: pd.Series, wanted: set[str]) -> dict[str, int]:
    """The 1-based row where each wanted value first appears, in row order."""
    rows = np.flatnonzero(values.isin(wanted).to_numpy())
    found = values.iloc[rows].tolist()
    first: dict[str, int] = {}
    for row, value in zip((rows + 1).tolist(), found, strict=True):
        first.setdefault(value, row)
    return first


def _check_unmade(ch: _Checker, kinds: Mapping[str, str], made: set[str]) -> None:
    """Products needed (as an input or by the public) that no process makes."""
    unmade = {p for p, kind in kinds.items() if kind != ProductKind.RESOURCE and p not in made}
    if not unmade:
        return
    needed = {
        p: ("inputs", row) for p, row in _first_rows(ch.t["inputs"]["product"], unmade).items()
    }
    for product, row in _first_rows(ch.t["demand"]["product"], unmade).items():
        needed.setdefault(product, ("demand", row))
    for product, (table, row) in needed.items():
        ch.add(
            table,
            "nobody makes this product but it is needed",
            row=row,
            column="product",
            value=product,
            fix="add a process that makes it, or mark it as a resource with an endowment",
        )


def _check_structure(ch: _Checker) -> None:
    """Rules between parsed tables whose ids all resolve; whole columns at a time."""
    products = ch.t["products"]
    kinds = dict(zip(products["id"], products["kind"], strict=True))
    resources = {p for p, kind in kinds.items() if kind == ProductKind.RESOURCE}
    processes = ch.t["processes"]
    coops = ch.t["coops"]
    made = set(processes["product"]) | set(ch.t["outputs"]["product"])
    ch.flag(
        "processes",
        "product",
        processes["product"].isin(resources),
        "a natural resource cannot be produced",
        "give the product another kind, or list its endowment in resources.csv",
    )
    _check_unmade(ch, kinds, made)
    ch.flag(
        "coops",
        "id",
        ~coops["id"].isin(set(processes["coop"])),
        "coop has no process",
        "add at least one process run by this coop in processes.csv",
    )
    workers = coops["members"] + coops["non_members"]
    ch.flag(
        "coops",
        "hours_per_member",
        (workers > 0) & (coops["hours_per_member"] <= 0),
        "coop has workers but zero hours per member",
        "give the hours each worker works per period",
    )
    outputs = ch.t["outputs"]
    main_product = pd.Series(processes["product"].to_numpy(), index=processes["id"].to_numpy())
    ch.flag(
        "outputs",
        "product",
        outputs["process"].map(main_product).to_numpy() == outputs["product"].to_numpy(),
        "joint product repeats the process's main product",
        "list only extra products; the main product is one unit per unit",
    )
    ch.flag(
        "resources",
        "product",
        ~ch.t["resources"]["product"].isin(resources),
        "endowment given for a product that is not a resource",
        "set its kind to resource in products.csv, or remove this row",
    )
    demand = ch.t["demand"]
    ch.flag(
        "demand",
        "floor",
        demand["floor"] > demand["quantity"],
        "floor is above the target quantity",
        "a floor is the part of the target delivered in full: at most the quantity",
    )
    transport = ch.t["transport"]
    ch.flag(
        "transport",
        "to",
        transport["from"].to_numpy() == transport["to"].to_numpy(),
        "a link must join two different regions",
        "remove the row: shipping inside a region costs nothing here",
    )


def check_tables(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    codes: Mapping[tuple[str, str], IdCodes] | None = None,
) -> list[Problem]:
    """All cross-table problems of parsed tables (ids, duplicates, structure). ``codes``
    (by table and column, from :func:`parse_table`) makes the id checks integer work; the
    problems found are the same with or without them."""
    ch = _Checker(tables, files, codes or {})
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
    codes: dict[tuple[str, str], IdCodes] = {}  # id columns as integers, for the checks
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
        table_codes: dict[str, IdCodes] = {}
        parsed[table.name], found = parse_table(raw, table, files[table.name], codes=table_codes)
        codes.update(
            {(table.name, column): found_codes for column, found_codes in table_codes.items()}
        )
        problems += found
    if not problems:
        problems += check_tables(parsed, files, codes)
    del codes
    error = InputError.collect(problems, summary=f"invalid economy {source}")
    if error is not None:
        raise error
    if parsed["regions"].empty:
        parsed["regions"] = _default_regions(parsed["coops"])
    tables = {name: frame.reset_index(drop=True) for name, frame in parsed.items()}
    return Economy(meta=meta, source=source, **tables)
