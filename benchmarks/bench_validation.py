"""Parsing a large table: whole columns at once against cell by cell, in one process.

The inputs table of the synthetic benchmark economy (2 techniques, 20 inputs per process:
4.3·10⁶ rows at 10⁵ products) and its processes table are parsed by
``cooplan.model.validate.parse_table`` with ``at_once=True`` (columns whose cells are all
valid checked with array operations) and ``at_once=False`` (every cell through the Python
parser, the baseline); the two typed tables are checked to be equal.

    python benchmarks/bench_validation.py --size 100000
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from machine import describe

from cooplan.io.folder import read_table
from cooplan.model.schema import TABLES_BY_NAME
from cooplan.model.validate import parse_table
from cooplan.synthetic import synthetic_economy


def _held_mb(raw: pd.DataFrame, name: str, at_once: bool) -> float:
    """Memory (MB) the typed table holds once parsed (tracemalloc; not timed)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    typed, _ = parse_table(raw, TABLES_BY_NAME[name], f"{name}.csv", at_once=at_once)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del typed
    return held / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args(argv)
    economy = synthetic_economy(args.size, 2, 20, seed=0)
    print(f"machine: {describe()}; {args.size:,} products")
    print(
        "| table | given as | rows | at once (s) | cell by cell (s) | speed-up "
        "| held at once (MB) | held cell by cell (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    folder = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    for name, given in [(n, g) for n in ("inputs", "processes") for g in ("numbers", "CSV text")]:
        raw = getattr(economy, name)
        if given == "CSV text":
            raw.to_csv(folder / f"{name}.csv", index=False, float_format="%.12g")
            raw = read_table(folder / f"{name}.csv")
        times = {}
        tables = {}
        for at_once in (True, False):
            started = time.perf_counter()
            tables[at_once], problems = parse_table(
                raw, TABLES_BY_NAME[name], f"{name}.csv", at_once=at_once
            )
            times[at_once] = time.perf_counter() - started
            assert not problems
        pd.testing.assert_frame_equal(tables[True], tables[False])
        del tables
        held = {at_once: _held_mb(raw, name, at_once) for at_once in (True, False)}
        print(
            f"| {name} | {given} | {len(raw):,} | {times[True]:.2f} | {times[False]:.2f} "
            f"| {times[False] / times[True]:.0f}× | {held[True]:.0f} | {held[False]:.0f} |"
        )
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
