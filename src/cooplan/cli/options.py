"""``KEY=VALUE`` command-line options: the value read as JSON where it is JSON, else as text."""

from __future__ import annotations

import json
from typing import Any

from cooplan.errors import InputError

ARGUMENTS = "<arguments>"


def malformed(item: str, option: str, form: str, example: str) -> InputError:
    """The error for ``item`` given to ``option`` not written as ``form`` (e.g. ``example``)."""
    return InputError.single(
        ARGUMENTS,
        f"an option must look like {form}",
        column=option,
        value=item,
        fix=f"e.g. {option} {example}",
    )


def assignment(item: str, option: str, form: str, example: str) -> tuple[str, Any]:
    """``(key, value)`` of ``item`` written ``KEY=VALUE`` (``3`` → 3, ``true`` → True,
    ``max-min`` → "max-min"); :func:`malformed` when there is no key or no ``=``."""
    key, eq, text = item.partition("=")
    if not (key and eq):
        raise malformed(item, option, form, example)
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError:
        value = text
    return key, value
