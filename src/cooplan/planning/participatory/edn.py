"""A small reader for EDN (extensible data notation), enough for pequod-cljs input files.

Reads every top-level form of a text. Vectors become ``list``, lists become :class:`EdnList`,
maps become ``dict``, sets become ``frozenset``, keywords :class:`Keyword`, symbols
:class:`Symbol`, integers ``int`` and decimals ``float`` (parsed with correct rounding, as
Java's ``Double.parseDouble`` does). ``true``/``false``/``nil`` become ``True``/``False``/
``None``. Commas are whitespace; ``;`` starts a comment. Tagged literals, characters and
``#_`` discards are refused with a clear error, as they never occur in pequod files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cooplan.errors import InputError

__all__ = ["EdnList", "Keyword", "Symbol", "read_all"]


@dataclass(frozen=True, slots=True)
class Keyword:
    """An EDN keyword such as ``:industry``; ``name`` has no leading colon."""

    name: str

    def __str__(self) -> str:
        return f":{self.name}"


@dataclass(frozen=True, slots=True)
class Symbol:
    """An EDN symbol such as ``def`` or ``pequod-cljs.dep1ex01``."""

    name: str

    def __str__(self) -> str:
        return self.name


class EdnList(tuple[Any, ...]):
    """An EDN list ``( … )``, kept apart from vectors so ``(def x …)`` forms can be found."""

    __slots__ = ()


_TOKEN = re.compile(r'#\{|[\[\](){}]|"(?:[^"\\]|\\.)*"|"|;[^\n]*|[^\s,\[\](){}";]+')
_CLOSERS = {"[": "]", "(": ")", "{": "}", "#{": "}"}
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


def _location(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of ``position`` in ``text``."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


def _fail(source: str, text: str, position: int, message: str, value: str | None) -> InputError:
    line, column = _location(text, position)
    return InputError.single(
        source,
        f"{message} at line {line}, column {column}",
        row=line,
        column=f"character {column}",
        value=value,
        fix="check the file is a well-formed EDN/Clojure data file (pequod-cljs input format)",
    )


_NUMBER_START = frozenset("0123456789")
_SIGNED = frozenset("+-")


def _number(token: str) -> int | float:
    """An EDN integer (optional ``N``) or decimal (optional ``M``); Python-only forms refused."""
    digits = token[1:] if token[0] in _SIGNED else token
    if digits.isdigit():
        return int(token)
    if "_" in digits or not digits or not digits[0].isdigit():
        raise ValueError("malformed number")
    if digits[-1] == "N" and digits[:-1].isdigit():
        return int(token[:-1])
    try:
        return float(token[:-1] if digits[-1] == "M" else token)
    except ValueError:
        raise ValueError("malformed number") from None


def _atom(token: str) -> Any:
    first = token[0]
    if first in _SIGNED and len(token) > 1 and token[1] in _NUMBER_START:
        return _number(token)
    if first == ":":
        if len(token) == 1:
            raise ValueError("empty keyword")
        return Keyword(token[1:])
    if first == "\\" or first == "#":
        raise ValueError("characters, tags and discards are not supported")
    if token == "true":
        return True
    if token == "false":
        return False
    if token == "nil":
        return None
    return Symbol(token)


def _string(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            escaped = next(chars)
            if escaped not in _ESCAPES:
                raise ValueError(f"unsupported string escape \\{escaped}")
            out.append(_ESCAPES[escaped])
        else:
            out.append(char)
    return "".join(out)


def _close(opener: str, items: list[Any]) -> Any:
    if opener == "[":
        return items
    if opener == "(":
        return EdnList(items)
    if opener == "#{":
        return frozenset(items)
    if len(items) % 2:
        raise ValueError("a map needs an even number of forms")
    mapping = dict(zip(items[::2], items[1::2], strict=True))
    if len(mapping) * 2 != len(items):
        raise ValueError("a map has a repeated key")
    return mapping


def _token_position(text: str, index: int) -> int:
    """Character offset of token number ``index`` (used only to report errors)."""
    for number, match in enumerate(_TOKEN.finditer(text)):
        if number == index:
            return match.start()
    return len(text)


def read_all(text: str, source: str = "<text>") -> list[Any]:
    """Every top-level form of ``text``, in order.

    Raises :class:`~cooplan.errors.InputError` naming ``source``, the line and the column of
    the first malformed token or unbalanced delimiter.
    """
    top: list[Any] = []
    stack: list[tuple[str, list[Any], int]] = []
    items = top
    keywords: dict[str, Any] = {}

    def fail(index: int, message: str, value: str) -> InputError:
        return _fail(source, text, _token_position(text, index), message, value)

    for index, token in enumerate(_TOKEN.findall(text)):
        first = token[0]
        try:
            if first in _NUMBER_START:
                # Fast path for plain decimals (most tokens); float() would accept "1_0.5".
                if "." in token and "_" not in token and token[-1] != "M":
                    items.append(float(token))
                else:
                    items.append(_number(token))
            elif first == ":":
                keyword = keywords.get(token)
                if keyword is None:
                    keyword = keywords[token] = _atom(token)
                items.append(keyword)
            elif first in "[({" or token == "#{":
                stack.append((token, items, index))
                items = []
            elif first in "])}":
                if not stack:
                    raise fail(index, "unexpected closing delimiter", token)
                opener, parent, start = stack.pop()
                if _CLOSERS[opener] != token:
                    raise fail(index, f"{opener!r} closed by {token!r}", token)
                try:
                    parent.append(_close(opener, items))
                except ValueError as error:
                    raise fail(start, str(error), opener) from None
                items = parent
            elif first == ";":
                continue
            elif first == '"':
                if len(token) == 1:
                    raise fail(index, "string is never closed", token)
                items.append(_string(token))
            else:
                items.append(_atom(token))
        except (ValueError, StopIteration) as error:
            message = "malformed number" if first in _NUMBER_START else str(error)
            raise fail(index, message or "bad string escape", token) from None
    if stack:
        opener, _, start = stack[-1]
        raise fail(start, f"{opener!r} is never closed", opener)
    return top
