"""The whole optimal-plan pipeline on a national-scale economy given as tables.

Builds the large-scale benchmark economy (``bench_optimal.py``'s instance: 2 techniques,
20 inputs per process, 20 capacities, 3 resources, 1 % tight coops) as validated tables with
``synthetic_economy`` and times ``plan(economy, objective)``: snapshot, structured solve,
re-certification, valuations and every delivery. Prints one line per stage and the peak
resident memory of the process (which includes the tables).

With ``--via-csv DIR`` the tables are written to the economy folder DIR and read back with
``load_economy`` (what ``cooplan plan DIR`` does) before planning, and both steps are timed.

    python benchmarks/bench_plan_large.py --size 1000000 --objective min-labour
    python benchmarks/bench_plan_large.py --size 1000000 --via-csv /tmp/economy-1e6
"""

from __future__ import annotations

import argparse
import gc
import resource
import time

from machine import describe

from cooplan.io import load_economy, write_economy
from cooplan.planning.optimal import plan
from cooplan.synthetic import synthetic_economy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--objective", default="min-labour")
    parser.add_argument("--time-limit", type=float, default=900.0)
    parser.add_argument("--via-csv", metavar="DIR", help="write and read back as this folder")
    args = parser.parse_args(argv)
    n = args.size
    started = time.perf_counter()
    economy = synthetic_economy(
        n, 2, 20, capacity_share=20 / n, n_resources=3, tight_share=0.01, seed=0
    )
    built = time.perf_counter() - started
    stages = [f"tables built and validated: {built:.1f} s"]
    if args.via_csv:
        started = time.perf_counter()
        write_economy(economy, args.via_csv)
        stages.append(f"written as CSV: {time.perf_counter() - started:.1f} s")
        del economy
        gc.collect()
        started = time.perf_counter()
        economy = load_economy(args.via_csv)
        stages.append(
            f"read and validated from CSV (load_economy): {time.perf_counter() - started:.1f} s"
        )
    started = time.perf_counter()
    result = plan(economy, args.objective, time_limit_s=args.time_limit)
    planned = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux
    solver = result.solver
    print(f"machine: {describe()}")
    print(f"{n:,} products, objective {args.objective}")
    print("\n".join(stages))
    print(f"plan(): {planned:.1f} s, status {result.status.value}")
    print(f"  objective value {result.objective_value}, bound {result.objective_bound}")
    if solver is not None:
        print(f"  of which solving ({solver.name}): {solver.time_s:.1f} s")
        if solver.note:
            print(f"  solver note: {solver.note}")
    print(f"  deliveries: {len(result.deliveries):,}")
    print(f"peak resident memory: {peak_gb:.1f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
