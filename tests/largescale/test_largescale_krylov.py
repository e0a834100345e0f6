"""Krylov solves of the Leontief core keep exact zeros, and the solver certifies the
economies whose prices are zero on products that no cost reaches."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.planning.largescale import SolveStatus, solve_large
from cooplan.planning.largescale.leontief import KrylovStats, _solve
from cooplan.synthetic import synthetic_snapshot


def _block_matrix(seed: int, n: int) -> sp.csr_matrix:
    """A productive non-negative matrix in which nothing feeds the last half."""
    rng = np.random.default_rng(seed)
    dense = rng.uniform(0.0, 1.0, (n, n)) * (rng.uniform(size=(n, n)) < 0.4)
    half = n // 2
    dense[half:, :half] = 0.0  # z[half:] depends on z[half:] only
    dense *= 0.6 / max(float(dense.sum(axis=0).max()), 1e-12)  # column sums ≤ 0.6
    return sp.csr_matrix(dense)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(4, 40))
def test_warm_solve_returns_exact_zeros(seed: int, n: int) -> None:
    matrix = _block_matrix(seed, n)
    rng = np.random.default_rng(seed + 1)
    rhs = np.zeros(n)
    rhs[: n // 2] = rng.uniform(0.5, 2.0, n // 2)  # the exact solution is 0 on the last half
    guess = rng.uniform(0.1, 1.0, n)  # a warm start that is wrong everywhere
    z = _solve(matrix, rhs, guess, 1e-11, KrylovStats())
    assert np.all(z[n // 2 :] == 0.0)
    assert np.all(z >= 0.0)
    exact = np.linalg.solve(np.eye(n) - matrix.toarray(), rhs)
    assert np.allclose(z, exact, rtol=1e-9, atol=0.0)


def test_true_small_values_are_kept() -> None:
    # z0 = 1, z1 = 1e-13 z0: below rtol × max, but exact, so it must not be set to zero.
    matrix = sp.csr_matrix(np.array([[0.0, 0.0], [1e-13, 0.0]]))
    z = _solve(matrix, np.array([1.0, 0.0]), np.array([0.5, 0.5]), 1e-11, KrylovStats())
    assert z[1] == pytest.approx(1e-13, rel=1e-6)


@pytest.mark.parametrize(
    "params",
    [
        # Fulfilment with one technique and binding capacities: most product prices are 0;
        # round-off of 1e-19 in them counted as a 44–100 % dual error before zeros were kept.
        dict(n_products=11, techniques=1, inputs_per_process=1, capacity_share=0.5,
             n_resources=0, floor_share=0.0, tight_share=1.0, seed=7550),
        dict(n_products=22, techniques=1, inputs_per_process=1, capacity_share=0.2,
             n_resources=0, floor_share=0.0, tight_share=1.0, seed=1692),
        dict(n_products=22, techniques=1, inputs_per_process=1, capacity_share=0.5,
             n_resources=2, floor_share=0.5, tight_share=0.0, seed=2552),
    ],
)  # fmt: skip
def test_fulfilment_with_zero_prices_is_certified(params: dict) -> None:
    sol = solve_large(synthetic_snapshot(**params), "fulfilment")
    assert sol.status == SolveStatus.OPTIMAL, (sol.message, sol.certificate)
    assert sol.certificate.dual_infeasibility <= 1e-6
    assert np.all(sol.product_prices >= 0.0)
