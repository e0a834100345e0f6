"""The crossover (fulfilment): from a near-optimal mix of plans to an exact, certified vertex."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplan.planning.largescale import column_generation, crossover, solve_large
from cooplan.planning.largescale.certificate import optimality_certificate
from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.problem import Objective, planning_lp
from cooplan.planning.largescale.result import SolveStatus
from cooplan.synthetic import synthetic_snapshot


def _economy(n: int, seed: int):  # type: ignore[no-untyped-def]
    return synthetic_snapshot(
        n, 2, 20 if n >= 1000 else 8, capacity_share=0.02, n_resources=3,
        tight_share=0.1 if n <= 1000 else 0.05, seed=seed,
    )  # fmt: skip


def _highs_lambda(snapshot) -> float:  # type: ignore[no-untyped-def]
    """max λ of the planning LP, written out whole for HiGHS's interior point method."""
    lp = planning_lp(snapshot, Objective.FULFILMENT)
    m = lp.n_processes
    a_ub = sp.vstack(
        [
            sp.hstack([-lp.net_output, sp.csr_matrix(lp.demand.reshape(-1, 1))]),
            sp.hstack([lp.side, sp.csr_matrix((lp.side.shape[0], 1))]),
        ]
    )
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.concatenate([-lp.floor, lp.side_rhs]),
        bounds=[(0.0, None)] * (m + 1),
        method="highs-ipm",
        options={
            "primal_feasibility_tolerance": 1e-10,
            "dual_feasibility_tolerance": 1e-10,
            "ipm_optimality_tolerance": 1e-12,
        },
    )
    assert res.status == 0
    return float(-res.fun)


def _rounds(method: str) -> int:
    found = re.search(r"crossover \(\d+ tried\) certified in (\d+) rounds", method)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(("n", "seed"), [(300, 0), (300, 1), (1000, 1)])
def test_the_crossover_certifies_the_optimum_that_highs_finds(n: int, seed: int) -> None:
    snapshot = _economy(n, seed)
    plan = solve_large(snapshot, "fulfilment")
    assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert _rounds(plan.method) >= 1, plan.method
    assert plan.objective == pytest.approx(_highs_lambda(snapshot), rel=1e-8)
    assert np.all(plan.x >= 0.0)


def test_sign_and_broken_rows_are_added_until_the_plan_certifies() -> None:
    # On this economy the first trial plan runs base processes negative or breaks a side row
    # (measured: three rounds; seeds 2 and 4 take two), so the working rows grow before the
    # certificate passes.
    plan = solve_large(_economy(2000, 5), "fulfilment")
    assert plan.certified
    assert _rounds(plan.method) >= 2, plan.method


def test_without_the_crossover_column_generation_reaches_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot = _economy(1000, 0)
    with_crossover = solve_large(snapshot, "fulfilment")
    monkeypatch.setattr(column_generation, "CROSSOVER_GAP", 0.0)
    without = solve_large(snapshot, "fulfilment")
    assert "crossover" not in without.method
    assert with_crossover.certified and without.certified
    assert with_crossover.objective == pytest.approx(without.objective, rel=2e-6)
    # The crossover stops the column generation early.
    assert with_crossover.iterations < without.iterations


def test_a_crossover_that_never_certifies_leaves_the_column_generation_to_finish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = crossover.crossover

    def never(lp, core, mix, priced, certifies, deadline, on_round):  # type: ignore[no-untyped-def]
        return real(lp, core, mix, priced, lambda point: False, deadline, on_round)

    monkeypatch.setattr(column_generation, "crossover", never)
    snapshot = _economy(1000, 0)
    plan = solve_large(snapshot, "fulfilment")
    assert plan.status == SolveStatus.OPTIMAL and plan.certified, plan.message
    assert re.search(r"crossover tried \d+ times, not certified", plan.method), plan.method
    assert plan.objective == pytest.approx(_highs_lambda(snapshot), rel=1e-6)


def test_a_crossover_out_of_working_rows_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # 43 working rows certify this economy; with room for 10 the crossover gives up, and
    # the column generation certifies on its own.
    monkeypatch.setattr(crossover, "_row_capacity", lambda n_rows: 10)
    plan = solve_large(_economy(2000, 0), "fulfilment")
    assert plan.certified, plan.message
    assert "not certified" in plan.method


def test_a_crossover_point_is_a_primal_dual_pair_of_the_original_lp() -> None:
    # Called directly from a mix that column generation stopped at a gap of 1e-3.
    snapshot = _economy(1000, 2)
    lp = planning_lp(snapshot, Objective.FULFILMENT)
    core = LeontiefCore(lp.inputs, lp.main_row)
    generation = column_generation.ColumnGeneration(lp, core, 1e-3, None)
    generation.crossover_gap = 0.0
    stopped = generation.run(None, 10_000)
    assert stopped.lam is not None
    reference = _highs_lambda(snapshot)
    gap_before = abs(reference - stopped.lam)

    def certifies(point: crossover.CrossoverPoint) -> bool:
        scale = float(lp.demand @ point.values)
        certificate = optimality_certificate(
            lp, point.x, point.lam, point.values / scale, point.pi / scale
        )
        return certificate.passes(1e-8)

    done, last = crossover.crossover(lp, core, stopped.x, stopped.pi > 0, certifies, None)
    assert done is not None and done is last
    assert abs(done.lam - reference) <= 1e-8 * reference < gap_before
    # The bound of its prices (exact least-cost values) is an upper bound on the optimum.
    assert done.bound >= reference * (1 - 1e-9)
    assert np.all(done.x >= 0.0) and np.all(done.pi >= 0.0)


def test_most_active_picks_each_products_largest_activity_first_on_ties() -> None:
    main_row = np.array([0, 1, 0, 0, 1])  # three processes make product 0, two product 1
    inputs = sp.csc_matrix((2, 5))
    core = LeontiefCore(inputs, main_row)
    assert core.most_active(np.array([1.0, 2.0, 3.0, 0.5, 2.0])).tolist() == [2, 1]
    assert core.most_active(np.array([3.0, 0.0, 3.0, 0.0, 0.0])).tolist() == [0, 1]


def test_normwise_solves_meet_their_tolerance() -> None:
    rng = np.random.default_rng(0)
    n = 200
    inputs = sp.random(n, n, density=0.05, random_state=0, format="csc")
    inputs = inputs @ sp.diags(0.6 / np.maximum(np.asarray(inputs.sum(axis=0)).ravel(), 1e-9))
    core = LeontiefCore(sp.csc_matrix(inputs), np.arange(n))
    policy = np.arange(n)
    rhs = rng.uniform(size=n)
    for transpose in (False, True):
        z = core.solve_normwise(policy, rhs, 1e-8, transpose=transpose)
        matrix = inputs.T if transpose else inputs
        assert np.linalg.norm(rhs - (z - matrix @ z)) <= 1e-8 * np.linalg.norm(rhs)
