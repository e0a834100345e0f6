"""Relocation: every member accounted for, and the matching optimal against brute force."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from institutions_fixtures import coops_frame, plan, workers_frame

from cooplan.institutions.members import validate_members
from cooplan.institutions.relocation import (
    haversine_km,
    labour_balance,
    member_level_optimum,
    pair_cost,
    region_distances,
    settle_labour,
)
from cooplan.institutions.rules import default_rules

RULES = default_rules()


def _instance(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    n_coops = draw(st.integers(2, 4))
    ids = [f"c{i}" for i in range(n_coops)]
    coops = pd.DataFrame(
        {
            "id": ids,
            "region": [draw(st.sampled_from(["r1", "r2"])) for _ in ids],
            "group": [draw(st.sampled_from(["g1", "g2"])) for _ in ids],
            "members": 0,
            "hours_per_member": 100.0,
            "non_members": 0,
            "reserve": 0.0,
        }
    )
    rows = []
    for c in ids:
        for k in range(draw(st.integers(0, 3))):
            rows.append(
                {
                    "id": f"{c}m{k}",
                    "coop": c,
                    "name": "x",
                    "member": True,
                    "age": draw(st.sampled_from([30, 58])),
                    "skill": draw(st.sampled_from(["s", "t", "u"])),
                    "pay_index": 1.0,
                    "hours": 100.0,
                }
            )
    workers = pd.DataFrame(
        rows, columns=["id", "coop", "name", "member", "age", "skill", "pay_index", "hours"]
    )
    used = {c: 100.0 * draw(st.integers(0, 4)) for c in ids}
    return coops, workers, {"labour": {c: {"used": h} for c, h in used.items()}}


@st.composite
def instances(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    return _instance(draw)


def _brute_force(
    coops: pd.DataFrame, workers: pd.DataFrame, plan_: dict[str, Any], rules: Any = RULES
) -> tuple:
    """Best (−relocated, −retired, cost) over every placement of the surplus coops' members."""
    balances, _ = labour_balance(workers, coops, plan_, rules)
    info = coops.set_index("id")
    surplus = [c for c, b in balances.items() if b.surplus_members > 0]
    vacancy = {c: b.vacancies for c, b in balances.items() if b.vacancies > 0}
    people = workers[workers["coop"].isin(surplus)].to_dict("records")
    skills = {c: frozenset(workers.loc[workers["coop"] == c, "skill"]) for c in info.index}
    options = []
    for p in people:
        opts: list[tuple[str, str, float]] = [("stay", "", 0.0), ("benefit", "", 0.0)]
        if p["age"] >= rules.early_retirement_age:
            opts.append(("retire", "", 0.0))
        for d in vacancy:
            if d != p["coop"]:
                cost = pair_cost(
                    rules,
                    info.at[p["coop"], "group"],
                    info.at[p["coop"], "region"],
                    p["skill"],
                    info.at[d, "group"],
                    info.at[d, "region"],
                    skills[d],
                )[0]
                opts.append(("move", d, cost))
        options.append(opts)
    best = None
    for choice in itertools.product(*options):
        stays = {c: 0 for c in surplus}
        moved = {d: 0 for d in vacancy}
        for p, (kind, target, _) in zip(people, choice, strict=True):
            if kind == "stay":
                stays[p["coop"]] += 1
            if kind == "move":
                moved[target] += 1
        n = {c: sum(1 for p in people if p["coop"] == c) for c in surplus}
        if any(stays[c] != n[c] - balances[c].surplus_members for c in surplus):
            continue
        if any(moved[d] > vacancy[d] for d in vacancy):
            continue
        retired = {c: 0 for c in surplus}
        for p, (kind, _, _) in zip(people, choice, strict=True):
            retired[p["coop"]] += kind == "retire"
        eligible = {
            c: sum(1 for p in people if p["coop"] == c and p["age"] >= rules.early_retirement_age)
            for c in surplus
        }
        if any(
            retired[c] > int(rules.early_retirement_take_up * eligible[c] + 1e-9) for c in surplus
        ):
            continue
        key = (
            -sum(k == "move" for k, _, _ in choice),
            -sum(k == "retire" for k, _, _ in choice),
            round(sum(c for _, _, c in choice), 9),
        )
        best = key if best is None or key < best else best
    return best if best is not None else (0, 0, 0.0)


@settings(max_examples=40, deadline=None)
@given(instances(), st.sampled_from([1.0, 0.5]))
def test_matching_is_lexicographically_optimal(instance: tuple, take_up: float) -> None:
    coops, workers, plan_ = instance
    workers = validate_members(workers)
    rules = RULES.with_values({"early_retirement.take_up": take_up})
    outcome, _ = settle_labour(workers, coops, plan_, rules)
    ours = (
        -len(outcome.relocations),
        -len(outcome.early_retirements),
        round(sum(r.cost for r in outcome.relocations), 9),
    )
    assert ours == _brute_force(coops, workers, plan_, rules)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_no_member_is_dismissed_or_lost(instance: tuple) -> None:
    coops, workers, plan_ = instance
    workers = validate_members(workers)
    outcome, _ = settle_labour(workers, coops, plan_, RULES)
    placed = (
        list(outcome.stayed)
        + [r.member for r in outcome.relocations]
        + list(outcome.early_retirements)
        + [b.member for b in outcome.on_benefit]
    )
    assert sorted(placed) == sorted(workers.loc[workers["member"], "id"])
    assert outcome.members_before == len(placed)
    for c, b in outcome.balances.items():
        moved_in = sum(1 for r in outcome.relocations if r.target == c)
        assert moved_in <= b.vacancies
        left = (
            sum(1 for r in outcome.relocations if r.origin == c)
            + sum(1 for m in outcome.early_retirements if m.startswith(c + "m"))
            + sum(1 for s in outcome.on_benefit if s.coop == c)
        )
        assert left == b.surplus_members
    for m in outcome.early_retirements:
        assert int(workers.set_index("id").at[m, "age"]) >= RULES.early_retirement_age


