"""Benchmark: material balances at national scale, against their yardsticks in the same run.

For each size it builds a synthetic productive economy (cooplan.synthetic, seeded), then
times, in this one process:

* one sparse matrix-vector product A x (the yardstick: any iterative method costs a number
  of these);
* ``cooplan.planning.balances.balance`` (policy iteration for the technique choice, GMRES
  solves, balance table and coop checks);
* the baseline: successive approximation x ← A x + d on the same chosen techniques to the
  same relative residual (Cockshott & Cottrell's method, 1993, ch. 3);
* sparse LU of I − A (SuperLU) where it finishes within its cap, to show the fill-in that
  makes direct methods unusable at scale.

Run: ``python benchmarks/bench_balance.py [--sizes 10000,100000,1000000] [--inputs 10]``.
Peak memory is the process's maximum resident set size (it only grows, so sizes run in
ascending order and each figure bounds that size's need).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from machine import describe  # benchmarks/machine.py

from cooplan.planning import linalg
from cooplan.planning.balances import balance
from cooplan.synthetic import synthetic_snapshot


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _successive_approximation(A: sp.csr_matrix, d: np.ndarray, rtol: float) -> tuple[int, float]:
    started = time.perf_counter()
    x = d.copy()
    norm = np.linalg.norm(d)
    for sweep in range(1, 10_000):
        x = A @ x + d
        if np.linalg.norm(x - A @ x - d) <= rtol * norm:
            return sweep, time.perf_counter() - started
    return -1, time.perf_counter() - started


def run(size: int, inputs: int, lu_cap: int) -> dict[str, object]:
    started = time.perf_counter()
    snap = synthetic_snapshot(size, techniques=1, inputs_per_process=inputs, seed=1)
    build_s = time.perf_counter() - started
    A = sp.csr_matrix(snap.A[: snap.n_products])
    x = np.ones(snap.n_processes)
    repeats = 20
    t0 = time.perf_counter()
    for _ in range(repeats):
        A @ x
    matvec_ms = (time.perf_counter() - t0) / repeats * 1000
    t0 = time.perf_counter()
    result = balance(snap)
    balance_s = time.perf_counter() - t0
    krylov = sum(s.iterations for s in result.solves)
    residual = max(s.relative_residual for s in result.solves)
    d = snap.final_demand[: snap.n_products]
    M = (sp.identity(size, format="csr") - A).tocsr()
    t0 = time.perf_counter()
    _, report = linalg.solve(M, d, tol=1e-10)
    gmres_s = time.perf_counter() - t0
    sweeps, sa_s = _successive_approximation(A, d, rtol=1e-10)
    lu_s: float | None = None
    if size <= lu_cap:
        t0 = time.perf_counter()
        spla.splu((sp.identity(size, format="csc") - A.tocsc()).tocsc())
        lu_s = time.perf_counter() - t0
    return {
        "products": size,
        "nonzeros": int(A.nnz),
        "build_s": build_s,
        "matvec_ms": matvec_ms,
        "balance_s": balance_s,
        "krylov_iterations": krylov,
        "policy_iterations": result.policy_iterations,
        "max_residual": residual,
        "gmres_s": gmres_s,
        "gmres_iterations": report.iterations,
        "successive_sweeps": sweeps,
        "successive_s": sa_s,
        "sparse_lu_s": lu_s,
        "peak_rss_gb": _peak_rss_gb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,100000,1000000")
    parser.add_argument("--inputs", type=int, default=10, help="inputs per process")
    parser.add_argument("--lu-cap", type=int, default=5000, help="largest size for sparse LU")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    header = (
        "| products | non-zeros | A·x (ms) | balance, all of it (s) | Krylov its | residual "
        "| one solve x = Ax + d: GMRES (s, its) | successive approx. (s, sweeps) "
        "| sparse LU (s) | peak RSS (GB) |"
    )
    print(header)
    print("|" + "---|" * 10)
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.inputs, args.lu_cap)
        lu = f"{r['sparse_lu_s']:.2f}" if r["sparse_lu_s"] is not None else "not run (cap)"
        print(
            f"| {r['products']:,} | {r['nonzeros']:,} | {r['matvec_ms']:.2f} "
            f"| {r['balance_s']:.2f} | {r['krylov_iterations']} | {r['max_residual']:.1e} "
            f"| {r['gmres_s']:.2f} ({r['gmres_iterations']}) "
            f"| {r['successive_s']:.2f} ({r['successive_sweeps']}) | {lu} "
            f"| {r['peak_rss_gb']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
