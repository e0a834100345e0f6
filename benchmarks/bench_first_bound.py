"""Benchmark: how many exact fulfilment pricings come before the first finite Lagrangian bound.

Fulfilment costs nothing but side rows, so a pricing whose plan avoids every priced row has
an infinite bound; the column generation prices every row at 1/limit once after
``BOUNDLESS_PRICINGS`` such pricings (docs/largescale.md). This script counts, with that
switched off, the exact pricings each instance needs before its first finite bound (and
stops there), so that the threshold can be checked against the economies measured:

    .venv/bin/python benchmarks/bench_first_bound.py --sizes 20000,100000 --tight 10
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_optimal import Case, machine


class _FoundError(Exception):
    """Raised at the first finite bound to stop the run."""


def first_bound(n: int, tight: int, limit: float) -> str:
    """A table row: exact pricings, iteration and seconds to the first finite bound."""
    from cooplan.planning.largescale import column_generation as cg
    from cooplan.planning.largescale import solve_large

    snapshot = Case(n, 20, 3, tight, 0).snapshot()
    real = cg.ColumnGeneration._price
    count = [0]
    started = time.perf_counter()
    found: list[str] = []

    def price(self: Any, pi: np.ndarray, phase_one: bool) -> Any:
        pricing = real(self, pi, phase_one)
        count[0] += 1
        if np.isfinite(pricing.bound):
            seconds = time.perf_counter() - started
            found.append(f"{count[0]} | {self.iterations} | {seconds:.1f} | {pricing.bound:.5f}")
            raise _FoundError
        return pricing

    with (
        mock.patch.object(cg, "BOUNDLESS_PRICINGS", 10**9),
        mock.patch.object(cg.ColumnGeneration, "_price", price),
        contextlib.suppress(_FoundError),
    ):
        solve_large(snapshot, "fulfilment", max_time_s=limit)
    result = found[0] if found else f"none in {count[0]} | | {limit:.0f} |"
    return f"| {n:,} | {tight} | {result} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--tight", default="10", help="tight coops, one count per size or one")
    parser.add_argument("--limit", type=float, default=300.0)
    args = parser.parse_args(argv)
    sizes = [int(v) for v in args.sizes.split(",")]
    tights = [int(v) for v in args.tight.split(",")]
    tights = tights * len(sizes) if len(tights) == 1 else tights
    print(f"Machine: {machine()}.\n")
    print("| products | tight coops | exact pricings | iteration | time (s) | first bound |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, tight in zip(sizes, tights, strict=True):
        print(first_bound(n, tight, args.limit), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
