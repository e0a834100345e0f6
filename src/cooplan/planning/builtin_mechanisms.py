"""The built-in planning mechanisms, registered with :mod:`cooplan.planning.mechanism`."""

from __future__ import annotations

from typing import Any

import numpy as np

from cooplan.model.economy import Economy
from cooplan.planning import participatory_mechanism  # noqa: F401 - registers "participatory"
from cooplan.planning.balances import balance
from cooplan.planning.harmony import mechanism as _harmony  # noqa: F401 - registers "harmony"
from cooplan.planning.mechanism import FunctionMechanism, MechanismPlan, RunStatus, register


def _balance_mechanism(economy: Economy, seed: int, **options: Any) -> MechanismPlan:
    """Material balance: deliver all final demand with least-labour techniques.

    Ignores coops' hours, capacities and resources (it reports against them), so it always
    delivers 100% of demand; the labour it needs may exceed what coops have.
    """
    del seed, options
    result = balance(economy)
    snap = economy.snapshot()
    delivered = {
        p: float(snap.final_demand[i])
        for i, p in enumerate(snap.product_ids)
        if snap.final_demand[i] > 0
    }
    return MechanismPlan(
        mechanism="balance",
        status=RunStatus.CONVERGED,
        activity=result.activity,
        output=result.gross_output,
        labour_used={c.coop: c.labour_required for c in result.coops},
        final_delivered=delivered,
        rounds=result.policy_iterations,
        details={
            "labour_over": {c.coop: c.labour_over for c in result.coops if c.labour_over > 0},
            "resource_deficits": result.resource_deficits,
            "spectral_radius": result.spectral_radius,
            "labour_values": {k: v for k, v in result.labour_values.items() if np.isfinite(v)},
        },
    )


register(
    FunctionMechanism(
        "balance",
        "Material balances (Leontief): all final demand, least-labour techniques; "
        "coops' hours and capacities are reported against, not respected.",
        _balance_mechanism,
    )
)


def _optimal_mechanism(economy: Economy, seed: int, **options: Any) -> MechanismPlan:
    """Kantorovich's optimal plan (HiGHS, certified); ``objective`` as for ``cooplan plan``.

    Options: ``objective`` (default ``fulfilment``), ``mobility_share``. The full plan (JSON
    form, with valuations and deliveries) is in ``details["plan"]``.
    """
    from cooplan.planning.optimal import PlanStatus, plan

    del seed  # the LP is deterministic
    result = plan(
        economy,
        options.get("objective", "fulfilment"),
        mobility_share=options.get("mobility_share"),
    )
    delivered: dict[str, float] = {}
    for delivery in result.deliveries:
        if delivery.target == "public":
            delivered[delivery.product] = delivered.get(delivery.product, 0.0) + delivery.quantity
    return MechanismPlan(
        mechanism="optimal",
        status={
            PlanStatus.OPTIMAL: RunStatus.CONVERGED,
            PlanStatus.FEASIBLE: RunStatus.NOT_CONVERGED,  # a plan, optimality not proven
        }.get(result.status, RunStatus.INFEASIBLE),
        activity=dict(result.activity),
        output=dict(result.output),
        labour_used={c: use.used for c, use in result.labour.items()},
        final_delivered=delivered,
        rounds=result.solver.iterations if result.solver is not None else 0,
        details={"plan": result.to_json_dict()},
    )


register(
    FunctionMechanism(
        "optimal",
        "Kantorovich's optimal plan (LP, HiGHS or the structured large-scale solver) with "
        "valuations and a certificate; options: objective (fulfilment, min-labour, min-cost, "
        "harmony), mobility_share.",
        _optimal_mechanism,
    )
)


def _horizon_mechanism(economy: Economy, seed: int, **options: Any) -> MechanismPlan:
    """The first year of a multi-year plan with investment (rolled forward when simulated).

    Options: ``years`` (default 5), ``capital`` (a capital.csv path; default the economy
    folder's ``capital.csv`` when there is one), ``pipeline`` (capacity already under
    construction, as for :func:`~cooplan.planning.horizon.plan_horizon`; ``cooplan simulate``
    passes it when a construction lag above 1 leaves capacity unfinished), and any
    HorizonSettings field. The whole horizon plan, whatever its status, is in
    ``details["horizon"]``.
    """
    from pathlib import Path

    from cooplan.planning.horizon import HorizonSettings, plan_horizon, read_capital

    del seed  # the LP is deterministic
    capital_path = options.pop("capital", None)
    if capital_path is None and economy.source != "<memory>":
        default = Path(economy.source) / "capital.csv"
        capital_path = default if default.is_file() else None
    capital = read_capital(capital_path, economy) if capital_path else None
    pipeline = options.pop("pipeline", None)
    settings = HorizonSettings.from_options(options, source="horizon options")
    result = plan_horizon(economy, settings, capital, pipeline=pipeline)
    snap = economy.snapshot()
    if result.status != "optimal":
        return MechanismPlan(
            "horizon",
            RunStatus.INFEASIBLE,
            {},
            {},
            {},
            {},
            details={"horizon": result.to_json_dict()},
        )
    activity = result.activity[0]
    x = np.array([activity.get(p, 0.0) for p in snap.process_ids])
    floors = np.bincount(snap.demand_product, weights=snap.demand_floor, minlength=snap.n_products)
    delivered = floors + result.fulfilment[0] * (snap.final_demand - floors)
    return MechanismPlan(
        mechanism="horizon",
        status=RunStatus.CONVERGED,
        activity=activity,
        output={p: float(v) for p, v in zip(snap.product_ids, snap.B @ x, strict=True) if v > 0},
        labour_used=result.labour[0],
        final_delivered={
            p: float(delivered[i])
            for i, p in enumerate(snap.product_ids)
            if snap.final_demand[i] > 0
        },
        rounds=int(result.solver.get("iterations", 0)),
        details={"horizon": result.to_json_dict()},
    )


register(
    FunctionMechanism(
        "horizon",
        "First year of a multi-year plan with investment and stocks (one LP, Cockshott's "
        "five-year plan model); re-planned every period when simulated.",
        _horizon_mechanism,
    )
)
