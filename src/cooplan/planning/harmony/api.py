"""``harmony_plan``: Cockshott's harmony planning on an economy, with its certified gap."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.harmony.problem import HarmonyProblem, build_problem
from cooplan.planning.harmony.solver import (
    HarmonyOptions,
    RoundTrace,
    gross_output,
    harmony_value,
    respect_capacities,
    solve,
)
from cooplan.planning.mechanism import RunStatus

FloatArray = np.ndarray
ARGUMENTS = "<arguments>"
FEASIBILITY_SLACK = 1e-9  # relative overuse of a limit still counted as within it


@dataclass(frozen=True)
class HarmonyResult:
    """A harmony plan in the economy's ids and units.

    ``value`` = Σ_i W_i H(y_i/d_i − 1) of the plan; ``bound`` an upper bound on the best
    value any feasible plan can reach (Lagrangian dual), so ``gap`` = bound − value bounds the
    distance to the optimum. ``overuse`` = largest relative excess over a coop's hours, a
    capacity or a resource (0 for every plan this module returns as feasible).
    """

    status: RunStatus
    value: float | None
    bound: float | None
    rounds: int
    activity: dict[str, float]
    output: dict[str, float]
    labour_used: dict[str, float]
    delivered: dict[str, float]
    fulfilment: dict[str, float]
    prices: dict[str, float]
    binding: dict[str, float]
    overuse: float
    trace: tuple[RoundTrace, ...] = ()
    message: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """bound − value: how far below the optimum the plan can at most be."""
        if self.value is None or self.bound is None:
            return None
        return self.bound - self.value

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "mechanism": "harmony",
            "status": self.status.value,
            "objective_value": self.value,
            "bound": self.bound,
            "gap": self.gap,
            "rounds": self.rounds,
            "overuse": self.overuse,
            "message": self.message,
            "activity": self.activity,
            "output": self.output,
            "labour_used": self.labour_used,
            "delivered": self.delivered,
            "fulfilment": self.fulfilment,
            "prices": self.prices,
            "binding": self.binding,
            "trace": [t.__dict__ for t in self.trace],
            "options": self.options,
        }


def floor_plan(problem: HarmonyProblem) -> FloatArray:
    """Activity delivering exactly the floors with least-labour techniques (capacities kept)."""
    from cooplan.planning.harmony.solver import _sweep_values, _techniques

    blocked = np.where(problem.runnable, 0.0, np.inf)
    labour = problem.snapshot.process_labour + blocked
    values = _sweep_values(problem, labour, np.zeros(problem.n_products))
    cost = labour + problem.inputs_t @ np.where(np.isfinite(values), values, 0.0)
    shares = _techniques(problem, cost, 1e-9)
    q = gross_output(problem, shares, problem.floor, np.zeros(problem.n_products))
    shares, q = respect_capacities(problem, shares, problem.floor, q)
    result: FloatArray = shares * q[problem.process_product]
    return result


def _by_id(
    ids: tuple[str, ...], values: FloatArray, where: np.ndarray | None = None
) -> dict[str, float]:
    keep = np.ones(len(ids), dtype=bool) if where is None else where
    return {ids[i]: float(values[i]) for i in np.flatnonzero(keep)}


def _result(
    problem: HarmonyProblem,
    status: RunStatus,
    activity: FloatArray,
    delivered: FloatArray,
    *,
    bound: float | None,
    rounds: int,
    prices: FloatArray,
    multipliers: FloatArray,
    trace: tuple[RoundTrace, ...],
    message: str,
    options: dict[str, Any],
) -> HarmonyResult:
    snap = problem.snapshot
    use = problem.usage @ activity
    output = snap.B @ activity
    labour = np.bincount(
        snap.process_coop, weights=snap.process_labour * activity, minlength=snap.n_coops
    )
    target = problem.target
    demanded = target > 0
    per_product = problem.per_product(delivered)
    binding = {
        f"{kind}:{ident}": float(m)
        for kind, ident, m, u in zip(
            problem.constraint_kind, problem.constraint_id, multipliers, use, strict=True
        )
        if u >= 1.0 - 1e-6 and m > 0
    }
    return HarmonyResult(
        status=status,
        value=harmony_value(problem, delivered),
        bound=bound,
        rounds=rounds,
        activity=_by_id(snap.process_ids, activity),
        output=_by_id(snap.product_ids, output, ~snap.is_resource),
        labour_used=_by_id(snap.coop_ids, labour),
        delivered=_by_id(snap.product_ids, per_product, demanded),
        fulfilment=_by_id(
            snap.product_ids, per_product / np.where(demanded, target, 1.0), demanded
        ),
        prices=_by_id(snap.product_ids, prices, np.isfinite(prices) & ~snap.is_resource),
        binding=binding,
        overuse=float(np.max(use - 1.0, initial=0.0)),
        trace=trace,
        message=message,
        options=options,
    )


def harmony_plan(
    economy: Economy | EconomySnapshot,
    *,
    tolerance: float = HarmonyOptions.tolerance,
    max_rounds: int = HarmonyOptions.max_rounds,
) -> HarmonyResult:
    """Plan ``economy`` by harmony iteration (see ``docs/harmony.md``).

    Stops when (bound − value) ≤ ``tolerance`` × max(1, |value|) (status ``converged``) or
    after ``max_rounds`` rounds (``not_converged``; the plan is still feasible). Status
    ``infeasible`` when even the floors cannot be delivered within the coops' hours,
    capacities and resources: the plan returned is then the best one without floors (what
    can be delivered), and the message names the limit the floors overuse. Deterministic:
    no random draws.
    """
    if not tolerance > 0:
        raise InputError.single(
            ARGUMENTS,
            "tolerance must be positive",
            column="tolerance",
            value=tolerance,
            fix="use e.g. 5e-3 (a relative gap of 0.5%)",
        )
    if max_rounds < 1:
        raise InputError.single(
            ARGUMENTS,
            "max_rounds must be at least 1",
            column="max_rounds",
            value=max_rounds,
            fix="use e.g. 500",
        )
    snap = economy if isinstance(economy, EconomySnapshot) else economy.snapshot()
    problem = build_problem(snap)
    options = {"tolerance": tolerance, "max_rounds": max_rounds}
    unmakeable = np.flatnonzero((problem.target > 0) & ~problem.producible & ~snap.is_resource)
    floors_lost = [
        snap.product_ids[i]
        for i in unmakeable
        if np.any(snap.demand_floor[snap.demand_product == i] > 0)
    ]
    start = floor_plan(problem)
    use = problem.usage @ start
    overuse = float(np.max(use - 1.0, initial=0.0))
    infeasible = bool(floors_lost) or overuse > FEASIBILITY_SLACK
    message = ""
    if infeasible:
        worst = int(np.argmax(use)) if len(use) else 0
        why = (
            f"no runnable process makes {', '.join(floors_lost)}"
            if floors_lost
            else f"with least-labour techniques they overuse {problem.constraint_kind[worst]} "
            f"{problem.constraint_id[worst]} by {overuse:.1%}"
        )
        message = f"floors cannot be met ({why}); best plan without floors: "
        problem = replace(problem, row_floor=np.zeros(len(problem.row_floor)))
        start = np.zeros(snap.n_processes)
    solution = solve(problem, HarmonyOptions(tolerance=tolerance, max_rounds=max_rounds), start)
    status = RunStatus.CONVERGED if solution.converged else RunStatus.NOT_CONVERGED
    if infeasible:
        status = RunStatus.INFEASIBLE
    gap = solution.bound - solution.value
    message += (
        f"within {gap:.3g} of the best harmony reachable after {solution.rounds} rounds"
        if np.isfinite(gap)
        else f"no finite bound after {solution.rounds} rounds"
    )
    return _result(
        problem,
        status,
        solution.activity,
        solution.delivered,
        bound=solution.bound if np.isfinite(solution.bound) else None,
        rounds=solution.rounds,
        prices=solution.prices,
        multipliers=solution.multipliers,
        trace=solution.trace,
        message=message,
        options=options,
    )
