"""Random disturbances of plan execution, drawn per coop from stated distributions.

Every draw comes from a ``numpy.random.Generator`` made from the run seed and the period
(``SeedSequence([seed, period])``), so a run is reproducible bit for bit and periods are
independent of each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DisturbanceModel:
    """Distributions of what goes wrong in a period (all shares of plan, 0–1).

    * output shortfall of each coop: |N(0, shortfall_sd)|, capped at 1;
    * breakdown: with probability ``breakdown_probability`` a coop loses a further
      ``breakdown_loss`` of its output;
    * demand shift of each final-demand row: N(0, demand_shift_sd), floored at −1.
    """

    shortfall_sd: float = 0.03
    breakdown_probability: float = 0.02
    breakdown_loss: float = 0.5
    demand_shift_sd: float = 0.02

    def __post_init__(self) -> None:
        for name in ("shortfall_sd", "breakdown_probability", "breakdown_loss", "demand_shift_sd"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")


@dataclass(frozen=True)
class Disturbance:
    """One period's draw: the share of planned output each coop can make, demand factors."""

    output_factor: np.ndarray  # per coop, in [0, 1]
    breakdown: np.ndarray  # per coop, bool
    demand_factor: np.ndarray  # per demand row, ≥ 0


def period_rng(seed: int, period: int) -> np.random.Generator:
    """The generator for one period of one run."""
    return np.random.default_rng(np.random.SeedSequence([seed, period]))


def draw(
    model: DisturbanceModel, n_coops: int, n_demand: int, rng: np.random.Generator
) -> Disturbance:
    """Draw one period's disturbances."""
    shortfall = np.minimum(np.abs(rng.normal(0.0, model.shortfall_sd, n_coops)), 1.0)
    breakdown = rng.random(n_coops) < model.breakdown_probability
    factor = (1.0 - shortfall) * np.where(breakdown, 1.0 - model.breakdown_loss, 1.0)
    demand = np.maximum(1.0 + rng.normal(0.0, model.demand_shift_sd, n_demand), 0.0)
    return Disturbance(output_factor=factor, breakdown=breakdown, demand_factor=demand)


NO_DISTURBANCE = DisturbanceModel(0.0, 0.0, 0.0, 0.0)
