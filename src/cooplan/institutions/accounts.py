"""Coop accounts at the plan's valuations: income, costs, surplus or loss, and its distribution.

**Valuation** (``valuation.basis``). Goods are valued at the plan's *shadow prices*
(``plan["prices"]``, the duals of the optimal plan; natural resources at
``plan["resource_prices"]``) or at *labour values* (hours embodied per unit with the plan's
techniques, computed from the economy's processes and inputs). ``auto`` takes the shadow prices
when every product delivered to the public has a positive one, else labour values (a
fulfilment plan's duals vanish on every target that does not bind). A coop's income is the
value of the deliveries it sends (``deliveries[].from``), its material cost the value of the
deliveries it receives from coops and from ``"nature"``. The valuation unit is turned into EUR
by ``valuation.money_per_unit`` or, when that is 0, calibrated so that the federation's wage
bill is ``pay.labour_share_of_value_added`` of its value added.

**Distribution** (rules in federation.toml). Surplus = income − materials − advances −
employment-aid contribution. A share ``surplus.group_pooling`` of every coop's surplus (or
loss) goes to its group's pool, which is shared back in proportion to hours worked. A positive
result R after pooling pays interest on capital accounts (at most ``capital.interest_rate`` per
year on the balance and ``capital.interest_max_share_of_result`` of R); the rest Q goes
``surplus.mandatory_reserve``·Q to the reserve, ``surplus.education_fund``·Q to education,
``surplus.central_fund``·Q to the central fund and the remainder to members' capital accounts
in proportion to work (advances). A loss L is met first by solidarity support (an active
agreement, at most ``losses.group_absorb_max``·L and the agreement's remaining cap, within
what the central fund holds), then ``losses.reserve_share`` of the rest by the reserve and the
remainder by capital accounts; what balances cannot cover is reported as uncovered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem

__all__ = [
    "CoopAccount",
    "PlanValues",
    "Valuation",
    "ValuationBasis",
    "choose_valuation",
    "labour_values",
    "money_per_unit",
    "plan_values",
]


@dataclass(frozen=True)
class PlanValues:
    """A coop's income and material costs in the plan's valuation units."""

    income: float
    materials: float
    resources: float

    @property
    def value_added(self) -> float:
        """Income less materials and resources."""
        return self.income - self.materials - self.resources


@dataclass(frozen=True)
class CoopAccount:
    """One coop's account for the period, EUR. Identities (tested):

    surplus = income − costs, costs = materials + advances + aid_contribution;
    result = surplus − pooled_out + pooled_in;
    result > 0: result = interest + reserve + education + central + member_returns;
    result < 0: −result = support + reserve_charge + capital_charge + uncovered.
    """

    coop: str
    income: float
    materials: float
    advances: float
    aid_contribution: float
    surplus: float
    pooled_out: float
    pooled_in: float
    interest: float
    interest_cash: float
    reserve: float
    education: float
    central: float
    member_returns: float
    support: float
    reserve_charge: float
    capital_charge: float
    uncovered: float

    @property
    def costs(self) -> float:
        """Materials + advances + employment-aid contribution."""
        return self.materials + self.advances + self.aid_contribution

    @property
    def result(self) -> float:
        """Surplus after pooling."""
        return self.surplus - self.pooled_out + self.pooled_in

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with ``costs`` and ``result`` included."""
        data: dict[str, Any] = asdict(self)
        data.pop("coop")
        data["costs"] = self.costs
        data["result"] = self.result
        return data


NATURE, PUBLIC, SURPLUS = "nature", "public", "surplus"


class ValuationBasis(StrEnum):
    """How goods are valued in the accounts."""

    AUTO = "auto"
    SHADOW_PRICES = "shadow_prices"
    LABOUR_VALUES = "labour_values"


