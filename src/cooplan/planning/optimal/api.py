"""``plan``: the optimal plan of an economy (Kantorovich), with valuations and deliveries.

One call builds the LP for the chosen objective, solves it (HiGHS, or the large-scale solver
for big single-region problems), checks the optimality certificate, and turns the vectors
into a :class:`PlanResult`: activity, output, labour, prices, deliveries between coops,
shipments, relocations of hours. An infeasible or unbounded plan is a result with a
diagnosis, not an exception. See ``docs/optimal.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal import largescale_bridge
from cooplan.planning.optimal.certificate import DEFAULT_TOLERANCE, certify
from cooplan.planning.optimal.deliveries import plan_deliveries
from cooplan.planning.optimal.diagnosis import (
    diagnose_unbounded,
    explain_phase_one,
)
from cooplan.planning.optimal.formulation import (
    LinearProgram,
    build_lp,
    tie_break_cost,
    with_objective_bound,
)
from cooplan.planning.optimal.harmony import envelope_error, harmony
from cooplan.planning.optimal.highs_solver import LPSolution, LPStatus, solve_lp
from cooplan.planning.optimal.interpret import (
    demand_delivered,
    labour_use,
    plan_flows,
    shipments,
    valuations,
)
from cooplan.planning.optimal.result import (
    Diagnosis,
    HarmonyReport,
    Objective,
    PlanResult,
    PlanStatus,
    SolverInfo,
)

if TYPE_CHECKING:
    from cooplan.planning.largescale.progress import ProgressCallback

FloatArray = np.ndarray
ARGUMENTS = "<arguments>"
HARMONY_WIDENINGS = 8
HARMONY_CEILING = 4.0
"""Over-fulfilment s up to which the first harmony LP is accurate to ε (then widened)."""


class MobilityRules(Protocol):
    """Anything carrying the federation's mobility share (e.g. ``FederationRules``)."""

    @property
    def relocation_mobility_share(self) -> float: ...


def _objective(value: Objective | str) -> Objective:
    try:
        return Objective(value)
    except ValueError:
        choices = ", ".join(o.value for o in Objective)
        raise InputError.single(
            ARGUMENTS,
            "unknown objective",
            column="objective",
            value=value,
            fix=f"use one of: {choices}",
        ) from None


def _share(mobility_share: float | None, rules: MobilityRules | None) -> float:
    share = mobility_share
    if share is None:
        share = float(rules.relocation_mobility_share) if rules is not None else 0.0
    if not (np.isfinite(share) and 0.0 <= share <= 1.0):
        raise InputError.single(
            ARGUMENTS,
            "mobility share must lie in [0, 1]",
            column="mobility_share",
            value=share,
            fix="give the share of its hours a coop may lend, e.g. 0.1",
        )
    return share


def _check_tuning(threads: int | None, plan_memory_bytes: int | None) -> None:
    checks = (
        ("threads", threads, 1, "a whole number of CPU threads, e.g. 2"),
        ("plan_memory_bytes", plan_memory_bytes, 0, "bytes for kept plans, e.g. 2**31"),
    )
    for name, value, least, fix in checks:
        if value is not None and value < least:
            raise InputError.single(
                ARGUMENTS,
                f"{name} must be at least {least}",
                column=name,
                value=value,
                fix=f"give {fix}",
            )


def coop_groups(economy: Economy, snap: EconomySnapshot) -> np.ndarray:
    """Innermost group of each coop as a dense label (from coops.csv when no groups table)."""
    if snap.group_ids:
        return np.asarray(snap.coop_group, dtype=np.int64)
    codes, _ = pd.factorize(economy.coops["group"], sort=True)
    return np.asarray(codes, dtype=np.int64)


