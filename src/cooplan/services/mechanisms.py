"""The planning mechanisms a plan run can use, as thin adapters over the engine.

Each adapter takes a validated economy, a seed and parameters, and returns the engine's own
JSON result. :func:`plan_view` then reads from that result, with the economy's tables, what
the pages show per coop: outputs, inputs, labour, and deliveries where the mechanism assigns
suppliers (the optimal plan does; the material balance does not).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cooplan.errors import InputError
from cooplan.institutions.plan_cycle import split_plan
from cooplan.model.economy import Economy
from cooplan.planning.balances import balance

Runner = Callable[[Economy, int, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Mechanism:
    """A named planning mechanism and how to run it."""

    name: str
    title: str
    description: str
    runner: Runner
    assigns_suppliers: bool

    def available(self) -> bool:
        """Whether the engine piece behind it is installed in this build."""
        if self.name != "optimal":
            return True
        return _optimal_plan() is not None


def _run_balance(economy: Economy, seed: int, parameters: Mapping[str, Any]) -> dict[str, Any]:
    return balance(economy).to_json_dict()


OPTIMAL_MODULES = ("cooplan.planning.optimal", "cooplan.planning.optimal.api")
OPTIMAL_OPTIONS = ("objective", "mobility_share")


def _optimal_plan() -> Callable[..., Any] | None:
    """The optimal planner's ``plan`` function, wherever its package exports it."""
    for name in OPTIMAL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "plan", None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None


def _run_optimal(economy: Economy, seed: int, parameters: Mapping[str, Any]) -> dict[str, Any]:
    plan = _optimal_plan()
    if plan is None:
        raise InputError.single(
            "plan run",
            "the optimal mechanism is not available in this build",
            column="mechanism",
            value="optimal",
            fix="use mechanism 'balance'",
        )
    options = {k: v for k, v in parameters.items() if k in OPTIMAL_OPTIONS}
    result = plan(economy, **options)
    return dict(result.to_json_dict())


MECHANISMS: dict[str, Mechanism] = {
    "balance": Mechanism(
        "balance",
        "Material balance",
        "Gross output and labour values for the final demand (Leontief), with the least-labour "
        "technique; checks each coop's hours and capacities.",
        _run_balance,
        assigns_suppliers=False,
    ),
    "optimal": Mechanism(
        "optimal",
        "Optimal plan",
        "Linear programme: the most demand fulfilment the coops' hours, capacities and "
        "resources allow, with shadow prices and deliveries between coops.",
        _run_optimal,
        assigns_suppliers=True,
    ),
}


def get_mechanism(name: str) -> Mechanism:
    """The mechanism called ``name``; 422 naming the field when unknown or unavailable."""
    mechanism = MECHANISMS.get(name)
    if mechanism is None or not mechanism.available():
        known = [m.name for m in MECHANISMS.values() if m.available()]
        raise InputError.single(
            "plan run",
            "unknown or unavailable mechanism",
            column="mechanism",
            value=name,
            fix=f"choose one of {known}",
        )
    return mechanism


def _coop_of_process(economy: Economy) -> dict[str, str]:
    return dict(zip(economy.processes["id"], economy.processes["coop"], strict=True))


def plan_view(economy: Economy, mechanism: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """Per coop: outputs and inputs (product units), hours used, available, lent and borrowed,
    and deliveries in and out; plus the fulfilment figures where the mechanism gives them.

    The split by coop is the institutions' :func:`~cooplan.institutions.plan_cycle.split_plan`;
    joint products (``outputs.csv``) are added to the outputs, and where the mechanism gives no
    ``labour`` table (the material balance) the hours are its coop checks.
    """
    activity: Mapping[str, float] = result.get("activity") or {}
    labour = result.get("labour") if isinstance(result.get("labour"), Mapping) else {}
    parts = split_plan(
        {**result, "labour": labour, "activity": activity}, economy.processes, economy.inputs
    )
    coop_of = _coop_of_process(economy)
    coops: dict[str, dict[str, Any]] = {}
    for coop_id in (str(c) for c in economy.coops["id"]):
        part = parts.get(coop_id)
        coops[coop_id] = {
            "outputs": {k: v for k, v in (part.output if part else {}).items() if v > 0},
            "inputs": {k: v for k, v in (part.inputs if part else {}).items() if v > 0},
            "labour_used": part.hours_used if part else 0.0,
            "labour_available": part.hours_available if part else 0.0,
            "hours_lent": part.hours_lent if part else 0.0,
            "hours_borrowed": part.hours_borrowed if part else 0.0,
        }
    for row in economy.outputs.itertuples(index=False):
        level = float(activity.get(str(row.process), 0.0) or 0.0)
        if level > 0:
            bucket = coops[coop_of[str(row.process)]]["outputs"]
            quantity = float(row.quantity)  # type: ignore[arg-type]
            bucket[str(row.product)] = bucket.get(str(row.product), 0.0) + level * quantity
    checks = result.get("coops")
    if not labour and isinstance(checks, Mapping):
        for coop_id, entry in coops.items():
            if coop_id in checks:
                entry["labour_used"] = float(checks[coop_id].get("labour_required", 0.0))
                entry["labour_available"] = float(checks[coop_id].get("labour_available", 0.0))
    deliveries = [dict(d) for d in result.get("deliveries") or []]
    fulfilment = result.get("fulfilment") or {}
    return {
        "mechanism": mechanism,
        "assigns_suppliers": MECHANISMS[mechanism].assigns_suppliers
        if mechanism in MECHANISMS
        else bool(deliveries),
        "coops": coops,
        "deliveries": deliveries,
        "fulfilment_lambda": fulfilment.get("lambda"),
        "total_labour": sum(c["labour_used"] for c in coops.values()),
        "total_labour_available": sum(c["labour_available"] for c in coops.values()),
        "units": {
            str(k): str(v)
            for k, v in zip(economy.products["id"], economy.products["unit"], strict=True)
        },
        "status": result.get("status", "done"),
        "diagnosis": (result.get("diagnosis") or {}).get("message")
        if isinstance(result.get("diagnosis"), Mapping)
        else None,
    }