@dataclass(frozen=True)
class Valuation:
    """Prices used for the accounts (per unit of product) and why this basis was chosen."""

    basis: ValuationBasis
    prices: Mapping[str, float]
    reason: str


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _shadow_prices(plan: Mapping[str, Any]) -> dict[str, float]:
    problems: list[Problem] = []
    prices: dict[str, float] = {}
    for table in ("resource_prices", "prices"):  # product prices win over resource prices
        for product, value in (plan.get(table) or {}).items():
            number = _number(value)
            if number is None or number < -1e-9:
                problems.append(
                    Problem(
                        "plan",
                        "price must be a number ≥ 0",
                        column=f"{table}.{product}",
                        value=value,
                        fix="use the duals of an optimal plan",
                    )
                )
            else:
                prices[str(product)] = max(0.0, number)
    error = InputError.collect(problems, "invalid plan for settlement")
    if error is not None:
        raise error
    return prices


def labour_values(
    plan: Mapping[str, Any], processes: pd.DataFrame, inputs: pd.DataFrame
) -> dict[str, float]:
    """Hours of labour embodied in a unit of each product, with the plan's techniques.

    Each product's technique is the activity-weighted mix of the processes that make it in the
    plan (all its processes equally when the plan runs none); products no process makes
    (natural resources) are worth 0. Solves λ = l + Aᵀλ; InputError if the economy is not
    productive with these techniques.
    """
    activity = {str(k): float(v) for k, v in (plan.get("activity") or {}).items()}
    procs = processes.assign(
        id=processes["id"].astype(str),
        product=processes["product"].astype(str),
        labour=pd.to_numeric(processes["labour"], errors="coerce").fillna(0.0),
    )
    products = sorted(set(procs["product"]) | set(inputs["product"].astype(str)))
    index = {p: i for i, p in enumerate(products)}
    weight: dict[str, float] = {}
    for _product, group in procs.groupby("product"):
        levels = [activity.get(pid, 0.0) for pid in group["id"]]
        total = sum(levels)
        for pid, level in zip(group["id"], levels, strict=True):
            weight[pid] = level / total if total > 0 else 1.0 / len(group)
    n = len(products)
    A = np.zeros((n, n))
    labour = np.zeros(n)
    for row in procs.to_dict("records"):
        labour[index[row["product"]]] += weight[row["id"]] * float(row["labour"])
    product_of = dict(zip(procs["id"], procs["product"], strict=True))
    for line in inputs.to_dict("records"):
        pid = str(line["process"])
        if pid in product_of:
            A[index[str(line["product"])], index[product_of[pid]]] += weight[pid] * float(
                line["quantity"]
            )
    try:
        values = np.linalg.solve(np.eye(n) - A.T, labour)
    except np.linalg.LinAlgError as error:
        raise InputError.single(
            "processes",
            "labour values cannot be computed: the economy is "
            "not productive with the plan's techniques",
            column="inputs",
            fix="check input coefficients",
        ) from error
    if np.any(values < -1e-9) or not np.all(np.isfinite(values)):
        raise InputError.single(
            "processes",
            "labour values are negative: the economy is not productive with the plan's techniques",
            column="inputs",
            fix="check input coefficients",
        )
    return {p: max(0.0, float(values[index[p]])) for p in products}


