"""The Fagor closure replay against the published course (institutions.md [S])."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplan.errors import InputError
from cooplan.institutions.fagor import (
    PUBLISHED_AFFECTED,
    PUBLISHED_RELOCATED,
    FagorScenario,
    load_scenario,
    monthly_table,
    run_fagor,
)

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "fagor"


@pytest.fixture(scope="module")
def outcome():  # type: ignore[no-untyped-def]
    return run_fagor(FOLDER)


def test_the_scenario_affects_about_1800_members(outcome) -> None:  # type: ignore[no-untyped-def]
    low, high = PUBLISHED_AFFECTED
    assert low <= outcome.affected <= high


def test_the_replay_is_compared_at_every_published_month(outcome) -> None:  # type: ignore[no-untyped-def]
    assert [c.month for c in outcome.relocated] == sorted(PUBLISHED_RELOCATED)
    cumulative = [m.relocated_cumulative for m in outcome.months]
    assert cumulative == sorted(cumulative)
    # the model is a coarse replay: it must land within a factor of two of the record
    for checkpoint in outcome.relocated:
        assert 0.5 < checkpoint.ratio < 2.0, checkpoint
    assert 0.5 < outcome.early_retirements.ratio < 2.0
    # relocations never exceed the vacancies opened
    assert all(m.relocated <= m.vacancies for m in outcome.months)


def test_every_affected_member_is_accounted_for(outcome) -> None:  # type: ignore[no-untyped-def]
    first = outcome.months[0]
    assert first.relocated + first.early_retired_cumulative + first.on_benefit == outcome.affected
    last = outcome.months[-1]
    assert last.relocated_cumulative + last.early_retired_cumulative + last.on_benefit == (
        outcome.affected
    )
    table = monthly_table(outcome)
    assert table.loc[table["month"] == 8, "published_relocated"].item() == 1050


def test_deterministic() -> None:
    scenario = FagorScenario("fagor_electrodomesticos", 2 / 3, 2, 0.01)
    first = run_fagor(FOLDER, scenario=scenario).to_dict()
    assert first == run_fagor(FOLDER, scenario=scenario).to_dict()


def test_bad_scenario_is_refused(tmp_path: Path) -> None:
    (tmp_path / "scenario.toml").write_text("[scenario]\ncoop = 'x'\n", encoding="utf-8")
    with pytest.raises(InputError, match="scenario"):
        load_scenario(tmp_path)
