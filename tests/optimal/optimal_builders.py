"""Small economies for the optimal-plan tests, built from plain tuples."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cooplan.model import Economy, EconomyMeta, build_economy
from cooplan.planning.optimal.result import PlanResult

Row = Sequence[object]


def frame(columns: Sequence[str], rows: Iterable[Row]) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in rows], columns=list(columns))


def make_economy(
    *,
    products: Iterable[Row],
    coops: Iterable[Row],
    processes: Iterable[Row],
    inputs: Iterable[Row] = (),
    outputs: Iterable[Row] = (),
    demand: Iterable[Row] = (),
    resources: Iterable[Row] = (),
    transport: Iterable[Row] = (),
    regions: Iterable[str] | None = None,
    name: str = "test",
) -> Economy:
    """products (id, kind); coops (id, region, group, members, hours_per_member);
    processes (id, coop, product, labour, capacity|None); inputs/outputs (process, product,
    quantity); demand (product, quantity, region|None, priority, floor); resources (product,
    available); transport (from, to, cost, product|None, capacity|None)."""
    tables: dict[str, pd.DataFrame | None] = {
        "products": frame(["id", "name", "unit", "kind"], [(p, p, "unit", k) for p, k in products]),
        "coops": frame(
            ["id", "name", "region", "group", "members", "hours_per_member"],
            [(c, c, r, g, m, h) for c, r, g, m, h in coops],
        ),
        "processes": frame(
            ["id", "coop", "product", "labour", "capacity"],
            [(i, c, p, lab, "" if cap is None else cap) for i, c, p, lab, cap in processes],
        ),
        "inputs": frame(["process", "product", "quantity"], inputs),
        "outputs": frame(["process", "product", "quantity"], outputs),
        "demand": frame(
            ["product", "quantity", "region", "priority", "floor"],
            [(p, q, "" if r is None else r, w, f) for p, q, r, w, f in demand],
        ),
        "resources": frame(["product", "available"], resources),
        "transport": frame(
            ["from", "to", "cost", "product", "capacity"],
            [
                (a, b, c, "" if p is None else p, "" if cap is None else cap)
                for a, b, c, p, cap in transport
            ],
        ),
        "regions": None if regions is None else frame(["id", "name"], [(r, r) for r in regions]),
    }
    return build_economy(EconomyMeta(name=name), tables)


def check_deliveries(economy: Economy, result: PlanResult, rtol: float = 1e-6) -> None:
    """Assert the delivery rules: out = output, in = inputs, public = final demand."""
    snap = economy.snapshot()
    x = np.array([result.activity[p] for p in snap.process_ids])
    sent: dict[tuple[str, str], float] = defaultdict(float)
    received: dict[tuple[str, str], float] = defaultdict(float)
    public: dict[str, float] = defaultdict(float)
    for d in result.deliveries:
        assert d.quantity > 0
        sent[(d.product, d.source)] += d.quantity
        received[(d.product, d.target)] += d.quantity
        if d.target == "public":
            public[d.product] += d.quantity
    owner = np.zeros((snap.n_processes, snap.n_coops))
    owner[np.arange(snap.n_processes), snap.process_coop] = x
    made = snap.B @ owner  # products × coops
    used = snap.A @ owner
    for i, product in enumerate(snap.product_ids):
        for c, coop in enumerate(snap.coop_ids):
            out, use = float(made[i, c]), float(used[i, c])
            scale = max(1.0, out, use)
            if not snap.is_resource[i]:
                assert abs(sent[(product, coop)] - out) <= rtol * scale, (product, coop)
            assert abs(received[(product, coop)] - use) <= rtol * scale, (product, coop)
    delivered = np.zeros(snap.n_products)
    for product, quantity in public.items():
        delivered[snap.product_index[product]] = quantity
    for product, ratio in result.fulfilment_ratio.items():
        i = snap.product_index[product]
        wanted = snap.final_demand[i]
        assert abs(delivered[i] - ratio * wanted) <= rtol * max(1.0, wanted), product
