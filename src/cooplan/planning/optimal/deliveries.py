"""Turn a plan by product into deliveries from coop to coop and to the public.

Rule (deterministic; ``docs/optimal.md``): in each zone (a region in regional mode, the whole
federation otherwise) the supply of a product is one pool made of local production and of
imports. Every use of the pool — each coop's inputs, the public's final demand, exports to
other regions, and what is left over (surplus, kept in stock) — is served by every supplier
in proportion to its share of the pool. Imports carry the composition of the pool they left,
so a delivery across regions names the coop that made the goods. Shipment circulations
(flows round a cycle of regions, which change nothing) are cancelled first, so the pools can
be composed in topological order.

Consequences, each checked by the tests: what a coop sends adds up to its gross output; each
coop receives exactly its inputs; the public of each region receives its final demand.
Natural resources come from ``"nature"``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.result import Delivery

FloatArray = np.ndarray
IntArray = np.ndarray
NATURE, PUBLIC, SURPLUS = "nature", "public", "surplus"


@dataclass(frozen=True, eq=False)
class PlanFlows:
    """The physical plan: activity, public deliveries and shipments (units per period).

    ``public_demand``/``public_zone``/``public_quantity``: demand row, zone and quantity of
    each delivery to the public; ``ship_*``: product, origin and destination zone, quantity.
    """

    activity: FloatArray
    public_demand: IntArray
    public_zone: IntArray
    public_quantity: FloatArray
    ship_product: IntArray
    ship_from: IntArray
    ship_to: IntArray
    ship_quantity: FloatArray


def _by_coop(snap: EconomySnapshot, matrix: sp.csc_matrix, activity: FloatArray) -> sp.csr_matrix:
    """Products × coops: Σ over each coop's processes of matrix[:, p] × activity[p]."""
    owner = sp.csr_matrix(
        (activity, (np.arange(snap.n_processes), snap.process_coop)),
        shape=(snap.n_processes, snap.n_coops),
    )
    result = (matrix @ owner).tocsr()
    result.sort_indices()
    return result


