"""Small economies for the harmony tests, built in memory from plain tuples."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cooplan.model import Economy, EconomyMeta, build_economy
from cooplan.planning.harmony import HarmonyResult

Row = Sequence[object]


def _frame(columns: Sequence[str], rows: Iterable[Row]) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in rows], columns=list(columns))


def tiny_economy(
    *,
    goods: Sequence[str],
    coops: Sequence[tuple[str, float]],
    processes: Sequence[tuple[str, str, str, float, float | None]],
    inputs: Sequence[tuple[str, str, float]] = (),
    demand: Sequence[tuple[str, float, float, float]] = (),
) -> Economy:
    """goods (ids); coops (id, hours: one member); processes (id, coop, product, labour,
    capacity|None); inputs (process, product, quantity); demand (product, quantity,
    priority, floor)."""
    tables: dict[str, pd.DataFrame | None] = {
        "products": _frame(["id", "name", "unit", "kind"], [(g, g, "unit", "good") for g in goods]),
        "coops": _frame(
            ["id", "name", "region", "group", "members", "hours_per_member"],
            [(c, c, "r", "g", 1, h) for c, h in coops],
        ),
        "processes": _frame(
            ["id", "coop", "product", "labour", "capacity"],
            [(p, c, g, lab, "" if cap is None else cap) for p, c, g, lab, cap in processes],
        ),
        "inputs": _frame(["process", "product", "quantity"], inputs),
        "demand": _frame(["product", "quantity", "priority", "floor"], demand),
    }
    return build_economy(EconomyMeta(name="harmony-test"), tables)


def check_within_limits(economy: Economy, result: HarmonyResult, rel: float = 1e-9) -> None:
    """Coop hours, capacities, resources and every product balance hold for ``result``."""
    snap = economy.snapshot()
    x = np.array([result.activity[p] for p in snap.process_ids])
    assert np.all(x >= -1e-12)
    assert np.all(x <= snap.process_capacity * (1 + rel) + 1e-9)
    hours = np.bincount(snap.process_coop, weights=snap.process_labour * x, minlength=snap.n_coops)
    assert np.all(hours <= snap.coop_hours * (1 + rel) + 1e-9)
    for coop, used in result.labour_used.items():
        assert used == hours[snap.coop_index[coop]]
    used_resources = snap.A @ x
    limited = snap.is_resource & np.isfinite(snap.resource_available)
    assert np.all(used_resources[limited] <= snap.resource_available[limited] * (1 + rel) + 1e-9)
    net = snap.B @ x - snap.A @ x
    delivered = np.zeros(snap.n_products)
    for product, amount in result.delivered.items():
        delivered[snap.product_index[product]] = amount
    goods = ~snap.is_resource
    scale = np.maximum(np.abs(snap.B @ x), 1.0)
    assert np.all((net - delivered)[goods] >= -1e-7 * scale[goods])
    assert result.overuse <= rel
