"""An :class:`IndustryTable` → a validated cooplan :class:`Economy`.

Each industry becomes a product (one unit = one money unit of base-year output, e.g. $1M),
a process (input coefficients a_ij = Z_ij / x_j, labour per unit = labour_j / x_j) and one
coop, or several of at most ``coop_size`` members that share the output as process
capacity. Imported intermediate inputs become the natural resource ``IMPORTS`` (in money
units, no endowment: not limited). Final demand is the domestic final demand.

Cells that the economy format cannot hold are moved so that every industry's row balance
x_i = Σ_j Z_ij + f_i is kept, hence the balance still reproduces x:

* a negative flow Z_ij (e.g. sales of used goods) is set to 0 and added to f_i;
* a negative final demand f_i (stock drawdowns or used-goods sales larger than all other
  final uses) is set to 0 and the row's intermediate uses are scaled down by the same amount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.io.io_tables.common import (
    Group,
    IndustryTable,
    LabourData,
    LabourMeasure,
    SourceFormat,
)
from cooplan.model.economy import Economy, EconomyMeta
from cooplan.model.schema import ProductKind
from cooplan.model.validate import build_economy

IMPORTS_ID = "IMPORTS"
DEFAULT_LABOUR_ORDER = (LabourMeasure.HOURS, LabourMeasure.COMPENSATION, LabourMeasure.JOBS)
"""Without ``--labour``: the first measure of this list that the table has."""
FALLBACK_GROUP = Group("other-industries", "Industries without a sector in the table")


@dataclass(frozen=True)
class ImportOptions:
    """Choices of ``cooplan import-io``.

    ``coop_size``: most members per coop (``None``: one coop per industry). ``labour``:
    measure of the labour coefficients (``None``: hours where the table has them, else
    compensation, else jobs). ``wage``: compensation per worker per period in the table's
    money unit, used to estimate members where the table has no headcount.
    """

    coop_size: int | None = None
    labour: LabourMeasure | None = None
    wage: float | None = None


@dataclass(frozen=True)
class ImportReport:
    """What was imported and every treatment applied, for the CLI and the economy.toml."""

    source: str
    source_format: SourceFormat
    name: str
    year: int | None
    money_unit: str
    labour_measure: LabourMeasure
    labour_unit: str
    labour_note: str
    members_note: str
    products: int
    coops: int
    members: int
    gross_output: float
    final_demand: float
    total_labour: float
    imported_inputs: float
    max_row_residual: float
    negative_flows_moved: int
    negative_flows_total: float
    negative_demand_absorbed: tuple[str, ...]
    negative_demand_total: float
    dropped_industries: tuple[str, ...]
    attribution: str
    notes: tuple[str, ...]

    def description(self) -> str:
        """One line for economy.toml: source, units, labour and treatments."""
        parts = [
            f"Imported by cooplan import-io ({self.source_format.value})"
            f" from {Path(self.source).name}",
            self.attribution,
            f"products are industries; one unit = one {self.money_unit} of base-year output",
            f"labour per unit = {self.labour_measure.value}, in {self.labour_unit}"
            f" per {self.money_unit} of output ({self.labour_note})",
            f"members: {self.members_note}",
            *self.notes,
            f"{self.negative_flows_moved} negative flows moved to final demand",
            f"{len(self.negative_demand_absorbed)} negative final demands absorbed into"
            " intermediate use",
        ]
        return "; ".join(p.replace("\n", " ") for p in parts if p)


@dataclass(frozen=True)
class ImportResult:
    """The imported economy, its report and the publisher's gross output by product id."""

    economy: Economy
    report: ImportReport
    published_output: dict[str, float]


def _clean(
    Z: np.ndarray, f: np.ndarray, codes: tuple[str, ...], source: str
) -> tuple[np.ndarray, np.ndarray, int, float, list[str], float]:
    Z, f = Z.copy(), f.copy()
    negative = Z < 0
    moved = float(Z[negative].sum())
    f += np.where(negative, Z, 0.0).sum(axis=1)
    Z[negative] = 0.0
    absorbed: list[str] = []
    absorbed_total = 0.0
    for i in np.flatnonzero(f < 0):
        row = Z[i].sum()
        if row + f[i] < 0:
            raise InputError.single(
                source,
                "final demand is more negative than all intermediate uses",
                column="final demand",
                value=f"{codes[i]}: {f[i]:.6g}",
                fix="check the industry's row: output cannot be negative",
            )
        Z[i] *= (row + f[i]) / row
        absorbed.append(codes[i])
        absorbed_total += float(f[i])
        f[i] = 0.0
    return Z, f, int(negative.sum()), moved, absorbed, absorbed_total


