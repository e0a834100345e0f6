"""The policy improvement step: the rows × k fast path (every product with k processes)
picks exactly what the general segmented path picks, ties included."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.planning.largescale.leontief import LeontiefCore


def _core(seed: int, n: int, k: int) -> LeontiefCore:
    rng = np.random.default_rng(seed)
    main_row = rng.permutation(np.repeat(np.arange(n), k))  # k processes per product, shuffled
    inputs = sp.random(n, n * k, density=0.2, random_state=seed, format="csc") * 0.1
    return LeontiefCore(inputs, main_row)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), k=st.integers(1, 4))
def test_uniform_improvement_matches_the_segmented_one(seed: int, n: int, k: int) -> None:
    core = _core(seed, n, k)
    assert core._uniform == k
    rng = np.random.default_rng(seed + 1)
    # Costs on a coarse grid, so that many processes tie exactly.
    cost = rng.integers(0, 3, n * k).astype(float)
    values = rng.integers(0, 2, n).astype(float)
    policy = core.first_policy(rng.uniform(size=n * k))
    fast = (core.improve(cost, values, None), core.improve(cost, values, policy))
    core._uniform = 0  # the general path
    general = (core.improve(cost, values, None), core.improve(cost, values, policy))
    assert np.array_equal(fast[0], general[0])
    assert np.array_equal(fast[1], general[1])
    q = cost + core.inputs.T @ values
    assert np.allclose(q[fast[0]], [q[core.main_row == i].min() for i in range(n)])


def test_products_with_different_numbers_of_processes_use_the_general_path() -> None:
    inputs = sp.csc_matrix(np.full((2, 3), 0.1))
    core = LeontiefCore(inputs, np.array([0, 1, 1]))
    assert core._uniform == 0
    chosen = core.improve(np.array([1.0, 2.0, 1.0]), np.zeros(2), None)
    assert chosen.tolist() == [0, 2]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), k=st.integers(1, 3))
def test_the_inputs_valued_at_the_same_values_are_reused_exactly(seed: int, n: int, k: int) -> None:
    # A pricing ends and the next begins by improving with the same values (new costs): the
    # product with A is done once, and the choice is bit for bit a fresh core's.
    core, fresh = _core(seed, n, k), _core(seed, n, k)
    rng = np.random.default_rng(seed + 2)
    values = rng.uniform(0, 2, n)
    first_cost, next_cost = rng.uniform(size=n * k), rng.uniform(size=n * k)
    policy = core.improve(first_cost, values, None)
    before = core.stats.matvecs
    again = core.improve(next_cost, values.copy(), policy)
    assert core.stats.matvecs == before
    assert np.array_equal(again, fresh.improve(next_cost, values, policy))
    values[rng.integers(n)] += 1.0  # changed values (even in place) are valued afresh
    changed = core.improve(next_cost, values, policy)
    assert core.stats.matvecs == before + 1
    assert np.array_equal(changed, fresh.improve(next_cost, values, policy))
