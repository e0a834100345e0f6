"""The plan dict the federation's settlement reads, from any mechanism's plan.

:func:`cooplan.institutions.settlement.settle` reads the optimal planner's plan JSON:
``status``, ``activity`` {process: level}, ``labour`` {coop: {used, available}} (hours per
period), ``prices`` and ``resource_prices`` {product: value per unit}, ``deliveries``
[{product, from, to, quantity}] and ``relocations``. :func:`settlement_plan` builds that dict
for a plan of any registered mechanism:

* the ``optimal`` mechanism's own plan (``details["plan"]``) is used unchanged;
* otherwise ``activity`` is the mechanism's; ``labour[coop].used`` = Σ labour × activity over
  the coop's processes and ``available`` the coop's hours; ``deliveries`` follow from the
  activity by the optimal plan's delivery rule
  (:func:`cooplan.planning.optimal.deliveries.plan_deliveries`, the whole federation as one
  zone: mechanisms other than ``optimal`` plan no shipments between regions), with the
  mechanism's ``final_delivered`` going to the public (split over a product's demand rows in
  proportion to their quantity) and what is made beyond all uses to ``"surplus"``;
* ``prices`` are the mechanism's own valuations where they are in hours per unit: the
  participatory plan's prices (``details["prices"]``); left out otherwise, so that the
  accounts' ``auto`` valuation takes labour values
  (:func:`cooplan.institutions.accounts.choose_valuation`). The horizon plan's duals are
  left out on purpose: they are in units of its objective (complete sets, capacity), which
  would make the coops' accounts hard to read;
* ``status`` is ``"optimal"`` when the mechanism converged, its run status otherwise (the
  settlement refuses such a plan); ``relocations`` is empty (no mechanism but ``optimal``
  lends hours between coops).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.mechanism import MechanismPlan, RunStatus
from cooplan.planning.optimal.deliveries import PlanFlows, plan_deliveries

__all__ = ["settlement_plan"]


def _public(snap: EconomySnapshot, delivered: Mapping[str, float]) -> np.ndarray:
    """Quantity delivered to each demand row: a product's delivery split over its rows in
    proportion to their quantity (equally where they are all zero)."""
    index = snap.product_index
    total = np.zeros(snap.n_products)
    for product, quantity in delivered.items():
        if product in index:
            total[index[product]] += max(float(quantity), 0.0)
    rows = snap.demand_product
    asked = np.bincount(rows, weights=snap.demand_quantity, minlength=snap.n_products)
    count = np.bincount(rows, minlength=snap.n_products)
    share = np.where(
        asked[rows] > 0,
        snap.demand_quantity / np.maximum(asked[rows], 1e-300),
        1.0 / np.maximum(count[rows], 1),
    )
    return np.asarray(total[rows] * share, dtype=float)


def _prices(
    plan: MechanismPlan, snap: EconomySnapshot
) -> tuple[dict[str, float], dict[str, float]]:
    """The mechanism's own valuations (products, natural resources); empty when it has none.

    Tiny negative values (solver tolerance) are read as 0.
    """
    found: Any = plan.details.get("prices")
    if not isinstance(found, Mapping):
        return {}, {}
    index = snap.product_index
    prices: dict[str, float] = {}
    resources: dict[str, float] = {}
    for product, value in found.items():
        if product in index and isinstance(value, int | float) and np.isfinite(value):
            table = resources if snap.is_resource[index[product]] else prices
            table[str(product)] = max(float(value), 0.0)
    return prices, resources


def settlement_plan(plan: MechanismPlan, economy: Economy) -> dict[str, Any]:
    """The plan dict for :func:`~cooplan.institutions.settlement.settle` (see module).

    ``economy`` is the one the mechanism planned (its coops' hours are ``available``).
    Quantities are in the economy's units per period, labour in its labour unit.
    """
    given = plan.details.get("plan")
    if isinstance(given, dict):
        return given
    snap = economy.snapshot()
    activity = np.array([max(float(plan.activity.get(p, 0.0)), 0.0) for p in snap.process_ids])
    used = np.bincount(
        snap.process_coop, weights=snap.process_labour * activity, minlength=snap.n_coops
    )
    n_demand = len(snap.demand_product)
    empty = np.zeros(0, dtype=np.int64)
    flows = PlanFlows(
        activity=activity,
        public_demand=np.arange(n_demand, dtype=np.int64),
        public_zone=np.zeros(n_demand, dtype=np.int64),
        public_quantity=_public(snap, plan.final_delivered),
        ship_product=empty,
        ship_from=empty,
        ship_to=empty,
        ship_quantity=np.zeros(0),
    )
    deliveries = plan_deliveries(snap, flows, regional=False)
    prices, resource_prices = _prices(plan, snap)
    result: dict[str, Any] = {
        "status": "optimal" if plan.status is RunStatus.CONVERGED else plan.status.value,
        "mechanism": plan.mechanism,
        "activity": {p: float(v) for p, v in zip(snap.process_ids, activity, strict=True) if v},
        "labour": {
            c: {"used": float(used[i]), "available": float(snap.coop_hours[i])}
            for i, c in enumerate(snap.coop_ids)
        },
        "deliveries": [d.to_json_dict() for d in deliveries],
        "relocations": [],
    }
    if prices or resource_prices:
        result["prices"] = prices
        result["resource_prices"] = resource_prices
    return result
