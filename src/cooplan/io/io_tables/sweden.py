"""Statistics Sweden supply and use tables → a domestic industry-by-industry table.

Reads ``products.csv``, ``industries.csv``, ``supply.csv`` (product,industry,value),
``use_domestic.csv``, ``use_imported.csv``, ``final_demand.csv`` (origin domestic/imported),
``value_added.csv`` (compensation = wages_and_salaries + employers_social_contributions),
``employment.csv`` (persons_employed; hours_worked in thousand hours) and
``industry_accounts.csv`` (output_basic_prices, the published output). Money: SEK million.

Industry-by-industry by the industry-technology assumption (:mod:`.supply_use`); imported
uses become the resource IMPORTS; domestic final uses (inventory changes included, so
negative cells are netted) become final demand. Every identity of this table is exact, so
the balance reproduces the published output to floating-point precision.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cooplan.errors import InputError
from cooplan.io.io_tables.common import (
    Group,
    Headcount,
    IndustryTable,
    Kind,
    LabourData,
    LabourMeasure,
    SourceFormat,
    check_codes,
    check_unique,
    code_list,
    matrix,
    read_source_csv,
    vector,
    year_from_folder,
)
from cooplan.io.io_tables.sectors import isic_kind, nace_section
from cooplan.io.io_tables.supply_use import industry_by_industry

MONEY_UNIT = "SEK million"
ATTRIBUTION = "Based on data from Statistics Sweden (SCB), reformatted (CC BY 4.0)"
COMPENSATION = ("wages_and_salaries", "employers_social_contributions")


def is_sweden(folder: Path) -> bool:
    """True when ``folder`` looks like a Statistics Sweden supply-use folder."""
    return (folder / "supply.csv").is_file() and (folder / "use_domestic.csv").is_file()


def _cells(
    folder: Path, name: str, products: tuple[str, ...], industries: tuple[str, ...]
) -> tuple[Path, pd.DataFrame]:
    path = folder / name
    frame = read_source_csv(
        path, {"product": Kind.CODE, "industry": Kind.CODE, "value": Kind.NUMBER}
    )
    check_codes(frame, "product", products, path, "product")
    check_codes(frame, "industry", industries, path, "industry")
    check_unique(frame, ["product", "industry"], path)
    return path, frame


def read_sweden(folder: Path, year: int | None = None) -> IndustryTable:
    """Read a Statistics Sweden supply-use folder (SEK million, hours worked available)."""
    year = year_from_folder(folder, year)
    products, _ = code_list(folder / "products.csv")
    industries, names = code_list(folder / "industries.csv")
    _, supply = _cells(folder, "supply.csv", products, industries)
    _, use_dom = _cells(folder, "use_domestic.csv", products, industries)
    _, use_imp = _cells(folder, "use_imported.csv", products, industries)

    fd_path = folder / "final_demand.csv"
    fd = read_source_csv(
        fd_path,
        {"product": Kind.CODE, "category": Kind.CODE, "origin": Kind.CODE, "value": Kind.NUMBER},
    )
    check_codes(fd, "product", products, fd_path, "product")
    check_codes(fd, "origin", ("domestic", "imported"), fd_path, "origin (domestic/imported)")
    check_unique(fd, ["product", "category", "origin"], fd_path)

    va_path = folder / "value_added.csv"
    va = read_source_csv(
        va_path, {"industry": Kind.CODE, "component": Kind.CODE, "value": Kind.NUMBER}
    )
    check_codes(va, "industry", industries, va_path, "industry")
    check_unique(va, ["industry", "component"], va_path)

    emp_path = folder / "employment.csv"
    emp = read_source_csv(
        emp_path, {"industry": Kind.CODE, "measure": Kind.CODE, "value": Kind.NONNEGATIVE}
    )
    check_codes(emp, "industry", industries, emp_path, "industry")
    check_unique(emp, ["industry", "measure"], emp_path)
    for measure in ("persons_employed", "hours_worked"):
        if not (emp["measure"] == measure).any():
            raise InputError.single(
                str(emp_path),
                f"no {measure} rows",
                column="measure",
                fix=f"add one {measure} row per industry",
            )

    acc_path = folder / "industry_accounts.csv"
    acc = read_source_csv(
        acc_path, {"industry": Kind.CODE, "variable": Kind.CODE, "value": Kind.NUMBER}
    )
    check_codes(acc, "industry", industries, acc_path, "industry")

    S = matrix(supply, "product", "industry", products, industries)
    U = matrix(use_dom, "product", "industry", products, industries)
    U_imp = matrix(use_imp, "product", "industry", products, industries)
    domestic_final = vector(fd[fd["origin"] == "domestic"], "product", products)
    table = industry_by_industry(S.T, U, domestic_final)

    compensation = vector(va[va["component"].isin(COMPENSATION)], "industry", industries)
    persons = vector(emp[emp["measure"] == "persons_employed"], "industry", industries)
    hours = 1000.0 * vector(emp[emp["measure"] == "hours_worked"], "industry", industries)
    published = vector(acc[acc["variable"] == "output_basic_prices"], "industry", industries)
    sections = [nace_section(c) for c in industries]
    groups: dict[str, Group] = {g.id: g for g in sections if g is not None}
    negative_supply = int((supply["value"] < 0).sum())
    when = str(year) if year else "table year"
    return IndustryTable(
        name=f"Sweden SUT {year}" if year else "Sweden SUT",
        source_format=SourceFormat.SWEDEN,
        year=year,
        region="se",
        region_name="Sweden",
        money_unit=MONEY_UNIT,
        codes=industries,
        names=names,
        kinds=tuple(
            isic_kind(g.id.removeprefix("isic-")) if g else isic_kind("S") for g in sections
        ),
        group_of=tuple(g.id if g else None for g in sections),
        groups=tuple(groups.values()),
        flows=table.flows,
        final_demand=table.final_demand,
        output=table.output,
        imported_inputs=U_imp.sum(axis=0),
        published_output=published,
        labour={
            LabourMeasure.HOURS: LabourData(
                LabourMeasure.HOURS, hours, "hour", f"hours worked {when} (SCB)"
            ),
            LabourMeasure.COMPENSATION: LabourData(
                LabourMeasure.COMPENSATION,
                compensation,
                f"{MONEY_UNIT} of compensation",
                f"compensation of employees (D11 + D12) {when}",
            ),
            LabourMeasure.JOBS: LabourData(
                LabourMeasure.JOBS, persons, "person employed", f"persons employed {when}"
            ),
        },
        headcount=Headcount(persons, f"persons employed {when} (SCB)"),
        attribution=ATTRIBUTION,
        notes=(
            "industry-by-industry by the industry-technology assumption (supply-table shares)",
            f"imports enter as the resource IMPORTS ({MONEY_UNIT}): imported intermediate inputs",
            "final demand = domestic final uses incl. exports and inventory changes (netted)",
            f"{negative_supply} negative supply cell(s) kept in the market shares",
        ),
    )
