"""Benchmark: cooplan's structured LP solver against HiGHS and OR-Tools PDLP on one instance.

Every (size, objective, solver) runs in its own fresh process (``spawn``) that builds the same
seeded synthetic economy, so each peak memory figure (``ru_maxrss``) is that solver's own.
All answers are scored by the same certificate code (relative primal and dual infeasibility
and objective gap against the original LP; see docs/largescale.md). One thread everywhere,
except for the solver ``cooplan-threads`` (cooplan's sparse products on every core).
``cooplan-lean`` keeps no plan column outside the master's current mix (``plan_memory_bytes=0``,
plans solved again when they re-enter it), beside ``cooplan`` with the default budget.

    .venv/bin/python benchmarks/bench_optimal.py --sizes 1000,10000,20000 \\
        --baseline-limit 180 --write docs/benchmarks-optimal.md

Baselines run only up to ``--baselines-up-to`` products (default 20,000); above that the
reason is recorded. The instance: ``synthetic_snapshot(n, 2, 20, capacity_share=caps/n,
n_resources=resources, tight_share=tight/n_coops, seed=seed)``: a fixed number of
capacities, resources and tight coops that may bind (see ``--caps``, ``--resources``,
``--tight``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Case:
    """One instance of the benchmark."""

    n: int
    caps: int
    resources: int
    tight: int
    seed: int

    def snapshot(self) -> Any:
        from cooplan.synthetic import synthetic_snapshot

        n_coops = max(1, self.n // 10)
        return synthetic_snapshot(
            self.n,
            2,
            20,
            capacity_share=min(1.0, self.caps / self.n),
            n_resources=self.resources,
            tight_share=min(1.0, self.tight / n_coops),
            seed=self.seed,
        )


@dataclass
class Row:
    """One measured run."""

    n: int
    nonzeros: int
    objective: str
    solver: str
    status: str
    time_s: float | None
    value: float | None
    primal_infeasibility: float | None
    dual_infeasibility: float | None
    gap: float | None
    peak_rss_mb: float | None
    instance_rss_mb: float | None
    iterations: int | None
    note: str


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _certificate(lp: Any, x: np.ndarray, lam: float | None, y: np.ndarray, pi: np.ndarray) -> Any:
    from cooplan.planning.largescale.certificate import optimality_certificate

    return optimality_certificate(lp, x, lam, y, pi)


def _run_cooplan(
    lp: Any,
    snapshot: Any,
    objective: str,
    limit: float,
    device: str = "cpu",
    threads: int = 1,
    plan_memory_bytes: int | None = None,
) -> dict[str, Any]:
    from cooplan.planning.largescale import solve_large

    budget = {} if plan_memory_bytes is None else {"plan_memory_bytes": plan_memory_bytes}

    sol = solve_large(
        snapshot,
        objective,  # type: ignore[arg-type]
        max_time_s=limit,
        device=device,
        threads=threads,
        **budget,
    )
    cert = sol.certificate
    gpu_note = ""
    if device == "gpu":
        import cupy

        pool = cupy.get_default_memory_pool()
        gpu_note = f"; GPU memory pool {pool.total_bytes() / 2**30:.2f} GiB"
    return {
        "status": sol.status.value,
        "time_s": sol.time_s,
        "value": sol.objective if sol.objective is not None else sol.lam,
        "primal": cert.primal_infeasibility,
        "dual": cert.dual_infeasibility,
        "gap": cert.complementarity_gap,
        "iterations": sol.iterations,
        "note": sol.method.split("; ", 1)[-1]
        + (f"; {sol.message}" if sol.message else "")
        + gpu_note,
    }


def _run_highs(lp: Any, solver: str, limit: float) -> dict[str, Any]:
    from cooplan.planning.largescale.fallback import solve_with_highs

    started = time.perf_counter()
    answer = solve_with_highs(lp, solver, limit, threads=1)
    elapsed = time.perf_counter() - started
    cert = _certificate(lp, answer.x, answer.lam, answer.y, answer.pi)
    value = answer.lam if answer.lam is not None else float(lp.labour @ answer.x)
    return {
        "status": answer.status,
        "time_s": elapsed,
        "value": value if answer.status == "Optimal" else None,
        "primal": cert.primal_infeasibility,
        "dual": cert.dual_infeasibility,
        "gap": cert.complementarity_gap,
        "iterations": answer.iterations,
        "note": f"HiGHS {solver}, time limit {limit:.0f} s",
    }


def _run_pdlp(lp: Any, limit: float, rel_tol: float) -> dict[str, Any]:
    from ortools.pdlp import solve_log_pb2, solvers_pb2
    from ortools.pdlp.python import pdlp

    from cooplan.planning.largescale.fallback import whole_lp

    whole = whole_lp(lp)
    n_rows, n_cols = whole.matrix.shape
    qp = pdlp.QuadraticProgram()
    qp.resize_and_initialize(n_cols, n_rows)
    qp.objective_vector = whole.cost
    qp.constraint_matrix = whole.matrix
    qp.constraint_lower_bounds = whole.row_lower
    qp.constraint_upper_bounds = whole.row_upper
    qp.variable_lower_bounds = np.zeros(n_cols)
    qp.variable_upper_bounds = np.full(n_cols, np.inf)
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.num_threads = 1
    criteria = params.termination_criteria.simple_optimality_criteria
    criteria.eps_optimal_relative = rel_tol
    criteria.eps_optimal_absolute = 0.0
    params.termination_criteria.time_sec_limit = limit
    started = time.perf_counter()
    result = pdlp.primal_dual_hybrid_gradient(qp, params)
    elapsed = time.perf_counter() - started
    m = lp.n_processes
    z = np.maximum(np.asarray(result.primal_solution), 0.0)
    dual = np.asarray(result.dual_solution)
    n_bal = lp.demand.size
    lam = float(z[m]) if z.size > m else None
    cert = _certificate(
        lp, z[:m], lam, np.maximum(dual[:n_bal], 0.0), np.maximum(-dual[n_bal:], 0.0)
    )
    reason = solve_log_pb2.TerminationReason.Name(result.solve_log.termination_reason)
    value = lam if lam is not None else float(lp.labour @ z[:m])
    return {
        "status": reason,
        "time_s": elapsed,
        "value": value,
        "primal": cert.primal_infeasibility,
        "dual": cert.dual_infeasibility,
        "gap": cert.complementarity_gap,
        "iterations": int(result.solve_log.iteration_count),
        "note": f"OR-Tools PDLP, relative tolerance {rel_tol:g}, time limit {limit:.0f} s",
    }


def _worker(case: Case, objective: str, solver: str, limit: float, queue: Any) -> None:
    try:
        from cooplan.planning.largescale.problem import Objective, planning_lp

        snapshot = case.snapshot()
        lp = planning_lp(snapshot, Objective(objective))
        instance_rss = _rss_mb()
        if solver == "cooplan":
            out = _run_cooplan(lp, snapshot, objective, limit)
        elif solver == "cooplan-gpu":
            out = _run_cooplan(lp, snapshot, objective, limit, device="gpu")
        elif solver == "cooplan-lean":  # no plan kept outside the master's mix
            out = _run_cooplan(lp, snapshot, objective, limit, plan_memory_bytes=0)
        elif solver == "cooplan-threads":  # every core for the sparse products
            from cooplan.planning.largescale.threads import available_threads

            out = _run_cooplan(lp, snapshot, objective, limit, threads=available_threads())
        elif solver in ("simplex", "ipm"):
            out = _run_highs(lp, solver, limit)
        else:
            out = _run_pdlp(lp, limit, 1e-4)
        out.update(nonzeros=int(snapshot.A.nnz), peak=_rss_mb(), instance=instance_rss)
        queue.put(out)
    except Exception as error:  # reported in the table, never hidden
        queue.put({"error": f"{type(error).__name__}: {error}"})


def measure(case: Case, objective: str, solver: str, limit: float) -> Row:
    """Run one solver on one case in a fresh process; a hung process is stopped at 2×limit."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(case, objective, solver, limit, queue))
    proc.start()
    try:
        out = queue.get(timeout=2 * limit + 120)
    except Exception:
        out = {"error": f"no answer within {2 * limit + 120:.0f} s (stopped)"}
    proc.join(timeout=10)
    if proc.is_alive():
        proc.kill()
    if "error" in out:
        return skipped(case, objective, solver, out["error"], status="error")
    return Row(
        n=case.n,
        nonzeros=out["nonzeros"],
        objective=objective,
        solver=solver,
        status=str(out["status"]),
        time_s=out["time_s"],
        value=out["value"],
        primal_infeasibility=out["primal"],
        dual_infeasibility=out["dual"],
        gap=out["gap"],
        peak_rss_mb=out["peak"],
        instance_rss_mb=out["instance"],
        iterations=out["iterations"],
        note=out["note"],
    )