def plan(
    economy: Economy,
    objective: Objective | str = Objective.FULFILMENT,
    *,
    rules: MobilityRules | None = None,
    mobility_share: float | None = None,
    harmony_tolerance: float = 1e-4,
    certificate_tolerance: float = DEFAULT_TOLERANCE,
    time_limit_s: float = 600.0,
    large_scale_threshold: int = largescale_bridge.DEFAULT_THRESHOLD,
    tie_break: bool = True,
    highs_fallback: bool = True,
    threads: int | None = None,
    plan_memory_bytes: int | None = None,
    progress: ProgressCallback | None = None,
) -> PlanResult:
    """The optimal plan of ``economy`` for ``objective``.

    ``mobility_share`` μ ∈ [0, 1] (default: ``rules.relocation_mobility_share`` when rules are
    given, else 0) lets each coop lend up to μ of its hours to coops of its group.
    ``harmony_tolerance`` ε bounds the gap between the harmony function and its
    piecewise-linear envelope on the range covered. ``tie_break``: among optimal plans pick
    the one with least needless labour, transport and lending (a second, warm-started
    solve). Raises :class:`InputError` for bad
    arguments; infeasible and unbounded plans are results with a diagnosis.

    ``time_limit_s`` is for the whole solve. Large single-region economies go to the
    structure-exploiting solver (:mod:`cooplan.planning.optimal.largescale_bridge`); when it
    cannot certify its answer, HiGHS solves the LP in the time left (``highs_fallback``),
    and when that does not give an optimum either, the structured solver's plan is returned
    as ``feasible`` if it meets every constraint (its certificate bounds the gap).
    ``threads`` (CPU threads for its sparse products; default ``COOPLAN_THREADS``, else 1)
    and ``plan_memory_bytes`` (bytes for the plans of columns outside its current mix;
    default 2 GiB) tune that solver: they change the time it takes, never its answer.
    ``progress`` is called with a :class:`~cooplan.planning.largescale.progress.Progress`
    (value, bound, gap, elapsed time) after each step of that solver, so a long solve can be
    watched; HiGHS solves report nothing.
    """
    goal = _objective(objective)
    share = _share(mobility_share, rules)
    _check_tuning(threads, plan_memory_bytes)
    if progress is not None and not callable(progress):
        raise InputError.single(
            ARGUMENTS,
            "progress must be a function of one Progress argument",
            column="progress",
            value=progress,
            fix="pass e.g. lambda p: print(p.describe()), or None",
        )
    if not harmony_tolerance > 0:
        raise InputError.single(
            ARGUMENTS,
            "harmony tolerance must be positive",
            column="harmony_tolerance",
            value=harmony_tolerance,
            fix="use e.g. 1e-4",
        )
    snap = economy.snapshot()
    groups = coop_groups(economy, snap)

    def build(ceiling: float = HARMONY_CEILING, phase_one: bool = False) -> LinearProgram:
        return build_lp(
            snap,
            goal,
            coop_group=groups,
            mobility_share=share,
            harmony_tolerance=harmony_tolerance,
            harmony_ceiling=ceiling,
            phase_one=phase_one,
        )

    lp = build()
    lp, solution, solver_name, note = _solve(
        snap,
        lp,
        build,
        certificate_tolerance,
        time_limit_s,
        large_scale=largescale_bridge.eligible(lp, snap, large_scale_threshold),
        highs_fallback=highs_fallback,
        tie_break=tie_break,
        tuning=largescale_bridge.Tuning(threads, plan_memory_bytes, progress),
    )
    info = SolverInfo(solver_name, solution.time_s, solution.iterations, note)
    base = PlanResult(
        PlanStatus.NOT_SOLVED,
        objective=goal,
        objective_value=None,
        economy=economy.meta.name,
        regional=lp.layout.regional,
        mobility_share=share,
        solver=info,
    )
    if solution.status is LPStatus.OPTIMAL:
        return _optimal_result(snap, lp, solution, certificate_tolerance, base)
    if solution.status is LPStatus.FEASIBLE:
        return _optimal_result(snap, lp, solution, certificate_tolerance, base, PlanStatus.FEASIBLE)
    if solution.status in (LPStatus.INFEASIBLE, LPStatus.INFEASIBLE_OR_UNBOUNDED):
        phase_one = build(phase_one=True)
        first = solve_lp(phase_one, time_limit_s=time_limit_s)
        if first.status is LPStatus.OPTIMAL and first.objective > 1e-9:
            diagnosis = explain_phase_one(snap, phase_one, first)
            return replace(base, status=PlanStatus.INFEASIBLE, diagnosis=diagnosis)
        if first.status is LPStatus.OPTIMAL:
            diagnosis = diagnose_unbounded(snap, lp, None)
            return replace(base, status=PlanStatus.UNBOUNDED, diagnosis=diagnosis)
    if solution.status is LPStatus.UNBOUNDED:
        diagnosis = diagnose_unbounded(snap, lp, solution.ray)
        return replace(base, status=PlanStatus.UNBOUNDED, diagnosis=diagnosis)
    diagnosis = Diagnosis(message=f"the solver stopped: {solution.message}")
    return replace(base, diagnosis=diagnosis)


