"""Harmony planning against the optimal LP of the same objective, across economy sizes.

For each size, one seeded synthetic economy (``cooplan.synthetic``: two techniques per good,
up to 20 inputs per process, 20% of the cheapest processes with a binding capacity, two
natural resources) is planned by

* **harmony** (``cooplan.planning.harmony.harmony_plan``, default options), and
* the **baseline**, the optimal LP of the same harmony objective
  (``cooplan.planning.optimal.plan(economy, "harmony")``, HiGHS, piecewise-linear envelope
  with ε = 1e-4), under a time limit; skipped above ``--lp-max`` products.

It reports harmony's value, its certified bound (Lagrangian dual: no plan can do better),
the LP's value, both wall times and the largest overuse of any limit. Run::

    .venv/bin/python benchmarks/bench_harmony.py                    # 20, 200, 2,000, 20,000
    .venv/bin/python benchmarks/bench_harmony.py --sizes 20,200 --out /tmp/h.md
    .venv/bin/python benchmarks/bench_harmony.py --sweep   # plus 48 small economies vs the LP

and the Markdown table is written to ``--out`` (default docs/benchmarks-harmony.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.harmony import harmony_plan
from cooplan.planning.optimal import plan
from cooplan.synthetic import synthetic_economy, synthetic_snapshot

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    products: int
    processes: int
    nonzeros: int
    harmony_value: float | None
    harmony_bound: float | None
    harmony_status: str
    harmony_rounds: int
    harmony_time_s: float
    harmony_overuse: float
    lp_status: str
    lp_value: float | None
    lp_time_s: float | None


def _machine() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.startswith("Model name")
            ),
            platform.processor() or "unknown CPU",
        )
    except OSError:
        model = platform.processor() or "unknown CPU"
    return f"{model}, {os.cpu_count()} logical cores visible, Python {platform.python_version()}"


def _economy_arguments(n: int, seed: int) -> dict[str, object]:
    return {
        "techniques": 2,
        "inputs_per_process": min(20, n - 1),
        "capacity_share": 0.2,
        "n_resources": 2,
        "seed": seed,
    }


def bench(n: int, lp_max: int, lp_limit: float, seed: int) -> Row:
    arguments = _economy_arguments(n, seed)
    economy = synthetic_economy(n, **arguments) if n <= lp_max else None  # type: ignore[arg-type]
    snap: EconomySnapshot = (
        economy.snapshot() if economy is not None else synthetic_snapshot(n, **arguments)  # type: ignore[arg-type]
    )
    started = time.perf_counter()
    result = harmony_plan(snap)
    harmony_time = time.perf_counter() - started
    lp_status, lp_value, lp_time = f"skipped (> {lp_max:,} products)", None, None
    if economy is not None:
        started = time.perf_counter()
        optimum = plan(economy, "harmony", time_limit_s=lp_limit)
        lp_time = time.perf_counter() - started
        lp_status, lp_value = optimum.status.value, optimum.objective_value
        if lp_value is None and lp_time >= lp_limit * 0.95:
            lp_status = f"not solved in {lp_limit:.0f} s"
    return Row(
        products=n,
        processes=snap.n_processes,
        nonzeros=int(snap.A.nnz),
        harmony_value=result.value,
        harmony_bound=result.bound,
        harmony_status=result.status.value,
        harmony_rounds=result.rounds,
        harmony_time_s=harmony_time,
        harmony_overuse=result.overuse,
        lp_status=lp_status,
        lp_value=lp_value,
        lp_time_s=lp_time,
    )


def _num(value: float | None, digits: int = 6) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def markdown(rows: list[Row], lp_limit: float) -> str:
    lines = [
        "## Harmony planning against the optimal LP",
        "",
        f"Run on {dt.date.today().isoformat()}: {_machine()}.",
        "Command: `.venv/bin/python benchmarks/bench_harmony.py` (one seeded synthetic economy "
        "per size: 2 techniques per good, ≤ 20 inputs per process, 20% of the cheapest "
        "processes capacity-bound, 2 natural resources). Baseline: the optimal LP of the same "
        f"harmony objective (HiGHS, tangent envelope ε = 1e-4, time limit {lp_limit:.0f} s).",
        "",
        "Gap = (bound − harmony) / |bound|: how far harmony's plan can at most be from the "
        "optimum (the bound is harmony's own Lagrangian dual, valid whatever the LP does). "
        "vs LP = (harmony − LP optimum) / |LP optimum| (negative: below the optimum).",
        "",
        "| products | processes | nonzeros of A | harmony | bound | gap | status | rounds "
        "| harmony time (s) | max overuse | LP optimum | LP status | LP time (s) | vs LP |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        gap = (
            None
            if r.harmony_bound is None or r.harmony_value is None
            else (r.harmony_bound - r.harmony_value) / max(abs(r.harmony_bound), 1e-300)
        )
        versus = (
            None
            if r.lp_value is None or r.harmony_value is None
            else (r.harmony_value - r.lp_value) / max(abs(r.lp_value), 1e-300)
        )
        lines.append(
            f"| {r.products:,} | {r.processes:,} | {r.nonzeros:,} | {_num(r.harmony_value)} "
            f"| {_num(r.harmony_bound)} | {'—' if gap is None else f'{gap:.3%}'} "
            f"| {r.harmony_status} | {r.harmony_rounds} | {r.harmony_time_s:.2f} "
            f"| {r.harmony_overuse:.1e} | {_num(r.lp_value)} | {r.lp_status} "
            f"| {'—' if r.lp_time_s is None else f'{r.lp_time_s:.2f}'} "
            f"| {'—' if versus is None else f'{versus:+.3%}'} |"
        )
    return "\n".join(lines) + "\n"


def sweep(seeds: int = 2) -> str:
    """48 small economies (5–25 products; capacities, resources, floors on and off) against
    the LP: the worst shortfall relative to max(1, |optimum|), and the bound's validity."""
    worst, converged, total, invalid = 0.0, 0, 0, 0
    for n in (5, 12, 25):
        for capacity_share in (0.0, 0.5):
            for resources in (0, 2):
                for floor_share in (0.0, 0.5):
                    for seed in range(seeds):
                        economy = synthetic_economy(
                            n,
                            techniques=2,
                            inputs_per_process=min(4, n - 1),
                            capacity_share=capacity_share,
                            n_resources=resources,
                            floor_share=floor_share,
                            seed=seed,
                        )
                        result = harmony_plan(economy)
                        optimum = plan(economy, "harmony").objective_value
                        if optimum is None or result.value is None or result.bound is None:
                            continue
                        scale = max(1.0, abs(optimum))
                        worst = max(worst, (optimum - result.value) / scale)
                        invalid += result.bound < optimum - 1e-6 * scale
                        converged += result.status.value == "converged"
                        total += 1
    return (
        "## Small economies against the LP optimum\n\n"
        f"{total} economies (5, 12, 25 products × capacities 0/50% × 0/2 resources × floors "
        f"0/50% × {seeds} seeds; `--sweep`): harmony at most {worst:.2%} of max(1, |optimum|) "
        f"below the LP optimum; {converged} of {total} converged to the default 0.5% gap; "
        f"certified bound below the LP's value in {invalid} cases.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,200,2000,20000")
    parser.add_argument("--lp-max", type=int, default=2000, help="largest size given to the LP")
    parser.add_argument("--lp-limit", type=float, default=120.0, help="LP time limit (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-harmony.md")
    parser.add_argument("--sweep", action="store_true", help="also the 48 small economies")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = bench(size, args.lp_max, args.lp_limit, args.seed)
        print(row, flush=True)
        rows.append(row)
    text = "# Benchmarks: harmony planning\n\n" + markdown(rows, args.lp_limit)
    if args.sweep:
        text += "\n" + sweep()
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
