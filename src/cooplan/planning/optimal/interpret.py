"""Read an LP solution back into economic terms: flows, valuations, labour use, relocations.

Valuations follow one convention for every objective: the improvement of the objective per
unit of a constraint relaxed, hence ≥ 0 at an optimum. In the minimisation form the solver
sees, that is π for a balance row (≥) and −π for a limit row (≤); a capacity's value is the
negated reduced cost of its process, max(0, −ρ_p). For maximising objectives (fulfilment,
harmony) a product's price is the objective gained per extra unit available; for minimising
ones (min-labour, min-cost) it is the labour (or cost) of delivering one more unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.deliveries import PlanFlows
from cooplan.planning.optimal.formulation import LinearProgram
from cooplan.planning.optimal.result import LabourUse, Relocation, Shipment

FloatArray = np.ndarray


@dataclass(frozen=True)
class Valuations:
    """Dual values in economic terms (see the module docstring for signs and units)."""

    prices: dict[str, float]
    regional_prices: dict[str, dict[str, float]]
    labour_prices: dict[str, float]
    resource_prices: dict[str, float]
    capacity_prices: dict[str, float]
    transport_prices: dict[str, float]


def link_name(snap: EconomySnapshot, link: int) -> str:
    """Readable id of a transport link: ``from->to`` or ``from->to:product``."""
    name = f"{snap.region_ids[snap.link_from[link]]}->{snap.region_ids[snap.link_to[link]]}"
    if snap.link_product[link] >= 0:
        name += f":{snap.product_ids[snap.link_product[link]]}"
    return name


def demand_delivered(lp: LinearProgram, x: FloatArray) -> FloatArray:
    """D_k, what each demand row delivers to the public (short: minus the shortfall)."""
    layout = lp.layout
    delivered = layout.demand_constant.copy()
    if lp.columns["lam"].stop > lp.columns["lam"].start:
        delivered += layout.demand_lambda * x[lp.columns["lam"]][0]
    if lp.columns["y"].stop > lp.columns["y"].start:
        delivered += x[lp.columns["y"]]
    if lp.columns["short"].stop > lp.columns["short"].start:
        delivered -= x[lp.columns["short"]]
    return np.maximum(delivered, 0.0)


def plan_flows(snap: EconomySnapshot, lp: LinearProgram, x: FloatArray) -> PlanFlows:
    """The physical plan behind the LP vector ``x``."""
    layout = lp.layout
    delivered = demand_delivered(lp, x)
    demand, zone, quantity = [], [], []
    allocation = x[lp.columns["q"]].reshape(len(layout.floating_demand), layout.n_zones)
    floating_row = {int(k): i for i, k in enumerate(layout.floating_demand)}
    for k in range(len(delivered)):
        if k in floating_row:
            for z in range(layout.n_zones):
                demand.append(k)
                zone.append(z)
                quantity.append(max(float(allocation[floating_row[k], z]), 0.0))
        else:
            demand.append(k)
            zone.append(int(layout.demand_zone[k]))
            quantity.append(float(delivered[k]))
    shipped = np.maximum(x[lp.columns["z"]], 0.0)
    return PlanFlows(
        activity=np.maximum(x[lp.columns["x"]], 0.0),
        public_demand=np.asarray(demand, dtype=np.int64),
        public_zone=np.asarray(zone, dtype=np.int64),
        public_quantity=np.asarray(quantity, dtype=float),
        ship_product=layout.ship_product,
        ship_from=snap.link_from[layout.ship_link],
        ship_to=snap.link_to[layout.ship_link],
        ship_quantity=shipped,
    )


def shipments(snap: EconomySnapshot, lp: LinearProgram, x: FloatArray) -> tuple[Shipment, ...]:
    """Positive shipments, in link then product order, with their transport cost."""
    layout = lp.layout
    shipped = x[lp.columns["z"]]
    out = []
    for link, product, quantity in zip(layout.ship_link, layout.ship_product, shipped, strict=True):
        if quantity > 1e-12:
            out.append(
                Shipment(
                    product=snap.product_ids[product],
                    origin=snap.region_ids[snap.link_from[link]],
                    destination=snap.region_ids[snap.link_to[link]],
                    quantity=float(quantity),
                    cost=float(quantity * snap.link_cost[link]),
                )
            )
    return tuple(out)


def valuations(
    snap: EconomySnapshot, lp: LinearProgram, x: FloatArray, row_dual: FloatArray
) -> Valuations:
    """Prices of products, coops' hours, resources, capacities and transport links."""
    layout = lp.layout
    balance = row_dual[lp.rows["balance"]].reshape(layout.n_zones, len(layout.balance_products))
    demand_by_zone = np.zeros((layout.n_zones, snap.n_products))
    for k in range(len(snap.demand_product)):
        zone = int(layout.demand_zone[k])
        if zone >= 0:
            demand_by_zone[zone, snap.demand_product[k]] += snap.demand_quantity[k]
    prices: dict[str, float] = {}
    regional: dict[str, dict[str, float]] = {}
    for j, product in enumerate(layout.balance_products):
        name = snap.product_ids[product]
        column = balance[:, j]
        weights = demand_by_zone[:, product]
        mean = (
            float(column @ weights / weights.sum()) if weights.sum() > 0 else float(column.mean())
        )
        prices[name] = mean
        if layout.regional:
            regional[name] = {snap.region_ids[z]: float(column[z]) for z in range(layout.n_zones)}
    resource_dual = -row_dual[lp.rows["resource"]]
    resource_prices = {snap.product_ids[i]: 0.0 for i in np.flatnonzero(snap.is_resource)}
    for i, value in zip(layout.resource_products, resource_dual, strict=True):
        resource_prices[snap.product_ids[i]] = float(value)
    labour = -row_dual[lp.rows["labour"]]
    reduced = lp.cost - lp.matrix.T @ row_dual
    capacity = np.maximum(-reduced[lp.columns["x"]], 0.0)
    capped = np.flatnonzero(np.isfinite(snap.process_capacity))
    link_dual = -row_dual[lp.rows["link"]]
    return Valuations(
        prices=prices,
        regional_prices=regional,
        labour_prices={c: float(v) for c, v in zip(snap.coop_ids, labour, strict=True)},
        resource_prices=resource_prices,
        capacity_prices={snap.process_ids[p]: float(capacity[p]) for p in capped},
        transport_prices={
            link_name(snap, int(link)): float(v)
            for link, v in zip(layout.capacity_links, link_dual, strict=True)
        },
    )


