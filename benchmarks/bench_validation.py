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
import time

import pandas as pd
from machine import describe

from cooplan.model.schema import TABLES_BY_NAME
from cooplan.model.validate import parse_table
from cooplan.synthetic import synthetic_economy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args(argv)
    economy = synthetic_economy(args.size, 2, 20, seed=0)
    print(f"machine: {describe()}; {args.size:,} products")
    print("| table | rows | at once (s) | cell by cell (s) | speed-up |")
    print("|---|---:|---:|---:|---:|")
    for name in ("inputs", "processes"):
        raw = getattr(economy, name)
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
        print(
            f"| {name} | {len(raw):,} | {times[True]:.2f} | {times[False]:.2f} "
            f"| {times[False] / times[True]:.0f}× |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
