"""The pool rule of the deliveries, one product at a time (docs/optimal.md, "Deliveries").

In each zone the supply of a product (local production and imports) is one pool; every use
of it (coops' inputs, the public, exports, surplus) is served by every supplier in
proportion to its share of the pool. Shipment circulations are cancelled first so that the
pools can be composed in topological order. :mod:`.deliveries` applies this to the products
shipped between regions and does all others with whole-array operations;
:func:`.deliveries.per_product_deliveries` applies it to every product, as the reference.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.result import Delivery

FloatArray = np.ndarray
IntArray = np.ndarray
NATURE, PUBLIC, SURPLUS = "nature", "public", "surplus"


def by_coop(snap: EconomySnapshot, matrix: sp.csc_matrix, activity: FloatArray) -> sp.csr_matrix:
    """Products × coops: Σ over each coop's processes of matrix[:, p] × activity[p]."""
    owner = sp.csr_matrix(
        (activity, (np.arange(snap.n_processes), snap.process_coop)),
        shape=(snap.n_processes, snap.n_coops),
    )
    result = (matrix @ owner).tocsr()
    result.sort_indices()
    return result


def cancel_circulations(flows: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
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


def product_deliveries(
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
