"""Benchmark: how the structured solver closes its gap over time, sizes side by side.

Runs ``solve_large`` on the benchmark economy of ``bench_optimal.py`` (same seeded instance:
2 techniques, 20 inputs, ``--caps`` capacities, ``--resources`` resources and ``--tight``
tight coops that may bind) for each size, one after the other in this process, and records
every :class:`~cooplan.planning.largescale.Progress` report. The table gives, per size, the
first report after each time mark and the last one: the plan's value, the proven bound and
their gap, so one sees whether the value or the bound is what lags (at 10⁶ products it is
the bound; see docs/benchmarks-optimal.md, "Trajectories").

    .venv/bin/python benchmarks/bench_trajectory.py --sizes 100000,1000000 --limit 600 \\
        --write docs/benchmarks-optimal.md
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bench_optimal import Case, write_section
from machine import describe

from cooplan.planning.largescale import Progress, solve_large


def trajectory(case: Case, objective: str, limit: float) -> tuple[list[Progress], str]:
    """Every progress report of one solve, and its final status."""
    reports: list[Progress] = []
    solution = solve_large(
        case.snapshot(),
        objective,  # type: ignore[arg-type]
        max_time_s=limit,
        progress=reports.append,
    )
    return reports, f"{solution.status.value} in {solution.time_s:.1f} s"


def sample(reports: list[Progress], marks: list[float]) -> list[Progress]:
    """The first report at or after each mark (seconds), and the last report."""
    picked: list[Progress] = []
    for mark in marks:
        later = next((r for r in reports if r.elapsed_s >= mark), None)
        if later is not None and (not picked or later is not picked[-1]):
            picked.append(later)
    if reports and (not picked or reports[-1] is not picked[-1]):
        picked.append(reports[-1])
    return picked


def _number(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def table(rows: list[tuple[int, Progress]]) -> str:
    head = (
        "| products | time (s) | stage | iteration | value | bound | gap | columns | rows "
        "| products A·x |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {n:,} | {p.elapsed_s:.1f} | {p.stage} | {p.iteration} | {_number(p.value, '.7g')} "
        f"| {_number(p.bound, '.7g')} | {_number(p.gap, '.1e')} | {p.columns} | {p.rows} "
        f"| {p.matvecs:,} |"
        for n, p in rows
    ]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--objective", default="fulfilment")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds per solve")
    parser.add_argument("--marks", default="10,30,60,120,240,480")
    parser.add_argument("--caps", type=int, default=20)
    parser.add_argument("--resources", type=int, default=3)
    parser.add_argument("--tight", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write every report here")
    parser.add_argument("--write", type=Path, default=None, help="Markdown file to update")
    args = parser.parse_args(argv)

    marks = [float(v) for v in args.marks.split(",")]
    rows: list[tuple[int, Progress]] = []
    raw: dict[str, list[dict[str, object]]] = {}
    outcomes: list[str] = []
    for n in [int(v) for v in args.sizes.split(",")]:
        case = Case(n, args.caps, args.resources, args.tight, args.seed)
        reports, outcome = trajectory(case, args.objective, args.limit)
        outcomes.append(f"{n:,} products: {outcome}")
        raw[str(n)] = [asdict(r) for r in reports]
        picked = [(n, p) for p in sample(reports, marks)]
        rows.extend(picked)
        print(table(picked), flush=True)
    text = (
        f"Machine: {describe()}.\n\n"
        f"Command: `.venv/bin/python benchmarks/bench_trajectory.py "
        f"{' '.join(argv or sys.argv[1:])}`\n\n"
        f"Objective {args.objective}; {'; '.join(outcomes)}.\n\n" + table(rows)
    )
    print(text)
    if args.json is not None:
        args.json.write_text(json.dumps(raw, indent=1))
    if args.write is not None:
        write_section(args.write, text, "trajectory")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
