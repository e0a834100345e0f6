"""The column store: side-row use always kept, plans dropped beyond a budget and solved again."""

from __future__ import annotations

import numpy as np
import pytest

from cooplan.planning.largescale import SolveStatus, solve_large
from cooplan.planning.largescale.columns import ColumnStore, policy_digest
from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.problem import Objective, planning_lp
from cooplan.synthetic import synthetic_snapshot


def _setting() -> tuple[LeontiefCore, ColumnStore, list[np.ndarray]]:
    s = synthetic_snapshot(300, techniques=3, inputs_per_process=6, n_resources=2, seed=11)
    lp = planning_lp(s, Objective.FULFILMENT)
    core = LeontiefCore(lp.inputs, lp.main_row)
    store = ColumnStore(core, lp.side, lp.floor, lp.demand, budget_bytes=0)
    rng = np.random.default_rng(0)
    policies = [core.policy_from_ranks(rng.integers(0, 3, size=core.n_rows)) for _ in range(3)]
    return core, store, policies


def test_policy_ranks_round_trip_and_digests() -> None:
    core, _, policies = _setting()
    ranks = core.process_ranks()
    for policy in policies:
        assert np.array_equal(core.policy_from_ranks(ranks[policy]), policy)
        assert np.array_equal(core.main_row[policy], np.arange(core.n_rows))
    digests = {policy_digest(p) for p in policies}
    assert len(digests) == 3
    assert policy_digest(policies[0]) == policy_digest(policies[0].copy())
    assert len(policy_digest(policies[0])) == 16


def test_dropped_plan_is_solved_again_to_the_krylov_tolerance() -> None:
    core, store, policies = _setting()
    plans = [core.plan(p, store.rhs[False]) for p in policies]
    for policy, x in zip(policies, plans, strict=True):
        store.add(x, False, -1.0, policy)
    assert store.kept_bytes == 3 * core.n_rows * 8
    store.mark_used(np.array([0.0, 0.5, 0.5]), iteration=1)
    # Budget 0: every plan outside the mix is dropped, those in the mix are kept.
    assert store.kept_bytes == 2 * core.n_rows * 8
    np.testing.assert_array_equal(store.usage(0), store.side @ plans[0])
    again = store.plan(0)
    assert store.rebuilt == 1
    np.testing.assert_allclose(again, plans[0], rtol=1e-9, atol=0.0)
    assert np.all(again[np.setdiff1d(np.arange(again.size), policies[0])] == 0.0)
    weights = np.array([0.25, 0.0, 0.75])
    mixed = store.mix(weights)
    np.testing.assert_allclose(mixed, 0.25 * plans[0] + 0.75 * plans[2], rtol=1e-9)
    np.testing.assert_allclose(store.mix_usage(weights), store.side @ mixed, rtol=1e-9)
    assert store.mix_cost(weights) == -1.0


def test_plans_outside_the_budget_give_the_same_optimum() -> None:
    s = synthetic_snapshot(
        400, capacity_share=0.05, n_resources=3, tight_share=0.1, floor_share=0.5, seed=7
    )
    kept = solve_large(s, "fulfilment")
    lean = solve_large(s, "fulfilment", plan_memory_bytes=0)
    assert kept.status == lean.status == SolveStatus.OPTIMAL
    assert lean.certified
    assert "plans solved again" in lean.method and "plans solved again" not in kept.method
    assert lean.objective == kept.objective
    assert lean.iterations == kept.iterations
    with pytest.raises(ValueError, match="plan_memory_bytes must be 0 or more, got -1"):
        solve_large(s, "fulfilment", plan_memory_bytes=-1)