def choose_valuation(
    plan: Mapping[str, Any],
    basis: ValuationBasis | str = ValuationBasis.AUTO,
    processes: pd.DataFrame | None = None,
    inputs: pd.DataFrame | None = None,
) -> Valuation:
    """The prices for the accounts.

    ``auto``: the plan's shadow prices when every product delivered to the public has a
    positive one (they value all final output), else labour values when processes and inputs
    are given (a fulfilment plan's duals are zero on every non-binding target), else the
    shadow prices anyway.
    """
    basis = ValuationBasis(basis)
    shadow = _shadow_prices(plan)
    can_compute = processes is not None and inputs is not None
    if basis is ValuationBasis.LABOUR_VALUES:
        if not can_compute:
            raise InputError.single(
                "economy",
                "labour values need processes.csv and inputs.csv",
                column="valuation.basis",
                value=basis.value,
                fix="give the economy folder, or use shadow_prices",
            )
        assert processes is not None and inputs is not None
        return Valuation(basis, labour_values(plan, processes, inputs), "as asked")
    if basis is ValuationBasis.SHADOW_PRICES:
        return Valuation(basis, shadow, "as asked")
    final = {str(d.get("product")) for d in plan.get("deliveries") or [] if d.get("to") == PUBLIC}
    unpriced = sorted(p for p in final if shadow.get(p, 0.0) <= 0.0)
    if not unpriced:
        return Valuation(
            ValuationBasis.SHADOW_PRICES,
            shadow,
            "every product delivered to the public has a positive shadow price",
        )
    if can_compute:
        assert processes is not None and inputs is not None
        return Valuation(
            ValuationBasis.LABOUR_VALUES,
            labour_values(plan, processes, inputs),
            f"shadow prices are zero for {len(unpriced)} final product(s), e.g. "
            f"{unpriced[0]}: labour values used",
        )
    return Valuation(
        ValuationBasis.SHADOW_PRICES,
        shadow,
        f"shadow prices are zero for {len(unpriced)} final product(s) and no "
        "processes were given for labour values",
    )


def plan_values(
    plan: Mapping[str, Any], coops: list[str], valuation: Valuation
) -> dict[str, PlanValues]:
    """Each coop's income and material cost at ``valuation`` (plan units or hours).

    Income: deliveries a coop sends; materials: deliveries it receives from coops; resources:
    deliveries it receives from ``"nature"``. Raises :class:`InputError` for a delivery
    between unknown parties or a quantity that is not a number ≥ 0.
    """
    prices = valuation.prices
    problems: list[Problem] = []
    income = dict.fromkeys(coops, 0.0)
    materials = dict.fromkeys(coops, 0.0)
    resources = dict.fromkeys(coops, 0.0)
    known = set(coops)
    for row, d in enumerate(plan.get("deliveries") or [], 1):
        qty = _number(d.get("quantity"))
        product, origin, target = str(d.get("product")), str(d.get("from")), str(d.get("to"))
        if qty is None or qty < 0:
            problems.append(
                Problem(
                    "plan",
                    "delivery quantity must be a number ≥ 0",
                    row=row,
                    column="deliveries.quantity",
                    value=d.get("quantity"),
                    fix="give a quantity ≥ 0",
                )
            )
            continue
        if origin not in known and origin != NATURE:
            problems.append(
                Problem(
                    "plan",
                    "delivery from an unknown coop",
                    row=row,
                    column="deliveries.from",
                    value=origin,
                    fix="use coop ids of the economy (or 'nature')",
                )
            )
            continue
        if target not in known and target not in (PUBLIC, SURPLUS):
            problems.append(
                Problem(
                    "plan",
                    "delivery to an unknown coop",
                    row=row,
                    column="deliveries.to",
                    value=target,
                    fix="use coop ids of the economy, 'public' or 'surplus'",
                )
            )
            continue
        value = qty * prices.get(product, 0.0)
        if origin in known:
            income[origin] += value
        if target in known:
            (resources if origin == NATURE else materials)[target] += value
    error = InputError.collect(problems, "invalid plan for settlement")
    if error is not None:
        raise error
    return {c: PlanValues(income[c], materials[c], resources[c]) for c in coops}


def money_per_unit(
    values: Mapping[str, PlanValues], wage_bill: float, labour_share: float, fixed: float = 0.0
) -> float:
    """EUR per plan valuation unit: ``fixed`` if > 0, else wage bill / (share × value added)."""
    if fixed > 0:
        return fixed
    total = sum(v.value_added for v in values.values())
    if total <= 0:
        raise InputError.single(
            "plan",
            "the plan has no positive value added at its prices",
            column="prices",
            value=round(total, 6),
            fix="settle an optimal plan with its prices, or set "
            "valuation.money_per_unit in federation.toml",
        )
    return wage_bill / (labour_share * total)
