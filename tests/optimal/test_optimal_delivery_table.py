"""Deliveries built with whole-array operations equal the per-product pool rule exactly."""

from __future__ import annotations

import pickle
from unittest import mock

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal import deliveries
from cooplan.planning.optimal.deliveries import (
    NATURE,
    PUBLIC,
    PlanFlows,
    per_product_deliveries,
    plan_deliveries,
)
from cooplan.planning.optimal.delivery_table import DeliveryTable
from cooplan.planning.optimal.result import Delivery
from cooplan.synthetic import synthetic_economy

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_flows(snap: EconomySnapshot, seed: int, regional: bool) -> PlanFlows:
    """Any activity (some processes idle), public deliveries and shipments (cycles too):
    pools may fall short of their uses, which the rule scales up."""
    rng = np.random.default_rng(seed)
    activity = rng.random(snap.n_processes) * rng.integers(0, 2, snap.n_processes)
    rows = np.arange(snap.demand_product.size)
    zones = snap.n_regions if regional else 1
    zone = rng.integers(0, zones, rows.size)
    resource = snap.is_resource[snap.demand_product]
    zone[resource] = -2
    quantity = rng.random(rows.size) * rng.integers(0, 2, rows.size) * 5.0
    links = rng.integers(0, 3 * snap.n_products, 0 if not regional else 12)
    ship_product = np.where(snap.is_resource, -1, np.arange(snap.n_products))
    goods = ship_product[ship_product >= 0]
    products = goods[links % goods.size] if goods.size else links
    origin = rng.integers(0, zones, links.size)
    destination = (origin + rng.integers(1, max(zones, 2), links.size)) % max(zones, 1)
    return PlanFlows(
        activity=activity,
        public_demand=rows,
        public_zone=zone,
        public_quantity=quantity,
        ship_product=products.astype(np.int64),
        ship_from=origin.astype(np.int64),
        ship_to=destination.astype(np.int64),
        ship_quantity=rng.random(links.size) * 2.0,
    )


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    regions=st.sampled_from([1, 3]),
    n=st.integers(6, 30),
    resources=st.integers(0, 2),
    block=st.sampled_from([1, 2, 7, 1 << 20]),
)
def test_array_deliveries_equal_the_per_product_rule(
    seed: int, regions: int, n: int, resources: int, block: int
) -> None:
    economy = synthetic_economy(
        n,
        2,
        3,
        n_coops=max(regions, n // 3),
        n_resources=resources,
        regions=regions,
        seed=seed % 1000,
    )
    snap = economy.snapshot()
    regional = regions > 1
    flows = random_flows(snap, seed, regional)
    with mock.patch.object(deliveries, "_PAIRS_PER_BLOCK", block):  # suppliers in blocks
        table = plan_deliveries(snap, flows, regional)
    reference = per_product_deliveries(snap, flows, regional)
    assert isinstance(table, DeliveryTable)
    assert table == reference  # same deliveries, same order, same quantities to the bit
    assert tuple(table) == reference


def test_the_table_reads_like_a_tuple() -> None:
    deliveries = [
        Delivery("steel", "ulma", "fagor", "basque", "basque", 2.5),
        Delivery("ore", NATURE, "ulma", "basque", None, 1.0),
        Delivery("steel", "ulma", PUBLIC, None, "basque", 0.5),
    ]
    table = DeliveryTable(
        ["ore", "steel"],
        ["fagor", "ulma", NATURE, PUBLIC, "surplus"],
        ["basque"],
        {
            "product": np.array([1, 0, 1]),
            "source": np.array([1, 2, 1]),
            "target": np.array([0, 1, 3]),
            "region": np.array([0, 0, -1]),
            "source_region": np.array([0, -1, 0]),
            "quantity": np.array([2.5, 1.0, 0.5]),
        },
    )
    assert len(table) == 3
    assert table[0] == deliveries[0] and table[-1] == deliveries[-1]
    assert table[1:] == tuple(deliveries[1:])
    assert list(table) == deliveries and table == deliveries
    assert table != deliveries[:2]
    assert pickle.loads(pickle.dumps(table)) == table  # results travel to Dask workers
    with pytest.raises(IndexError, match="out of range"):
        table[3]
    with pytest.raises(ValueError, match="different lengths"):
        DeliveryTable(
            ["ore"],
            ["nature"],
            [],
            {
                **dict.fromkeys(
                    ("product", "source", "target", "region", "source_region"), np.zeros(2)
                ),
                "quantity": np.zeros(1),
            },
        )
