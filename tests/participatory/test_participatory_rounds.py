"""The procedure on self-made economies (spec §11.4 generator): runs everywhere, no data needed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cooplan.planning.participatory import (
    DEFAULT_MAX_ROUNDS,
    EconomyScale,
    PlanStatus,
    draw_augmentation,
    generate_economy,
    propose,
    relative_imbalance,
    run_participatory,
    update_prices,
)
from cooplan.planning.participatory.procedure import DELTA_FLOOR, MULTIPLIER_CAP

TINY = EconomyScale(12, 8, 4, 0.025, 0.05)


def _arrays_of(result):
    for year in result.years:
        yield from (
            year.prices,
            year.deltas,
            year.multipliers,
            year.supply,
            year.demand,
            year.imbalance_pct,
            year.worker_output,
            year.worker_effort,
        )


def test_run_converges_and_respects_the_rule(small_economy):
    result = run_participatory(small_economy, years=2, seed=3)
    assert result.status is PlanStatus.CONVERGED and result.converged
    for year in result.years:
        worst = year.worst_imbalance_pct
        assert worst[-1] <= 3.0 and np.all(worst[:-1] > 3.0)
        assert year.max_imbalance_pct == worst[-1]
        before = np.vstack([year.start_prices, year.prices[:-1]])
        previous_m = np.vstack([year.start_multipliers, year.multipliers[:-1]])
        # Imbalance definition (spec §5).
        surplus = year.supply - year.demand
        np.testing.assert_allclose(
            year.imbalance_pct,
            100 * np.abs(2 * surplus) / (year.supply + year.demand),
            rtol=1e-15,
            atol=0,
        )
        np.testing.assert_array_equal(worst, year.imbalance_pct.max(axis=1))
        # Step, direction, floor and cap (spec §6).
        assert np.all(year.deltas >= DELTA_FLOOR) and np.all(year.deltas <= 0.8)
        w = 1.05 - 0.5 ** (year.imbalance_pct / 100)
        np.testing.assert_allclose(year.deltas, np.maximum(DELTA_FLOOR, w * previous_m), rtol=1e-12)
        ratio = year.prices / before
        np.testing.assert_allclose(ratio, 1 - np.sign(surplus) * year.deltas, rtol=1e-14)
        np.testing.assert_allclose(
            year.multipliers, np.minimum(year.imbalance_pct / 100, MULTIPLIER_CAP), rtol=1e-12
        )
        assert np.all(year.prices > 0)
        # Fixed endowments: nature and labour supply stay at 1000.
        np.testing.assert_array_equal(year.supply[:, 10:20], 1000.0)
    # Year two carries prices and multipliers over (spec §8).
    one, two = result.years
    np.testing.assert_array_equal(two.start_prices, one.final_prices)
    np.testing.assert_array_equal(two.start_multipliers, one.multipliers[-1])
    assert result.rounds == one.rounds + two.rounds


def test_determinism_bit_for_bit(small_economy):
    first = run_participatory(small_economy, years=2, seed=11)
    second = run_participatory(
        generate_economy(EconomyScale(40, 20, 5, 0.025, 0.05), seed=7), years=2, seed=11
    )
    for a, b in zip(_arrays_of(first), _arrays_of(second), strict=True):
        assert a.tobytes() == b.tobytes()
    assert first.seed == 11


def test_seed_changes_year_two_only(small_economy):
    a = run_participatory(small_economy, years=2, seed=1)
    b = run_participatory(small_economy, years=2, seed=2)
    assert a.years[0].prices.tobytes() == b.years[0].prices.tobytes()
    assert a.years[1].prices.tobytes() != b.years[1].prices.tobytes()


def test_round_limit_status(small_economy):
    result = run_participatory(small_economy, years=1, max_rounds=3)
    assert result.status is PlanStatus.ROUND_LIMIT and not result.converged
    assert result.rounds == 3 and result.years[0].max_imbalance_pct > 3.0
    assert DEFAULT_MAX_ROUNDS == 200  # the program's cap (spec §7)


def test_block_size_changes_only_rounding(small_economy):
    whole = run_participatory(small_economy, years=2, seed=5)
    blocked = run_participatory(small_economy, years=2, seed=5, block_size=7)
    assert whole.rounds_by_year == blocked.rounds_by_year
    for a, b in zip(_arrays_of(whole), _arrays_of(blocked), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)  # m, T: small differences of large sums


def test_proposal_maximises_the_objective(small_economy):
    """The closed form (spec §2.3) beats nearby plans: Π = λq − Σ p x − s e^k."""
    workers = small_economy.workers
    rng = np.random.default_rng(0)
    prices = rng.uniform(300, 900, size=small_economy.commodity_count)
    best = propose(workers, prices)

    def objective(j, x, e):
        lo, hi = workers.input_offsets[j], workers.input_offsets[j + 1]
        b = workers.input_exponent[lo:hi]
        q = workers.tfp[j] * e ** workers.effort_exponent[j] * np.prod(x**b)
        own = prices[workers.output_commodity[j]]
        cost = prices[workers.input_commodity[lo:hi]] @ x
        return (
            own * q
            - cost
            - workers.disutility_coefficient[j] * e ** (workers.disutility_exponent[j])
        )

    for j in range(workers.count):
        lo, hi = workers.input_offsets[j], workers.input_offsets[j + 1]
        x, e = best.input_quantity[lo:hi], best.effort[j]
        top = objective(j, x, e)
        for _ in range(5):
            scale = np.exp(rng.normal(0, 0.05, size=hi - lo + 1))
            assert objective(j, x * scale[:-1], e * scale[-1]) <= top
        # q is the production function at (x, e).
        b = workers.input_exponent[lo:hi]
        q = workers.tfp[j] * e ** workers.effort_exponent[j] * np.prod(x**b)
        assert q == pytest.approx(best.output[j], rel=1e-12)


def test_consumers_spend_their_whole_budget(small_economy):
    private, public = small_economy.consumers.demand_constants()
    assert private.sum() + public.sum() == pytest.approx(
        small_economy.consumers.income.sum(), rel=1e-13
    )


def test_augmentation_draws_from_the_program_sets(small_economy):
    rng = np.random.default_rng(0)
    change = draw_augmentation(small_economy.workers, small_economy.consumers, rng)
    assert set(np.unique(change.worker_draws)) <= {0, 1, 2, 3, 4}
    assert change.worker_draws.shape == small_economy.workers.input_exponent.shape
    assert change.consumer_utility_draws.shape == small_economy.consumers.utility_exponents.shape


_prices = arrays(np.float64, 20, elements=st.floats(1e-3, 1e6))
_quantities = arrays(np.float64, 20, elements=st.floats(1e-6, 1e6))
_multipliers = arrays(np.float64, 20, elements=st.floats(0.0, 0.25))


@settings(deadline=None)  # a loaded shared machine must not fail a property test
@given(_prices, _multipliers, _quantities, _quantities)
def test_price_rule_properties(prices, multipliers, supply, demand):
    step = update_prices(prices, multipliers, supply, demand)
    v = relative_imbalance(supply, demand)
    assert np.all((v >= 0) & (v <= 2))
    assert np.all(step.deltas >= DELTA_FLOOR) and np.all(step.deltas <= 0.2 + 1e-15)
    assert np.all(step.multipliers <= MULTIPLIER_CAP)
    assert np.all(step.prices > 0)
    up, down, even = demand > supply, supply > demand, supply == demand
    assert np.all(step.prices[up] > prices[up])
    assert np.all(step.prices[down] < prices[down])
    np.testing.assert_array_equal(step.prices[even], prices[even])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_any_seeded_economy_keeps_prices_above_the_floor(seed):
    economy = generate_economy(TINY, seed=seed)
    result = run_participatory(economy, years=2, seed=seed, max_rounds=40)
    for year in result.years:
        assert np.all(np.isfinite(year.prices)) and np.all(year.prices > 0)
        assert np.all(year.deltas >= DELTA_FLOOR)
        assert np.all((year.imbalance_pct >= 0) & (year.imbalance_pct <= 200))
        assert (year.status is PlanStatus.CONVERGED) == (year.worst_imbalance_pct[-1] <= 3.0)


def test_non_finite_aggregates_end_the_year_as_diverged():
    from cooplan.planning.participatory.procedure import run_year

    class Exploding:
        """Councils whose supply overflows after two rounds."""

        def __init__(self) -> None:
            self.calls = 0

        def worker_aggregates(self, prices):
            self.calls += 1
            supply = np.full(prices.shape, 1e3 if self.calls < 3 else np.inf)
            return np.stack([supply, np.zeros(prices.shape)])

    trajectory = run_year(
        Exploding(),
        endowment=np.zeros(5),
        consumer_spending=np.full(5, 1.4e6),
        start_prices=np.full(5, 700.0),
        start_multipliers=np.full(5, 0.25),
    )
    assert trajectory.status is PlanStatus.DIVERGED
    assert trajectory.prices.shape == (3, 5)
