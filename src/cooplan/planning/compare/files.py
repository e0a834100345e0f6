"""Write a :class:`Comparison` as JSON (everything) or CSV (one row per mechanism and seed)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from cooplan.planning.compare.runner import Comparison

SUMMARY_COLUMNS = (
    "mechanism",
    "seed",
    "status",
    "rounds",
    "time_s",
    "peak_memory_mb",
    "labour_used",
    "labour_available",
    "labour_beyond_hours",
    "limits_exceeded",
    "max_overuse",
    "balance_shortfall",
    "lowest_fulfilment",
    "mean_fulfilment",
    "unmet_share",
    "harmony",
)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return _clean(value.item())
    return value


def _write_atomically(path: str | os.PathLike[str], text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_json(comparison: Comparison, path: str | os.PathLike[str]) -> Path:
    """The whole comparison as JSON (non-finite numbers as null), written atomically."""
    text = json.dumps(_clean(comparison.to_json_dict()), indent=2, ensure_ascii=False) + "\n"
    return _write_atomically(path, text)


def comparison_csv_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per run: the summary columns, then ``fulfilment:<product>`` per product."""
    rows = []
    for run in comparison.runs:
        data = run.to_json_dict()
        row = {column: data[column] for column in SUMMARY_COLUMNS}
        for product in comparison.products:
            row[f"fulfilment:{product}"] = run.fulfilment.get(product)
        rows.append(row)
    return rows


def write_csv(comparison: Comparison, path: str | os.PathLike[str]) -> Path:
    """The runs as CSV (empty cell = figure missing), written atomically."""
    rows = comparison_csv_rows(comparison)
    columns = list(SUMMARY_COLUMNS) + [f"fulfilment:{p}" for p in comparison.products]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in _clean(row).items()})
    return _write_atomically(path, buffer.getvalue())
