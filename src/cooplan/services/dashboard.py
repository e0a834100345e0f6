"""Figures of the federation dashboard: flows between groups (drawn as a Sankey-like SVG),
labour use and alerts, read from a finished plan run.

Flows are valued in hours of labour embodied (quantity × the labour value of the product)
when the run has labour values (material balance), else at the plan's shadow prices. With
the optimal plan the flows are its deliveries; the material balance names no suppliers, so
each product's use is split among its producers in proportion to their output (stated on
the page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cooplan.model.economy import Economy

NATURE = "nature"


@dataclass(frozen=True)
class Flow:
    """Value flowing from the coops of group ``source`` to those of group ``target``."""

    source: str
    target: str
    value: float


@dataclass(frozen=True)
class SankeyNode:
    """A drawn bar: its label, column (0 suppliers, 1 users) and box."""

    label: str
    column: int
    x: float
    y: float
    height: float
    value: float


@dataclass(frozen=True)
class SankeyLink:
    """A drawn band between two bars: an SVG path and its width."""

    source: str
    target: str
    value: float
    path: str
    width: float


@dataclass(frozen=True)
class Sankey:
    """Geometry of the flows diagram (SVG user units)."""

    width: float
    height: float
    nodes: tuple[SankeyNode, ...]
    links: tuple[SankeyLink, ...]
    unit: str
    note: str


def _groups(economy: Economy) -> dict[str, str]:
    return {
        str(c): (str(g) if g else "ungrouped")
        for c, g in zip(economy.coops["id"], economy.coops["group"], strict=True)
    }


def _valuation(engine: Mapping[str, Any]) -> tuple[dict[str, float], str]:
    values = engine.get("labour_values")
    if isinstance(values, Mapping) and values:
        return {str(k): float(v or 0.0) for k, v in values.items()}, "hours embodied"
    prices = engine.get("prices")
    if isinstance(prices, Mapping):
        return {str(k): float(v or 0.0) for k, v in prices.items()}, "shadow-price units"
    return {}, "units"


def group_flows(
    economy: Economy, plan: Mapping[str, Any], engine: Mapping[str, Any]
) -> tuple[list[Flow], str, str]:
    """Flows between groups, their unit, and a note on how suppliers were assigned."""
    group_of = _groups(economy)
    value, unit = _valuation(engine)
    totals: dict[tuple[str, str], float] = {}

    def add(source: str, target: str, amount: float) -> None:
        if amount > 0:
            totals[(source, target)] = totals.get((source, target), 0.0) + amount

    deliveries = plan.get("deliveries") or []
    if deliveries:
        note = "deliveries of the plan"
        for d in deliveries:
            source = group_of.get(str(d.get("from")), NATURE)
            target = group_of.get(str(d.get("to")))
            if target is None:
                continue  # final use and stock are not flows between groups
            add(source, target, float(d.get("quantity") or 0.0) * value.get(str(d["product"]), 0))
    else:
        note = "suppliers assigned in proportion to their output (the balance names none)"
        made: dict[str, dict[str, float]] = {}
        for coop, entry in plan.get("coops", {}).items():
            for product, quantity in entry.get("outputs", {}).items():
                made.setdefault(product, {})[group_of.get(coop, "ungrouped")] = made.setdefault(
                    product, {}
                ).get(group_of.get(coop, "ungrouped"), 0.0) + float(quantity)
        for coop, entry in plan.get("coops", {}).items():
            target = group_of.get(coop, "ungrouped")
            for product, quantity in entry.get("inputs", {}).items():
                producers = made.get(product)
                worth = float(quantity) * value.get(product, 0.0)
                if not producers:
                    add(NATURE, target, worth)
                    continue
                whole = sum(producers.values())
                for source, share in producers.items():
                    add(source, target, worth * share / whole)
    flows = [Flow(s, t, v) for (s, t), v in sorted(totals.items())]
    return flows, unit, note


def sankey(
    flows: list[Flow], unit: str, note: str, width: float = 640, height: float = 360
) -> Sankey:
    """Two columns of bars (suppliers left, users right) joined by bands of width ∝ value."""
    gap, bar = 12.0, 14.0
    sources = sorted({f.source for f in flows})
    targets = sorted({f.target for f in flows})
    out_total = {s: sum(f.value for f in flows if f.source == s) for s in sources}
    in_total = {t: sum(f.value for f in flows if f.target == t) for t in targets}
    grand = sum(f.value for f in flows)
    if grand <= 0:
        return Sankey(width, height, (), (), unit, note)
    rows = max(len(sources), len(targets))
    scale = (height - gap * (rows + 1)) / grand

    def place(labels: list[str], totals: dict[str, float], column: int) -> dict[str, SankeyNode]:
        placed, y = {}, gap
        x = 150.0 if column == 0 else width - 150.0 - bar
        for label in labels:
            h = max(totals[label] * scale, 1.0)
            placed[label] = SankeyNode(label, column, x, y, h, totals[label])
            y += h + gap
        return placed

    left, right = place(sources, out_total, 0), place(targets, in_total, 1)
    out_cursor = {s: left[s].y for s in sources}
    in_cursor = {t: right[t].y for t in targets}
    links = []
    for flow in sorted(flows, key=lambda f: (sources.index(f.source), targets.index(f.target))):
        w = max(flow.value * scale, 0.5)
        y0 = out_cursor[flow.source] + w / 2
        y1 = in_cursor[flow.target] + w / 2
        out_cursor[flow.source] += w
        in_cursor[flow.target] += w
        x0, x1 = left[flow.source].x + bar, right[flow.target].x
        mid = (x0 + x1) / 2
        path = f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        links.append(SankeyLink(flow.source, flow.target, flow.value, path, w))
    nodes = tuple(left.values()) + tuple(right.values())
    return Sankey(width, height, nodes, tuple(links), unit, note)


def alerts(plan: Mapping[str, Any], engine: Mapping[str, Any]) -> list[str]:
    """What needs attention in a plan: infeasibility, coops short of hours or capacity,
    resources used beyond their endowment."""
    found = []
    status = str(plan.get("status", ""))
    if status not in ("", "done", "optimal"):
        found.append(f"The plan is {status}: {plan.get('diagnosis') or 'see the run'}")
    for coop, entry in sorted(plan.get("coops", {}).items()):
        used, available = entry.get("labour_used", 0.0), entry.get("labour_available", 0.0)
        if available > 0 and used > available * (1 + 1e-9):
            found.append(f"{coop} needs {used:,.0f} hours but has {available:,.0f}.")
    for coop in engine.get("coops_over", []) or []:
        over = (engine.get("coops") or {}).get(coop, {}).get("over_capacity") or {}
        for process, amount in over.items():
            found.append(f"{coop}: process {process} exceeds its capacity by {amount:,.0f}.")
    for product, deficit in (engine.get("resource_deficits") or {}).items():
        found.append(f"Resource {product} is used {deficit:,.0f} beyond what is available.")
    return found
