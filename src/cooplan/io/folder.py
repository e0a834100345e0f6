"""Economy folders: ``economy.toml`` plus one CSV (or Parquet) file per table.

:func:`load_economy` reads and validates a folder and returns an Economy or raises
:class:`~cooplan.errors.InputError` naming every problem (file, row, column, value, fix).
:func:`write_economy` writes a folder atomically: into a temporary folder first, which is then
renamed, so a failed write leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy, EconomyMeta
from cooplan.model.schema import META_FIELDS, TABLES
from cooplan.model.validate import build_economy

META_FILE = "economy.toml"


def _read_meta(folder: Path) -> EconomyMeta:
    path = folder / META_FILE
    if not path.is_file():
        raise InputError.single(
            str(path),
            "economy.toml is missing",
            fix='create it with at least: name = "…"',
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError.single(str(path), f"not valid TOML: {error}") from error
    section = data.get("economy", data)
    problems = []
    if not isinstance(section.get("name"), str) or not section.get("name"):
        problems.append(Problem(str(path), "name is missing", column="name", fix='add name = "…"'))
    known = {name for name, _, _ in META_FIELDS} | {"description"}
    for key, value in section.items():
        if key not in known and not isinstance(value, dict):
            problems.append(
                Problem(
                    str(path),
                    "unknown key",
                    column=key,
                    value=value,
                    fix="known keys: " + ", ".join(sorted(known)),
                )
            )
        elif key in known and not isinstance(value, str):
            problems.append(Problem(str(path), "must be a string", column=key, value=value))
    invalid = InputError.collect(problems, summary=f"invalid {path}")
    if invalid is not None:
        raise invalid
    defaults = {name: default for name, _, default in META_FIELDS if default != "required"}
    return EconomyMeta(
        name=section["name"],
        period=section.get("period", defaults["period"]),
        labour_unit=section.get("labour_unit", defaults["labour_unit"]),
        currency=section.get("currency", defaults["currency"]),
        description=section.get("description", ""),
    )


def read_table(path: Path) -> pd.DataFrame:
    """One table file as the folder reader reads it, before validation: a CSV file with every
    cell as text (nothing turned into NaN), or a Parquet file with its own column types."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
        encoding="utf-8",
    )


def load_economy(folder: str | os.PathLike[str]) -> Economy:
    """Read and validate the economy folder ``folder``.

    Parquet files (``<table>.parquet``) are used where no CSV of the same name exists.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError.single(
            str(root), "economy folder not found", fix="give the path of a folder"
        )
    meta = _read_meta(root)
    raw: dict[str, pd.DataFrame | None] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for table in TABLES:
        csv, parquet = root / f"{table.name}.csv", root / f"{table.name}.parquet"
        path = csv if csv.is_file() else parquet if parquet.is_file() else None
        files[table.name] = str(path or csv)
        if path is None:
            raw[table.name] = None
            continue
        try:
            raw[table.name] = read_table(path)
        except (ValueError, OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(path), f"cannot be read: {error}"))
            raw[table.name] = None
    invalid = InputError.collect(problems, summary=f"invalid economy {root}")
    if invalid is not None:
        raise invalid
    return build_economy(meta, raw, files=files, source=str(root))


def _meta_toml(meta: EconomyMeta) -> str:
    lines = []
    for key in ("name", "period", "labour_unit", "currency", "description"):
        value = getattr(meta, key)
        if value:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
    return "\n".join(lines) + "\n"


def write_economy(economy: Economy, folder: str | os.PathLike[str]) -> Path:
    """Write ``economy`` as a folder of CSV files (replacing ``folder`` if it exists).

    Optional tables that are empty are not written. Returns the folder's path.
    """
    target = Path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (staging / META_FILE).write_text(_meta_toml(economy.meta), encoding="utf-8")
        for table in TABLES:
            frame = economy.table(table.name)
            if frame.empty and not table.required:
                continue
            frame.to_csv(staging / f"{table.name}.csv", index=False, float_format="%.12g")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
