"""Sparse products split over threads give bit-identical answers, and so do whole solves."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import cooplan.planning.largescale.threads as threads_module
from cooplan.errors import InputError
from cooplan.planning.largescale import SolveStatus, solve_large
from cooplan.planning.largescale.threads import (
    RowSplitMatrix,
    available_threads,
    default_threads,
    split,
)
from cooplan.synthetic import synthetic_snapshot


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(1, 60),
    cols=st.integers(1, 60),
    density=st.floats(0.0, 1.0),
    threads=st.integers(2, 7),
    seed=st.integers(0, 2**16),
)
def test_row_blocks_give_the_same_product_bit_for_bit(
    rows: int, cols: int, density: float, threads: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    matrix = sp.random(rows, cols, density=density, format="csr", random_state=rng)
    x = rng.standard_normal(cols)
    split_matrix = RowSplitMatrix(matrix, threads)
    assert split_matrix.threads <= threads
    assert sum(hi - lo for lo, hi, _ in split_matrix.blocks) == rows
    assert np.array_equal(split_matrix @ x, matrix @ x)


def test_small_or_column_matrices_are_not_split() -> None:
    small = sp.random(10, 10, density=0.5, format="csr", random_state=0)
    assert split(small, 4) is small
    big = sp.random(2000, 2000, density=0.2, format="csr", random_state=0)
    assert big.nnz >= threads_module.MIN_NONZEROS
    assert isinstance(split(big, 4), RowSplitMatrix)
    assert split(big, 1) is big
    assert split(big.tocsc(), 4).format == "csc"


def test_default_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOPLAN_THREADS", raising=False)
    assert default_threads() == 1
    monkeypatch.setenv("COOPLAN_THREADS", "3")
    assert default_threads() == 3
    monkeypatch.setenv("COOPLAN_THREADS", "all")
    assert default_threads() == available_threads() >= 1
    for bad in ("many", "0", "-2", "1.5"):
        monkeypatch.setenv("COOPLAN_THREADS", bad)
        with pytest.raises(InputError, match="COOPLAN_THREADS") as raised:
            default_threads()
        assert raised.value.problems[0].value == bad


@pytest.mark.parametrize("objective", ["min-labour", "fulfilment"])
def test_a_solve_is_the_same_with_any_number_of_threads(
    monkeypatch: pytest.MonkeyPatch, objective: str
) -> None:
    # Split even small matrices, so that the threaded path runs on a quick economy.
    monkeypatch.setattr(threads_module, "MIN_NONZEROS", 0)
    snapshot = synthetic_snapshot(
        600, techniques=2, inputs_per_process=6, capacity_share=0.02, n_resources=2, seed=5
    )
    one = solve_large(snapshot, objective, threads=1)  # type: ignore[arg-type]
    three = solve_large(snapshot, objective, threads=3)  # type: ignore[arg-type]
    assert one.status is SolveStatus.OPTIMAL and three.status is SolveStatus.OPTIMAL
    assert np.array_equal(one.x, three.x)
    assert np.array_equal(one.product_prices, three.product_prices)
    assert one.iterations == three.iterations
