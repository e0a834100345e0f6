"""The built-in planning mechanisms, registered with :mod:`cooplan.planning.mechanism`."""

from __future__ import annotations

from typing import Any

import numpy as np

from cooplan.model.economy import Economy
from cooplan.planning.balances import balance
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
        status=RunStatus.CONVERGED if result.status is PlanStatus.OPTIMAL else RunStatus.INFEASIBLE,
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
