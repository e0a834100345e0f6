"""Cockshott & Cottrell's feedback from market prices to next period's plan targets.

Towards a New Socialism (1993), ch. 8: consumer goods are sold at prices that clear the
market; each good's price is compared with its labour value, and production of goods whose
price is above value is expanded, of those below value contracted, until prices and values
agree. Here, per product with ratio r = price / labour value:

    next target = target × (1 + clamp(rate × (r − 1), −max_change, +max_change))

``rate`` (default 0.5) is the share of the price–value gap closed per period, ``max_change``
(default 0.2) bounds the relative change of a target per period. Both are our defaults, not
published numbers. Use the *clearing* prices: under a binding ceiling the queue means the
clearing price exceeds the regulated price, and it is the clearing price that signals demand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cooplan.errors import InputError, Problem

__all__ = ["DEFAULT_ADJUSTMENT_RATE", "DEFAULT_MAX_CHANGE", "adjust_targets"]

DEFAULT_ADJUSTMENT_RATE = 0.5
DEFAULT_MAX_CHANGE = 0.2


def adjust_targets(
    targets: Mapping[str, float],
    prices: Mapping[str, float],
    labour_values: Mapping[str, float],
    rate: float = DEFAULT_ADJUSTMENT_RATE,
    max_change: float = DEFAULT_MAX_CHANGE,
) -> dict[str, float]:
    """Next period's targets (units per period) from clearing prices and labour values.

    ``prices`` in the same unit as ``labour_values`` (labour hours per unit by default). A
    product without a price keeps its target; an infinite price (demand no finite price can
    meet) raises the target by ``max_change``.
    """
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"rate must be positive and finite, got {rate}")
    if not (math.isfinite(max_change) and 0 < max_change < 1):
        raise ValueError(f"max_change must lie in (0, 1), got {max_change}")
    problems = []
    for product, target in targets.items():
        if not (math.isfinite(target) and target >= 0):
            problems.append(
                Problem("targets", "target must be finite and ≥ 0", column=product, value=target)
            )
        if product in prices:
            value = labour_values.get(product)
            if value is None or not (math.isfinite(value) and value > 0):
                problems.append(
                    Problem(
                        "labour values",
                        "labour value must be positive",
                        column=product,
                        value=value,
                        fix="market products need a positive labour value",
                    )
                )
            price = prices[product]
            if math.isnan(price) or price < 0:
                problems.append(Problem("prices", "price must be ≥ 0", column=product, value=price))
    invalid = InputError.collect(problems, summary="cannot adjust the targets")
    if invalid is not None:
        raise invalid
    adjusted = {}
    for product, target in targets.items():
        if product not in prices:
            adjusted[product] = float(target)
            continue
        price = prices[product]
        if math.isinf(price):
            change = max_change
        else:
            ratio = price / labour_values[product]
            change = min(max(rate * (ratio - 1.0), -max_change), max_change)
        adjusted[product] = float(target) * (1.0 + change)
    return adjusted
