"""Benchmark: the optimal plan against a bare HiGHS solve of the same LP, in the same run.

For each size it builds a synthetic economy (cooplan.synthetic, seeded: 2 techniques per
product, 10 inputs per process, 10% binding capacities, 2 natural resources, floors on 30% of
demand) and times, in this one process:

* the baseline: ``scipy.optimize.linprog(method="highs")`` on the LP that
  ``cooplan.planning.optimal`` builds (the solve alone, no interpretation);
* ``cooplan.planning.optimal.plan`` end to end (LP building, HiGHS, the tie-breaking second
  solve, certificate, valuations, deliveries), with its parts timed separately.

Run: ``python benchmarks/bench_optimal_plan.py [--sizes 200,500,1000,2000]
[--objectives min-labour,fulfilment] [--write docs/benchmarks-optimal-plan.md]``.
(``bench_optimal.py`` is the large-scale solver's benchmark.)
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplan.planning.optimal import plan
from cooplan.planning.optimal.certificate import certify
from cooplan.planning.optimal.deliveries import plan_deliveries
from cooplan.planning.optimal.formulation import LinearProgram, build_lp
from cooplan.planning.optimal.highs_solver import solve_lp
from cooplan.planning.optimal.interpret import plan_flows
from cooplan.planning.optimal.result import Objective
from cooplan.synthetic import synthetic_economy


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def linprog_baseline(lp: LinearProgram) -> tuple[float, float]:
    """Solve the same LP with scipy's linprog (HiGHS); returns (seconds, objective)."""
    upper = np.isfinite(lp.row_upper)
    lower = np.isfinite(lp.row_lower)
    equal = upper & lower & (lp.row_lower == lp.row_upper)
    le = upper & ~equal
    ge = lower & ~equal
    a_ub = sp.vstack([lp.matrix[le], -lp.matrix[ge]])
    b_ub = np.r_[lp.row_upper[le], -lp.row_lower[ge]]
    bounds = np.c_[lp.col_lower, lp.col_upper]
    started = time.perf_counter()
    answer = linprog(
        lp.cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=lp.matrix[equal] if equal.any() else None,
        b_eq=lp.row_lower[equal] if equal.any() else None,
        bounds=bounds,
        method="highs",
    )
    return time.perf_counter() - started, float(answer.fun) if answer.status == 0 else np.nan


def run(size: int, objective: Objective) -> dict[str, object]:
    economy = synthetic_economy(
        size, 2, 10, capacity_share=0.1, n_resources=2, floor_share=0.3, seed=1
    )
    snap = economy.snapshot()
    t0 = time.perf_counter()
    lp = build_lp(snap, objective)
    build_s = time.perf_counter() - t0
    baseline_s, baseline_objective = linprog_baseline(lp)
    solution = solve_lp(lp)
    t0 = time.perf_counter()
    certificate = certify(lp, solution.x, solution.row_dual)
    certify_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    deliveries = plan_deliveries(snap, lp.layout, plan_flows(snap, lp, solution.x))
    deliveries_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = plan(economy, objective, large_scale_threshold=10**9)
    total_s = time.perf_counter() - t0
    return {
        "products": size,
        "processes": snap.n_processes,
        "nonzeros": int(lp.matrix.nnz),
        "status": result.status.value,
        "baseline_s": baseline_s,
        "highs_s": solution.time_s,
        "build_s": build_s,
        "certify_s": certify_s,
        "deliveries_s": deliveries_s,
        "deliveries": len(deliveries),
        "total_s": total_s,
        "agree": bool(np.isclose(solution.objective, baseline_objective, rtol=1e-6)),
        "certified": certificate.passed and bool(result.certificate and result.certificate.passed),
    }


def table(rows: list[dict[str, object]], objective: Objective) -> str:
    lines = [
        f"Objective `{objective.value}`; machine: {machine()}.",
        "",
        "| products | processes | LP nonzeros | status | linprog (s) | HiGHS in plan (s) "
        "| build LP (s) | certificate (s) | deliveries (s) | plan() total (s) | same optimum "
        "| certified |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['products']} | {r['processes']} | {r['nonzeros']} | {r['status']} "
            f"| {r['baseline_s']:.3f} | {r['highs_s']:.3f} | {r['build_s']:.3f} "
            f"| {r['certify_s']:.4f} | {r['deliveries_s']:.3f} | {r['total_s']:.3f} "
            f"| {r['agree']} | {r['certified']} |"
        )
    return "\n".join(lines) + "\n"


HEADER = (
    "# Benchmarks: optimal plan (HiGHS pipeline)\n\n"
    "Generated by `python benchmarks/bench_optimal_plan.py --write "
    "docs/benchmarks-optimal-plan.md`; rerun to refresh. Synthetic economies "
    "(`cooplan.synthetic`, seed 1): 2 techniques per product, 10 inputs per process, 10% "
    "binding capacities, 2 natural resources, floors on 30% of demand. *linprog* is the "
    "baseline: `scipy.optimize.linprog(method='highs')` on the same LP, solve only. *plan() "
    "total* is the whole pipeline: LP, HiGHS, the tie-breaking second solve (warm-started; "
    "fulfilment: least labour among the optimal plans), certificate, valuations and "
    "deliveries. The machine is shared with other jobs, so times vary by a factor of about "
    "two between runs. For economies beyond a few thousand products see "
    "`docs/largescale.md`.\n\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,500,1000,2000")
    parser.add_argument("--objectives", default="min-labour,fulfilment")
    parser.add_argument("--write", default=None, help="Markdown file to write the tables to.")
    args = parser.parse_args()
    sections = []
    for name in args.objectives.split(","):
        objective = Objective(name)
        rows = [run(int(s), objective) for s in args.sizes.split(",")]
        sections.append(table(rows, objective))
        print(sections[-1], flush=True)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as handle:
            handle.write(HEADER + "\n".join(sections))


if __name__ == "__main__":
    main()