def _solve(
    snap: EconomySnapshot,
    lp: LinearProgram,
    build: Callable[[float], LinearProgram],
    tolerance: float,
    time_limit_s: float,
    *,
    large_scale: bool,
    highs_fallback: bool,
    tie_break: bool,
    tuning: largescale_bridge.Tuning,
) -> tuple[LinearProgram, LPSolution, str, str]:
    """Solve ``lp`` within ``time_limit_s`` (see :func:`plan`); returns the LP solved, its
    solution, the solver's name and a note on how the answer was found."""
    started = time.perf_counter()
    feasible: LPSolution | None = None
    reason = ""
    if large_scale:
        outcome = largescale_bridge.solve_with_large_scale(
            snap,
            lp,
            tolerance=tolerance,
            time_limit_s=time_limit_s,
            tuning=tuning,
        )
        if outcome.solution is not None:
            return lp, outcome.solution, outcome.name, outcome.note
        feasible, reason = outcome.feasible, outcome.note
        remaining = time_limit_s - (time.perf_counter() - started)
        if feasible is not None and not highs_fallback:
            return lp, feasible, outcome.name, reason
        if feasible is not None and remaining < _LEAST_HIGHS_TIME_S:
            return lp, feasible, outcome.name, f"{reason}; no time left for HiGHS"
    remaining = max(time_limit_s - (time.perf_counter() - started), _LEAST_HIGHS_TIME_S)
    highs_lp, solution = _solve_highs(snap, lp, build, remaining)
    if tie_break:
        solution = _tie_break(snap, highs_lp, solution, remaining)
    if feasible is not None and solution.status is not LPStatus.OPTIMAL:
        note = f"{reason}; HiGHS stopped ({solution.message}): the feasible plan is kept"
        return lp, feasible, "largescale", note
    note = f"{reason}; solved with HiGHS instead" if reason else ""
    return highs_lp, solution, "highs", note


_LEAST_HIGHS_TIME_S = 1.0
"""Seconds below which HiGHS is not started after the large-scale solver (it could not
finish): the feasible plan found so far is returned instead."""


def _solve_highs(
    snap: EconomySnapshot,
    lp: LinearProgram,
    build: Callable[[float], LinearProgram],
    time_limit_s: float,
) -> tuple[LinearProgram, LPSolution]:
    """Solve with HiGHS; for harmony, widen the tangent range until the plan lies inside."""
    solution = solve_lp(lp, time_limit_s=time_limit_s)
    iterations, seconds = solution.iterations, solution.time_s
    ceiling = HARMONY_CEILING
    for _ in range(HARMONY_WIDENINGS):
        widest = _widest_overfulfilment(snap, lp, solution)
        if widest is None or widest <= ceiling * (1 - 1e-9):
            break
        ceiling = 2.0 * widest + 1.0
        lp = build(ceiling)
        solution = solve_lp(lp, time_limit_s=time_limit_s)
        iterations += solution.iterations
        seconds += solution.time_s
    return lp, _with_effort(solution, iterations, seconds)


TIE_TOLERANCE = 1e-9
"""Relative slack on the optimum allowed to the second (tie-breaking) objective."""


def _tie_break(
    snap: EconomySnapshot, lp: LinearProgram, solution: LPSolution, time_limit_s: float
) -> LPSolution:
    """Among the optimal plans, the one with least needless labour, transport and lending.

    Solves min tie_break_cost · v subject to the constraints and cost · v ≤ optimum (+ a
    relative 1e-9). The returned primal is that plan; the duals stay those of the first
    solve, which remain optimal for any optimal primal (so the certificate still applies).
    """
    if solution.status is not LPStatus.OPTIMAL:
        return solution
    secondary = tie_break_cost(snap, lp)
    if not np.any(secondary) or float(secondary @ np.maximum(solution.x, 0.0)) <= 0.0:
        return solution
    bound = solution.objective + TIE_TOLERANCE * (1.0 + abs(solution.objective))
    refined = solve_lp(
        with_objective_bound(lp, secondary, bound),
        time_limit_s=time_limit_s,
        start=solution.basis,
    )
    if refined.status is not LPStatus.OPTIMAL:
        return solution
    return LPSolution(
        status=solution.status,
        message=solution.message,
        x=refined.x,
        row_dual=solution.row_dual,
        objective=float(lp.cost @ refined.x),
        iterations=solution.iterations + refined.iterations,
        time_s=solution.time_s + refined.time_s,
    )


