"""Shared helpers for CLI output: atomic JSON files, Rich consoles, number formatting."""

from __future__ import annotations

import json
import math
import os
import tempfile
import textwrap
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console


def _make_console() -> Console:
    """A terminal's own width; at least 140 columns when writing to a file or a pipe."""
    probe = Console()
    if probe.is_terminal:
        return probe
    return Console(width=max(140, probe.width))


console = _make_console()
err_console = Console(stderr=True, soft_wrap=True)
"""Standard error: errors, and progress lines that must not mix with a command's output."""


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


def write_json(
    path: str | os.PathLike[str],
    data: Any,
    *,
    stream: Mapping[str, Iterable[Any]] | None = None,
) -> Path:
    """Write ``data`` as JSON atomically: a temporary file renamed into place.

    ``stream``: top-level keys of ``data`` whose arrays are written item by item from the
    given iterables (their values in ``data`` are ignored), so a plan's millions of
    deliveries are never held as one list or one string; the text is the same as if the
    arrays had been in ``data``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    streams = dict(stream or {})
    tokens = {key: f"@@cooplan-stream-{uuid.uuid4().hex}@@" for key in streams}
    if streams:
        data = {**data, **tokens}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            text = to_json_text(data)
            for key, token in tokens.items():
                before, text = text.split(json.dumps(token), 1)
                handle.write(before)
                _write_array(handle, streams[key])
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_array(handle: TextIO, items: Iterable[Any]) -> None:
    """A top-level key's array as ``json.dumps(indent=2)`` writes it, one item at a time."""
    first = True
    for item in items:
        text = json.dumps(_clean(item), indent=2, ensure_ascii=False)
        handle.write(("[\n" if first else ",\n") + textwrap.indent(text, "    "))
        first = False
    handle.write("[]" if first else "\n  ]")


@contextmanager
def working(message: str) -> Iterator[Callable[[str], None]]:
    """Show a spinner with ``message`` while long work runs (only on a terminal); yields a
    function that replaces the text after ``message`` (a no-op off a terminal)."""
    if console.is_terminal:
        with console.status(message) as status:
            yield lambda detail: status.update(f"{message} {detail}")
    else:
        yield lambda detail: None


def fmt(value: float | None, digits: int = 4) -> str:
    """A number for a table: significant digits, thousands separators, '—' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
        return f"{value:.{digits - 1}e}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"
