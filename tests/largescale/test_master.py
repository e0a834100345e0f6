"""The restricted master: a warm start that ends without a verdict is decided by a cold solve."""

from __future__ import annotations

import numpy as np
import pytest

from cooplan.planning.largescale.master import RestrictedMaster

# Use of six coop-hour rows (scaled by their hours) by the demand plans of the first pricings
# of the 2·10⁵-product fulfilment benchmark (docs/benchmarks-optimal.md): each new plan avoids
# the coops whose hours the master has priced, and the last avoids all six. Warm-started,
# HiGHS 1.16 ended that master with status "Unknown" instead of "Unbounded".
USAGE = [
    [2.3156642483433876, 1.9861827574139432, 1.9158639906331916, 1.6995771559559452,
     1.6725636676881848, 1.5862141050935363],
    [0, 1.9861843275679274, 1.9158661969326851, 1.6995805444891343, 1.6725520246220995,
     1.5862138610427903],
    [0, 0, 1.9158657272633852, 1.6995806106291194, 1.672551179065549, 1.5862149919557293],
    [0, 0, 0, 1.6995806124128789, 1.6725508790980652, 1.5862519772921615],
    [0, 0, 0, 0, 1.6725506252685713, 1.5862523207601265],
    [0, 0, 0, 0, 0, 1.5862530819417004],
    [0, 0, 0, 0, 0, 0],
]  # fmt: skip


def test_a_free_demand_plan_makes_the_master_unbounded_after_warm_starts() -> None:
    master = RestrictedMaster(penalty=1e3)
    master.add_column(0.0, np.empty(0), True)  # the plan for the floors (none here)
    for step, usage in enumerate(USAGE):
        master.add_column(-1.0, np.array(usage[:step]), False)  # one set of demand each
        with pytest.raises(OverflowError):
            master.solve()  # the newest plan uses none of the rows yet in the master
        if step < len(USAGE) - 1:
            # The row the newest plan uses most enters (what column generation does then).
            row_use = [[0.0] + [u[step] for u in USAGE[: step + 1]]]
            master.add_rows(np.array([step]), np.array([1.0]), np.array(row_use))
            solution = master.solve()
            assert solution.elastic == 0.0
            # λ is limited by the rows: at most 1 / (least use of a set of demand) ...
            assert -solution.objective <= 1.0 / min(u[step] for u in USAGE[: step + 1]) + 1e-9


def _fresh_objective(costs: list[float], usage: np.ndarray, rhs: np.ndarray) -> float:
    """The same master built in one go and solved cold."""
    master = RestrictedMaster(penalty=1e3)
    for cost in costs:
        master.add_column(cost, np.empty(0), True)
    master.add_rows(np.arange(rhs.size), rhs, usage)
    return master.solve().objective


@pytest.mark.parametrize("seed", range(5))
def test_warm_primal_and_dual_simplex_steps_reach_the_cold_optimum(seed: int) -> None:
    # Columns alone are followed by the primal simplex, new rows by the dual simplex; either
    # way the warm answer is the optimum of the master solved from scratch.
    rng = np.random.default_rng(seed)
    n_rows, n_cols = 12, 30
    usage = rng.uniform(0.0, 2.0, (n_rows, n_cols))
    rhs = rng.uniform(0.5, 1.5, n_rows)
    costs = rng.uniform(1.0, 3.0, n_cols).tolist()
    master = RestrictedMaster(penalty=1e3)
    rows_in = 0
    strategies = []
    for k in range(n_cols):
        master.add_column(costs[k], usage[:rows_in, k], True)
        if k % 7 == 6 and rows_in < n_rows:
            new = np.arange(rows_in, min(rows_in + 4, n_rows))
            master.add_rows(new, rhs[new], usage[new, : k + 1])
            rows_in = new[-1] + 1
        solution = master.solve()
        strategies.append(master.last_simplex)
        expected = _fresh_objective(costs[: k + 1], usage[:rows_in, : k + 1], rhs[:rows_in])
        assert solution.objective == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert strategies[:2] == ["dual", "primal"] and strategies[6] == "dual"
