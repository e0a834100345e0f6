"""How coops respond to targets: the ratchet effect and Weitzman's incentive rule.

**Ratchet** (Berliner 1957; Weitzman 1980, "The ratchet principle and performance
incentives"): next period's target is t' = t + ρ (y − t). A coop paid a large bonus B for
meeting its target and a small bonus b per unit above it learns that every unit produced above
the target today raises tomorrow's target by ρ and so endangers tomorrow's bonus. Its capacity
varies (c_k = c (1 + σ ε_k), ε standard normal), so it keeps a safety margin: it produces at
most the target plus an allowance m and hides the rest. :func:`best_allowance` finds the
allowance that maximises the coop's discounted payoff (simulated with common random numbers);
the hidden share of capacity grows with ρ.

**Weitzman's rule** (Weitzman 1976, "The new Soviet incentive model"), 0 < α < β < γ: the coop
declares its own target t and is paid β t + α (y − t) above it, β t − γ (t − y) below it. It
then produces all it can (α > 0), and the best declaration is the quantile
q = (β − α) / (γ − α) of its capacity (a newsvendor problem): with certain capacity it
declares exactly its capacity, so counter-plans are truthful. Soviet practice: α ≤ 0.7 β,
γ ≥ 1.3 β (planning.md §8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class RatchetScheme:
    """Bonus B for meeting the target, b per unit above it, ratchet ρ, discount δ.

    Quantities are in units of the coop's mean capacity (capacity = 1).
    """

    ratchet: float = 0.8
    fulfilment_bonus: float = 1.0
    unit_bonus: float = 0.2
    discount: float = 0.9
    sigma: float = 0.1
    periods: int = 20

    def __post_init__(self) -> None:
        if not 0.0 <= self.ratchet <= 1.0:
            raise ValueError(f"ratchet ρ must lie in [0, 1], got {self.ratchet}")
        if not 0.0 < self.discount < 1.0:
            raise ValueError(f"discount δ must lie in (0, 1), got {self.discount}")


@dataclass(frozen=True)
class WeitzmanScheme:
    """Weitzman's coefficients: α per unit above the declared target, β per declared
    unit, γ per unit short of it (0 < α < β < γ)."""

    alpha: float = 0.7
    beta: float = 1.0
    gamma: float = 1.3

    def __post_init__(self) -> None:
        if not 0 < self.alpha < self.beta < self.gamma:
            raise ValueError(
                f"Weitzman's rule needs 0 < α < β < γ, got {self.alpha}, {self.beta}, {self.gamma}"
            )

    def reward(self, target: float, output: float) -> float:
        """The reward of producing ``output`` against the declared ``target``."""
        if output >= target:
            return self.beta * target + self.alpha * (output - target)
        return self.beta * target - self.gamma * (target - output)


@dataclass(frozen=True)
class RatchetOutcome:
    """Mean over runs: discounted payoff, share of capacity hidden, mean target."""

    allowance: float
    payoff: float
    hidden_share: float
    mean_target: float


def simulate_ratchet(scheme: RatchetScheme, allowance: float, shocks: np.ndarray) -> RatchetOutcome:
    """Coops producing min(capacity, target + allowance) under the ratchet.

    ``shocks`` (runs × periods) are standard normal capacity shocks; the first target is the
    mean capacity (a truthful first report).
    """
    runs, periods = shocks.shape
    capacity = np.maximum(1.0 + scheme.sigma * shocks, 0.0)
    target = np.ones(runs)
    payoff = np.zeros(runs)
    hidden = np.zeros(runs)
    targets = np.zeros(runs)
    weight = 1.0
    for k in range(periods):
        output = np.minimum(capacity[:, k], target + allowance)
        met = output >= target - 1e-12
        payoff += weight * (
            scheme.fulfilment_bonus * met + scheme.unit_bonus * np.maximum(output - target, 0.0)
        )
        hidden += (capacity[:, k] - output) / np.maximum(capacity[:, k], 1e-12)
        targets += target
        target = target + scheme.ratchet * (output - target)
        weight *= scheme.discount
    return RatchetOutcome(
        allowance=float(allowance),
        payoff=float(payoff.mean()),
        hidden_share=float(hidden.mean() / periods),
        mean_target=float(targets.mean() / periods),
    )


def best_allowance(
    scheme: RatchetScheme, *, seed: int = 0, runs: int = 400, grid: int = 61
) -> RatchetOutcome:
    """The allowance (0 … 3σ, then unlimited) that maximises the mean discounted payoff.

    Common random numbers (one seed) for every allowance; ties go to the larger allowance
    (less concealment).
    """
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((runs, scheme.periods))
    candidates = [*np.linspace(0.0, 3.0 * max(scheme.sigma, 1e-6), grid - 1), np.inf]
    outcomes = [simulate_ratchet(scheme, a, shocks) for a in candidates]
    payoffs = np.round([o.payoff for o in outcomes], 12)
    best = int(np.flatnonzero(payoffs == payoffs.max())[-1])
    return outcomes[best]


def weitzman_declaration(scheme: WeitzmanScheme, sigma: float, capacity: float = 1.0) -> float:
    """The declared target that maximises the expected Weitzman reward.

    Capacity is normal with mean ``capacity`` and relative standard deviation ``sigma``; the
    coop then produces its capacity. Optimal: the (β − α)/(γ − α) quantile of capacity.
    """
    if sigma <= 0:
        return capacity
    q = (scheme.beta - scheme.alpha) / (scheme.gamma - scheme.alpha)
    return float(capacity * (1.0 + sigma * norm.ppf(q)))


def expected_weitzman_reward(
    scheme: WeitzmanScheme, declared: float, sigma: float, *, seed: int = 0, runs: int = 20000
) -> float:
    """Monte Carlo expected reward of declaring ``declared`` (capacity mean 1, sd ``sigma``)."""
    capacity = 1.0 + sigma * np.random.default_rng(seed).standard_normal(runs)
    above = capacity >= declared
    value = np.where(
        above,
        scheme.beta * declared + scheme.alpha * (capacity - declared),
        scheme.beta * declared - scheme.gamma * (declared - capacity),
    )
    return float(value.mean())
