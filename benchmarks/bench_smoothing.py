"""Benchmark: variants of the column generation's pricing schedule, side by side.

Runs the fulfilment solve of the benchmark economy (``bench_optimal.py``'s seeded instance)
once per variant in this process, one after the other, and records per run the time and
matrix-vector products until the crossover starts (the column generation's own part) and in
all, the iterations, master rows and the final status and gap. Each variant switches one
module constant of ``column_generation`` or ``solve``: ``fixed`` (weight 0.7 on the best
dual point throughout: the solver before 2026-11-29's fourth session) and ``adaptive`` (the
weight adapted after every exact pricing, Pessoa et al. 2018: the default); ``stall-3`` (three
quick pricings at most between exact ones, as before 2026-11-29's fifth session) and
``stall-8`` (up to eight while exact pricings do not improve the bound: the default);
``rtol-1e-11`` (every Leontief solve to 10⁻¹¹, as before 2026-11-29's fifth session) and
``rtol-1e-9`` (to 10⁻³ of the certificate tolerance, at most 10⁻⁹: the default).
``--tight N`` gives the economy N coops with tight hours instead of 10.

    .venv/bin/python benchmarks/bench_smoothing.py --sizes 20000,50000,100000 --seeds 0,1,2
    .venv/bin/python benchmarks/bench_smoothing.py --sizes 1000000 --variants stall-3,stall-8
    .venv/bin/python benchmarks/bench_smoothing.py --variants rtol-1e-11,rtol-1e-9
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import ModuleType
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_optimal import Case, machine

from cooplan.planning.largescale import Progress, column_generation, solve_large
from cooplan.planning.largescale import solve as solve_module

VARIANTS: dict[str, tuple[ModuleType, str, object]] = {  # variant: (module, constant, value)
    "fixed": (column_generation, "ADAPTIVE_SMOOTHING", False),
    "adaptive": (column_generation, "ADAPTIVE_SMOOTHING", True),
    "stall-3": (column_generation, "QUICK_RUN_STALLED", 3),
    "stall-8": (column_generation, "QUICK_RUN_STALLED", 8),
    "rtol-1e-11": (solve_module, "_SOLVE_RTOL_MOST", 1e-11),
    "rtol-1e-9": (solve_module, "_SOLVE_RTOL_MOST", 1e-9),
}


def measure(n: int, seed: int, variant: str, limit: float, tight: int = 10) -> str:
    """One table row for one solve."""
    snapshot = Case(n, 20, 3, tight, seed).snapshot()
    reports: list[Progress] = []
    module, constant, value = VARIANTS[variant]
    with mock.patch.object(module, constant, value):
        started = time.perf_counter()
        plan = solve_large(snapshot, "fulfilment", max_time_s=limit, progress=reports.append)
        seconds = time.perf_counter() - started
    crossing = next((r for r in reports if r.stage == "crossover"), None)
    last = reports[-1]
    before = f"{crossing.elapsed_s:.1f} | {crossing.matvecs:,}" if crossing is not None else "— | —"
    gap = "—" if last.gap is None else f"{last.gap:.1e}"
    return (
        f"| {n:,} | {seed} | {variant} | {plan.status.value} | {seconds:.1f} | {before} "
        f"| {last.matvecs:,} | {plan.iterations} | {last.rows} | {gap} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,50000,100000")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--variants", default="fixed,adaptive")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds per solve")
    parser.add_argument("--tight", type=int, default=10, help="coops with tight hours")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}.\n")
    print(
        "| products | seed | variant | status | time (s) | crossover from (s) "
        "| products A·x before | products A·x | iterations | master rows | gap |"
    )
    print("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.sizes.split(",")):
        for seed in (int(v) for v in args.seeds.split(",")):
            for variant in args.variants.split(","):
                print(measure(n, seed, variant, args.limit, args.tight), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
