"""The data a horizon plan takes beyond the economy: capital coefficients, initial stocks and
capacity already under construction."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.model.schema import Column, ColumnType, Table
from cooplan.model.validate import parse_table

CAPITAL = Table(
    "capital",
    "Capital coefficients: what it takes to add one unit of capacity to a process.",
    (
        Column("process", ColumnType.ID, "Process whose capacity is built."),
        Column(
            "product",
            ColumnType.ID,
            "Product used to build it, or 'labour' for the hours it takes.",
        ),
        Column("quantity", ColumnType.NUMBER, "Units (or hours) per unit of capacity added."),
    ),
    key=("process", "product"),
)
STOCKS = Table(
    "stocks",
    "Stocks in hand when the horizon starts (before the first year's inputs are drawn).",
    (
        Column("product", ColumnType.ID, "Produced product held in stock."),
        Column("quantity", ColumnType.NUMBER, "Units in stock."),
    ),
    key=("product",),
)
LABOUR = "labour"


@dataclass(frozen=True)
class CapitalTable:
    """Capital coefficients as read from ``capital.csv`` (validated against an economy)."""

    table: pd.DataFrame


def _read(path: str | os.PathLike[str], table: Table) -> tuple[Path, pd.DataFrame, list[Problem]]:
    """The CSV file of ``table`` typed by its schema, with the cells that do not fit."""
    file = Path(path)
    if not file.is_file():
        raise InputError.single(
            str(file), f"{table.name} table not found", fix=f"give the path of {table.name}.csv"
        )
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    typed, problems = parse_table(raw, table, str(file))
    return file, typed, problems


def read_capital(path: str | os.PathLike[str], economy: Economy) -> CapitalTable:
    """Read and check ``capital.csv`` against ``economy`` (every problem at once)."""
    file, typed, problems = _read(path, CAPITAL)
    processes = set(economy.processes["id"])
    products = set(economy.products["id"]) | {LABOUR}
    if not problems:
        for row, (process, product) in enumerate(
            zip(typed["process"], typed["product"], strict=True), 1
        ):
            if process not in processes:
                problems.append(
                    Problem(str(file), "unknown process", row=row, column="process", value=process)
                )
            if product not in products:
                problems.append(
                    Problem(
                        str(file),
                        "unknown product",
                        row=row,
                        column="product",
                        value=product,
                        fix="a product id, or 'labour' for hours",
                    )
                )
    error = InputError.collect(problems, summary=f"invalid capital table {file}")
    if error is not None:
        raise error
    return CapitalTable(typed)


def read_stocks(path: str | os.PathLike[str], economy: Economy) -> dict[str, float]:
    """Read ``stocks.csv`` (``product,quantity``) and check it against ``economy``."""
    file, typed, problems = _read(path, STOCKS)
    error = InputError.collect(problems, summary=f"invalid stocks table {file}")
    if error is not None:
        raise error
    stocks = dict(zip(typed["product"], typed["quantity"].astype(float), strict=True))
    stock_vector(economy, stocks, source=str(file))  # the same checks as for a mapping
    return stocks


def stock_vector(
    economy: Economy, stocks: Mapping[str, float] | None, source: str = "stocks"
) -> np.ndarray:
    """Initial stocks as a vector over the economy's products (every problem at once)."""
    snap = economy.snapshot()
    vector = np.zeros(snap.n_products)
    problems = []
    for row, (product, quantity) in enumerate((stocks or {}).items(), 1):
        index = snap.product_index.get(product)
        if index is None:
            problems.append(
                Problem(source, "unknown product", row=row, column="product", value=product)
            )
        elif snap.is_resource[index]:
            problems.append(
                Problem(
                    source,
                    "a natural resource is not stocked",
                    row=row,
                    column="product",
                    value=product,
                    fix="resources are limited per year in resources.csv",
                )
            )
        elif not (math.isfinite(quantity) and quantity >= 0.0):
            problems.append(
                Problem(
                    source,
                    "stock must be finite and at least 0",
                    row=row,
                    column="quantity",
                    value=quantity,
                )
            )
        else:
            vector[index] += float(quantity)
    error = InputError.collect(problems, summary=f"invalid initial stocks {source}")
    if error is not None:
        raise error
    return vector


def capital_arrays(
    economy: Economy, capital: CapitalTable | None
) -> tuple[sp.csc_matrix, np.ndarray]:
    """K (products × processes) and κ (labour per unit of capacity) from the capital table."""
    snap = economy.snapshot()
    K = sp.csc_matrix((snap.n_products, snap.n_processes))
    kappa = np.zeros(snap.n_processes)
    if capital is None or capital.table.empty:
        return K, kappa
    table = capital.table
    goods = table[table["product"] != LABOUR]
    K = sp.csc_matrix(
        (
            goods["quantity"].to_numpy(float),
            (
                [snap.product_index[p] for p in goods["product"]],
                [snap.process_index[p] for p in goods["process"]],
            ),
        ),
        shape=(snap.n_products, snap.n_processes),
    )
    for process, hours in table[table["product"] == LABOUR][["process", "quantity"]].itertuples(
        index=False
    ):
        kappa[snap.process_index[process]] += float(hours)
    return K, kappa


def pipeline_array(
    economy: Economy, pipeline: Mapping[str, Sequence[float]] | None, source: str = "pipeline"
) -> np.ndarray:
    """Capacity under construction as a (processes × years) array (every problem at once).

    ``pipeline[p][i]`` is the capacity of process p started before the horizon that becomes
    usable in year i + 1 (units of the process's output per year); column i of the array is
    year i + 1. Only capacitated processes can have capacity under construction.
    """
    snap = economy.snapshot()
    years = max((len(arriving) for arriving in (pipeline or {}).values()), default=0)
    array = np.zeros((snap.n_processes, years))
    problems = []
    for process, arriving in (pipeline or {}).items():
        index = snap.process_index.get(process)
        if index is None:
            problems.append(Problem(source, "unknown process", column=process, value=process))
            continue
        if not np.isfinite(snap.process_capacity[index]):
            problems.append(
                Problem(
                    source,
                    "an unbounded process has no capacity to build",
                    column=process,
                    value=process,
                    fix="give the process a capacity in processes.csv",
                )
            )
            continue
        for i, quantity in enumerate(arriving):
            if not (math.isfinite(quantity) and quantity >= 0.0):
                problems.append(
                    Problem(
                        source,
                        f"capacity arriving in year {i + 1} must be finite and at least 0",
                        column=process,
                        value=quantity,
                    )
                )
            else:
                array[index, i] = float(quantity)
    error = InputError.collect(problems, summary=f"invalid capacity under construction {source}")
    if error is not None:
        raise error
    return array
