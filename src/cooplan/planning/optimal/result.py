"""Typed results of the optimal plan: status, valuations, deliveries, certificate, diagnosis.

Every figure is in the economy's own units: products in their physical unit per period,
labour in the economy's labour unit (``hour``) per period. Valuations follow one sign
convention (see ``docs/optimal.md``): each is the improvement of the objective per unit of
the constraint relaxed, so it is non-negative wherever the constraint is an inequality.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Objective(StrEnum):
    """What the plan optimises."""

    FULFILMENT = "fulfilment"
    MIN_LABOUR = "min-labour"
    MIN_COST = "min-cost"
    HARMONY = "harmony"

    @property
    def maximises(self) -> bool:
        """True for objectives that are maximised (fulfilment, harmony)."""
        return self in (Objective.FULFILMENT, Objective.HARMONY)


class PlanStatus(StrEnum):
    """How the solve ended.

    ``feasible``: the time limit came before optimality was proven, but the plan meets every
    constraint and its valuations are a feasible dual point, so the certificate's
    ``complementarity_gap`` bounds how far the plan's objective can be from the optimum.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"


@dataclass(frozen=True)
class Certificate:
    """Optimality certificate recomputed from the primal and dual vectors and the LP's data.

    ``primal_infeasibility``: largest violation of a row or a bound (units of that row).
    ``dual_infeasibility``: largest dual sign violation (objective units per unit).
    ``complementarity_gap``: Σ |dual × slack| over rows and bounds (objective units).
    ``duality_gap``: primal objective − dual objective (objective units, of the LP solved).
    ``passed``: all three below ``tolerance`` × ``scale``, and ``|duality_gap|`` below
    ``tolerance`` × (1 + |primal objective| + |dual objective|).
    """

    primal_infeasibility: float
    dual_infeasibility: float
    complementarity_gap: float
    duality_gap: float
    tolerance: float
    scale: float
    passed: bool

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "primal_infeasibility": self.primal_infeasibility,
            "dual_infeasibility": self.dual_infeasibility,
            "complementarity_gap": self.complementarity_gap,
            "duality_gap": self.duality_gap,
            "tolerance": self.tolerance,
            "scale": self.scale,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class SolverInfo:
    """Which solver answered, how long it took (seconds) and how many iterations."""

    name: str
    time_s: float
    iterations: int
    note: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "time_s": self.time_s,
            "iterations": self.iterations,
            "note": self.note,
        }


@dataclass(frozen=True)
class Delivery:
    """``quantity`` units of ``product`` from ``source`` to ``target`` in ``region``.

    ``source`` is a coop id or ``"nature"`` (natural resources); ``target`` a coop id,
    ``"public"`` (final demand) or ``"surplus"`` (made but not used: stays in stock).
    ``region`` is where it is delivered (``None``: anywhere in the federation),
    ``source_region`` where the supplier works.
    """

    product: str
    source: str
    target: str
    region: str | None
    source_region: str | None
    quantity: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "from": self.source,
            "to": self.target,
            "region": self.region,
            "from_region": self.source_region,
            "quantity": self.quantity,
        }


@dataclass(frozen=True)
class Shipment:
    """``quantity`` units of ``product`` carried on the link ``origin`` → ``destination``."""

    product: str
    origin: str
    destination: str
    quantity: float
    cost: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "from_region": self.origin,
            "to_region": self.destination,
            "quantity": self.quantity,
            "cost": self.cost,
        }


@dataclass(frozen=True)
class Relocation:
    """``hours`` of labour lent by coop ``source`` to coop ``target`` (same group)."""

    source: str
    target: str
    hours: float

    def to_json_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "hours": self.hours}


@dataclass(frozen=True)
class LabourUse:
    """Hours worked in a coop against the hours its workers have (per period)."""

    used: float
    available: float
    lent: float = 0.0
    borrowed: float = 0.0

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "used": self.used,
            "available": self.available,
            "lent": self.lent,
            "borrowed": self.borrowed,
        }


@dataclass(frozen=True)
class Shortfall:
    """A target that cannot be met: ``required`` units, at most ``attainable`` possible."""

    product: str
    region: str | None
    required: float
    attainable: float

    @property
    def shortfall(self) -> float:
        return max(0.0, self.required - self.attainable)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "region": self.region,
            "required": self.required,
            "attainable": self.attainable,
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True)
class BindingConstraint:
    """A limit that holds the plan back, with its valuation (objective per unit relaxed)."""

    kind: str
    name: str
    limit: float
    used: float
    value: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "limit": self.limit,
            "used": self.used,
            "value": self.value,
        }


@dataclass(frozen=True)
class Diagnosis:
    """Why a plan is infeasible or unbounded, in terms a planner can act on."""

    message: str
    shortfalls: tuple[Shortfall, ...] = ()
    binding: tuple[BindingConstraint, ...] = ()
    unbounded_processes: tuple[str, ...] = ()
    certificate: Certificate | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "shortfalls": [s.to_json_dict() for s in self.shortfalls],
            "binding": [b.to_json_dict() for b in self.binding],
            "unbounded_processes": list(self.unbounded_processes),
            "certificate": None if self.certificate is None else self.certificate.to_json_dict(),
        }


