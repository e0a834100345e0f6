"""Federation funds and members' capital accounts: balances and flows in one period (EUR)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

__all__ = ["Fund", "FundFlow", "allocate_capped", "allocate_proportional"]


class Fund(StrEnum):
    """The funds a settlement reports."""

    EMPLOYMENT_AID = "employment_aid"
    CENTRAL = "central"
    EDUCATION = "education"
    RESERVES = "reserves"
    CAPITAL_ACCOUNTS = "capital_accounts"


@dataclass(frozen=True)
class FundFlow:
    """A fund's balance before, what came in and went out, and its balance after (EUR)."""

    before: float
    inflow: float
    outflow: float

    @property
    def after(self) -> float:
        """Balance after the period: before + inflow − outflow."""
        return self.before + self.inflow - self.outflow

    def to_dict(self) -> dict[str, float]:
        """JSON-ready form."""
        return {
            "before": self.before,
            "inflow": self.inflow,
            "outflow": self.outflow,
            "after": self.after,
        }


def allocate_proportional(total: float, weights: Mapping[str, float]) -> dict[str, float]:
    """Split ``total`` in proportion to ``weights`` (equal split when all weights are 0)."""
    if not weights:
        return {}
    keys = list(weights)
    w = np.array([max(0.0, float(weights[k])) for k in keys])
    share = w / w.sum() if w.sum() > 0 else np.full(len(keys), 1.0 / len(keys))
    return {k: float(total * s) for k, s in zip(keys, share, strict=True)}


def allocate_capped(
    total: float, weights: Mapping[str, float], caps: Mapping[str, float]
) -> dict[str, float]:
    """Split ``total`` ≥ 0 in proportion to ``weights``, no one above their cap (water-filling).

    What the caps cannot hold is left unallocated: the sum returned is min(total, Σ caps).
    """
    left = {k: max(0.0, float(caps.get(k, 0.0))) for k in weights}
    out = dict.fromkeys(weights, 0.0)
    remaining = max(0.0, total)
    active = [k for k in weights if left[k] > 1e-12]
    while remaining > 1e-9 and active:
        part = allocate_proportional(remaining, {k: weights[k] for k in active})
        if all(weights[k] <= 0 for k in active):
            part = allocate_proportional(remaining, dict.fromkeys(active, 1.0))
        spent = 0.0
        for k in active:
            give = min(part[k], left[k])
            out[k] += give
            left[k] -= give
            spent += give
        remaining -= spent
        still = [k for k in active if left[k] > 1e-12]
        if len(still) == len(active) or spent <= 1e-12:
            break
        active = still
    return out
