"""The data a horizon plan takes beyond the economy: capital coefficients and initial stocks."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
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


def read_capital(path: str | os.PathLike[str], economy: Economy) -> CapitalTable:
    """Read and check ``capital.csv`` against ``economy`` (every problem at once)."""
    file = Path(path)
    if not file.is_file():
        raise InputError.single(
            str(file), "capital table not found", fix="give the path of capital.csv"
        )
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    typed, problems = parse_table(raw, CAPITAL, str(file))
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
    file = Path(path)
    if not file.is_file():
        raise InputError.single(str(file), "stocks table not found", fix="give the stocks.csv path")
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    typed, problems = parse_table(raw, STOCKS, str(file))
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
