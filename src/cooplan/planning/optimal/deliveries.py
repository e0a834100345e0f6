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

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.delivery_pools import (
    NATURE,
    PUBLIC,
    SURPLUS,
    by_coop,
    cancel_circulations,
    product_deliveries,
)
from cooplan.planning.optimal.delivery_table import DeliveryTable
from cooplan.planning.optimal.result import Delivery

FloatArray = np.ndarray
IntArray = np.ndarray


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


def _public_entries(
    snap: EconomySnapshot, flows: PlanFlows, regional: bool
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Deliveries to the public with a positive quantity, in ``flows`` order: product, zone,
    region label (index into ``region_ids``, −1 for none) and quantity."""
    keep = flows.public_quantity > 0
    rows = np.asarray(flows.public_demand, dtype=np.int64)[keep]
    zone = np.asarray(flows.public_zone, dtype=np.int64)[keep]
    region = np.asarray(snap.demand_region, dtype=np.int64)[rows]
    fallback = zone if regional else np.full(zone.size, -1, dtype=np.int64)
    label = np.where(region >= 0, region, np.where(zone >= 0, fallback, -1))
    product = np.asarray(snap.demand_product, dtype=np.int64)[rows]
    return product, zone, label, np.asarray(flows.public_quantity, dtype=np.float64)[keep]


def _entries(matrix: sp.csr_matrix) -> tuple[IntArray, IntArray, FloatArray]:
    """(row, column, value) of every stored entry, rows in order, columns sorted."""
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return rows, matrix.indices.astype(np.int64), matrix.data.astype(np.float64)


def _index_type(size: int) -> type[np.signedinteger[Any]]:
    """The narrowest of int32 and int64 that indexes ``size`` items."""
    return np.int32 if size < 2**31 else np.int64


def _expand(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For groups ``[starts[g], starts[g] + counts[g])``: (group of each member, position)."""
    total = int(counts.sum())
    index = _index_type(max(total, counts.size, int(starts.max(initial=0)) + 1))
    group = np.repeat(np.arange(counts.size, dtype=index), counts)
    offsets = (np.cumsum(counts) - counts).astype(index)
    position = np.arange(total, dtype=index)
    position -= offsets[group]
    position += starts.astype(index)[group]
    return group, position


_PAIRS_PER_BLOCK = 1 << 20
"""Supplier-use pairs formed at once in :func:`_served` (bounds its working memory)."""


def _served(
    maker_key: IntArray,
    share: FloatArray,
    threshold: FloatArray,
    use_key: IntArray,
    use_quantity: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (supplier, use) pair of the same product and zone: the supplier's index, the
    use's index and ``share × quantity``, pairs at or below the pool's threshold left out.
    For each supplier its uses come in their given order. Suppliers are taken in blocks of
    about ``_PAIRS_PER_BLOCK`` pairs, so the working memory does not grow with the plan."""
    order = np.argsort(use_key, kind="stable").astype(_index_type(use_key.size))
    sorted_keys = use_key[order]
    starts = np.searchsorted(sorted_keys, maker_key)
    counts = np.searchsorted(sorted_keys, maker_key, side="right") - starts
    del sorted_keys
    ends = np.cumsum(counts)
    found: list[tuple[IntArray, IntArray, FloatArray]] = []
    first = 0
    while first < maker_key.size:
        done = int(ends[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + _PAIRS_PER_BLOCK, side="right")))
        last = min(last, maker_key.size)
        group, position = _expand(starts[first:last], counts[first:last])
        maker = group.astype(_index_type(maker_key.size)) + first
        use = order[position]
        del group, position
        quantity = share[maker] * use_quantity[use]
        keep = quantity > threshold[maker_key[maker]]
        found.append((maker[keep], use[keep], quantity[keep]))
        first = last
    if not found:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int32), np.empty(0)
    if len(found) == 1:
        return found[0]
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


class _Rows:
    """Deliveries being collected as arrays, each part with the key that puts it in order.

    The order is product, zone, supplier (nature first), then the kind of use (coops,
    public, surplus); rows with equal keys keep the order in which they were added, so
    every part is added already in order within each key (users by coop, public
    deliveries by demand row). One stable sort of one integer key then merges the parts.
    """

    def __init__(self, snap: EconomySnapshot, zones: int):
        self.snap = snap
        self.zones = zones
        self.parts: list[dict[str, IntArray | FloatArray]] = []

    def add(
        self, *, zone: IntArray, supplier: IntArray, kind: int, **columns: IntArray | FloatArray
    ) -> None:
        """Add deliveries; ``supplier`` −1 for nature, ``kind`` 0 coops, 1 public, 2 surplus."""
        # ((product × zones + zone) × (coops + 1) + supplier + 1) × 3 + kind, in place
        key = np.array(columns["product"], dtype=np.int64)
        key *= self.zones
        key += zone
        key *= self.snap.n_coops + 1
        key += supplier
        key += 1
        key *= 3
        key += kind
        part: dict[str, IntArray | FloatArray] = {"key": key}
        for name, values in columns.items():
            dtype = np.float64 if name == "quantity" else np.int32  # as the table holds them
            part[name] = np.asarray(values, dtype=dtype)
        self.parts.append(part)

    def table(self) -> DeliveryTable:
        """The deliveries in order, as a DeliveryTable (the parts are used up)."""
        snap = self.snap
        names = ("product", "source", "target", "region", "source_region", "quantity")
        if not self.parts:
            empty = {name: np.empty(0) for name in names}
            return DeliveryTable(snap.product_ids, _parties(snap), snap.region_ids, empty)
        key = np.concatenate([part.pop("key") for part in self.parts])
        order = np.argsort(key, kind="stable")
        del key
        columns = {}
        for name in names:  # each column joined, put in order, and its parts let go
            joined = np.concatenate([part.pop(name) for part in self.parts])
            columns[name] = joined[order]
            del joined
        self.parts = []
        return DeliveryTable(snap.product_ids, _parties(snap), snap.region_ids, columns)


def _parties(snap: EconomySnapshot) -> list[str]:
    """Names a delivery's source or target can take: coops, then nature, public, surplus."""
    return [*snap.coop_ids, NATURE, PUBLIC, SURPLUS]


def plan_deliveries(snap: EconomySnapshot, flows: PlanFlows, regional: bool) -> DeliveryTable:
    """Every delivery of the plan, in a deterministic order (product, zone, supplier).

    ``regional``: zones are the snapshot's regions (shipments between them in ``flows``);
    otherwise the whole federation is one zone. Products without shipments (all of them
    outside regional mode) are done with whole-array operations; a product shipped between
    regions goes through the pool composition of ``delivery_pools.product_deliveries``.
    """
    activity = np.maximum(flows.activity, 0.0)
    made = by_coop(snap, snap.B, activity)
    used = by_coop(snap, snap.A, activity)
    coop_zone = snap.coop_region if regional else np.zeros(snap.n_coops, dtype=np.int64)
    public = _public_entries(snap, flows, regional)
    shipped: dict[int, dict[tuple[int, int], float]] = defaultdict(dict)
    for product, origin, destination, quantity in zip(
        flows.ship_product, flows.ship_from, flows.ship_to, flows.ship_quantity, strict=True
    ):
        if quantity > 0:
            edge = (int(origin), int(destination))
            shipped[int(product)][edge] = shipped[int(product)].get(edge, 0.0) + float(quantity)
    circulating = {product: cancel_circulations(edges) for product, edges in shipped.items()}
    pooled = np.zeros(snap.n_products, dtype=bool)
    for product, edges in circulating.items():
        pooled[product] = bool(edges) and not snap.is_resource[product]

    rows = _Rows(snap, snap.n_regions if regional else 1)
    _resource_rows(snap, rows, used, public)
    local = ~pooled & ~np.asarray(snap.is_resource, dtype=bool)
    _local_rows(snap, rows, regional, (made, used), public, coop_zone, local)
    for product in np.flatnonzero(pooled).tolist():
        _pooled_rows(snap, rows, regional, product, (made, used), public, circulating, coop_zone)
    return rows.table()


def _resource_rows(
    snap: EconomySnapshot,
    rows: _Rows,
    used: sp.csr_matrix,
    public: tuple[IntArray, IntArray, IntArray, FloatArray],
) -> None:
    """Natural resources come from nature: to each coop that uses them, then to the public."""
    resource = np.asarray(snap.is_resource, dtype=bool)
    product, coop, quantity = _entries(used)
    take = resource[product] & (quantity > 0)
    product, coop, quantity = product[take], coop[take], quantity[take]
    nature = np.full(product.size, snap.n_coops, dtype=np.int64)
    rows.add(
        product=product,
        source=nature,
        target=coop,
        region=np.asarray(snap.coop_region, dtype=np.int64)[coop],
        source_region=np.full(product.size, -1, dtype=np.int64),
        quantity=quantity,
        zone=np.zeros(product.size, dtype=np.int64),
        supplier=np.full(product.size, -1, dtype=np.int64),
        kind=0,
    )
    p_product, _, p_label, p_quantity = public
    take = resource[p_product]
    count = int(take.sum())
    rows.add(
        product=p_product[take],
        source=np.full(count, snap.n_coops, dtype=np.int64),
        target=np.full(count, snap.n_coops + 1, dtype=np.int64),
        region=p_label[take],
        source_region=np.full(count, -1, dtype=np.int64),
        quantity=p_quantity[take],
        zone=np.zeros(count, dtype=np.int64),
        supplier=np.full(count, -1, dtype=np.int64),
        kind=1,
    )


def _local_rows(
    snap: EconomySnapshot,
    rows: _Rows,
    regional: bool,
    matrices: tuple[sp.csr_matrix, sp.csr_matrix],
    public: tuple[IntArray, IntArray, IntArray, FloatArray],
    coop_zone: IntArray,
    local: np.ndarray,
) -> None:
    """Products made and used within each zone (no shipments), all at once.

    The pool of a product in a zone is what the zone's coops make; if the zone needs more
    (its coops' inputs plus the public's demand), every supplier's part is scaled up to it.
    Each supplier serves every use in proportion to its share of the pool; what is left
    is surplus. The arithmetic is that of ``delivery_pools.product_deliveries``, operation
    for operation, so both give the same numbers to the bit.
    """
    made, used = matrices
    zones = snap.n_regions if regional else 1
    coop_region = np.asarray(snap.coop_region, dtype=np.int64)
    m_product, m_coop, mass = _entries(made)
    take = local[m_product] & (mass > 0)
    m_product, m_coop, mass = m_product[take], m_coop[take], mass[take]
    m_zone = coop_zone[m_coop]
    m_key = m_product * zones + m_zone
    size = snap.n_products * zones
    pool = np.bincount(m_key, weights=mass, minlength=size)

    u_product, u_coop, u_quantity = _entries(used)
    take = local[u_product]
    u_product, u_coop, u_quantity = u_product[take], u_coop[take], u_quantity[take]
    u_key = u_product * zones + coop_zone[u_coop]
    use = np.bincount(u_key, weights=np.maximum(u_quantity, 0.0), minlength=size)

    p_product, p_zone, p_label, p_quantity = public
    take = local[p_product]
    p_key = p_product[take] * zones + np.mod(p_zone[take], zones)  # −1: last zone, as a list index
    p_label, p_quantity = p_label[take], p_quantity[take]
    demand = np.bincount(p_key, weights=p_quantity, minlength=size)

    needed = demand + use
    scale = (needed > pool) & (pool > 0)
    factor = np.where(scale, needed / np.where(pool > 0, pool, 1.0), 1.0)
    mass = np.where(scale[m_key], mass * factor[m_key], mass)
    pool = np.where(scale, needed, pool)
    surplus = np.maximum(pool - demand - use, 0.0)
    threshold = 1e-12 * pool
    share = mass / pool[m_key]
    # What the deliveries keep, narrowed once to the table's int32 (see _Rows.add).
    m_product, m_coop, m_zone = (a.astype(np.int32) for a in (m_product, m_coop, m_zone))
    u_coop = u_coop.astype(np.int32)
    coop_region = coop_region.astype(np.int32)
    source_region = coop_region[m_coop]

    def common(maker: IntArray, kind: int) -> dict[str, Any]:
        return {
            "product": m_product[maker],
            "source": m_coop[maker],
            "source_region": source_region[maker],
            "zone": m_zone[maker],
            "supplier": m_coop[maker],
            "kind": kind,
        }

    # Each supplier to each coop of its zone that uses the product (users in coop order).
    maker, user, quantity = _served(m_key, share, threshold, u_key, u_quantity)
    region = m_zone[maker] if regional else coop_region[u_coop[user]]
    rows.add(
        **common(maker, 0),
        target=u_coop[user],
        region=region,
        quantity=quantity,
    )
    # Each supplier to the public of its zone (demand rows in their order).
    maker, entry, quantity = _served(m_key, share, threshold, p_key, p_quantity)
    rows.add(
        **common(maker, 1),
        target=np.full(maker.size, snap.n_coops + 1, dtype=np.int32),
        region=p_label[entry],
        quantity=quantity,
    )
    # What each supplier made beyond every use stays in stock.
    quantity = share * surplus[m_key]
    maker = np.flatnonzero(quantity > threshold[m_key])
    rows.add(
        **common(maker, 2),
        target=np.full(maker.size, snap.n_coops + 2, dtype=np.int32),
        region=m_zone[maker] if regional else source_region[maker],
        quantity=quantity[maker],
    )


def _pooled_rows(
    snap: EconomySnapshot,
    rows: _Rows,
    regional: bool,
    product: int,
    matrices: tuple[sp.csr_matrix, sp.csr_matrix],
    public: tuple[IntArray, IntArray, IntArray, FloatArray],
    circulating: dict[int, dict[tuple[int, int], float]],
    coop_zone: IntArray,
) -> None:
    """A product shipped between regions: pools composed in topological order."""
    made, used = matrices
    p_product, p_zone, p_label, p_quantity = public
    regions = snap.region_ids
    mine = np.flatnonzero(p_product == product)
    entries = [
        (int(p_zone[k]), None if p_label[k] < 0 else regions[int(p_label[k])], float(p_quantity[k]))
        for k in mine.tolist()
    ]
    found = product_deliveries(
        snap,
        regional,
        product,
        (
            made.indices[made.indptr[product] : made.indptr[product + 1]],
            made.data[made.indptr[product] : made.indptr[product + 1]],
        ),
        (
            used.indices[used.indptr[product] : used.indptr[product + 1]],
            used.data[used.indptr[product] : used.indptr[product + 1]],
        ),
        entries,
        circulating[product],
        coop_zone,
    )
    party = {name: i for i, name in enumerate(_parties(snap))}
    region = {name: i for i, name in enumerate(regions)}

    def region_index(name: str | None) -> int:
        return -1 if name is None else region[name]

    count = len(found)
    rows.add(
        product=np.full(count, product, dtype=np.int64),
        source=np.array([party[d.source] for d in found], dtype=np.int64),
        target=np.array([party[d.target] for d in found], dtype=np.int64),
        region=np.array([region_index(d.region) for d in found], dtype=np.int64),
        source_region=np.array([region_index(d.source_region) for d in found], dtype=np.int64),
        quantity=np.array([d.quantity for d in found], dtype=np.float64),
        zone=np.zeros(count, dtype=np.int64),
        supplier=np.full(count, -1, dtype=np.int64),
        kind=0,
    )


def per_product_deliveries(
    snap: EconomySnapshot, flows: PlanFlows, regional: bool
) -> tuple[Delivery, ...]:
    """The same deliveries as :func:`plan_deliveries`, one product at a time in Python.

    The rule written out plainly, kept as the reference that the array version is tested
    and benchmarked against (``benchmarks/bench_deliveries.py``); slow for big plans.
    """
    activity = np.maximum(flows.activity, 0.0)
    made = by_coop(snap, snap.B, activity)
    used = by_coop(snap, snap.A, activity)
    coop_zone = snap.coop_region if regional else np.zeros(snap.n_coops, dtype=np.int64)
    regions = snap.region_ids
    public: dict[int, list[tuple[int, str | None, float]]] = defaultdict(list)
    for k, zone, quantity in zip(
        flows.public_demand, flows.public_zone, flows.public_quantity, strict=True
    ):
        if quantity <= 0:
            continue
        region = int(snap.demand_region[k])
        if region >= 0:
            label: str | None = regions[region]
        elif zone >= 0:
            label = regions[int(zone)] if regional else None
        else:
            label = None
        public[int(snap.demand_product[k])].append((int(zone), label, float(quantity)))
    shipped: dict[int, dict[tuple[int, int], float]] = defaultdict(dict)
    for product, origin, destination, quantity in zip(
        flows.ship_product, flows.ship_from, flows.ship_to, flows.ship_quantity, strict=True
    ):
        if quantity > 0:
            edge = (int(origin), int(destination))
            shipped[int(product)][edge] = shipped[int(product)].get(edge, 0.0) + float(quantity)
    out: list[Delivery] = []
    for product in range(snap.n_products):
        users = used.indices[used.indptr[product] : used.indptr[product + 1]]
        uses = used.data[used.indptr[product] : used.indptr[product + 1]]
        name = snap.product_ids[product]
        if snap.is_resource[product]:
            for coop, quantity in zip(users, uses, strict=True):
                if quantity > 0:
                    where = regions[snap.coop_region[coop]]
                    out.append(Delivery(name, NATURE, snap.coop_ids[coop], where, None, quantity))
            for _, label, quantity in public.get(product, []):
                out.append(Delivery(name, NATURE, PUBLIC, label, None, quantity))
            continue
        makers = made.indices[made.indptr[product] : made.indptr[product + 1]]
        amounts = made.data[made.indptr[product] : made.indptr[product + 1]]
        out += product_deliveries(
            snap,
            regional,
            product,
            (makers, amounts),
            (users, uses),
            public.get(product, []),
            cancel_circulations(shipped.get(product, {})),
            coop_zone,
        )
    return tuple(out)
