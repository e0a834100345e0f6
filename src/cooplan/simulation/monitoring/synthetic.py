"""Seeded synthetic production reports with known changes, for demos, tests and experiments.

Each coop reports each main product of its processes. Potential is the process capacity (or
``default_potential`` where unbounded), capability a fixed share of it, and actual output
capability × ``utilisation`` with Gaussian noise of ``noise_cv`` of the capability. The
injected :class:`InjectedChange` s are the ground truth the alerts can be measured against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cooplan.model.economy import Economy
from cooplan.simulation.monitoring.forecaster import ChangeKind

__all__ = ["InjectedChange", "synthetic_reports"]


@dataclass(frozen=True)
class InjectedChange:
    """A change put into one series from interval ``at`` (0-based).

    ``size`` is in noise standard deviations: a step moves the level by ``size`` σ from
    ``at`` on, a slope change adds ``size`` σ per interval from ``at`` on, an outlier moves
    only interval ``at``.
    """

    coop: str
    product: str
    kind: ChangeKind
    at: int
    size: float


def synthetic_reports(
    economy: Economy,
    periods: int,
    seed: int,
    changes: Sequence[InjectedChange] = (),
    *,
    capability_share: float = 0.9,
    utilisation: float = 0.9,
    noise_cv: float = 0.02,
    default_potential: float = 1000.0,
) -> pd.DataFrame:
    """Raw reports (periods 1..``periods``) for every coop and main product of ``economy``."""
    if periods < 1:
        raise ValueError(f"periods must be at least 1, got {periods}")
    rng = np.random.default_rng(seed)
    capacity: dict[tuple[str, str], float] = {}
    for coop, product, cap in zip(
        economy.processes["coop"],
        economy.processes["product"],
        economy.processes["capacity"],
        strict=True,
    ):
        value = float(cap) if cap is not None and np.isfinite(float(cap)) else default_potential
        capacity[(str(coop), str(product))] = capacity.get((str(coop), str(product)), 0) + value
    rows = []
    t = np.arange(periods)
    for coop, product in sorted(capacity):
        potential = capacity[(coop, product)]
        capability = capability_share * potential
        sigma = noise_cv * capability
        actual = utilisation * capability + rng.normal(0.0, sigma, periods)
        for change in changes:
            if (change.coop, change.product) != (coop, product):
                continue
            if change.kind is ChangeKind.STEP:
                actual = actual + np.where(t >= change.at, change.size * sigma, 0.0)
            elif change.kind is ChangeKind.SLOPE:
                actual = actual + np.maximum(t - change.at + 1, 0) * change.size * sigma
            elif change.kind is ChangeKind.OUTLIER:
                actual = actual + np.where(t == change.at, change.size * sigma, 0.0)
        actual = np.maximum(actual, 0.0)
        for i in range(periods):
            rows.append(
                {
                    "coop": coop,
                    "product": product,
                    "period": str(i + 1),
                    "actual": round(float(actual[i]), 6),
                    "capability": capability,
                    "potential": potential,
                }
            )
    return pd.DataFrame(
        rows, columns=["coop", "product", "period", "actual", "capability", "potential"]
    )