def test_same_group_is_preferred_and_non_members_go_first() -> None:
    outcome, notes = settle_labour(validate_members(workers_frame()), coops_frame(), plan(), RULES)
    assert notes == []
    assert outcome.balances["fagor"].non_member_contracts_ended == ("fx",)
    # fagor sheds 4 members: 2 vacancies (orona, ulma, both industry) and 2 retirements (58, 61).
    assert {r.target for r in outcome.relocations} == {"orona", "ulma"}
    assert all(not r.other_group for r in outcome.relocations)
    assert outcome.early_retirements == ("f1", "f4")
    assert outcome.on_benefit == ()


def test_distance_limit_forbids_far_moves() -> None:
    rules = RULES.with_values({"relocation.max_distance_km": 10.0})
    far = {("debagoiena", "bizkaia"): 60.0, ("bizkaia", "debagoiena"): 60.0}
    outcome, _ = settle_labour(validate_members(workers_frame()), coops_frame(), plan(), rules, far)
    assert {r.target for r in outcome.relocations} == {"orona"}  # ulma is in bizkaia
    assert len(outcome.on_benefit) == 1


def test_benefit_duration_is_limited() -> None:
    workers = workers_frame()
    workers["age"] = 30
    workers.loc[workers["coop"] == "fagor", "months_on_benefit"] = 20
    outcome, _ = settle_labour(validate_members(workers), coops_frame(), plan(), RULES)
    assert outcome.on_benefit and all(s.months == 4 and s.exhausted for s in outcome.on_benefit)


def test_missing_coop_in_plan_is_noted() -> None:
    plan_ = plan()
    del plan_["labour"]["eroski"]
    outcome, notes = settle_labour(validate_members(workers_frame()), coops_frame(), plan_, RULES)
    assert notes and "eroski" in notes[0]
    assert outcome.balances["eroski"].surplus_members == 3


def test_region_distances_from_coordinates() -> None:
    regions = pd.DataFrame(
        {"id": ["bilbao", "arrasate"], "lat": [43.263, 43.064], "lon": [-2.935, -2.490]}
    )
    km = region_distances(regions)[("bilbao", "arrasate")]
    assert 40 < km < 45  # about 41 km as the crow flies
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)


@st.composite
def larger_instances(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    n_coops = draw(st.integers(3, 7))
    ids = [f"c{i}" for i in range(n_coops)]
    coops = pd.DataFrame(
        {
            "id": ids,
            "region": [draw(st.sampled_from(["r1", "r2", "r3"])) for _ in ids],
            "group": [draw(st.sampled_from(["g1", "g2"])) for _ in ids],
            "members": 0,
            "hours_per_member": 100.0,
            "non_members": 0,
            "reserve": 0.0,
        }
    )
    rows = []
    for c in ids:
        for k in range(draw(st.integers(0, 12))):
            rows.append(
                {
                    "id": f"{c}m{k}",
                    "coop": c,
                    "name": "x",
                    "member": True,
                    "age": draw(st.integers(20, 64)),
                    "skill": draw(st.sampled_from(["s", "t", "u", "v"])),
                    "pay_index": 1.0,
                    "hours": 100.0,
                }
            )
    workers = pd.DataFrame(
        rows, columns=["id", "coop", "name", "member", "age", "skill", "pay_index", "hours"]
    )
    used = {c: 100.0 * draw(st.integers(0, 16)) for c in ids}
    return coops, workers, {"labour": {c: {"used": h} for c, h in used.items()}}


@settings(max_examples=30, deadline=None)
@given(larger_instances(), st.booleans(), st.sampled_from([1.0, 0.6]))
def test_class_lp_matches_the_member_level_assignment(
    instance: tuple, limited: bool, take_up: float
) -> None:
    coops, workers, plan_ = instance
    workers = validate_members(workers)
    rules = RULES.with_values({"early_retirement.take_up": take_up})
    far = {("r1", "r3"): 150.0, ("r3", "r1"): 150.0} if limited else None
    outcome, _ = settle_labour(workers, coops, plan_, rules, far)
    ours = (
        len(outcome.relocations),
        len(outcome.early_retirements),
        sum(r.cost for r in outcome.relocations),
    )
    reference = member_level_optimum(workers, coops, plan_, rules, far)
    assert ours[:2] == reference[:2]
    assert ours[2] == pytest.approx(reference[2], abs=1e-9)


def test_early_retirement_take_up_limits_retirements() -> None:
    rules = RULES.with_values({"early_retirement.take_up": 0.5})
    outcome, _ = settle_labour(validate_members(workers_frame()), coops_frame(), plan(), rules)
    # fagor has two eligible members (58, 61): half of them, one, may retire
    assert len(outcome.early_retirements) == 1
    assert set(outcome.early_retirements) <= {"f1", "f4"}
    assert len(outcome.on_benefit) == 1
