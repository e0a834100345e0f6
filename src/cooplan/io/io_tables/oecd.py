"""OECD national input-output tables (2018 edition layout) → a domestic industry table.

Reads ``industries.csv``, ``flows.csv`` (from_industry,to_industry,origin,value),
``final_demand.csv`` (product,category,origin,value), ``value_added.csv`` (LABR = labour
compensation) and ``gross_output.csv``. The OECD table is already symmetric (industry by
industry) and split by origin: domestic flows become the input coefficients, imported flows
the resource IMPORTS, and domestic final uses (all categories, exports and inventory changes
included, so negative inventory cells are netted) the final demand. Money: USD million.
The country is read from the folder name (``…_USA_…``) unless given.
"""

from __future__ import annotations

import re
from pathlib import Path

from cooplan.errors import InputError
from cooplan.io.io_tables.common import (
    Group,
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
from cooplan.io.io_tables.sectors import isic_kind, oecd_section

MONEY_UNIT = "USD million"
ATTRIBUTION = "OECD (2018), Input-Output Tables, 2018 edition, http://oe.cd/i-o (adapted)"
ORIGINS = ("domestic", "imported")

# ISO 3166 alpha-3 → (region id, name) for the economies most often imported; others
# fall back to the lower-case alpha-3 code.
COUNTRIES: dict[str, tuple[str, str]] = {
    "USA": ("us", "United States"),
    "DEU": ("de", "Germany"),
    "FRA": ("fr", "France"),
    "GBR": ("gb", "United Kingdom"),
    "ITA": ("it", "Italy"),
    "ESP": ("es", "Spain"),
    "JPN": ("jp", "Japan"),
    "CAN": ("ca", "Canada"),
    "SWE": ("se", "Sweden"),
    "NLD": ("nl", "Netherlands"),
    "CHN": ("cn", "China"),
    "IND": ("in", "India"),
    "BRA": ("br", "Brazil"),
    "KOR": ("kr", "Korea"),
    "AUS": ("au", "Australia"),
    "MEX": ("mx", "Mexico"),
    "RUS": ("ru", "Russia"),
    "POL": ("pl", "Poland"),
    "AUT": ("at", "Austria"),
    "BEL": ("be", "Belgium"),
    "DNK": ("dk", "Denmark"),
    "FIN": ("fi", "Finland"),
    "NOR": ("no", "Norway"),
    "CHE": ("ch", "Switzerland"),
}
_COUNTRY = re.compile(r"(?:^|[_\-.])([A-Z]{3})(?=$|[_\-.])")


def is_oecd(folder: Path) -> bool:
    """True when ``folder`` looks like an OECD IOT folder."""
    return (
        (folder / "gross_output.csv").is_file()
        and (folder / "flows.csv").is_file()
        and ("origin" in (folder / "flows.csv").read_text(encoding="utf-8", errors="replace")[:200])
    )


def country_of(folder: Path) -> tuple[str, str, str]:
    """(ISO alpha-3, region id, region name) from a folder name such as ``oecd_2018_DEU_2015``."""
    found = _COUNTRY.findall(folder.resolve().name)
    if not found:
        raise InputError.single(
            str(folder),
            "cannot tell the country from the folder name",
            value=folder.name,
            fix="name the folder with the ISO alpha-3 code, e.g. oecd_2018_FRA_2015",
        )
    iso3 = found[-1]
    region, name = COUNTRIES.get(iso3, (iso3.lower(), iso3))
    return iso3, region, name


def read_oecd(folder: Path, year: int | None = None) -> IndustryTable:
    """Read an OECD IOT folder into a domestic industry-by-industry table (USD million)."""
    year = year_from_folder(folder, year)
    iso3, region, region_name = country_of(folder)
    codes, names = code_list(folder / "industries.csv")

    flows_path = folder / "flows.csv"
    flows = read_source_csv(
        flows_path,
        {
            "from_industry": Kind.CODE,
            "to_industry": Kind.CODE,
            "origin": Kind.CODE,
            "value": Kind.NUMBER,
        },
    )
    check_codes(flows, "from_industry", codes, flows_path, "industry")
    check_codes(flows, "to_industry", codes, flows_path, "industry")
    check_codes(flows, "origin", ORIGINS, flows_path, "origin (domestic/imported)")
    check_unique(flows, ["from_industry", "to_industry", "origin"], flows_path)

    fd_path = folder / "final_demand.csv"
    fd = read_source_csv(
        fd_path,
        {"product": Kind.CODE, "category": Kind.CODE, "origin": Kind.CODE, "value": Kind.NUMBER},
    )
    check_codes(fd, "product", codes, fd_path, "industry")
    check_codes(fd, "origin", ORIGINS, fd_path, "origin (domestic/imported)")
    check_unique(fd, ["product", "category", "origin"], fd_path)

    va_path = folder / "value_added.csv"
    va = read_source_csv(
        va_path, {"industry": Kind.CODE, "component": Kind.CODE, "value": Kind.NUMBER}
    )
    check_codes(va, "industry", codes, va_path, "industry")
    check_unique(va, ["industry", "component"], va_path)
    labr = va[va["component"] == "LABR"]
    if labr.empty:
        raise InputError.single(
            str(va_path),
            "no LABR (labour compensation) rows",
            column="component",
            fix="the OECD VAROW LABR rows are needed",
        )

    go_path = folder / "gross_output.csv"
    go = read_source_csv(go_path, {"industry": Kind.CODE, "gross_output": Kind.NONNEGATIVE})
    check_codes(go, "industry", codes, go_path, "industry")
    check_unique(go, ["industry"], go_path)
    output = vector(go, "industry", codes, value="gross_output")

    domestic = flows[flows["origin"] == "domestic"]
    imported = flows[flows["origin"] == "imported"]
    Z = matrix(domestic, "from_industry", "to_industry", codes, codes)
    imported_inputs = matrix(imported, "from_industry", "to_industry", codes, codes).sum(axis=0)
    final = vector(fd[fd["origin"] == "domestic"], "product", codes)

    sections = [oecd_section(c) for c in codes]
    groups: dict[str, Group] = {g.id: g for g in sections if g is not None}
    negative = int((fd["value"] < 0).sum())
    return IndustryTable(
        name=f"OECD IOT {iso3} {year}" if year else f"OECD IOT {iso3}",
        source_format=SourceFormat.OECD,
        year=year,
        region=region,
        region_name=region_name,
        money_unit=MONEY_UNIT,
        codes=codes,
        names=names,
        kinds=tuple(
            isic_kind(g.id.removeprefix("isic-")) if g else isic_kind("S") for g in sections
        ),
        group_of=tuple(g.id if g else None for g in sections),
        groups=tuple(groups.values()),
        flows=Z,
        final_demand=final,
        output=output,
        imported_inputs=imported_inputs,
        published_output=output.copy(),
        labour={
            LabourMeasure.COMPENSATION: LabourData(
                LabourMeasure.COMPENSATION,
                vector(labr, "industry", codes),
                f"{MONEY_UNIT} of compensation",
                "labour compensation (LABR)",
            )
        },
        headcount=None,
        attribution=ATTRIBUTION,
        notes=(
            "symmetric industry-by-industry table as published; domestic flows only",
            f"imports enter as the resource IMPORTS ({MONEY_UNIT}): imported intermediate inputs",
            "final demand = domestic final uses incl. exports and inventory changes"
            f" ({negative} negative final-use cells netted)",
            "product taxes, other taxes and operating surplus are not inputs (value added)",
        ),
    )
