"""Regulated markets for consumer goods: clearing prices, ceilings, floors and taxes.

Supply of each market product is fixed for the period (what the plan made available for
final use): a vertical supply curve. The market-clearing price p* solves D(p*) = S. The
federation may set, per product, a price **ceiling** (p ≤ c), a price **floor** (p ≥ f) and
**taxes** (an ad-valorem rate τ on the price and a tax t per unit). Then:

* no bound binds: p = p*, sold = S (if even a zero price cannot sell S, p = 0 and the rest
  stays unsold);
* the ceiling binds (p* > c): p = c, sold = S, and the unmet demand D(c) − S is the queue;
* the floor binds (p* < f): p = f, sold = D(f), and S − D(f) stays unsold.

Buyers pay p per unit sold; the tax is min(τ·p + t, p) per unit (a tax never exceeds the
price); producers receive the rest. So, product by product, buyers' payments = producer
receipts + tax revenue exactly (money is conserved).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cooplan.errors import InputError, Problem
from cooplan.simulation.markets.demand import DemandCurve

__all__ = [
    "MarketOutcome",
    "MarketStatus",
    "ProductMarket",
    "ProductRegulation",
    "Regulation",
    "clear_market",
    "clear_markets",
]


class MarketStatus(StrEnum):
    """How one product's market ended."""

    CLEARED = "cleared"  # p = p*, supply all sold
    CEILING_BINDS = "ceiling_binds"  # queue of unmet demand
    FLOOR_BINDS = "floor_binds"  # unsold stock at the floor
    EXCESS_SUPPLY = "excess_supply"  # not all sold even at price 0
    NO_SUPPLY = "no_supply"  # nothing to sell