@dataclass(frozen=True)
class HarmonyReport:
    """How close the piecewise-linear harmony LP is to the true (smooth) harmony.

    The true optimum lies in [``achieved``, ``lp_bound``]; ``error_bound`` is the a-priori
    bound Σ w_i ε on the gap between the approximation and H over the covered range.
    """

    achieved: float
    lp_bound: float
    error_bound: float
    tolerance: float
    pieces: int
    max_overfulfilment: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "achieved": self.achieved,
            "lp_bound": self.lp_bound,
            "gap": self.lp_bound - self.achieved,
            "error_bound": self.error_bound,
            "tolerance": self.tolerance,
            "pieces": self.pieces,
            "max_overfulfilment": self.max_overfulfilment,
        }


def _clean(value: float) -> float | None:
    """JSON has no infinity or NaN: those become ``None``."""
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class PlanResult:
    """The optimal plan of one economy for one objective.

    Figures other than ``status``, ``objective``, ``solver`` and ``diagnosis`` are empty
    unless ``status`` is :attr:`PlanStatus.OPTIMAL` or :attr:`PlanStatus.FEASIBLE`.
    ``objective_bound`` (feasible plans only): the best value the optimum can have, proven
    by the plan's valuations (``objective_value`` ± the certificate's ``duality_gap``).
    """

    status: PlanStatus
    objective: Objective
    objective_value: float | None
    economy: str
    regional: bool
    fulfilment_lambda: float | None = None
    fulfilment_ratio: dict[str, float] = field(default_factory=dict)
    activity: dict[str, float] = field(default_factory=dict)
    output: dict[str, float] = field(default_factory=dict)
    labour: dict[str, LabourUse] = field(default_factory=dict)
    prices: dict[str, float] = field(default_factory=dict)
    regional_prices: dict[str, dict[str, float]] = field(default_factory=dict)
    labour_prices: dict[str, float] = field(default_factory=dict)
    resource_prices: dict[str, float] = field(default_factory=dict)
    capacity_prices: dict[str, float] = field(default_factory=dict)
    transport_prices: dict[str, float] = field(default_factory=dict)
    deliveries: Sequence[Delivery] = ()  # a DeliveryTable when made by plan()
    shipments: tuple[Shipment, ...] = ()
    transport_cost: float = 0.0
    relocations: tuple[Relocation, ...] = ()
    mobility_share: float = 0.0
    certificate: Certificate | None = None
    solver: SolverInfo | None = None
    harmony: HarmonyReport | None = None
    diagnosis: Diagnosis | None = None
    objective_bound: float | None = None

    @property
    def is_optimal(self) -> bool:
        return self.status is PlanStatus.OPTIMAL

    @property
    def has_plan(self) -> bool:
        """Whether the plan's figures are filled in (optimal, or feasible within a gap)."""
        return self.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)

    def delivery_records(self) -> Iterator[dict[str, Any]]:
        """The deliveries as JSON-ready dictionaries, one at a time."""
        for delivery in self.deliveries:
            yield delivery.to_json_dict()

    def to_json_dict(self, *, deliveries: bool = True) -> dict[str, Any]:
        """Plain JSON-ready dictionary (keys as documented in ``docs/optimal.md``).

        ``deliveries=False`` leaves the list of deliveries empty (write them from
        :meth:`delivery_records` instead: a national plan has tens of millions)."""
        value = None if self.objective_value is None else _clean(self.objective_value)
        return {
            "status": self.status.value,
            "objective": self.objective.value,
            "objective_value": value,
            "objective_bound": self.objective_bound,
            "economy": self.economy,
            "regional": self.regional,
            "mobility_share": self.mobility_share,
            "fulfilment": {
                "lambda": self.fulfilment_lambda,
                "ratio": dict(self.fulfilment_ratio),
            },
            "activity": dict(self.activity),
            "output": dict(self.output),
            "labour": {k: v.to_json_dict() for k, v in self.labour.items()},
            "prices": dict(self.prices),
            "regional_prices": {k: dict(v) for k, v in self.regional_prices.items()},
            "labour_prices": dict(self.labour_prices),
            "resource_prices": dict(self.resource_prices),
            "capacity_prices": dict(self.capacity_prices),
            "transport_prices": dict(self.transport_prices),
            "deliveries": list(self.delivery_records()) if deliveries else [],
            "shipments": [s.to_json_dict() for s in self.shipments],
            "transport_cost": self.transport_cost,
            "relocations": [r.to_json_dict() for r in self.relocations],
            "certificate": None if self.certificate is None else self.certificate.to_json_dict(),
            "solver": None if self.solver is None else self.solver.to_json_dict(),
            "harmony": None if self.harmony is None else self.harmony.to_json_dict(),
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_json_dict(),
        }
