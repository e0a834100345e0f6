"""US BEA make/use tables (summary or detail level) → a domestic industry-by-industry table.

Reads the tidy CSV layout of the BEA folders (``industries.csv``, ``commodities.csv``,
``final_demand_categories.csv``, ``value_added_components.csv``, ``use.csv``, ``make.csv``,
``final_demand.csv``, ``imports.csv``, ``value_added.csv``, ``totals.csv`` and employment;
``detail_to_summary.csv`` marks the detail level). Money: USD million, current prices.

Treatment (see docs/import-io.md):

* Domestic use = use − BEA import matrix, cell by cell, clipped to lie between 0 and the use
  cell (the import matrix is an estimate by proportionality; a few cells exceed the use).
* Domestic final use of a commodity = its domestic output (make-table column sum) − its
  domestic intermediate use. This equals Σ (final-use column − imported part) over the
  final-use categories except imports, plus an *import-matrix adjustment* (reported): BEA's
  import rows do not add up to the imports column for margin commodities and noncomparable
  imports. Inventory drawdowns and sales of used goods stay netted inside the total.
* Industry-by-industry by the industry-technology assumption (:mod:`.supply_use`), so gross
  output is the make-table row sum (equal to BEA's published industry output within BEA's
  rounding, ≤ 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
from cooplan.io.io_tables.sectors import (
    BEA_SECTOR_OF_SUMMARY,
    BEA_SECTORS,
    bea_kind,
    bea_sector_group,
)
from cooplan.io.io_tables.supply_use import industry_by_industry

MONEY_UNIT = "USD million"
ATTRIBUTION = "Source: U.S. Bureau of Economic Analysis (public domain)"
_VALUE = {"value": Kind.NUMBER}


def _cells(folder: Path, name: str, rows: str, cols: str) -> tuple[Path, pd.DataFrame]:
    path = folder / name
    frame = read_source_csv(path, {rows: Kind.CODE, cols: Kind.CODE, **_VALUE})
    check_unique(frame, [rows, cols], path)
    return path, frame


def _code_with_name(codes: tuple[str, ...], names: tuple[str, ...], start: str, path: Path) -> str:
    for code, name in zip(codes, names, strict=True):
        if name.lower().startswith(start):
            return code
    raise InputError.single(
        str(path),
        f"no row whose name starts with {start!r}",
        column="name",
        fix="the BEA category/component list is incomplete",
    )


def is_bea(folder: Path) -> bool:
    """True when ``folder`` looks like a BEA make/use folder."""
    return all((folder / f).is_file() for f in ("make.csv", "use.csv", "commodities.csv"))


def _jobs(
    folder: Path,
    industries: tuple[str, ...],
    summary_of: dict[str, str],
    compensation: np.ndarray,
    year: int | None,
) -> tuple[Headcount | None, LabourData | None]:
    """Jobs per industry from BEA SAEMP25N (split by compensation share at detail level)."""
    detail = bool(summary_of)
    path = folder / ("employment_summary_level.csv" if detail else "employment.csv")
    if not path.is_file():
        return None, None
    key = "summary_industry" if detail else "industry"
    frame = read_source_csv(
        path, {key: Kind.CODE, "year": Kind.YEAR, "measure": Kind.CODE, "value": Kind.NONNEGATIVE}
    )
    frame = frame[frame["measure"] == "jobs"]
    if frame.empty:
        return None, None
    years = sorted(set(frame["year"]))
    target = year if year is not None else years[-1]
    before = [y for y in years if y <= target]
    chosen = before[-1] if before else years[0]
    rows = frame[frame["year"] == chosen]
    if detail:
        summaries = sorted(set(summary_of.values()))
        jobs_summary = vector(rows[rows[key].isin(summaries)], key, summaries)
        of = np.array([summaries.index(summary_of[c]) for c in industries])
        comp_summary = np.bincount(of, weights=compensation, minlength=len(summaries))
        share = np.divide(
            compensation,
            comp_summary[of],
            out=np.zeros_like(compensation),
            where=comp_summary[of] > 0,
        )
        jobs = jobs_summary[of] * share
        how = f"summary-level jobs {chosen} split over detail industries by compensation share"
    else:
        check_codes(rows, key, industries, path, "industry")
        jobs = vector(rows, key, industries)
        how = f"jobs {chosen}"
    mismatch = "" if target == chosen else f" (nearest available year to {target})"
    note = f"BEA SAEMP25N full- and part-time {how}{mismatch}"
    return Headcount(jobs, note), LabourData(LabourMeasure.JOBS, jobs, "job", note)


def read_bea(folder: Path, year: int | None = None) -> IndustryTable:
    """Read a BEA make/use folder into a domestic industry-by-industry table (USD million)."""
    year = year_from_folder(folder, year)
    industries, industry_names = code_list(folder / "industries.csv")
    commodities, _ = code_list(folder / "commodities.csv")
    categories, category_names = code_list(folder / "final_demand_categories.csv")
    components, component_names = code_list(folder / "value_added_components.csv")
    imports_code = _code_with_name(
        categories, category_names, "imports", folder / "final_demand_categories.csv"
    )
    comp_code = _code_with_name(
        components, component_names, "compensation", folder / "value_added_components.csv"
    )

    use_path, use = _cells(folder, "use.csv", "commodity", "industry")
    make_path, make = _cells(folder, "make.csv", "industry", "commodity")
    fd_path, fd = _cells(folder, "final_demand.csv", "commodity", "category")
    imp_path, imp = _cells(folder, "imports.csv", "commodity", "user")
    va_path, va = _cells(folder, "value_added.csv", "industry", "component")
    check_codes(use, "commodity", commodities, use_path, "commodity")
    check_codes(use, "industry", industries, use_path, "industry")
    check_codes(make, "industry", industries, make_path, "industry")
    check_codes(make, "commodity", commodities, make_path, "commodity")
    check_codes(fd, "commodity", commodities, fd_path, "commodity")
    check_codes(fd, "category", categories, fd_path, "final-demand category")
    check_codes(imp, "commodity", commodities, imp_path, "commodity")
    check_codes(imp, "user", industries + categories, imp_path, "industry or final-demand category")
    check_codes(va, "industry", industries, va_path, "industry")
    check_codes(va, "component", components, va_path, "value-added component")

    U = matrix(use, "commodity", "industry", commodities, industries)
    V = matrix(make, "industry", "commodity", industries, commodities)
    final_cats = [c for c in categories if c != imports_code]
    F = matrix(fd, "commodity", "category", commodities, final_cats)
    imp_users = industries + tuple(final_cats)
    M = matrix(imp[imp["user"].isin(imp_users)], "commodity", "user", commodities, imp_users)
    n = len(industries)
    MU, MF = M[:, :n], M[:, n:]

    U_dom = np.clip(U - MU, np.minimum(U, 0.0), np.maximum(U, 0.0))
    F_dom = np.clip(F - MF, np.minimum(F, 0.0), np.maximum(F, 0.0))
    clipped = int(
        np.count_nonzero(np.abs(U_dom - (U - MU)) > 0.5)
        + np.count_nonzero(np.abs(F_dom - (F - MF)) > 0.5)
    )
    q = V.sum(axis=0)
    columns_sum = F_dom.sum(axis=1)
    adjustment = q - U_dom.sum(axis=1) - columns_sum
    domestic_final = columns_sum + adjustment
    worst = int(np.argmax(np.abs(adjustment)))
    table = industry_by_industry(V, U_dom, domestic_final)

    totals_path = folder / "totals.csv"
    totals = read_source_csv(totals_path, {"item": Kind.CODE, "code": Kind.CODE, **_VALUE})
    ind_totals = totals[totals["item"] == "industry_output"]
    check_codes(ind_totals, "code", industries, totals_path, "industry")
    published = vector(ind_totals, "code", industries)
    compensation = vector(va[va["component"] == comp_code], "industry", industries)

    crosswalk = folder / "detail_to_summary.csv"
    summary_of: dict[str, str] = {}
    if crosswalk.is_file():
        cw = read_source_csv(crosswalk, {"detail_code": Kind.CODE, "summary_code": Kind.CODE})
        summary_of = {
            d: s
            for d, s in zip(cw["detail_code"], cw["summary_code"], strict=True)
            if d in set(industries)
        }
        missing = [c for c in industries if c not in summary_of]
        if missing:
            raise InputError.single(
                str(crosswalk),
                "industry missing from the crosswalk",
                column="detail_code",
                value=missing[0],
                fix="add a row mapping it to its summary code",
            )
    level = "detail" if summary_of else "summary"
    groups: list[Group] = [bea_sector_group(s) for s in BEA_SECTORS]
    group_of: tuple[str | None, ...]
    if summary_of:
        order = {s: i for i, s in enumerate(BEA_SECTOR_OF_SUMMARY)}
        used = sorted(set(summary_of.values()), key=lambda s: (order.get(s, len(order)), s))
        groups += [
            Group(
                f"summary-{s}",
                s,
                f"sector-{BEA_SECTOR_OF_SUMMARY[s]}" if s in BEA_SECTOR_OF_SUMMARY else None,
            )
            for s in used
        ]
        group_of = tuple(f"summary-{summary_of[c]}" for c in industries)
        kinds = tuple(bea_kind(summary_of[c]) for c in industries)
    else:
        group_of = tuple(
            f"sector-{BEA_SECTOR_OF_SUMMARY[c]}" if c in BEA_SECTOR_OF_SUMMARY else None
            for c in industries
        )
        kinds = tuple(bea_kind(c) for c in industries)

    headcount, jobs = _jobs(folder, industries, summary_of, compensation, year)
    labour = {
        LabourMeasure.COMPENSATION: LabourData(
            LabourMeasure.COMPENSATION,
            compensation,
            f"{MONEY_UNIT} of compensation",
            f"compensation of employees ({comp_code}), {year or 'table year'}",
        )
    }
    if jobs is not None:
        labour[LabourMeasure.JOBS] = jobs
    notes = (
        "industry-by-industry by the industry-technology assumption (make-table market shares)",
        "domestic use = use − BEA import matrix, clipped to [0, use]"
        f" ({clipped} cells clipped by more than 0.5)",
        f"imports enter as the resource IMPORTS ({MONEY_UNIT}): imported intermediate inputs",
        "domestic final demand = domestic commodity output − domestic intermediate use;"
        f" import-matrix adjustment Σ|adj| = {np.abs(adjustment).sum():.0f},"
        f" largest {commodities[worst]} {adjustment[worst]:+.0f}",
        "inventory change and sales of used goods stay netted into final demand",
    ) + (
        (f"use of commodities without domestic output dropped ({table.unmade_use:.0f})",)
        if table.unmade_use
        else ()
    )
    return IndustryTable(
        name=f"US BEA {level} {year}" if year else f"US BEA {level}",
        source_format=SourceFormat.BEA,
        year=year,
        region="us",
        region_name="United States",
        money_unit=MONEY_UNIT,
        codes=industries,
        names=industry_names,
        kinds=kinds,
        group_of=group_of,
        groups=tuple(groups),
        flows=table.flows,
        final_demand=table.final_demand,
        output=table.output,
        imported_inputs=(U - U_dom).sum(axis=0),
        published_output=published,
        labour=labour,
        headcount=headcount,
        attribution=ATTRIBUTION,
        notes=notes,
    )