def _with_effort(solution: LPSolution, iterations: int, seconds: float) -> LPSolution:
    return LPSolution(
        status=solution.status,
        message=solution.message,
        x=solution.x,
        row_dual=solution.row_dual,
        objective=solution.objective,
        iterations=iterations,
        time_s=seconds,
        ray=solution.ray,
        basis=solution.basis,
    )


def _overfulfilment(snap: EconomySnapshot, lp: LinearProgram, x: FloatArray) -> FloatArray:
    rows = lp.layout.harmony_demand
    delivered = x[lp.columns["y"]][rows]
    result: FloatArray = delivered / snap.demand_quantity[rows] - 1.0
    return result


def _widest_overfulfilment(
    snap: EconomySnapshot, lp: LinearProgram, solution: LPSolution
) -> float | None:
    if solution.status is not LPStatus.OPTIMAL or len(lp.layout.harmony_demand) == 0:
        return None
    return float(np.max(_overfulfilment(snap, lp, solution.x)))


def _harmony_report(snap: EconomySnapshot, lp: LinearProgram, x: FloatArray) -> HarmonyReport:
    layout = lp.layout
    rows = layout.harmony_demand
    weights = snap.demand_priority[rows]
    s = _overfulfilment(snap, lp, x)
    errors = np.array([envelope_error(p) for p in layout.harmony_points])
    return HarmonyReport(
        achieved=float(weights @ harmony(np.maximum(s, -1.0))),
        lp_bound=float(weights @ x[lp.columns["t"]]),
        error_bound=float(weights @ errors) if len(rows) else 0.0,
        tolerance=layout.harmony_tolerance,
        pieces=int(sum(len(p) for p in layout.harmony_points)),
        max_overfulfilment=float(max((p[-1] for p in layout.harmony_points), default=0.0)),
    )


def _optimal_result(
    snap: EconomySnapshot,
    lp: LinearProgram,
    solution: LPSolution,
    tolerance: float,
    base: PlanResult,
    status: PlanStatus = PlanStatus.OPTIMAL,
) -> PlanResult:
    x, dual = solution.x, solution.row_dual
    activity = x[lp.columns["x"]]
    value = valuations(snap, lp, x, dual)
    use, relocations = labour_use(snap, lp, x)
    moved = shipments(snap, lp, x)
    transport_cost = float(sum(s.cost for s in moved))
    delivered = demand_delivered(lp, x)
    wanted = np.bincount(
        snap.demand_product, weights=snap.demand_quantity, minlength=snap.n_products
    )
    got = np.bincount(snap.demand_product, weights=delivered, minlength=snap.n_products)
    ratio = {snap.product_ids[i]: float(got[i] / wanted[i]) for i in np.flatnonzero(wanted > 0)}
    output = snap.B @ activity
    lam = lp.columns["lam"]
    goal = lp.objective
    harmony_report = None
    labour_total = float(snap.process_labour @ activity)
    if goal is Objective.FULFILMENT:
        objective_value = float(x[lam][0])
    elif goal is Objective.MIN_LABOUR:
        objective_value = labour_total
    elif goal is Objective.MIN_COST:
        objective_value = labour_total + transport_cost
    else:
        harmony_report = _harmony_report(snap, lp, x)
        objective_value = harmony_report.achieved
    certificate = certify(lp, x, dual, tolerance)
    bound = None
    if status is PlanStatus.FEASIBLE:
        gap = certificate.duality_gap
        bound = objective_value + gap if goal.maximises else objective_value - gap
    return replace(
        base,
        status=status,
        objective_value=objective_value,
        objective_bound=bound,
        fulfilment_lambda=float(x[lam][0]) if goal is Objective.FULFILMENT else None,
        fulfilment_ratio=ratio,
        activity={p: float(v) for p, v in zip(snap.process_ids, activity, strict=True)},
        output={p: float(v) for p, v in zip(snap.product_ids, output, strict=True)},
        labour=use,
        prices=value.prices,
        regional_prices=value.regional_prices,
        labour_prices=value.labour_prices,
        resource_prices=value.resource_prices,
        capacity_prices=value.capacity_prices,
        transport_prices=value.transport_prices,
        deliveries=plan_deliveries(snap, plan_flows(snap, lp, x), lp.layout.regional),
        shipments=moved,
        transport_cost=transport_cost,
        relocations=relocations,
        certificate=certificate,
        harmony=harmony_report,
    )
