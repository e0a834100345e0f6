"""Fixtures for the import-io tests: a writer of generic-format tables in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

GenericWriter = Callable[..., Path]


def write_generic_table(
    folder: Path,
    codes: Sequence[str],
    flows: np.ndarray,
    final_demand: Sequence[float],
    output: Sequence[float],
    labour: Mapping[str, Sequence[float]],
    imports: Sequence[float] | None = None,
    unit: str = "USD million",
    name: str = "test table",
    groups: Sequence[str] | None = None,
) -> Path:
    """Write a table in the generic import-io format (see docs/import-io.md)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "table.toml").write_text(
        f'name = "{name}"\nunit = "{unit}"\nyear = 2020\nregion = "t"\nsource = "hand-made"\n',
        encoding="utf-8",
    )
    header = "code,name,group\n" if groups else "code,name\n"
    rows = [f"{c},Industry {c}" + (f",{groups[i]}" if groups else "") for i, c in enumerate(codes)]
    (folder / "industries.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    cells = [
        f"{codes[i]},{codes[j]},{float(flows[i, j])!r}"
        for i in range(len(codes))
        for j in range(len(codes))
        if flows[i, j] != 0
    ]
    (folder / "flows.csv").write_text("from,to,value\n" + "\n".join(cells) + "\n", encoding="utf-8")
    (folder / "final_demand.csv").write_text(
        "industry,value\n"
        + "\n".join(f"{c},{float(v)!r}" for c, v in zip(codes, final_demand, strict=True))
        + "\n",
        encoding="utf-8",
    )
    (folder / "output.csv").write_text(
        "industry,value\n"
        + "\n".join(f"{c},{float(v)!r}" for c, v in zip(codes, output, strict=True))
        + "\n",
        encoding="utf-8",
    )
    lab = [
        f"{c},{measure},{float(v)!r}"
        for measure, values in labour.items()
        for c, v in zip(codes, values, strict=True)
    ]
    (folder / "labour.csv").write_text(
        "industry,measure,value\n" + "\n".join(lab) + "\n", encoding="utf-8"
    )
    if imports is not None:
        (folder / "imports.csv").write_text(
            "industry,value\n"
            + "\n".join(f"{c},{float(v)!r}" for c, v in zip(codes, imports, strict=True))
            + "\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def write_generic() -> GenericWriter:
    """``write_generic(folder, codes, flows, final_demand, output, labour, ...)`` → folder."""
    return write_generic_table
