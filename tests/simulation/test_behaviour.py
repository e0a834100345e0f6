"""The ratchet makes coops hide capacity; Weitzman's rule makes counter-plans truthful."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplan.simulation.behaviour import (
    RatchetScheme,
    WeitzmanScheme,
    best_allowance,
    expected_weitzman_reward,
    weitzman_declaration,
)


def test_no_ratchet_no_concealment() -> None:
    outcome = best_allowance(RatchetScheme(ratchet=0.0), seed=1)
    assert outcome.hidden_share == pytest.approx(0.0, abs=1e-12)
    assert outcome.allowance == np.inf


def test_concealment_grows_with_the_ratchet() -> None:
    hidden = [
        best_allowance(RatchetScheme(ratchet=r), seed=1).hidden_share for r in (0.2, 0.5, 1.0)
    ]
    assert hidden[0] <= hidden[1] <= hidden[2]
    assert hidden[2] > 0.02  # a full ratchet hides a visible share of capacity


def test_weitzman_with_certain_capacity_is_truthful() -> None:
    assert weitzman_declaration(WeitzmanScheme(), sigma=0.0, capacity=7.0) == 7.0


@settings(max_examples=25, deadline=None)
@given(
    alpha=st.floats(0.1, 0.9),
    gap1=st.floats(0.05, 0.5),
    gap2=st.floats(0.05, 0.5),
    sigma=st.floats(0.01, 0.3),
)
def test_weitzman_declaration_maximises_expected_reward(
    alpha: float, gap1: float, gap2: float, sigma: float
) -> None:
    scheme = WeitzmanScheme(alpha=alpha, beta=alpha + gap1, gamma=alpha + gap1 + gap2)
    best = weitzman_declaration(scheme, sigma)
    value = expected_weitzman_reward(scheme, best, sigma)
    for shift in (-0.5, -0.2, 0.2, 0.5):
        other = best + shift * sigma
        assert value >= expected_weitzman_reward(scheme, other, sigma) - 1e-9


def test_weitzman_needs_ordered_coefficients() -> None:
    with pytest.raises(ValueError, match="α < β < γ"):
        WeitzmanScheme(alpha=1.0, beta=0.9, gamma=1.2)
