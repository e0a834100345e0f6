"""The planning mechanisms a plan run can use: the engine's registry, as thin adapters.

Each adapter takes a validated economy, a seed and parameters, and returns the engine's own
JSON result. :func:`plan_view` then reads from that result, with the economy's tables, what
the pages show per coop: outputs, inputs, labour, and deliveries where the mechanism assigns
suppliers (the optimal plan does; the material balance does not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cooplan.errors import InputError
from cooplan.institutions.plan_cycle import split_plan
from cooplan.model.economy import Economy
from cooplan.planning.balances import balance
from cooplan.planning.largescale.progress import ProgressCallback
from cooplan.planning.mechanism import fulfilment as mechanism_fulfilment
from cooplan.planning.mechanism import mechanisms as registered_mechanisms
from cooplan.planning.mechanism import run as run_mechanism
from cooplan.planning.optimal import plan


class Runner(Protocol):
    """Runs a mechanism on ``economy`` with ``seed`` and ``parameters``; its JSON result.
    ``progress``, where the mechanism reports any (the optimal plan's large-scale solver),
    is told how a long computation stands."""

    def __call__(
        self,
        economy: Economy,
        seed: int,
        parameters: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Mechanism:
    """A named planning mechanism and how to run it."""

    name: str
    title: str
    description: str
    runner: Runner
    assigns_suppliers: bool

    def available(self) -> bool:
        """Whether the engine piece behind it is installed in this build (always, here)."""
        return True


def _run_balance(
    economy: Economy,
    seed: int,
    parameters: Mapping[str, Any],
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    return balance(economy).to_json_dict()


OPTIMAL_OPTIONS = ("objective", "mobility_share")


def _run_optimal(
    economy: Economy,
    seed: int,
    parameters: Mapping[str, Any],
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    options = {k: v for k, v in parameters.items() if k in OPTIMAL_OPTIONS}
    return dict(plan(economy, progress=progress, **options).to_json_dict())


def _registry_runner(name: str) -> Runner:
    """A runner for any mechanism of the engine's registry (harmony, participatory, …)."""

    def run_registered(
        economy: Economy,
        seed: int,
        parameters: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        result, record = run_mechanism(name, economy, seed, **dict(parameters))
        hours = dict(zip(economy.coops["id"], economy.snapshot().coop_hours, strict=True))
        ratios = mechanism_fulfilment(result, economy)
        finite = [r for r in ratios.values() if r is not None]
        return {
            "status": result.status.value,
            "activity": dict(result.activity),
            "output": dict(result.output),
            "labour": {
                c: {"used": float(result.labour_used.get(c, 0.0)), "available": float(h)}
                for c, h in hours.items()
            },
            "fulfilment": {"lambda": min(finite) if finite else None, "ratio": ratios},
            "final_delivered": dict(result.final_delivered),
            "run": record.to_json_dict(),
        }

    return run_registered


_TITLES = {
    "balance": ("Material balance", False),
    "optimal": ("Optimal plan", True),
}


def _mechanisms() -> dict[str, Mechanism]:
    """Every mechanism of the engine's registry, with native runners where they exist."""
    found: dict[str, Mechanism] = {}
    for name, registered in registered_mechanisms().items():
        title, assigns = _TITLES.get(name, (name.replace("-", " ").capitalize(), False))
        runner = {"balance": _run_balance, "optimal": _run_optimal}.get(
            name, _registry_runner(name)
        )
        found[name] = Mechanism(name, title, registered.description, runner, assigns)
    return found


MECHANISMS: dict[str, Mechanism] = _mechanisms()


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
