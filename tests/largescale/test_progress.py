"""Progress reports of the large-scale solver: what they say is true of the solve, and
watching a solve does not change it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cooplan.planning.largescale import Progress, solve_large
from cooplan.synthetic import synthetic_snapshot


def _economy(n: int, seed: int):  # type: ignore[no-untyped-def]
    # As in test_crossover: this fulfilment plan is certified by the crossover.
    return synthetic_snapshot(
        n, 2, 20, capacity_share=0.02, n_resources=3, tight_share=0.05, seed=seed
    )


def _check_sequence(reports: list[Progress]) -> None:
    assert reports, "no progress was reported"
    for before, after in itertools.pairwise(reports):
        assert after.elapsed_s >= before.elapsed_s
        assert after.iteration >= before.iteration
        assert after.matvecs >= before.matvecs
    assert {r.stage for r in reports} <= {"phase 1", "column generation", "crossover"}


def _watched(snapshot, objective: str):  # type: ignore[no-untyped-def]
    """A certified solve and its progress reports, checked for order."""
    reports: list[Progress] = []
    solution = solve_large(snapshot, objective, progress=reports.append)  # type: ignore[arg-type]
    assert solution.certified
    _check_sequence(reports)
    return solution, reports


def test_fulfilment_reports_a_value_below_its_bound_closing_to_the_optimum() -> None:
    snapshot = _economy(2000, 0)
    watched, reports = _watched(snapshot, "fulfilment")
    assert "crossover" in {r.stage for r in reports}
    with_both = [r for r in reports if r.value is not None and r.bound is not None]
    assert len(with_both) >= 5
    for r in with_both:  # λ of a plan that meets every row ≤ a proven upper bound on λ
        assert r.value <= r.bound * (1 + 1e-9), r.describe()
    last = reports[-1]
    assert last.stage == "crossover"
    assert last.value == pytest.approx(watched.lam, rel=1e-12)
    assert last.gap is not None and last.gap <= 1e-6
    first_gap = next(r.gap for r in with_both if r.gap is not None)
    assert first_gap > 100 * last.gap
    # Watching does not change the plan.
    unwatched = solve_large(snapshot, "fulfilment")
    assert unwatched.lam == watched.lam
    np.testing.assert_array_equal(unwatched.x, watched.x)
    assert unwatched.iterations == watched.iterations


def test_min_labour_reports_hours_above_their_lower_bound() -> None:
    plan, reports = _watched(_economy(1000, 1), "min-labour")
    for r in reports:
        if r.value is not None and r.bound is not None:
            assert r.value >= r.bound * (1 - 1e-9), r.describe()
    assert reports[-1].value == pytest.approx(plan.objective, rel=1e-6)


class _EnoughError(Exception):
    pass


def test_what_the_callback_raises_stops_the_solve() -> None:
    calls: list[Progress] = []

    def impatient(progress: Progress) -> None:
        calls.append(progress)
        if len(calls) == 3:
            raise _EnoughError

    with pytest.raises(_EnoughError):
        solve_large(_economy(1000, 0), "fulfilment", progress=impatient)
    assert len(calls) == 3


def _progress(value: float | None, bound: float | None) -> Progress:
    return Progress(
        elapsed_s=12.34,
        stage="column generation",
        iteration=140,
        value=value,
        bound=bound,
        columns=110,
        rows=137,
        matvecs=4000,
    )


def test_gap_and_description() -> None:
    both = _progress(1.5, 1.5015)
    assert both.gap == pytest.approx(0.0015 / 3.0015)
    line = both.describe()
    assert line.startswith("12.3 s, column generation, iteration 140: value 1.5, bound 1.5015")
    assert "gap 5.0e-04" in line and "110 columns, 137 rows, 4000 products" in line
    assert _progress(None, 2.0).gap is None
    assert "no plan meets the rows yet" in _progress(None, 2.0).describe()
    assert _progress(1.0, None).gap is None
    assert "no bound yet" in _progress(1.0, None).describe()
    assert _progress(0.0, 0.0).gap == 0.0
