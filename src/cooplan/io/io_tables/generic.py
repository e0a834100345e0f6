"""A generic symmetric (industry-by-industry) input-output table in a folder of CSV files.

The format (documented in docs/import-io.md, section "Generic format"):

* ``table.toml``: ``name`` (required), ``unit`` (required: money unit of every value, e.g.
  ``"EUR million"``), optional ``year``, ``region`` (id, default ``"region"``),
  ``region_name``, ``source`` (attribution) and ``description``.
* ``industries.csv``: ``code,name`` plus optional ``group`` (a group id) and ``kind``
  (good, service or public; default good).
* ``flows.csv``: ``from,to,value`` — domestic intermediate flows: output of industry
  ``from`` bought by industry ``to``. Missing pairs are zero; each pair at most once.
* ``final_demand.csv``: ``industry,value`` (optional ``category``): domestic final demand for
  each industry's output; several rows per industry are added; negative values allowed.
* ``output.csv``: ``industry,value`` — gross output of every industry (non-negative).
* ``labour.csv``: ``industry,measure,value`` with measure ``hours`` (hours),
  ``compensation`` (money unit) or ``jobs`` (persons); missing cells are zero. A ``jobs``
  measure also gives the coops' members.
* optional ``imports.csv``: ``industry,value`` — imported intermediate inputs.
* optional ``groups.csv``: ``id,name`` plus optional ``parent``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from cooplan.errors import InputError, Problem
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
    matrix,
    read_source_csv,
    vector,
)
from cooplan.model.schema import ProductKind

META_FILE = "table.toml"
_KINDS = (ProductKind.GOOD.value, ProductKind.SERVICE.value, ProductKind.PUBLIC.value)


def is_generic(folder: Path) -> bool:
    """True when ``folder`` holds a generic table (it has ``table.toml``)."""
    return (folder / META_FILE).is_file()


def _meta(folder: Path) -> dict[str, object]:
    path = folder / META_FILE
    if not path.is_file():
        raise InputError.single(
            str(path),
            "table.toml is missing",
            fix='create it with name = "…" and unit = "… million"',
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError.single(str(path), f"not valid TOML: {error}") from error
    problems = []
    for key in ("name", "unit"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(
                Problem(
                    str(path),
                    f"{key} is missing or empty",
                    column=key,
                    value=data.get(key),
                    fix=f'add {key} = "…"',
                )
            )
    for key in ("region", "region_name", "source", "description"):
        if key in data and not isinstance(data[key], str):
            problems.append(
                Problem(str(path), f"{key} must be a string", column=key, value=data[key])
            )
    if "year" in data and (not isinstance(data["year"], int) or isinstance(data["year"], bool)):
        problems.append(
            Problem(
                str(path),
                "year must be a whole number",
                column="year",
                value=data["year"],
                fix="write e.g. year = 2015",
            )
        )
    invalid = InputError.collect(problems, summary=f"invalid {path.name}")
    if invalid is not None:
        raise invalid
    return data


def _industry_vector(
    folder: Path, name: str, codes: tuple[str, ...], kind: Kind, unique: bool
) -> np.ndarray:
    path = folder / name
    frame = read_source_csv(path, {"industry": Kind.CODE, "value": kind})
    check_codes(frame, "industry", codes, path, "industry")
    if unique:
        check_unique(frame, ["industry"], path)
    return vector(frame, "industry", codes)


def read_generic(folder: Path, year: int | None = None) -> IndustryTable:
    """Read a generic symmetric table folder (format in the module docstring)."""
    meta = _meta(folder)
    table_year = meta.get("year")
    if year is not None and table_year is not None and year != table_year:
        raise InputError.single(
            str(folder / META_FILE),
            "year differs from --year",
            column="year",
            value=table_year,
            fix=f"leave out --year or import the {year} table",
        )
    unit = str(meta["unit"])

    ind_path = folder / "industries.csv"
    industries = read_source_csv(
        ind_path,
        {"code": Kind.CODE, "name": Kind.TEXT},
        optional={"group": Kind.TEXT, "kind": Kind.TEXT},
    )
    check_unique(industries, ["code"], ind_path)
    codes = tuple(industries["code"])
    kinds = industries["kind"].replace("", ProductKind.GOOD.value) if "kind" in industries else None
    if kinds is not None:
        check_codes(industries.assign(kind=kinds), "kind", _KINDS, ind_path, "kind")

    groups: list[Group] = []
    groups_path = folder / "groups.csv"
    if groups_path.is_file():
        gframe = read_source_csv(
            groups_path, {"id": Kind.CODE, "name": Kind.TEXT}, optional={"parent": Kind.TEXT}
        )
        check_unique(gframe, ["id"], groups_path)
        parents = gframe["parent"] if "parent" in gframe else [""] * len(gframe)
        groups = [
            Group(i, n, p or None)
            for i, n, p in zip(gframe["id"], gframe["name"], parents, strict=True)
        ]
    group_of: tuple[str | None, ...] = (
        tuple(g or None for g in industries["group"])
        if "group" in industries
        else (None,) * len(codes)
    )
    known_groups = {g.id for g in groups}
    for g in sorted({g for g in group_of if g is not None} - known_groups):
        groups.append(Group(g, g))

    flows_path = folder / "flows.csv"
    flows = read_source_csv(flows_path, {"from": Kind.CODE, "to": Kind.CODE, "value": Kind.NUMBER})
    check_codes(flows, "from", codes, flows_path, "industry")
    check_codes(flows, "to", codes, flows_path, "industry")
    check_unique(flows, ["from", "to"], flows_path)

    final = _industry_vector(folder, "final_demand.csv", codes, Kind.NUMBER, unique=False)
    output = _industry_vector(folder, "output.csv", codes, Kind.NONNEGATIVE, unique=True)
    imports = (
        _industry_vector(folder, "imports.csv", codes, Kind.NONNEGATIVE, unique=True)
        if (folder / "imports.csv").is_file()
        else np.zeros(len(codes))
    )

    lab_path = folder / "labour.csv"
    lab = read_source_csv(
        lab_path, {"industry": Kind.CODE, "measure": Kind.CODE, "value": Kind.NONNEGATIVE}
    )
    check_codes(lab, "industry", codes, lab_path, "industry")
    check_codes(lab, "measure", [m.value for m in LabourMeasure], lab_path, "labour measure")
    check_unique(lab, ["industry", "measure"], lab_path)
    units = {
        LabourMeasure.HOURS: "hour",
        LabourMeasure.COMPENSATION: f"{unit} of compensation",
        LabourMeasure.JOBS: "job",
    }
    labour = {
        m: LabourData(
            m,
            vector(lab[lab["measure"] == m.value], "industry", codes),
            units[m],
            f"{m.value} from labour.csv",
        )
        for m in LabourMeasure
        if (lab["measure"] == m.value).any()
    }
    jobs = labour.get(LabourMeasure.JOBS)
    source = str(meta.get("source", ""))
    return IndustryTable(
        name=str(meta["name"]),
        source_format=SourceFormat.GENERIC,
        year=int(table_year) if isinstance(table_year, int) else year,
        region=str(meta.get("region", "region")),
        region_name=str(meta.get("region_name", meta.get("region", "region"))),
        money_unit=unit,
        codes=codes,
        names=tuple(industries["name"]),
        kinds=tuple(ProductKind(k) for k in kinds)
        if kinds is not None
        else (ProductKind.GOOD,) * len(codes),
        group_of=group_of,
        groups=tuple(groups),
        flows=matrix(flows, "from", "to", codes, codes),
        final_demand=final,
        output=output,
        imported_inputs=imports,
        published_output=output.copy(),
        labour=labour,
        headcount=Headcount(jobs.values, "jobs from labour.csv") if jobs else None,
        attribution=source,
        notes=(
            ("generic symmetric table: " + str(meta["description"]),)
            if meta.get("description")
            else ()
        ),
    )