@dataclass(frozen=True)
class ProductRegulation:
    """The federation's rules for one product's market.

    ``ceiling``/``floor``: bounds on the price (currency per unit; ``None`` = none).
    ``tax_rate``: share of the price taken as tax, in [0, 1]. ``tax_per_unit``: currency per
    unit sold, ≥ 0.
    """

    ceiling: float | None = None
    floor: float | None = None
    tax_rate: float = 0.0
    tax_per_unit: float = 0.0

    def problems(self, product: str) -> list[Problem]:
        """What is wrong with these rules (empty when they are valid)."""
        found = []
        where = "regulation"
        for name in ("ceiling", "floor"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                found.append(
                    Problem(
                        where,
                        f"{name} must be a finite price ≥ 0",
                        row=None,
                        column=f"{product}.{name}",
                        value=value,
                    )
                )
        if not (0.0 <= self.tax_rate <= 1.0):
            found.append(
                Problem(
                    where,
                    "tax_rate must lie in [0, 1]",
                    column=f"{product}.tax_rate",
                    value=self.tax_rate,
                )
            )
        if not (math.isfinite(self.tax_per_unit) and self.tax_per_unit >= 0):
            found.append(
                Problem(
                    where,
                    "tax_per_unit must be finite and ≥ 0",
                    column=f"{product}.tax_per_unit",
                    value=self.tax_per_unit,
                )
            )
        if self.ceiling is not None and self.floor is not None and self.floor > self.ceiling:
            found.append(
                Problem(
                    where,
                    "floor is above the ceiling",
                    column=f"{product}.floor",
                    value=self.floor,
                    fix=f"set the floor at most {self.ceiling}",
                )
            )
        return found

    def tax_on(self, price: float) -> float:
        """Tax per unit sold at ``price`` (never more than the price)."""
        return min(self.tax_rate * price + self.tax_per_unit, price)


@dataclass(frozen=True)
class Regulation:
    """Rules per product; products not named follow ``default`` (no bounds, no tax)."""

    products: Mapping[str, ProductRegulation] = field(default_factory=dict)
    default: ProductRegulation = field(default_factory=ProductRegulation)

    def for_product(self, product: str) -> ProductRegulation:
        return self.products.get(product, self.default)


@dataclass(frozen=True)
class ProductMarket:
    """One product's market in one period (currency per unit; units per period).

    ``clearing_price`` is p*, the price that would clear the market without bounds (``inf``
    where no finite price clears it: nothing supplied against a demand that never falls to
    zero). ``queue`` is the unmet demand at the price, ``unsold`` the stock left.
    """

    product: str
    status: MarketStatus
    supply: float
    clearing_price: float
    price: float
    demand_at_price: float
    sold: float
    queue: float
    unsold: float
    buyers_pay: float
    tax_revenue: float
    producer_receipts: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (an infinite clearing price is null)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["status"] = self.status.value
        if not math.isfinite(self.clearing_price):
            data["clearing_price"] = None
        if not math.isfinite(self.demand_at_price):
            data["demand_at_price"] = None
        return data


@dataclass(frozen=True)
class MarketOutcome:
    """All market products of a period, with the totals."""

    markets: Mapping[str, ProductMarket]

    @property
    def prices(self) -> dict[str, float]:
        return {p: m.price for p, m in self.markets.items()}

    @property
    def clearing_prices(self) -> dict[str, float]:
        """Prices that would clear each market without bounds (the signal for the plan)."""
        return {p: m.clearing_price for p, m in self.markets.items()}

    @property
    def sold(self) -> dict[str, float]:
        return {p: m.sold for p, m in self.markets.items()}

    @property
    def queues(self) -> dict[str, float]:
        return {p: m.queue for p, m in self.markets.items()}

    @property
    def unsold(self) -> dict[str, float]:
        return {p: m.unsold for p, m in self.markets.items()}

    @property
    def tax_revenue(self) -> float:
        return math.fsum(m.tax_revenue for m in self.markets.values())

    @property
    def producer_receipts(self) -> dict[str, float]:
        return {p: m.producer_receipts for p, m in self.markets.items()}

    @property
    def buyers_pay(self) -> float:
        return math.fsum(m.buyers_pay for m in self.markets.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "markets": [m.to_dict() for m in self.markets.values()],
            "tax_revenue": self.tax_revenue,
            "buyers_pay": self.buyers_pay,
        }


def clear_market(
    product: str, supply: float, demand: DemandCurve, rules: ProductRegulation
) -> ProductMarket:
    """One product's market (see the module docstring for the rules)."""
    clearing = demand.price_for(supply)
    price = clearing
    status = MarketStatus.CLEARED
    if rules.ceiling is not None and clearing > rules.ceiling:
        price, status = rules.ceiling, MarketStatus.CEILING_BINDS
    elif rules.floor is not None and clearing < rules.floor:
        price, status = rules.floor, MarketStatus.FLOOR_BINDS
    if not math.isfinite(price):
        # nothing supplied, no ceiling: no trade at any price
        return ProductMarket(
            product,
            MarketStatus.NO_SUPPLY,
            supply,
            clearing,
            math.inf,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
        )
    wanted = demand.quantity(price)
    sold = min(supply, wanted)
    queue = max(0.0, wanted - supply)
    unsold = max(0.0, supply - wanted)
    if supply <= 0:
        status = MarketStatus.NO_SUPPLY
    elif status is MarketStatus.CLEARED and unsold > 0:
        status = MarketStatus.EXCESS_SUPPLY
    elif status is MarketStatus.CLEARED:
        sold, queue, unsold = supply, 0.0, 0.0  # D(p*) = S up to rounding
    tax = rules.tax_on(price) * sold
    pay = price * sold
    return ProductMarket(
        product=product,
        status=status,
        supply=supply,
        clearing_price=clearing,
        price=price,
        demand_at_price=wanted,
        sold=sold,
        queue=queue,
        unsold=unsold,
        buyers_pay=pay,
        tax_revenue=tax,
        producer_receipts=pay - tax,
    )


def clear_markets(
    supply: Mapping[str, float],
    demand_curves: Mapping[str, DemandCurve],
    regulation: Regulation | None = None,
) -> MarketOutcome:
    """Clear every market product: ``supply`` (units per period available for final use) against
    ``demand_curves``, under ``regulation``. Products with a curve but no supply get 0.

    Raises :class:`InputError` for a supplied product without a demand curve, a negative or
    non-finite supply, or invalid rules; nothing is computed then.
    """
    regulation = regulation or Regulation()
    problems: list[Problem] = []
    for product, quantity in supply.items():
        if product not in demand_curves:
            problems.append(
                Problem(
                    "supply",
                    "market product has no demand curve",
                    column=product,
                    value=quantity,
                    fix="give a demand curve for every market product",
                )
            )
        if not (math.isfinite(quantity) and quantity >= 0):
            problems.append(
                Problem("supply", "supply must be finite and ≥ 0", column=product, value=quantity)
            )
    products = sorted(set(demand_curves) | set(supply))
    for product in products:
        problems += regulation.for_product(product).problems(product)
    invalid = InputError.collect(problems, summary="cannot clear the markets")
    if invalid is not None:
        raise invalid
    return MarketOutcome(
        {
            p: clear_market(
                p, float(supply.get(p, 0.0)), demand_curves[p], regulation.for_product(p)
            )
            for p in products
        }
    )
