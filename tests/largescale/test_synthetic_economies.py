"""The synthetic economy generator: productive, complete, seeded, same in both forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.model import build_snapshot
from cooplan.synthetic import synthetic_economy, synthetic_snapshot

ARRAYS = (
    "coop_hours",
    "coop_members",
    "coop_region",
    "process_coop",
    "process_product",
    "process_labour",
    "process_capacity",
    "demand_product",
    "demand_region",
    "demand_quantity",
    "demand_floor",
    "resource_available",
)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 200),
    techniques=st.integers(1, 3),
    inputs=st.integers(0, 25),
    resources=st.integers(0, 3),
    seed=st.integers(0, 2**31),
)
def test_productive_complete_and_positive(
    n: int, techniques: int, inputs: int, resources: int, seed: int
) -> None:
    s = synthetic_snapshot(
        n, techniques, inputs, n_resources=resources, capacity_share=0.3, seed=seed
    )
    produced = ~s.is_resource
    column_sums = np.asarray(s.A[produced].sum(axis=0)).ravel()
    assert column_sums.max() <= 0.7 + 1e-12  # every technique choice is productive
    made = np.bincount(s.process_product, minlength=s.n_products)
    assert np.all(made[produced] == techniques) and np.all(made[~produced] == 0)
    assert np.all(s.final_demand[produced] > 0)
    k = min(inputs, n - 1)
    per_process = np.diff(s.A[produced].tocsc().indptr)
    assert np.all(per_process == k)  # distinct inputs, never its own product
    own = s.A[s.process_product, np.arange(s.n_processes)]
    assert np.all(np.asarray(own).ravel() == 0)
    assert np.all(np.bincount(s.process_coop, minlength=s.n_coops) >= 1)
    assert np.all(s.coop_hours > 0)


def test_seeded() -> None:
    a = synthetic_snapshot(500, capacity_share=0.1, n_resources=2, seed=3)
    b = synthetic_snapshot(500, capacity_share=0.1, n_resources=2, seed=3)
    c = synthetic_snapshot(500, capacity_share=0.1, n_resources=2, seed=4)
    assert (a.A != b.A).nnz == 0
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.process_labour, c.process_labour)


def test_economy_tables_give_the_same_snapshot() -> None:
    kwargs = {"capacity_share": 0.2, "n_resources": 3, "regions": 2, "floor_share": 0.3}
    direct = synthetic_snapshot(60, seed=5, **kwargs)  # type: ignore[arg-type]
    economy = synthetic_economy(60, seed=5, **kwargs)  # type: ignore[arg-type]
    rebuilt = build_snapshot(economy)
    assert rebuilt.product_ids == direct.product_ids
    assert rebuilt.process_ids == direct.process_ids
    assert abs(rebuilt.A - direct.A).max() == 0
    assert abs(rebuilt.B - direct.B).max() == 0
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(rebuilt, name), getattr(direct, name), name)


def test_capacities_bind_on_the_cheapest_plan() -> None:
    s = synthetic_snapshot(300, capacity_share=0.2, seed=1)
    capped = np.isfinite(s.process_capacity)
    assert capped.sum() == 60


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_products": 0},
        {"n_products": 5, "max_column_sum": 1.0},
        {"n_products": 5, "capacity_share": 2.0},
    ],
)
def test_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        synthetic_snapshot(**kwargs)
