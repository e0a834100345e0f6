"""A_π kept in slots and rewritten in place equals A[:, π], product for product."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings

from cooplan.planning.largescale.policy_matrix import PolicyMatrix


def economy(seed: int, n: int, uneven: bool) -> tuple[sp.csc_matrix, np.ndarray]:
    """Inputs of 2–3 processes per product; ``uneven``: 1 to 6 inputs, else 4 each."""
    rng = np.random.default_rng(seed)
    main_row = np.concatenate([np.arange(n), rng.integers(0, n, n + n // 2)])
    columns = []
    for _ in main_row:
        k = int(rng.integers(1, 7)) if uneven else 4
        column = np.zeros(n)
        column[rng.choice(n, size=min(k, n), replace=False)] = rng.random(min(k, n)) * 0.1
        columns.append(column)
    return sp.csc_matrix(np.column_stack(columns)), main_row


def random_policy(rng: np.random.Generator, main_row: np.ndarray, n: int) -> np.ndarray:
    policy = np.empty(n, dtype=np.int64)
    for i in range(n):
        policy[i] = rng.choice(np.flatnonzero(main_row == i))
    return policy


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 25), uneven=st.booleans())
def test_every_policy_in_a_sequence_reads_as_the_indexed_matrix(
    seed: int, n: int, uneven: bool
) -> None:
    inputs, main_row = economy(seed, n, uneven)
    slots = PolicyMatrix(inputs, main_row)
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    policy = random_policy(rng, main_row, n)
    for _ in range(6):
        held = slots.update(policy)
        fresh = inputs[:, policy].tocsc()
        assert np.array_equal(held.toarray(), fresh.toarray())
        assert np.array_equal(held @ x, fresh @ x)  # same terms in the same order
        assert np.array_equal(held.T.tocsr() @ x, fresh.T.tocsr() @ x)
        switch = rng.random(n) < 0.3  # a few products change process
        policy = np.where(switch, random_policy(rng, main_row, n), policy)


def test_slots_are_refused_when_widths_differ_much() -> None:
    rows = np.array([0, 1, 2, 3, 4, 5, 0])
    cols = np.array([0, 0, 0, 0, 0, 0, 1])
    inputs = sp.csc_matrix((np.full(7, 0.1), (rows, cols)), shape=(6, 2))
    # product 0 has a process with 6 inputs and one with 1: slots of 6 for a policy of 1
    assert not PolicyMatrix(inputs, np.array([0, 0])).usable
    even, main_row = economy(0, 10, uneven=False)
    assert PolicyMatrix(even, main_row).usable
