"""Why a plan cannot be made: least shortfalls and the limits that bind them; unboundedness.

Infeasible plans are diagnosed with a phase-one LP (the same constraints, every required
quantity allowed a shortfall σ_k ≥ 0, minimising Σ_k w_k σ_k / c_k, with w the priority and
c the required quantity). It is always feasible (the plan that makes nothing meets every
limit), its optimum gives, per target, the least shortfall under those weights, and its duals
name the limits that hold production back: coops out of hours, processes at capacity, natural
resources used up, transport links full.
"""

from __future__ import annotations

import numpy as np

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.certificate import certify
from cooplan.planning.optimal.formulation import LinearProgram
from cooplan.planning.optimal.highs_solver import LPSolution, LPStatus, solve_lp
from cooplan.planning.optimal.interpret import demand_delivered, link_name
from cooplan.planning.optimal.result import BindingConstraint, Diagnosis, Shortfall

FloatArray = np.ndarray
VALUE_TOLERANCE = 1e-9


def binding_constraints(
    snap: EconomySnapshot, lp: LinearProgram, x: FloatArray, row_dual: FloatArray
) -> tuple[BindingConstraint, ...]:
    """Limits with a positive valuation, largest value first within each kind."""
    layout = lp.layout
    activity = lp.matrix @ x
    found: list[BindingConstraint] = []

    def collect(
        kind: str, names: list[str], limits: FloatArray, used: FloatArray, values: FloatArray
    ) -> None:
        scale = max(1.0, float(np.max(np.abs(values), initial=0.0)))
        order = np.argsort(-values, kind="stable")
        for i in order:
            if values[i] > VALUE_TOLERANCE * scale:
                found.append(
                    BindingConstraint(
                        kind, names[i], float(limits[i]), float(used[i]), float(values[i])
                    )
                )

    labour = lp.rows["labour"]
    collect(
        "labour", list(snap.coop_ids), lp.row_upper[labour], activity[labour], -row_dual[labour]
    )
    resource = lp.rows["resource"]
    collect(
        "resource",
        [snap.product_ids[i] for i in layout.resource_products],
        snap.resource_available[layout.resource_products],
        activity[resource]
        + (snap.resource_available[layout.resource_products] - lp.row_upper[resource]),
        -row_dual[resource],
    )
    reduced = lp.cost - lp.matrix.T @ row_dual
    capped = np.flatnonzero(np.isfinite(snap.process_capacity))
    collect(
        "capacity",
        [snap.process_ids[p] for p in capped],
        snap.process_capacity[capped],
        x[lp.columns["x"]][capped],
        np.maximum(-reduced[lp.columns["x"]][capped], 0.0),
    )
    link = lp.rows["link"]
    collect(
        "transport",
        [link_name(snap, int(i)) for i in layout.capacity_links],
        lp.row_upper[link],
        activity[link],
        -row_dual[link],
    )
    return tuple(found)


def shortfalls(snap: EconomySnapshot, lp: LinearProgram, x: FloatArray) -> tuple[Shortfall, ...]:
    """The targets of a solved phase-one LP that are not met in full."""
    required = lp.layout.demand_constant
    attainable = demand_delivered(lp, x)
    out = []
    for k in np.flatnonzero(required - attainable > 1e-9 * np.maximum(1.0, required)):
        region = int(snap.demand_region[k])
        out.append(
            Shortfall(
                product=snap.product_ids[snap.demand_product[k]],
                region=snap.region_ids[region] if region >= 0 else None,
                required=float(required[k]),
                attainable=float(attainable[k]),
            )
        )
    return tuple(out)


def diagnose_infeasible(snap: EconomySnapshot, phase_one: LinearProgram) -> Diagnosis:
    """Solve ``phase_one`` and explain the infeasibility it measures."""
    solution = solve_lp(phase_one)
    if solution.status is not LPStatus.OPTIMAL:
        return Diagnosis(message=f"phase-one LP not solved: {solution.message}")
    return explain_phase_one(snap, phase_one, solution)


def explain_phase_one(
    snap: EconomySnapshot, phase_one: LinearProgram, solution: LPSolution
) -> Diagnosis:
    """The diagnosis carried by a solved phase-one LP."""
    missing = shortfalls(snap, phase_one, solution.x)
    binding = binding_constraints(snap, phase_one, solution.x, solution.row_dual)
    names = ", ".join(
        f"{s.product}" + (f" in {s.region}" if s.region else "") + f" short by {s.shortfall:.6g}"
        for s in missing
    )
    limits = ", ".join(f"{b.kind} {b.name}" for b in binding) or "none found"
    message = (
        f"{len(missing)} target(s) cannot be met: {names}. Binding limits: {limits}."
        if missing
        else "the targets can be met (no shortfall in the phase-one LP)"
    )
    return Diagnosis(
        message=message,
        shortfalls=missing,
        binding=binding,
        certificate=certify(phase_one, solution.x, solution.row_dual),
    )


def diagnose_unbounded(
    snap: EconomySnapshot, lp: LinearProgram, ray: FloatArray | None
) -> Diagnosis:
    """Explain an unbounded plan: an empty assortment or processes that can grow without limit."""
    lam = lp.columns["lam"]
    if lam.stop > lam.start and not np.any(lp.matrix[:, lam.start].toarray()):
        return Diagnosis(
            message="every demand quantity is 0: the assortment is empty, so λ has no limit; "
            "give at least one product a positive quantity in demand.csv"
        )
    if ray is None:
        return Diagnosis(
            message="the objective can be improved without limit (no ray reported); some "
            "process runs without labour, inputs and capacity limit"
        )
    direction = ray[lp.columns["x"]]
    scale = max(float(np.max(np.abs(direction), initial=0.0)), 1e-300)
    growing = tuple(snap.process_ids[p] for p in np.flatnonzero(direction > 1e-9 * scale))
    return Diagnosis(
        message="the objective can be improved without limit by running these processes "
        f"ever more: {', '.join(growing) or '(none: a delivery variable grows)'}; give them a "
        "capacity or check their labour and inputs",
        unbounded_processes=growing,
    )
