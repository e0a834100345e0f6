"""Shared helpers for CLI output: atomic JSON files, Rich consoles, number formatting."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console


def _make_console() -> Console:
    """A terminal's own width; at least 140 columns when writing to a file or a pipe."""
    probe = Console()
    if probe.is_terminal:
        return probe
    return Console(width=max(140, probe.width))


console = _make_console()


def _clean(value: Any) -> Any:
    """Make ``value`` JSON-safe: non-finite floats become None (a missing figure)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _clean(value.item())
    return value


def to_json_text(data: Any) -> str:
    """Pretty, deterministic JSON text of ``data`` (non-finite numbers as null)."""
    return json.dumps(_clean(data), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as JSON atomically: a temporary file renamed into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(to_json_text(data))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@contextmanager
def working(message: str) -> Iterator[None]:
    """Show a spinner with ``message`` while long work runs (only on a terminal)."""
    if console.is_terminal:
        with console.status(message):
            yield
    else:
        yield


def fmt(value: float | None, digits: int = 4) -> str:
    """A number for a table: significant digits, thousands separators, '—' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
        return f"{value:.{digits - 1}e}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"
