"""Compare balanced gross output with the publisher's gross output, product by product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class OutputCheck:
    """Largest gap between balanced and published gross output (money units)."""

    max_abs_difference: float
    max_relative_difference: float
    worst_product: str
    total_balanced: float
    total_published: float
    missing: tuple[str, ...]

    def within(self, absolute: float) -> bool:
        """True when every product is within ``absolute`` and none is missing."""
        return not self.missing and self.max_abs_difference <= absolute


def compare_output(published: Mapping[str, float], balanced: Mapping[str, float]) -> OutputCheck:
    """Differences ``balanced − published`` over the published products."""
    worst, worst_abs, worst_rel = "", 0.0, 0.0
    missing = tuple(p for p in published if p not in balanced)
    for product, value in published.items():
        if product not in balanced:
            continue
        gap = abs(balanced[product] - value)
        if gap >= worst_abs:
            worst, worst_abs = product, gap
        if value:
            worst_rel = max(worst_rel, gap / abs(value))
    return OutputCheck(
        max_abs_difference=worst_abs,
        max_relative_difference=worst_rel,
        worst_product=worst,
        total_balanced=float(sum(balanced.get(p, 0.0) for p in published)),
        total_published=float(sum(published.values())),
        missing=missing,
    )
