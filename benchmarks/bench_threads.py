"""Benchmark: the structured solver with one thread and with several, side by side.

Builds the benchmark instance of ``bench_optimal.py`` once and solves it with each thread
count in turn in the same process (one thread is the baseline), checking that the plans are
the same bit for bit.

    .venv/bin/python benchmarks/bench_threads.py --size 1000000 --objective min-labour \\
        --threads 1,2
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_optimal import Case, machine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--objective", default="min-labour")
    parser.add_argument("--threads", default="1,2", help="thread counts; the first is the baseline")
    parser.add_argument("--limit", type=float, default=600.0)
    args = parser.parse_args(argv)
    from cooplan.planning.largescale import solve_large

    snapshot = Case(args.size, 20, 3, 10, 0).snapshot()
    print(f"Machine: {machine()}.\n")
    print("| products | objective | threads | status | time (s) | speed-up | same plan |")
    print("|---:|---|---:|---|---:|---:|---|")
    base_time: float | None = None
    base_x: np.ndarray | None = None
    for count in [int(v) for v in args.threads.split(",")]:
        started = time.perf_counter()
        sol = solve_large(snapshot, args.objective, threads=count, max_time_s=args.limit)
        elapsed = time.perf_counter() - started
        base_time = elapsed if base_time is None else base_time
        same = "baseline" if base_x is None else str(bool(np.array_equal(base_x, sol.x)))
        base_x = sol.x if base_x is None else base_x
        print(
            f"| {args.size:,} | {args.objective} | {count} | {sol.status.value} | "
            f"{elapsed:.2f} | {base_time / elapsed:.2f}× | {same} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
