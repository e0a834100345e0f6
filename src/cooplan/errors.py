"""One exception hierarchy for cooplan, and the problems that input errors carry.

Every error that a user can cause names where it happened (file, row, column, value) and how
to fix it. The CLI maps ``exit_code`` to the process status and the API maps ``http_status``
to the response status; nothing else decides either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


class CooplanWarning(UserWarning):
    """A warning raised by cooplan itself (the test suite turns these into errors)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``row`` is the 1-based data row of a CSV table (the header is row 0); ``None`` where
    the problem concerns the whole file or table.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: Any = None
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.fix:
            text += f" — {self.fix}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the value is turned into a string when it is not a plain scalar)."""
        value = self.value
        if value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": value,
            "message": self.message,
            "fix": self.fix,
        }


class CooplanError(Exception):
    """Base of every error cooplan raises on purpose."""

    exit_code: int = 1
    http_status: int = 500


@dataclass
class InputError(CooplanError):
    """Input that cannot be accepted; carries every problem found, not just the first."""

    problems: Sequence[Problem] = field(default_factory=list)
    summary: str = "invalid input"

    exit_code = 2
    http_status = 422

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lines = [f"{self.summary}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def single(cls, file: str, message: str, **kwargs: Any) -> InputError:
        """An input error with exactly one problem."""
        return cls([Problem(file=file, message=message, **kwargs)], summary=message)

    @classmethod
    def collect(cls, problems: Iterable[Problem], summary: str) -> InputError | None:
        """An error carrying ``problems``, or ``None`` when there are none."""
        found = list(problems)
        return cls(found, summary=summary) if found else None


class NotProductiveError(InputError):
    """The economy cannot deliver any positive final demand (spectral radius ≥ 1)."""


class NotFoundError(CooplanError):
    """A named thing (economy, coop, run, proposal…) does not exist."""

    exit_code = 2
    http_status = 404


class PermissionDeniedError(CooplanError):
    """The acting person may not do this."""

    exit_code = 2
    http_status = 403


class ConflictError(CooplanError):
    """The request conflicts with the current state (e.g. voting on a closed proposal)."""

    exit_code = 2
    http_status = 409
