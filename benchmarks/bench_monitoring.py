"""Benchmark: the monitoring alerts against their baselines, in one run on the same series.

Detectors, all on the same seeded synthetic series (level 100, Gaussian noise σ = 2):

* ``hs+drift`` — cooplan's default: the Harrison–Stevens four-state model (one-step-back
  signals for steps and outliers) plus the cumulative-Bayes-factor drift monitor for slope
  changes;
* ``hs`` — the plain Harrison–Stevens model (drift monitor off), the published method;
* ``shewhart`` — the textbook baseline: a 3σ individuals chart with limits from the first
  20 observations (mean ± 3 × moving range / 1.128), no change classification.

Measured: false alarms per 1,000 intervals on steady series; the share of series where a
step (4σ, 5σ) is found within 3 intervals and a slope change (0.5σ, 1σ per interval) within
10; the share of single 8σ outliers called an outlier (not a step); throughput in
series-intervals per second. Run: ``python benchmarks/bench_monitoring.py [--seeds 100]
[--out docs/benchmarks-monitoring.md]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from machine import describe  # benchmarks/machine.py

from cooplan.simulation.monitoring import ChangeKind, ForecasterParams, detect_changes_batch

SIGMA = 2.0
CHANGE = 50
Signals = list[list[tuple[int, int, str]]]  # per series: (at, seen_at, kind)


def _series(seed0: int, length: int, count: int) -> np.ndarray:
    return np.column_stack(
        [100 + np.random.default_rng(seed0 + s).normal(0, SIGMA, length) for s in range(count)]
    )


def _forecaster(params: ForecasterParams) -> Callable[[np.ndarray], Signals]:
    def run(values: np.ndarray) -> Signals:
        return [
            [(s.at, s.seen_at, s.kind.value) for s in col]
            for col in detect_changes_batch(values, params)
        ]

    return run


def _shewhart(values: np.ndarray) -> Signals:
    found: Signals = []
    for column in values.T:
        base = column[:20]
        centre = base.mean()
        sigma = np.abs(np.diff(base)).mean() / 1.128
        out = np.flatnonzero(np.abs(column - centre) > 3 * sigma)
        found.append([(int(t), int(t), "change") for t in out if t >= 20])
    return found


def _first(signals: list[tuple[int, int, str]], start: int) -> tuple[int, int, str] | None:
    """The first signal raised at or after interval ``start``."""
    later = [s for s in signals if s[1] >= start]
    return later[0] if later else None


def evaluate(detector: Callable[[np.ndarray], Signals], seeds: int) -> dict[str, float]:
    result: dict[str, float] = {}
    steady = _series(0, 1000, seeds)
    started = time.perf_counter()
    found = detector(steady)
    elapsed = time.perf_counter() - started
    result["false alarms / 1000"] = sum(len(s) for s in found) / steady.size * 1000
    result["series-intervals / s"] = steady.size / elapsed
    for size in (4, 5):
        values = _series(1000, 80, seeds)
        values[CHANGE:] += size * SIGMA
        hits = [_first(s, CHANGE) for s in detector(values)]
        result[f"step {size}σ ≤ 3"] = np.mean([h is not None and h[1] - CHANGE <= 3 for h in hits])
    for slope in (0.5, 1.0):
        values = _series(2000, 100, seeds)
        values[CHANGE:] += slope * SIGMA * np.arange(1, 51)[:, None]
        hits = [_first(s, CHANGE) for s in detector(values)]
        result[f"slope {slope}σ ≤ 10"] = np.mean(
            [h is not None and h[1] - CHANGE <= 10 for h in hits]
        )
    values = _series(3000, 80, seeds)
    values[CHANGE] += 8 * SIGMA
    called = []
    for signals in detector(values):
        near = [s for s in signals if CHANGE - 1 <= s[0] <= CHANGE + 1]
        called.append(any(s[2] == ChangeKind.OUTLIER.value and s[0] == CHANGE for s in near))
    result["8σ outlier called outlier"] = float(np.mean(called))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    detectors = {
        "hs+drift (default)": _forecaster(ForecasterParams()),
        "hs (drift off)": _forecaster(ForecasterParams(drift_log_threshold=float("inf"))),
        "shewhart 3σ": _shewhart,
    }
    rows = {name: evaluate(detector, args.seeds) for name, detector in detectors.items()}
    columns = list(next(iter(rows.values())))
    lines = [
        "## Monitoring alerts",
        "",
        f"Machine: {describe()}. {args.seeds} seeded series per case "
        "(`python benchmarks/bench_monitoring.py`).",
        "",
        "| detector | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for name, values in rows.items():
        cells = [f"{values[c]:,.0f}" if c.endswith("/ s") else f"{values[c]:.2f}" for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
