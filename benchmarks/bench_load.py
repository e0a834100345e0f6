"""Reading and validating an economy folder (``load_economy``), as ``cooplan plan DIR`` does.

The folder is the benchmark economy of ``bench_plan_large.py`` (2 techniques, 20 inputs per
process, 20 capacities, 3 resources, 1 % tight coops, seed 0) written as CSV files; it is
written first, in a separate process, when ``--folder`` does not exist yet, so that the
peak resident memory printed is that of loading alone. To compare two versions side by side
run it under both with ``BENCH=bench_load.py benchmarks/bench_revisions.sh BASE HEAD ...``.

    python benchmarks/bench_load.py --size 100000 --folder /tmp/economy-1e5 --repeats 2
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from machine import describe

from cooplan.io import load_economy, write_economy
from cooplan.synthetic import synthetic_economy


def _write(size: int, folder: Path) -> None:
    economy = synthetic_economy(
        size, 2, 20, capacity_share=20 / size, n_resources=3, tight_share=0.01, seed=0
    )
    write_economy(economy, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_only:
        _write(args.size, args.folder)
        return 0
    if not args.folder.is_dir():
        command = [sys.executable, __file__, "--size", str(args.size), "--folder", str(args.folder)]
        subprocess.run([*command, "--write-only"], check=True)
    times = []
    rows = 0
    for _ in range(args.repeats):
        started = time.perf_counter()
        economy = load_economy(args.folder)
        times.append(time.perf_counter() - started)
        rows = len(economy.inputs)
        del economy
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux
    print(f"machine: {describe()}")
    print("| products | input rows | load_economy (s, best) | peak resident (GB) |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.size:,} | {rows:,} | {min(times):.1f} | {peak_gb:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
