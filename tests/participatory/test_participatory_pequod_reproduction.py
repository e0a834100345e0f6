"""Reproduce the stored pequod-cljs runs dep1ex01–10 (spec participatory.md §12–13).

Source of every expected number: github.com/msszczep/pequod-cljs, commit 0d24482
(src/clj/pequod_cljs/dep1exNN.csv), as stored in ../shared/data/pequod.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from cooplan.planning.participatory import (
    PlanStatus,
    load_recovered_year2,
    propose,
    run_participatory,
)

RTOL = 1e-9  # spec §10.12: observed agreement ~1e-14; tolerance of the issue: 1e-9 relative
IMBALANCE_ATOL_PCT = 1e-6  # percentage points (spec §13.3)
WITH_CSV = [f"dep1ex{n:02d}" for n in range(1, 6)]
WITH_ROUNDS = [f"dep1ex{n:02d}" for n in range(1, 11)]
ALL = [f"dep1ex{n:02d}" for n in range(1, 51)]


def _relative(actual: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(actual - expected) / np.abs(expected)))


def test_loader_counts_dep1ex01(pequod_economy):
    economy = pequod_economy("dep1ex01")
    assert economy.workers.count == 3000
    assert economy.consumers.count == 3000
    assert economy.goods_per_category == 10
    pairs = Counter(
        zip(economy.workers.industry.tolist(), economy.workers.product.tolist(), strict=True)
    )
    assert set(pairs.values()) == {100} and len(pairs) == 30
    histogram = Counter(economy.workers.input_counts.tolist())
    assert histogram == {3: 179, 4: 575, 5: 777, 6: 725, 7: 553, 8: 191}  # spec §11.3
    assert economy.workers.input_offsets[-1] == 16471  # spec §11.3
    # File order: public (industry 2) first, then intermediate, then private (spec §11.3).
    assert economy.workers.industry[0] == 2 and economy.workers.industry[-1] == 0


def test_round_one_worked_example(pequod_economy):
    """Spec §6 worked example: dep1ex01 round 1, private good 1."""
    result = run_participatory(pequod_economy("dep1ex01"), years=1, max_rounds=1)
    year = result.years[0]
    assert year.prices[0, 0] == pytest.approx(762.7535372611334, rel=1e-13)
    assert year.deltas[0, 0] == pytest.approx(0.08964791037304762, rel=1e-12)
    assert year.multipliers[0, 0] == 0.25
    assert year.status is PlanStatus.ROUND_LIMIT


def test_round_one_councils_dep1ex01(pequod_economy, stored_years):
    """Every WC's round-1 output and reported effort (with the §2.4 8-input factor)."""
    economy = pequod_economy("dep1ex01")
    stored = stored_years("dep1ex01")[0]
    workers = economy.workers
    proposals = propose(workers, np.full(50, 700.0))
    assert _relative(proposals.output, stored.wc_output[0]) < RTOL
    k = workers.disutility_exponent
    b_total = workers.exponent_sum
    program_denominator = workers.effort_exponent - k + k * b_total
    factor = np.where(
        workers.input_counts == 8,
        np.exp(
            2 * b_total * (np.log(k) + np.log(workers.disutility_coefficient)) / program_denominator
        ),
        1.0,
    )
    assert _relative(proposals.effort * factor, stored.wc_effort[0]) < RTOL
    # Without the factor the 8-input efforts are far off: the quirk is real and isolated.
    eight = workers.input_counts == 8
    assert _relative(proposals.effort[~eight], stored.wc_effort[0][~eight]) < RTOL
    assert np.all(proposals.effort[eight] > 5 * stored.wc_effort[0][eight])


@pytest.mark.parametrize("name", WITH_CSV)
def test_every_stored_row_both_years(name, pequod_economy, stored_years, recovered_path):
    economy = pequod_economy(name)
    draws = load_recovered_year2(recovered_path, name, economy)
    result = run_participatory(economy, years=2, year2_draws=draws)
    for ours, stored in zip(result.years, stored_years(name), strict=True):
        assert ours.rounds == stored.prices.shape[0]
        assert ours.converged
        assert _relative(ours.prices, stored.prices) < RTOL
        assert _relative(ours.deltas, stored.deltas) < RTOL
        assert _relative(ours.supply, stored.supply) < RTOL
        assert _relative(ours.demand, stored.demand) < RTOL
        np.testing.assert_allclose(
            ours.imbalance_pct, stored.imbalance_pct, rtol=0, atol=IMBALANCE_ATOL_PCT
        )
        np.testing.assert_allclose(ours.multipliers, stored.multipliers, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", WITH_ROUNDS)
def test_round_counts_and_worst_imbalances(name, pequod_economy, stored_rounds, recovered_path):
    expected = stored_rounds[name]
    economy = pequod_economy(name)
    draws = load_recovered_year2(recovered_path, name, economy)
    result = run_participatory(economy, years=2, year2_draws=draws)
    year_one, year_two = result.years
    assert year_one.rounds == expected["rounds"]
    assert year_one.converged == expected["converged"]
    assert year_one.first_round_below(5.0) == expected["first_round_all_below_5pct"]
    np.testing.assert_allclose(
        year_one.worst_imbalance_pct,
        expected["worst_imbalance_pct_by_round"],
        rtol=0,
        atol=IMBALANCE_ATOL_PCT,
    )
    assert year_one.max_imbalance_pct == pytest.approx(
        expected["final_worst_imbalance_pct"], abs=IMBALANCE_ATOL_PCT
    )
    assert year_two.rounds == expected["year2_rounds"]
    assert result.rounds_by_year == (expected["rounds"], expected["year2_rounds"])


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_all_fifty_runs_year_one_end_and_year_two_count(
    name, pequod_economy, recovered, recovered_path
):
    """All 50 experiments: year one ends at the stored prices/multipliers; year-two counts."""
    economy = pequod_economy(name)
    expected = recovered[name]
    draws = load_recovered_year2(recovered_path, name, economy)
    result = run_participatory(economy, years=2, year2_draws=draws)
    year_one, year_two = result.years
    assert _relative(year_one.final_prices, np.asarray(expected["year1_final_prices"])) < RTOL
    np.testing.assert_allclose(
        year_one.multipliers[-1], expected["year1_final_pdlist"], rtol=0, atol=1e-9
    )
    assert year_two.rounds == expected["year2_rounds"]
    assert result.converged


def test_year_two_with_fresh_draws_matches_in_distribution(pequod_economy):
    """Spec §8/§13.5: fresh seeded year-two draws give mostly 9 rounds (sometimes 10, rarely
    fewer); the stored runs have 9 in 48 of 50 and 10 in 2."""
    counts = Counter(
        run_participatory(pequod_economy(name), seed=seed).rounds_by_year[1]
        for name in ("dep1ex02", "dep1ex03", "dep1ex04", "dep1ex05")
        for seed in range(3)
    )
    assert set(counts) <= set(range(5, 12))
    assert counts.most_common(1)[0][0] == 9
