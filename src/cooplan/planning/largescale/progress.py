"""Progress of a large-scale solve, reported while it runs.

A 10⁶-product plan takes minutes; ``solve_large(..., progress=f)`` calls ``f`` with a
:class:`Progress` after every solve of the master and every round of the crossover, so a
planner sees the plan value close in on its bound, and a researcher can record the
trajectory (``benchmarks/bench_trajectory.py``). Reporting never changes the answer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Literal, Protocol

Stage = Literal["phase 1", "column generation", "crossover"]


@dataclass(frozen=True)
class Progress:
    """Where a large-scale solve stands.

    ``value``: the current plan's objective — λ (complete sets) for fulfilment, hours for
    min-labour — or None while the master's plan still breaks a side row (phase 1, or
    elastic slack in use). ``bound``: the best proven bound on the optimum so far (an upper
    bound on λ, a lower bound on hours), or None before the first finite one. ``gap``:
    ``|value − bound| / (|value| + |bound|)`` when both are known. ``iteration``: master
    solves so far (counted on when the solver starts again with capacities as master rows);
    ``columns``: plan columns built by the current start; ``rows``: side rows in the master
    (in the crossover: its working rows); ``matvecs``: sparse matrix-vector products so far.
    """

    elapsed_s: float
    stage: Stage
    iteration: int
    value: float | None
    bound: float | None
    columns: int
    rows: int
    matvecs: int

    @property
    def gap(self) -> float | None:
        """Relative gap between ``value`` and ``bound`` (None unless both are finite)."""
        if self.value is None or self.bound is None:
            return None
        if not (math.isfinite(self.value) and math.isfinite(self.bound)):
            return None
        size = abs(self.value) + abs(self.bound)
        return abs(self.value - self.bound) / size if size > 0 else 0.0

    def describe(self) -> str:
        """One line for a log or a status bar, e.g.
        ``12.3 s, column generation, iteration 140: value 1.50782, bound 1.50913, gap 4.3e-04``."""
        head = f"{self.elapsed_s:.1f} s, {self.stage}, iteration {self.iteration}"
        parts = [
            f"value {self.value:.6g}" if self.value is not None else "no plan meets the rows yet",
            f"bound {self.bound:.6g}" if self.bound is not None else "no bound yet",
        ]
        gap = self.gap
        if gap is not None:
            parts.append(f"gap {gap:.1e}")
        parts.append(f"{self.columns} columns, {self.rows} rows, {self.matvecs} products")
        return f"{head}: " + ", ".join(parts)


ProgressCallback = Callable[[Progress], None]
"""Called with each :class:`Progress`; what it raises stops the solve and reaches the caller."""


class _Counts(Protocol):
    matvecs: int


class Reporter:
    """Builds :class:`Progress` for ``callback`` (nothing when it is None) from a solve that
    started at ``started`` (``time.perf_counter()``), counting ``stats.matvecs``."""

    def __init__(self, callback: ProgressCallback | None, started: float, stats: _Counts):
        self.callback, self.started, self.stats = callback, started, stats
        self.offset = 0  # iterations of earlier attempts (``restart``)
        self.last = 0

    def restart(self) -> None:
        """A new attempt counts its iterations from 1: report them after the earlier ones."""
        self.offset = self.last

    def __call__(
        self,
        stage: Stage,
        iteration: int,
        value: float | None,
        bound: float | None,
        columns: int,
        rows: int,
    ) -> None:
        if self.callback is None:
            return  # (before any state changes: SILENT is shared)
        self.last = self.offset + iteration
        finite = bound is not None and math.isfinite(bound)
        self.callback(
            Progress(
                elapsed_s=time.perf_counter() - self.started,
                stage=stage,
                iteration=self.last,
                value=value,
                bound=bound if finite else None,
                columns=columns,
                rows=rows,
                matvecs=int(self.stats.matvecs),
            )
        )


SILENT = Reporter(None, 0.0, SimpleNamespace(matvecs=0))
"""A reporter that reports nothing."""
