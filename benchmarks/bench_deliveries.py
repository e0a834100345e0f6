"""Deliveries of a large plan: whole-array construction against the per-product rule.

For each size, the benchmark economy of ``bench_optimal.py`` (2 techniques, 20 inputs per
process, 20 capacities, 3 resources, 10 tight coops, seed 0) is planned for least labour
with ``solve_large``; its plan is then split into deliveries twice in the same process:

* ``arrays``: :func:`cooplan.planning.optimal.deliveries.plan_deliveries` (a DeliveryTable);
* ``per product``: :func:`cooplan.planning.optimal.deliveries.per_product_deliveries`, the
  same rule one product at a time into Python objects (the implementation before
  2026-11-28, kept as the reference), run up to ``--reference-up-to`` products.

Time is wall-clock; memory is the peak of Python allocations (tracemalloc, NumPy's
included) while building, and what the finished deliveries hold. Where both run, the two
are checked to be the same deliveries in the same order, to the bit.

    python benchmarks/bench_deliveries.py --sizes 10000,100000,1000000 \
        --write docs/benchmarks.md --section deliveries
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from bench_optimal import Case, write_section
from machine import describe

from cooplan.planning.largescale import solve_large
from cooplan.planning.optimal.deliveries import (
    PlanFlows,
    per_product_deliveries,
    plan_deliveries,
)


def plan_flows_of(n: int) -> tuple[Any, PlanFlows]:
    """Snapshot and flows of the least-labour plan of the benchmark economy of size ``n``."""
    snapshot = Case(n, 20, 3, 10, 0).snapshot()
    plan = solve_large(snapshot, "min-labour", tol=1e-6)
    rows = np.arange(snapshot.demand_product.size, dtype=np.int64)
    zone = np.where(snapshot.is_resource[snapshot.demand_product], -2, 0).astype(np.int64)
    empty = np.empty(0, dtype=np.int64)
    flows = PlanFlows(
        activity=plan.x,
        public_demand=rows,
        public_zone=zone,
        public_quantity=np.asarray(snapshot.demand_quantity, dtype=np.float64),
        ship_product=empty,
        ship_from=empty,
        ship_to=empty,
        ship_quantity=np.empty(0),
    )
    return snapshot, flows


def measure(
    build: Callable[[Any, PlanFlows, bool], Sequence[Any]], snapshot: Any, flows: PlanFlows
) -> tuple[Sequence[Any], float, int, int]:
    """(deliveries, seconds, peak bytes, bytes held by the result): timed once plainly,
    then built again under tracemalloc."""
    gc.collect()
    started = time.perf_counter()
    result = build(snapshot, flows, False)
    seconds = time.perf_counter() - started
    del result
    gc.collect()
    tracemalloc.start()
    result = build(snapshot, flows, False)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak, held


def run(sizes: list[int], reference_up_to: int) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        snapshot, flows = plan_flows_of(n)
        table, t_table, peak_table, held_table = measure(plan_deliveries, snapshot, flows)
        row: dict[str, Any] = {
            "n": n,
            "deliveries": len(table),
            "array_s": t_table,
            "array_peak": peak_table,
            "array_held": held_table,
        }
        if n <= reference_up_to:
            objects, t_ref, peak_ref, held_ref = measure(per_product_deliveries, snapshot, flows)
            if table != objects:
                raise AssertionError(f"deliveries differ at {n} products")
            row |= {"ref_s": t_ref, "ref_peak": peak_ref, "ref_held": held_ref}
            del objects
        print(row, flush=True)
        rows.append(row)
        del table
        gc.collect()
    return rows


def table_text(rows: list[dict[str, Any]]) -> str:
    def gb(value: float | None) -> str:
        return "—" if value is None else f"{value / 1e9:.2f}"

    def sec(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    lines = [
        f"Machine: {describe()}. Same deliveries, same order, same bits wherever both ran.",
        "",
        "| products | deliveries | arrays (s) | arrays peak (GB) | arrays hold (GB) "
        "| per product (s) | per product peak (GB) | per product hold (GB) | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ref = r.get("ref_s")
        speed = "—" if ref is None else f"{ref / r['array_s']:.0f}×"
        lines.append(
            f"| {r['n']:,} | {r['deliveries']:,} | {sec(r['array_s'])} | {gb(r['array_peak'])} "
            f"| {gb(r['array_held'])} | {sec(ref)} | {gb(r.get('ref_peak'))} "
            f"| {gb(r.get('ref_held'))} | {speed} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--reference-up-to", type=int, default=100_000)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--section", default="deliveries")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    text = table_text(run(sizes, args.reference_up_to))
    print(text)
    if args.write is not None:
        write_section(args.write, text, args.section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
