"""Property tests of the balance identities on random productive economies (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.planning.balances import balance
from tests.foundation.factory import leontief_economy


@st.composite
def productive_economies(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    n = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    density = draw(st.floats(0.2, 1.0))
    A = rng.random((n, n)) * (rng.random((n, n)) < density)
    column_sum = draw(st.floats(0.1, 0.95))
    A *= column_sum / np.maximum(A.sum(axis=0), 1e-9)
    labour = rng.uniform(0.1, 5.0, n)
    demand = rng.uniform(0.0, 100.0, n)
    extra = []
    for k in range(draw(st.integers(0, n))):
        column = rng.random(n) * column_sum / n
        extra.append((int(rng.integers(n)), column.tolist(), float(rng.uniform(0.1, 5.0))))
        del k
    return A, labour, demand, extra


@settings(max_examples=60, deadline=None)
@given(productive_economies())
def test_balance_identities(case: tuple[np.ndarray, np.ndarray, np.ndarray, list]) -> None:
    A, labour, demand, extra = case
    economy = leontief_economy(A, labour, demand, extra_techniques=extra)
    result = balance(economy)
    snap = economy.snapshot()
    x = np.array([result.activity.get(p, 0.0) for p in snap.process_ids])
    v = np.array([result.labour_values[p] for p in snap.product_ids])
    # Gross output delivers final demand exactly: (B − A) x = d.
    np.testing.assert_allclose(snap.net_output @ x, demand, rtol=1e-9, atol=1e-9 * demand.max())
    # Total labour equals the labour value of final demand: l·x = v·d.
    assert np.isclose(result.total_labour, v @ demand, rtol=1e-9, atol=1e-9)
    # Non-substitution: no process makes its product for less than the product's value,
    # and the chosen one makes it for exactly that value.
    cost = snap.process_labour + snap.A.T @ v
    assert np.all(cost >= v[snap.process_product] - 1e-9 * (1 + v[snap.process_product]))
    chosen = [snap.process_index[p] for p in result.technique.values()]
    np.testing.assert_allclose(cost[chosen], v[snap.process_product[chosen]], rtol=1e-9)
    # The table balances: production − intermediate − final = 0 for every product.
    for row in result.products:
        assert abs(row.surplus) <= 1e-8 * max(1.0, row.production)


@settings(max_examples=30, deadline=None)
@given(productive_economies())
def test_balance_matches_dense_inverse(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, list],
) -> None:
    A, labour, demand, _ = case
    result = balance(leontief_economy(A, labour, demand))
    n = len(demand)
    inverse = np.linalg.inv(np.eye(n) - A)
    x = np.array([result.gross_output[f"p{i}"] for i in range(n)])
    np.testing.assert_allclose(x, inverse @ demand, rtol=1e-9, atol=1e-9)
    v = np.array([result.labour_values[f"p{i}"] for i in range(n)])
    np.testing.assert_allclose(v, labour @ inverse, rtol=1e-9)
    rho = np.max(np.abs(np.linalg.eigvals(A)))
    assert result.spectral_radius is not None
    assert abs(result.spectral_radius - rho) < 1e-9


def test_given_techniques_cost_at_least_the_least_labour_choice() -> None:
    economy = leontief_economy(
        [[0.1, 0.2], [0.3, 0.1]],
        [1.0, 2.0],
        [10.0, 5.0],
        extra_techniques=[(0, [0.0, 0.5], 0.5)],  # cheaper in labour, dearer in inputs
    )
    free = balance(economy)
    forced = balance(economy, techniques={"p0": "make_p0"})
    assert forced.technique["p0"] == "make_p0"
    assert forced.total_labour >= free.total_labour - 1e-9


def test_given_techniques_are_checked() -> None:

    from cooplan.errors import InputError

    economy = leontief_economy([[0.1, 0.2], [0.3, 0.1]], [1.0, 2.0], [10.0, 5.0])
    with pytest.raises(InputError, match="techniques"):
        balance(economy, techniques={"p0": "make_p1"})


def test_identical_processes_of_split_coops_share_the_work() -> None:
    # Product p0 made by two identical processes (one industry split into two coops).
    economy = leontief_economy(
        [[0.1, 0.2], [0.3, 0.1]],
        [1.0, 2.0],
        [10.0, 5.0],
        extra_techniques=[(0, [0.1, 0.3], 1.0)],
    )
    result = balance(economy)
    twin = result.activity["alt0_p0"]
    main = result.activity["make_p0"]
    assert twin > 0 and main > 0
    # Both coops have the same hours, so the work is shared equally.
    assert twin == pytest.approx(main, rel=1e-12)
    assert twin + main == pytest.approx(result.gross_output["p0"], rel=1e-12)