def _members(
    table: IndustryTable, options: ImportOptions, labour: np.ndarray
) -> tuple[np.ndarray, str]:
    if table.headcount is not None:
        heads, note = table.headcount.values, table.headcount.note
    elif options.wage is not None and LabourMeasure.COMPENSATION in table.labour:
        heads = table.labour[LabourMeasure.COMPENSATION].values / options.wage
        note = (
            f"estimated as compensation ÷ stated wage of {options.wage:g}"
            f" {table.money_unit} per worker per year"
        )
    else:
        raise InputError.single(
            table.name,
            "the table has no headcount (persons or jobs) to size the coops",
            column="--wage",
            fix=f"give --wage: average compensation per worker per year in "
            f"{table.money_unit} (e.g. 0.065 for 65,000 when the unit is a million)",
        )
    members = np.rint(heads).astype(np.int64)
    members = np.where((labour > 0) & (members == 0), 1, members)
    members = np.where(labour > 0, members, 0)
    return members, note


def _split(members: int, size: int | None) -> list[int]:
    if size is None or members <= size:
        return [members]
    parts = math.ceil(members / size)
    base, extra = divmod(members, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


def _choose_labour(table: IndustryTable, options: ImportOptions, source: str) -> LabourData:
    measure = options.labour or next(
        (m for m in DEFAULT_LABOUR_ORDER if m in table.labour), LabourMeasure.COMPENSATION
    )
    if measure not in table.labour:
        raise InputError.single(
            source,
            f"this table has no {measure.value} data",
            column="--labour",
            value=measure.value,
            fix="use --labour " + " or ".join(m.value for m in table.labour)
            if table.labour
            else "add labour data to the table",
        )
    return table.labour[measure]


def _idle_industries(table: IndustryTable, labour: np.ndarray, source: str) -> np.ndarray:
    """Mask of industries without output; an error if such an industry has anything else."""
    used = (
        np.abs(table.flows).sum(axis=0)
        + np.abs(table.flows).sum(axis=1)
        + np.abs(table.final_demand)
        + labour
        + table.imported_inputs
    ) > 0
    idle = table.output <= 0
    problems = [
        Problem(
            source,
            "industry has no output but has flows, demand or labour",
            column="output",
            value=table.codes[j],
            fix="give its gross output, or remove it from every file",
        )
        for j in np.flatnonzero(idle & used)
    ]
    error = InputError.collect(problems, summary=f"cannot import {source}")
    if error is not None:
        raise error
    return np.asarray(idle)


Rows = list[dict[str, Any]]


def _coop_rows(
    table: IndustryTable,
    options: ImportOptions,
    keep: np.ndarray,
    codes: tuple[str, ...],
    A: np.ndarray,
    x: np.ndarray,
    labour: np.ndarray,
    members: np.ndarray,
    group_of: list[str],
    imports_id: str,
) -> tuple[Rows, Rows, Rows]:
    """coops, processes and inputs rows: one coop and process per industry or per split part."""
    coops: Rows = []
    processes: Rows = []
    inputs: Rows = []
    for k, j in enumerate(keep):
        parts = _split(int(members[k]), options.coop_size)
        per_member = labour[k] / members[k] if members[k] > 0 else 0.0
        width = len(str(len(parts)))
        column = [(codes[i], A[i, k]) for i in np.flatnonzero(A[:, k] > 0)]
        if table.imported_inputs[j] > 0:
            column.append((imports_id, table.imported_inputs[j] / x[k]))
        for p, size in enumerate(parts):
            pid = codes[k] if len(parts) == 1 else f"{codes[k]}-{p + 1:0{width}d}"
            label = (
                table.names[j]
                if len(parts) == 1
                else (f"{table.names[j]} (coop {p + 1} of {len(parts)})")
            )
            coops.append(
                {
                    "id": pid,
                    "name": label,
                    "region": table.region,
                    "group": group_of[k],
                    "members": size,
                    "hours_per_member": per_member,
                }
            )
            processes.append(
                {
                    "id": pid,
                    "coop": pid,
                    "product": codes[k],
                    "labour": labour[k] / x[k],
                    "capacity": None if len(parts) == 1 else x[k] * size / members[k],
                }
            )
            inputs += [{"process": pid, "product": i, "quantity": q} for i, q in column]
    return coops, processes, inputs


def table_to_economy(table: IndustryTable, options: ImportOptions, source: str) -> ImportResult:
    """Build and validate the economy of ``table`` (raises InputError on bad data)."""
    if options.coop_size is not None and options.coop_size < 1:
        raise InputError.single(
            source, "coop size must be at least 1", column="--coop-size", value=options.coop_size
        )
    if options.wage is not None and not options.wage > 0:
        raise InputError.single(
            source, "wage must be positive", column="--wage", value=options.wage
        )
    labour_data = _choose_labour(table, options, source)
    measure = labour_data.measure
    x = table.output
    residual = x - table.flows.sum(axis=1) - table.final_demand
    idle = _idle_industries(table, labour_data.values, source)
    keep = np.flatnonzero(~idle)
    codes = tuple(table.codes[j] for j in keep)
    Z, f, n_moved, moved, absorbed, absorbed_total = _clean(
        table.flows[np.ix_(keep, keep)], table.final_demand[keep], codes, source
    )
    x = x[keep]
    A = Z / x[np.newaxis, :]
    labour = labour_data.values[keep]
    members, members_note = _members(table, options, labour_data.values)
    members = members[keep]
    imports_id = IMPORTS_ID
    while imports_id in codes:
        imports_id += "_"

    groups = list(table.groups)
    if any(table.group_of[j] is None for j in keep):
        groups.append(FALLBACK_GROUP)
    group_of = [table.group_of[j] or FALLBACK_GROUP.id for j in keep]

    products = [
        {
            "id": codes[k],
            "name": table.names[j],
            "unit": table.money_unit,
            "kind": table.kinds[j].value,
        }
        for k, j in enumerate(keep)
    ]
    if (table.imported_inputs[keep] > 0).any():
        products.append(
            {
                "id": imports_id,
                "name": "Imported intermediate inputs",
                "unit": table.money_unit,
                "kind": ProductKind.RESOURCE.value,
            }
        )
    coops, processes, inputs = _coop_rows(
        table, options, keep, codes, A, x, labour, members, group_of, imports_id
    )
    # Priorities in proportion to each product's final demand (the table's money units, mean
    # 1): weighing a $1bn demand like a $2tn one would distort the harmony objective.
    positive = [k for k in range(len(codes)) if f[k] > 0]
    mean_demand = float(np.mean([f[k] for k in positive])) if positive else 1.0
    demand = [
        {"product": codes[k], "quantity": f[k], "priority": f[k] / mean_demand} for k in positive
    ]
    raw = {
        "products": pd.DataFrame(products),
        "coops": pd.DataFrame(coops),
        "processes": pd.DataFrame(processes),
        "inputs": pd.DataFrame(inputs, columns=["process", "product", "quantity"]),
        "demand": pd.DataFrame(demand, columns=["product", "quantity", "priority"]),
        "regions": pd.DataFrame([{"id": table.region, "name": table.region_name}]),
        "groups": pd.DataFrame(
            [{"id": g.id, "name": g.name, "parent": g.parent, "axis": "sector"} for g in groups],
            columns=["id", "name", "parent", "axis"],
        ),
    }
    report = ImportReport(
        source=source,
        source_format=table.source_format,
        name=table.name,
        year=table.year,
        money_unit=table.money_unit,
        labour_measure=measure,
        labour_unit=labour_data.unit,
        labour_note=labour_data.note,
        members_note=members_note,
        products=len(codes),
        coops=len(coops),
        members=int(members.sum()),
        gross_output=float(x.sum()),
        final_demand=float(f.sum()),
        total_labour=float(labour.sum()),
        imported_inputs=float(table.imported_inputs[keep].sum()),
        max_row_residual=float(np.abs(residual).max()) if len(residual) else 0.0,
        negative_flows_moved=n_moved,
        negative_flows_total=moved,
        negative_demand_absorbed=tuple(absorbed),
        negative_demand_total=absorbed_total,
        dropped_industries=tuple(table.codes[j] for j in np.flatnonzero(idle)),
        attribution=table.attribution,
        notes=table.notes,
    )
    meta = EconomyMeta(
        name=table.name,
        period="year",
        labour_unit=labour_data.unit,
        currency=table.money_unit,
        description=report.description(),
    )
    economy = build_economy(meta, raw, source=f"import-io {Path(source).name}")
    published = {codes[k]: float(table.published_output[j]) for k, j in enumerate(keep)}
    return ImportResult(economy=economy, report=report, published_output=published)
