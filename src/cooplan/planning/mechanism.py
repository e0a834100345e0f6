"""One protocol for every planning mechanism, a run wrapper and the registry.

A mechanism solves an economy with a seed and returns a :class:`MechanismPlan` (what is made,
by which process, with how much labour, and how much of final demand is met). :func:`run`
wraps any mechanism with a :class:`RunRecord` (wall time, peak traced memory, rounds,
convergence, seed). The registry lets the CLI, the API and the web app list and pick
mechanisms by name (``cooplan mechanisms``).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np

from cooplan.model.economy import Economy


class RunStatus(StrEnum):
    """How a mechanism's run ended."""

    CONVERGED = "converged"
    NOT_CONVERGED = "not_converged"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class MechanismPlan:
    """What a mechanism decided, in the economy's ids and units.

    ``fulfilment[product]`` = delivered to final use / final demand (``None`` where the
    demand is zero); ``unmet[product]`` = demand not delivered (units).
    """

    mechanism: str
    status: RunStatus
    activity: dict[str, float]
    output: dict[str, float]
    labour_used: dict[str, float]
    final_delivered: dict[str, float]
    rounds: int = 1
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def total_labour(self) -> float:
        return float(sum(self.labour_used.values()))


@dataclass(frozen=True)
class RunRecord:
    """Provenance and cost of one run: seed, wall time, peak traced memory, rounds."""

    mechanism: str
    seed: int
    status: RunStatus
    rounds: int
    time_s: float
    peak_memory_mb: float
    options: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "seed": self.seed,
            "status": self.status.value,
            "converged": self.status == RunStatus.CONVERGED,
            "rounds": self.rounds,
            "time_s": self.time_s,
            "peak_memory_mb": self.peak_memory_mb,
            "options": self.options,
        }


class Mechanism(Protocol):
    """A planning mechanism: ``solve(economy, seed, **options) -> MechanismPlan``."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def solve(self, economy: Economy, seed: int, **options: Any) -> MechanismPlan: ...


@dataclass(frozen=True)
class FunctionMechanism:
    """A mechanism made from a plain function (the usual way to register one)."""

    name: str
    description: str
    function: Callable[..., MechanismPlan]

    def solve(self, economy: Economy, seed: int, **options: Any) -> MechanismPlan:
        return self.function(economy, seed, **options)


_REGISTRY: dict[str, Mechanism] = {}


def register(mechanism: Mechanism) -> Mechanism:
    """Add ``mechanism`` to the registry under its name (a later one replaces an earlier)."""
    _REGISTRY[mechanism.name] = mechanism
    return mechanism


def _load_builtins() -> None:
    from cooplan.planning import builtin_mechanisms  # noqa: F401 - registers on import


def mechanisms() -> dict[str, Mechanism]:
    """Every registered mechanism by name, built-ins included, in name order."""
    _load_builtins()
    return dict(sorted(_REGISTRY.items()))


def get_mechanism(name: str) -> Mechanism:
    """The mechanism called ``name``; :class:`~cooplan.errors.NotFoundError` otherwise."""
    from cooplan.errors import NotFoundError

    found = mechanisms().get(name)
    if found is None:
        raise NotFoundError(f"no planning mechanism {name!r}; known: {', '.join(mechanisms())}")
    return found


def run(
    mechanism: Mechanism | str, economy: Economy, seed: int = 0, **options: Any
) -> tuple[MechanismPlan, RunRecord]:
    """Solve ``economy`` with ``mechanism`` and record time, memory, rounds and the seed."""
    chosen = get_mechanism(mechanism) if isinstance(mechanism, str) else mechanism
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    try:
        plan = chosen.solve(economy, seed, **options)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not tracing:
            tracemalloc.stop()
    record = RunRecord(
        mechanism=chosen.name,
        seed=seed,
        status=plan.status,
        rounds=plan.rounds,
        time_s=elapsed,
        peak_memory_mb=peak / 2**20,
        options=dict(options),
    )
    return plan, record


def fulfilment(plan: MechanismPlan, economy: Economy) -> dict[str, float | None]:
    """Delivered / demanded per product with final demand (``None`` where demand is 0)."""
    snap = economy.snapshot()
    demand = snap.final_demand
    result: dict[str, float | None] = {}
    for i, product in enumerate(snap.product_ids):
        if demand[i] > 0:
            result[product] = plan.final_delivered.get(product, 0.0) / float(demand[i])
    return result


def overall_fulfilment(plan: MechanismPlan, economy: Economy) -> float | None:
    """The smallest fulfilment ratio over products with demand (Kantorovich's λ, capped)."""
    ratios = [r for r in fulfilment(plan, economy).values() if r is not None]
    return float(np.min(ratios)) if ratios else None
