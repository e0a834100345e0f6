"""Demand curves of the public for market products: quantity bought per period at a price.

Prices are in the economy's currency per unit of product (labour hours by default, so that
prices compare directly with labour values); quantities in product units per period.

* :class:`LinearDemand`: q(p) = max(0, a − b·p); choke price a / b.
* :class:`ConstantElasticityDemand`: q(p) = A·p^(−ε); never reaches zero, no choke price.

:func:`calibrated_demand` sets a curve through a reference point (price p₀, quantity q₀) with
a point elasticity ε there. Default ε = 1 (unit elastic): a neutral choice, not a measured
value; give measured elasticities per product where known.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

__all__ = [
    "DEFAULT_ELASTICITY",
    "ConstantElasticityDemand",
    "DemandCurve",
    "DemandForm",
    "LinearDemand",
    "calibrated_demand",
]

DEFAULT_ELASTICITY = 1.0


@runtime_checkable
class DemandCurve(Protocol):
    """Quantity demanded at a price, and its inverse."""

    def quantity(self, price: float) -> float:
        """Units demanded per period at ``price`` (≥ 0)."""
        ...

    def price_for(self, quantity: float) -> float:
        """The lowest price at which at most ``quantity`` (≥ 0) is demanded: where demand
        equals it, 0 if demand at price 0 is no more than it, ``inf`` if no finite price
        brings demand down to it."""
        ...


def _check(name: str, value: float, *, positive: bool) -> None:
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite {kind} number, got {value!r}")


@dataclass(frozen=True)
class LinearDemand:
    """q(p) = max(0, intercept − slope·p), with intercept ≥ 0 and slope > 0."""

    intercept: float
    slope: float

    def __post_init__(self) -> None:
        _check("intercept", self.intercept, positive=False)
        _check("slope", self.slope, positive=True)

    @property
    def choke_price(self) -> float:
        """The lowest price at which nothing is bought."""
        return self.intercept / self.slope

    def quantity(self, price: float) -> float:
        return max(0.0, self.intercept - self.slope * price)

    def price_for(self, quantity: float) -> float:
        return max(0.0, (self.intercept - quantity) / self.slope)


@dataclass(frozen=True)
class ConstantElasticityDemand:
    """q(p) = scale · p^(−elasticity), scale > 0, elasticity > 0 (q → ∞ as p → 0)."""

    scale: float
    elasticity: float

    def __post_init__(self) -> None:
        _check("scale", self.scale, positive=True)
        _check("elasticity", self.elasticity, positive=True)

    def quantity(self, price: float) -> float:
        if price <= 0:
            return math.inf
        try:
            return self.scale * price ** (-self.elasticity)
        except OverflowError:
            return math.inf

    def price_for(self, quantity: float) -> float:
        if quantity <= 0:
            return math.inf
        try:
            return (self.scale / quantity) ** (1.0 / self.elasticity)
        except OverflowError:
            return math.inf


class DemandForm(StrEnum):
    """Functional form of a calibrated demand curve."""

    LINEAR = "linear"
    CONSTANT_ELASTICITY = "constant_elasticity"


def calibrated_demand(
    reference: Mapping[str, tuple[float, float]],
    elasticity: float | Mapping[str, float] = DEFAULT_ELASTICITY,
    form: DemandForm = DemandForm.CONSTANT_ELASTICITY,
) -> dict[str, DemandCurve]:
    """One curve per product through its reference (price p₀ > 0, quantity q₀ > 0) with
    point elasticity ε there (a number for every product, or one per product).

    Linear: slope b = ε·q₀/p₀, intercept a = q₀·(1 + ε). Constant elasticity: A = q₀·p₀^ε.
    A typical reference is (labour value, planned final demand) of each market product.
    """
    curves: dict[str, DemandCurve] = {}
    for product, (price, quantity) in reference.items():
        e = elasticity[product] if isinstance(elasticity, Mapping) else elasticity
        _check(f"reference price of {product}", price, positive=True)
        _check(f"reference quantity of {product}", quantity, positive=True)
        _check(f"elasticity of {product}", e, positive=True)
        if form is DemandForm.LINEAR:
            slope = e * quantity / price
            curves[product] = LinearDemand(intercept=quantity * (1 + e), slope=slope)
        else:
            curves[product] = ConstantElasticityDemand(scale=quantity * price**e, elasticity=e)
    return curves