def _cancel_circulations(flows: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Remove flow round cycles (repeatedly subtract the smallest flow on a found cycle)."""
    flows = {edge: q for edge, q in flows.items() if q > 0}
    while True:
        cycle = _find_cycle(flows)
        if cycle is None:
            return flows
        least = min(flows[edge] for edge in cycle)
        for edge in cycle:
            flows[edge] -= least
            if flows[edge] <= 0:
                del flows[edge]


def _find_cycle(flows: dict[tuple[int, int], float]) -> list[tuple[int, int]] | None:
    successors: dict[int, list[int]] = defaultdict(list)
    for origin, destination in sorted(flows):
        successors[origin].append(destination)
    state: dict[int, int] = {}
    for start in sorted(successors):
        if state.get(start):
            continue
        path: list[int] = [start]
        iterators = [iter(successors[start])]
        state[start] = 1
        while iterators:
            following = next(iterators[-1], None)
            if following is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(following) == 1:
                nodes = [*path[path.index(following) :], following]
                return list(itertools.pairwise(nodes))
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                iterators.append(iter(successors[following]))
    return None


def _topological(zones: int, flows: dict[tuple[int, int], float]) -> list[int]:
    indegree = [0] * zones
    for _, destination in flows:
        indegree[destination] += 1
    ready = [z for z in range(zones) if indegree[z] == 0]
    order: list[int] = []
    while ready:
        zone = ready.pop(0)
        order.append(zone)
        for origin, destination in sorted(flows):
            if origin == zone:
                indegree[destination] -= 1
                if indegree[destination] == 0:
                    ready.append(destination)
    return order


def plan_deliveries(
    snap: EconomySnapshot, flows: PlanFlows, regional: bool
) -> tuple[Delivery, ...]:
    """Every delivery of the plan, in a deterministic order (product, zone, supplier).

    ``regional``: zones are the snapshot's regions (shipments between them in ``flows``);
    otherwise the whole federation is one zone.
    """
    activity = np.maximum(flows.activity, 0.0)
    made = _by_coop(snap, snap.B, activity)
    used = _by_coop(snap, snap.A, activity)
    coop_zone = snap.coop_region if regional else np.zeros(snap.n_coops, dtype=np.int64)
    regions = snap.region_ids

    def region_of_zone(zone: int) -> str | None:
        return regions[zone] if regional else None

    public: dict[int, list[tuple[int, str | None, float]]] = defaultdict(list)
    for k, zone, quantity in zip(
        flows.public_demand, flows.public_zone, flows.public_quantity, strict=True
    ):
        if quantity <= 0:
            continue
        region = int(snap.demand_region[k])
        if region >= 0:
            label: str | None = regions[region]
        else:
            label = region_of_zone(int(zone)) if zone >= 0 else None
        public[int(snap.demand_product[k])].append((int(zone), label, float(quantity)))
    shipped: dict[int, dict[tuple[int, int], float]] = defaultdict(dict)
    for product, origin, destination, quantity in zip(
        flows.ship_product, flows.ship_from, flows.ship_to, flows.ship_quantity, strict=True
    ):
        if quantity > 0:
            edge = (int(origin), int(destination))
            shipped[int(product)][edge] = shipped[int(product)].get(edge, 0.0) + float(quantity)

    deliveries: list[Delivery] = []
    for product in range(snap.n_products):
        users = used.indices[used.indptr[product] : used.indptr[product + 1]]
        uses = used.data[used.indptr[product] : used.indptr[product + 1]]
        if snap.is_resource[product]:
            name = snap.product_ids[product]
            for coop, quantity in zip(users, uses, strict=True):
                if quantity > 0:
                    region = regions[snap.coop_region[coop]]
                    deliveries.append(
                        Delivery(name, NATURE, snap.coop_ids[coop], region, None, float(quantity))
                    )
            for _, label, quantity in public.get(product, []):
                deliveries.append(Delivery(name, NATURE, PUBLIC, label, None, quantity))
            continue
        makers = made.indices[made.indptr[product] : made.indptr[product + 1]]
        amounts = made.data[made.indptr[product] : made.indptr[product + 1]]
        if len(makers) == 0 and len(users) == 0 and product not in public:
            continue
        deliveries += _product_deliveries(
            snap,
            regional,
            product,
            (makers, amounts),
            (users, uses),
            public.get(product, []),
            _cancel_circulations(shipped.get(product, {})),
            coop_zone,
        )
    return tuple(deliveries)


def _product_deliveries(
    snap: EconomySnapshot,
    regional: bool,
    product: int,
    making: tuple[IntArray, FloatArray],
    using: tuple[IntArray, FloatArray],
    public: list[tuple[int, str | None, float]],
    shipments: dict[tuple[int, int], float],
    coop_zone: IntArray,
) -> list[Delivery]:
    name = snap.product_ids[product]
    zones = snap.n_regions if regional else 1
    regions = snap.region_ids
    composition: list[dict[int, float]] = [{} for _ in range(zones)]
    pool = np.zeros(zones)
    for coop, amount in zip(*making, strict=True):
        if amount > 0:
            zone = int(coop_zone[coop])
            composition[zone][int(coop)] = composition[zone].get(int(coop), 0.0) + float(amount)
            pool[zone] += amount
    exports = np.zeros(zones)
    for (origin, _), quantity in shipments.items():
        exports[origin] += quantity
    demand_in_zone = np.zeros(zones)
    for zone, _, quantity in public:
        demand_in_zone[zone] += quantity
    use_in_zone = np.zeros(zones)
    for coop, quantity in zip(*using, strict=True):
        use_in_zone[coop_zone[coop]] += max(float(quantity), 0.0)

    for zone in _topological(zones, shipments):
        for (origin, destination), quantity in sorted(shipments.items()):
            if destination != zone or pool[origin] <= 0:
                continue
            for coop, mass in composition[origin].items():
                share = quantity * mass / pool[origin]
                composition[zone][coop] = composition[zone].get(coop, 0.0) + share
            pool[zone] += quantity
        needed = exports[zone] + demand_in_zone[zone] + use_in_zone[zone]
        if needed > pool[zone] > 0:
            factor = needed / pool[zone]
            composition[zone] = {c: mass * factor for c, mass in composition[zone].items()}
            pool[zone] = needed

    out: list[Delivery] = []
    for zone in range(zones):
        if pool[zone] <= 0:
            continue
        suppliers = sorted(composition[zone].items())
        region = regions[zone] if regional else None
        surplus = max(pool[zone] - exports[zone] - demand_in_zone[zone] - use_in_zone[zone], 0.0)
        threshold = 1e-12 * pool[zone]
        for coop, mass in suppliers:
            share = mass / pool[zone]
            source = snap.coop_ids[coop]
            source_region = regions[snap.coop_region[coop]]
            for user, quantity in zip(*using, strict=True):
                if coop_zone[user] != zone or share * quantity <= threshold:
                    continue
                where = region if regional else regions[snap.coop_region[user]]
                out.append(
                    Delivery(
                        name, source, snap.coop_ids[user], where, source_region, share * quantity
                    )
                )
            for public_zone, label, quantity in public:
                if public_zone == zone and share * quantity > threshold:
                    out.append(
                        Delivery(name, source, PUBLIC, label, source_region, share * quantity)
                    )
            if share * surplus > threshold:
                where = region if regional else source_region
                out.append(Delivery(name, source, SURPLUS, where, source_region, share * surplus))
    return out