def skipped(case: Case, objective: str, solver: str, reason: str, status: str = "skipped") -> Row:
    """A row without measurements: the solver was not run (or failed), for ``reason``."""
    return Row(
        case.n,
        0,
        objective,
        solver,
        status,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        reason,
    )


def machine() -> str:
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in cpu.splitlines() if "Model name" in line),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    import os

    import highspy  # noqa: F401
    import scipy

    try:
        from importlib.metadata import version

        ortools_version = version("ortools")
        highs_version = version("highspy")
    except Exception:
        ortools_version = highs_version = "?"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {os.cpu_count()} cores (shared), {mem:.0f} GiB RAM, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"highspy {highs_version}, OR-Tools {ortools_version}{_gpu_description()}"
    )


def _gpu_description() -> str:
    """The GPU and CuPy version, where ``device="gpu"`` can run (else nothing)."""
    from cooplan.planning.largescale import gpu_available

    if not gpu_available():
        return ""
    import cupy

    name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    memory = cupy.cuda.Device(0).mem_info[1] / 2**30
    return f"; GPU {name} ({memory:.0f} GiB), CuPy {cupy.__version__}"


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    head = (
        "| products | nnz(A) | objective | solver | status | time (s) | objective value | "
        "primal inf. | dual inf. | gap | peak RSS (MB) | iterations | note |\n"
        "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = [
        f"| {r.n:,} | {r.nonzeros:,} | {r.objective} | {r.solver} | {r.status} | "
        f"{_fmt(r.time_s, '.2f')} | {_fmt(r.value, '.9g')} | "
        f"{_fmt(r.primal_infeasibility, '.1e')} | {_fmt(r.dual_infeasibility, '.1e')} | "
        f"{_fmt(r.gap, '.1e')} | {_fmt(r.peak_rss_mb, '.0f')} | "
        f"{'—' if r.iterations is None else r.iterations} | {r.note} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def write_section(path: Path, text: str, name: str) -> None:
    """Replace (or append) the section ``name`` of ``path`` (between HTML comment markers)."""
    start, end = f"<!-- bench_optimal:{name}:start -->", f"<!-- bench_optimal:{name}:end -->"
    old = path.read_text() if path.exists() else ""
    block = f"{start}\n{text}{end}\n"
    if start in old and end in old:
        before = old.split(start)[0]
        after = old.split(end, 1)[1].lstrip("\n")
        path.write_text(before + block + ("\n" + after if after else ""))
    else:
        path.write_text(old + ("\n" if old else "") + block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,20000,100000,1000000")
    parser.add_argument("--objectives", default="min-labour,fulfilment")
    parser.add_argument("--solvers", default="cooplan,pdlp,ipm,simplex")
    parser.add_argument("--baseline-limit", type=float, default=180.0)
    parser.add_argument("--cooplan-limit", type=float, default=600.0)
    parser.add_argument("--baselines-up-to", type=int, default=20_000)
    parser.add_argument("--caps", type=int, default=20, help="capacities that may bind")
    parser.add_argument("--resources", type=int, default=3, help="limited natural resources")
    parser.add_argument("--tight", type=int, default=10, help="coops with tight hours")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write raw rows here")
    parser.add_argument("--write", type=Path, default=None, help="Markdown file to update")
    parser.add_argument("--section", default="results", help="name of the section to replace")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    for n in [int(v) for v in args.sizes.split(",")]:
        case = Case(n, args.caps, args.resources, args.tight, args.seed)
        for objective in args.objectives.split(","):
            for solver in args.solvers.split(","):
                if not solver.startswith("cooplan") and n > args.baselines_up_to:
                    rows.append(
                        skipped(
                            case,
                            objective,
                            solver,
                            f"baselines run up to {args.baselines_up_to:,} products "
                            "(HiGHS does not finish at 20,000 within the limit)",
                        )
                    )
                    continue
                limit = args.cooplan_limit if solver.startswith("cooplan") else args.baseline_limit
                row = measure(case, objective, solver, limit)
                rows.append(row)
                print(table([row]).splitlines()[-1], flush=True)
    text = (
        f"Machine: {machine()}.\n\n"
        f"Command: `.venv/bin/python benchmarks/bench_optimal.py {' '.join(argv or sys.argv[1:])}`"
        f"\n\nInstance: 2 techniques per product, 20 inputs per process, n/10 coops, "
        f"{args.caps} capacities, {args.resources} resources and {args.tight} tight coops that "
        f"may bind, seed {args.seed}.\n\n" + table(rows)
    )
    print(text)
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    if args.write is not None:
        write_section(args.write, text, args.section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
