"""Beer's triple index of achievement (Brain of the Firm, 1972; used by Cybersyn, 1971–73).

    productivity = actual / capability
    latency      = capability / potential
    performance  = actual / potential = productivity × latency

All three are dimensionless. An index whose denominator is zero cannot be formed: it is
``None`` (NaN in tables) with the reason given, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TripleIndex", "coop_indices", "index_table", "triple_index"]


@dataclass(frozen=True)
class TripleIndex:
    """The three indices; ``None`` where a denominator is zero (see ``missing``)."""

    productivity: float | None
    latency: float | None
    performance: float | None
    missing: str = ""

    def to_dict(self) -> dict[str, float | str | None]:
        """JSON-ready form."""
        return {
            "productivity": self.productivity,
            "latency": self.latency,
            "performance": self.performance,
            "missing": self.missing or None,
        }


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def triple_index(actual: float, capability: float, potential: float) -> TripleIndex:
    """Beer's indices of one report (quantities in the same unit, non-negative)."""
    for name, value in (("actual", actual), ("capability", capability), ("potential", potential)):
        if not (value >= 0 and np.isfinite(value)):
            raise ValueError(f"{name} must be finite and non-negative, got {value!r}")
    reasons = []
    if capability <= 0:
        reasons.append("capability is zero: productivity cannot be formed")
    if potential <= 0:
        reasons.append("potential is zero: latency and performance cannot be formed")
    return TripleIndex(
        productivity=_ratio(actual, capability),
        latency=_ratio(capability, potential),
        performance=_ratio(actual, potential),
        missing="; ".join(reasons),
    )


def _divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    values = np.divide(
        numerator.to_numpy(dtype=float),
        denominator.to_numpy(dtype=float),
        out=np.full(len(numerator), np.nan),
        where=denominator.to_numpy(dtype=float) > 0,
    )
    return pd.Series(values, index=numerator.index)


def index_table(reports: pd.DataFrame) -> pd.DataFrame:
    """Add ``productivity``, ``latency`` and ``performance`` columns to a reports table.

    NaN where a denominator is zero (a figure that cannot be formed).
    """
    table = reports.copy()
    table["productivity"] = _divide(table["actual"], table["capability"])
    table["latency"] = _divide(table["capability"], table["potential"])
    table["performance"] = _divide(table["actual"], table["potential"])
    return table


def coop_indices(reports: pd.DataFrame, labour: Mapping[tuple[str, str], float]) -> pd.DataFrame:
    """Each coop's indices per period, aggregating its products by direct labour.

    Quantities of different products are added after weighting each unit by the coop's
    direct labour per unit of that product (``labour[(coop, product)]``, labour units):
    productivity = Σ w·actual / Σ w·capability, and so on, so the identity performance =
    productivity × latency still holds. Returns one row per (coop, period, interval) with
    the weighted totals and the three indices (NaN where a denominator is zero).
    """
    weights = np.array(
        [labour[(c, p)] for c, p in zip(reports["coop"], reports["product"], strict=True)],
        dtype=float,
    )
    weighted = reports[["coop", "period", "interval"]].copy()
    for column in ("actual", "capability", "potential"):
        weighted[f"{column}_labour"] = reports[column].to_numpy(dtype=float) * weights
    totals = (
        weighted.groupby(["coop", "interval", "period"], sort=True, as_index=False)
        .sum(numeric_only=True)
        .sort_values(["interval", "coop"], kind="stable")
        .reset_index(drop=True)
    )
    totals["productivity"] = _divide(totals["actual_labour"], totals["capability_labour"])
    totals["latency"] = _divide(totals["capability_labour"], totals["potential_labour"])
    totals["performance"] = _divide(totals["actual_labour"], totals["potential_labour"])
    return totals
