"""Workers of the federation's coops: ``members.csv``, its validation and a deterministic generator.

Columns (one row per worker, member or not):

=================  ======  =========================================================
column             type    meaning
=================  ======  =========================================================
id                 text    unique worker id
coop               text    id of the coop the worker works in (coops.csv)
name               text    the worker's name
member             bool    true for member-owners (one vote), false for non-members
age                int     age in years (14–100)
skill              text    main skill (free text; matched exactly between coops)
pay_index          float   pay index (> 0); advances are proportional to it
hours              float   hours worked per plan period (≥ 0)
capital_account    float   optional: EUR balance of the member's capital account
months_on_benefit  int     optional: months of employment-aid benefit already drawn
=================  ======  =========================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.institutions.tables import read_csv

__all__ = [
    "MEMBER_COLUMNS",
    "SKILLS",
    "MemberColumn",
    "generate_members",
    "load_members",
    "validate_members",
]


@dataclass(frozen=True)
class MemberColumn:
    """Description of one column of ``members.csv``."""

    name: str
    kind: str  # "text" | "bool" | "int" | "float"
    required: bool
    minimum: float | None
    maximum: float | None
    default: object
    meaning: str


MEMBER_COLUMNS: tuple[MemberColumn, ...] = (
    MemberColumn("id", "text", True, None, None, None, "unique worker id"),
    MemberColumn("coop", "text", True, None, None, None, "coop the worker works in"),
    MemberColumn("name", "text", True, None, None, None, "the worker's name"),
    MemberColumn("member", "bool", True, None, None, None, "member-owner (true) or not"),
    MemberColumn("age", "int", True, 14, 100, None, "age in years"),
    MemberColumn("skill", "text", True, None, None, None, "main skill"),
    MemberColumn("pay_index", "float", True, 1e-9, None, None, "pay index (> 0)"),
    MemberColumn("hours", "float", True, 0, None, None, "hours worked per plan period"),
    MemberColumn("capital_account", "float", False, 0, None, 0.0, "capital account, EUR"),
    MemberColumn("months_on_benefit", "int", False, 0, None, 0, "benefit months drawn"),
)

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}

SKILLS: tuple[str, ...] = (
    "assembly",
    "machining",
    "electrical",
    "design",
    "logistics",
    "administration",
    "sales",
    "maintenance",
)


def validate_members(
    frame: pd.DataFrame, file: str = "members.csv", coops: Iterable[str] | None = None
) -> pd.DataFrame:
    """Check and type a members table; raise :class:`InputError` naming row, column and value.

    Returns a copy with typed columns and the optional columns filled with their defaults.
    """
    problems: list[Problem] = []
    missing = [c.name for c in MEMBER_COLUMNS if c.required and c.name not in frame.columns]
    if missing:
        raise InputError.single(
            file,
            "missing columns",
            column=", ".join(missing),
            fix="columns: " + ", ".join(c.name for c in MEMBER_COLUMNS[:8]),
        )
    out = frame.copy()
    known = set(coops) if coops is not None else None
    for col in MEMBER_COLUMNS:
        if col.name not in out.columns:
            out[col.name] = cast(Any, col.default)
            continue
        raw = out[col.name].astype(str).str.strip()
        if col.kind == "text":
            out[col.name] = raw
            if col.name in ("id", "coop"):
                for index in np.flatnonzero((raw == "").to_numpy()).tolist():
                    problems.append(
                        Problem(
                            file,
                            "empty value",
                            row=index + 1,
                            column=col.name,
                            value="",
                            fix=f"give a {col.meaning}",
                        )
                    )
            continue
        if col.kind == "bool":
            lowered = raw.str.lower()
            unknown = ~lowered.isin(_TRUE | _FALSE).to_numpy()
            for index in np.flatnonzero(unknown).tolist():
                problems.append(
                    Problem(
                        file,
                        "must be true or false",
                        row=index + 1,
                        column=col.name,
                        value=raw.iloc[index],
                        fix="write true or false",
                    )
                )
            out[col.name] = lowered.isin(_TRUE)
            continue
        if not col.required:
            raw = raw.replace({"": str(col.default), "nan": str(col.default)})
        numbers = pd.to_numeric(raw, errors="coerce")
        values = numbers.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isnan(values)
            if col.kind == "int":
                bad |= np.floor(values) != values
            if col.minimum is not None:
                bad |= values < col.minimum
            if col.maximum is not None:
                bad |= values > col.maximum
        bounds = (
            f" in [{col.minimum:g}, {col.maximum:g}]"
            if col.maximum
            else (f" ≥ {col.minimum:g}" if col.minimum is not None else "")
        )
        kind = "a whole number" if col.kind == "int" else "a number"
        for index in np.flatnonzero(bad).tolist():
            problems.append(
                Problem(
                    file,
                    f"must be {kind}{bounds}",
                    row=index + 1,
                    column=col.name,
                    value=raw.iloc[index],
                    fix=f"write the {col.meaning} as {kind}",
                )
            )
        out[col.name] = numbers
    for row in np.flatnonzero(out["id"].duplicated().to_numpy()).tolist():
        problems.append(
            Problem(
                file,
                "duplicate id",
                row=int(row) + 1,
                column="id",
                value=out["id"].iloc[row],
                fix="make the worker ids unique",
            )
        )
    if known is not None:
        for row, value in enumerate(out["coop"], 1):
            if value and value not in known:
                problems.append(
                    Problem(
                        file,
                        "unknown coop",
                        row=row,
                        column="coop",
                        value=value,
                        fix="use an id from coops.csv",
                    )
                )
    error = InputError.collect(problems, f"invalid members table {file}")
    if error is not None:
        raise error
    out["age"] = out["age"].astype(int)
    out["months_on_benefit"] = out["months_on_benefit"].astype(int)
    for name in ("pay_index", "hours", "capital_account"):
        out[name] = out[name].astype(float)
    return out.reset_index(drop=True)


def load_members(path: str | Path, coops: Iterable[str] | None = None) -> pd.DataFrame:
    """Read and validate ``members.csv`` (a file, or a folder holding one)."""
    file = Path(path)
    file = file / "members.csv" if file.is_dir() else file
    return validate_members(read_csv(file), str(file), coops)


_GIVEN = (
    "Ane",
    "Jon",
    "Miren",
    "Iker",
    "Amaia",
    "Unai",
    "Leire",
    "Mikel",
    "Nerea",
    "Asier",
    "Maite",
    "Xabier",
    "Itziar",
    "Gorka",
    "June",
    "Aitor",
    "Irati",
    "Ander",
    "Uxue",
    "Koldo",
)
_FAMILY = (
    "Agirre",
    "Etxeberria",
    "Garmendia",
    "Larrañaga",
    "Arregi",
    "Zubizarreta",
    "Irizar",
    "Ormaetxea",
    "Uribe",
    "Elorza",
    "Mendizabal",
    "Aranburu",
    "Goikoetxea",
    "Barrenetxea",
    "Olaizola",
    "Azkarate",
)


def generate_members(coops: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Workers for every coop of ``coops`` (``members`` + ``non_members`` rows each).

    Deterministic for a given table and ``seed``. Ages are uniform on 20–64; each group has a
    main skill held by about 70% of its workers; pay indices lie in 1–4.5 (a spread under
    the default cap of 6); hours are the coop's ``hours_per_member``; capital accounts grow
    with age (about EUR 1,500 a year of membership since age 25, plus the entry capital).
    """
    rng = np.random.default_rng(seed)
    groups = sorted({str(g) for g in coops["group"]}) if "group" in coops else [""]
    main_skill = {g: SKILLS[i % len(SKILLS)] for i, g in enumerate(groups)}
    frames = []
    coop: Any
    for coop in coops.itertuples(index=False):
        n_members = int(coop.members)
        n_others = int(getattr(coop, "non_members", 0) or 0)
        n = n_members + n_others
        if n == 0:
            continue
        ages = rng.integers(20, 65, size=n)
        main = main_skill.get(str(getattr(coop, "group", "")), SKILLS[0])
        other = rng.choice(SKILLS, size=n)
        skills = np.where(rng.random(n) < 0.7, main, other)
        pay = np.round(np.clip(1.0 + rng.gamma(2.0, 0.35, size=n), 1.0, 4.5), 2)
        pay[0] = 1.0  # the lowest pay index anchors the scale
        given = rng.choice(_GIVEN, size=n)
        family = rng.choice(_FAMILY, size=(n, 2))
        capital = np.where(
            np.arange(n) < n_members, 15000.0 + 1500.0 * np.maximum(ages - 25, 0), 0.0
        )
        frames.append(
            pd.DataFrame(
                {
                    "id": [f"{coop.id}-{i:05d}" for i in range(1, n + 1)],
                    "coop": str(coop.id),
                    "name": [f"{g} {a} {b}" for g, (a, b) in zip(given, family, strict=True)],
                    "member": np.arange(n) < n_members,
                    "age": ages.astype(int),
                    "skill": skills,
                    "pay_index": pay,
                    "hours": float(coop.hours_per_member),
                    "capital_account": np.round(capital, 2),
                    "months_on_benefit": 0,
                }
            )
        )
    if not frames:
        return validate_members(pd.DataFrame({c.name: [] for c in MEMBER_COLUMNS}))
    return pd.concat(frames, ignore_index=True)
