"""The ``harmony`` planning mechanism, registered with :mod:`cooplan.planning.mechanism`."""

from __future__ import annotations

from typing import Any

from cooplan.model.economy import Economy
from cooplan.planning.harmony.api import harmony_plan
from cooplan.planning.mechanism import FunctionMechanism, MechanismPlan, register


def harmony_mechanism(economy: Economy, seed: int, **options: Any) -> MechanismPlan:
    """Harmony planning (Cockshott): maximise Σ w H(y/d − 1) within hours, capacities, resources.

    Deterministic (``seed`` is recorded but unused). Options: ``tolerance``, ``max_rounds``.
    """
    del seed
    result = harmony_plan(economy, **options)
    return MechanismPlan(
        mechanism="harmony",
        status=result.status,
        activity=result.activity,
        output=result.output,
        labour_used=result.labour_used,
        final_delivered=result.delivered,
        rounds=result.rounds,
        details={
            "harmony": result.value,
            "bound": result.bound,
            "gap": result.gap,
            "overuse": result.overuse,
            "message": result.message,
            "binding": result.binding,
        },
    )


HARMONY = register(
    FunctionMechanism(
        "harmony",
        "Harmony planning (Cockshott): price-guided iteration towards the plan of greatest "
        "harmony Σ w ln-like(fulfilment) within coops' hours, capacities and resources; "
        "reports a certified bound on its distance from the optimum.",
        harmony_mechanism,
    )
)