def labour_use(
    snap: EconomySnapshot, lp: LinearProgram, x: FloatArray
) -> tuple[dict[str, LabourUse], tuple[Relocation, ...]]:
    """Hours used per coop, and the loans of hours between coops of one group.

    Loans are netted per coop (lent − borrowed) and matched inside each group by the
    north-west corner rule over coops in table order: deterministic, at most one fewer loan
    than coops involved.
    """
    layout = lp.layout
    activity = x[lp.columns["x"]]
    used = np.bincount(
        snap.process_coop, weights=snap.process_labour * activity, minlength=snap.n_coops
    )
    net = np.zeros(snap.n_coops)
    net[layout.mobile_coops] = x[lp.columns["lend"]] - x[lp.columns["borrow"]]
    lent, borrowed = np.maximum(net, 0.0), np.maximum(-net, 0.0)
    use = {
        snap.coop_ids[c]: LabourUse(
            used=float(used[c]),
            available=float(snap.coop_hours[c]),
            lent=float(lent[c]),
            borrowed=float(borrowed[c]),
        )
        for c in range(snap.n_coops)
    }
    relocations: list[Relocation] = []
    for group in np.unique(layout.mobility_groups):
        members = layout.mobile_coops[layout.mobility_groups == group]
        lenders = [[int(c), lent[c]] for c in members if lent[c] > 1e-9]
        takers = [[int(c), borrowed[c]] for c in members if borrowed[c] > 1e-9]
        i = j = 0
        while i < len(lenders) and j < len(takers):
            hours = min(lenders[i][1], takers[j][1])
            if hours > 1e-9:
                relocations.append(
                    Relocation(
                        snap.coop_ids[lenders[i][0]], snap.coop_ids[takers[j][0]], float(hours)
                    )
                )
            lenders[i][1] -= hours
            takers[j][1] -= hours
            if lenders[i][1] <= 1e-9:
                i += 1
            if takers[j][1] <= 1e-9:
                j += 1
    return use, tuple(relocations)
