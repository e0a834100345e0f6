"""The plan cycle state machine and the split of a plan by coop."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from institutions_fixtures import plan

from cooplan.errors import ConflictError, InputError
from cooplan.institutions.plan_cycle import (
    TRANSITIONS,
    Action,
    Change,
    ChangeKind,
    CounterPlan,
    PlanState,
    Variant,
    accept,
    allowed_actions,
    apply_counter_plans,
    choose,
    close_responses,
    counter,
    new_cycle,
    publish,
    split_plan,
    submit_variants,
    withdraw,
)
from cooplan.institutions.voting import Choice, ranked_choice, simple_majority

COOPS = ["fagor", "orona", "eroski"]
CUT = CounterPlan(
    "fagor", (Change(ChangeKind.CAPACITY, "p_fridge", 60.0, "the new fridge line is not ready"),)
)


def test_counter_plan_path_to_adoption_by_ranked_choice() -> None:
    cycle = publish(new_cycle("plan-2027", COOPS))
    cycle = accept(cycle, "orona", simple_majority([Choice.YES] * 3, 3))
    cycle = counter(cycle, CUT)
    with pytest.raises(ConflictError, match="waiting for eroski"):
        close_responses(cycle)
    cycle = accept(cycle, "eroski")
    cycle = close_responses(cycle)
    assert cycle.state is PlanState.RECOMPUTING
    cycle = submit_variants(
        cycle,
        [
            Variant("A", "sha-a", "as published"),
            Variant("B", "sha-b", "fagor's capacity", ("fagor",)),
        ],
    )
    vote = ranked_choice([["B", "A"]] * 5 + [["A", "B"]] * 3, ["A", "B"], 10)
    cycle = choose(cycle, vote)
    assert cycle.state is PlanState.ADOPTED and cycle.chosen == "B"
    assert [e.action for e in cycle.history] == [
        Action.PUBLISH,
        Action.ACCEPT,
        Action.COUNTER,
        Action.ACCEPT,
        Action.CLOSE_RESPONSES,
        Action.SUBMIT_VARIANTS,
        Action.CHOOSE,
    ]


def test_all_accept_goes_straight_to_a_yes_no_vote_and_can_be_rejected() -> None:
    cycle = publish(new_cycle("p", COOPS))
    for coop in COOPS:
        cycle = accept(cycle, coop)
    cycle = close_responses(cycle, plan_digest="sha")
    assert cycle.state is PlanState.VOTING and [v.id for v in cycle.variants] == ["published"]
    no_quorum = simple_majority([Choice.YES], eligible=10)
    assert choose(cycle, no_quorum).state is PlanState.VOTING
    rejected = choose(cycle, simple_majority([Choice.NO] * 6 + [Choice.YES] * 4, 10))
    assert rejected.state is PlanState.REJECTED
    with pytest.raises(ConflictError, match="rejected"):
        withdraw(rejected, "too late")


def test_silence_is_consent_when_asked() -> None:
    cycle = publish(new_cycle("p", COOPS))
    cycle = close_responses(accept(cycle, "fagor"), silence_is_consent=True)
    assert cycle.state is PlanState.VOTING


def test_illegal_transitions_raise_conflict() -> None:
    draft = new_cycle("p", COOPS)
    with pytest.raises(ConflictError, match="cannot accept a plan that is draft"):
        accept(draft, "fagor")
    with pytest.raises(ConflictError):
        submit_variants(draft, [Variant("A", "x")])
    published = accept(publish(draft), "fagor")
    with pytest.raises(ConflictError, match="already answered"):
        accept(published, "fagor")
    with pytest.raises(ConflictError, match="did not pass"):
        accept(published, "orona", simple_majority([Choice.NO] * 3, 3))
    assert withdraw(published, "error in data").state is PlanState.WITHDRAWN


def test_counter_plans_need_reasons() -> None:
    cycle = publish(new_cycle("p", COOPS))
    with pytest.raises(InputError, match="invalid counter-plan"):
        counter(cycle, CounterPlan("fagor", (Change(ChangeKind.HOURS, "fagor", 1500.0, " "),)))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(Action)), max_size=12))
def test_random_action_sequences_follow_the_table(actions: list[Action]) -> None:
    cycle = new_cycle("p", ["a"])
    for action in actions:
        before = cycle.state
        try:
            if action is Action.PUBLISH:
                cycle = publish(cycle)
            elif action is Action.ACCEPT:
                cycle = accept(cycle, "a")
            elif action is Action.COUNTER:
                cycle = counter(cycle, CounterPlan("a", (Change(ChangeKind.HOURS, "a", 1.0, "r"),)))
            elif action is Action.CLOSE_RESPONSES:
                cycle = close_responses(cycle, silence_is_consent=True)
            elif action is Action.SUBMIT_VARIANTS:
                cycle = submit_variants(cycle, [Variant("v", "d")])
            elif action is Action.CHOOSE:
                cycle = choose(cycle, ranked_choice([["v"]], ["v"], 1))
            else:
                cycle = withdraw(cycle, "r")
        except ConflictError:
            assert action not in allowed_actions(before) or action in (
                Action.ACCEPT,
                Action.COUNTER,
                Action.CHOOSE,
            )
            continue
        except InputError:
            continue
        assert (before, action) in TRANSITIONS
        assert cycle.state in TRANSITIONS[(before, action)]


PROCESSES = pd.DataFrame(
    {
        "id": ["p_fridge", "p_lift", "p_food", "p_parts"],
        "coop": ["fagor", "orona", "eroski", "ulma"],
        "product": ["fridges", "lifts", "food", "parts"],
        "labour": [20.0, 80.0, 7.5, 37.5],
        "capacity": [150.0, None, None, None],
    }
)
INPUTS = pd.DataFrame(
    {
        "process": ["p_fridge", "p_lift", "p_fridge"],
        "product": ["parts", "parts", "steel"],
        "quantity": [0.3, 1.0, 2.0],
    }
)


def test_split_plan_gives_each_coop_its_part() -> None:
    parts = split_plan(plan(), PROCESSES, INPUTS)
    fagor = parts["fagor"]
    assert fagor.targets == {"p_fridge": 100.0}
    assert fagor.output == {"fridges": 100.0}
    assert fagor.inputs == {"parts": pytest.approx(30.0), "steel": pytest.approx(200.0)}
    assert [d["product"] for d in fagor.deliveries_in] == ["parts"]
    assert [d["to"] for d in fagor.deliveries_out] == ["public"]
    assert fagor.hours_used == 2000.0 and fagor.hours_available == 7000.0
    assert set(parts) == {"fagor", "orona", "eroski", "ulma"}
    # every delivery from a coop appears once as that coop's delivery out
    from_coops = [d for d in plan()["deliveries"] if d["from"] != "nature"]
    assert sum(len(p.deliveries_out) for p in parts.values()) == len(from_coops)
    assert [d["from"] for d in parts["ulma"].deliveries_in] == ["nature"]


def test_apply_counter_plans_changes_only_own_processes() -> None:
    coops = pd.DataFrame({"id": ["fagor"], "hours_per_member": [1650.0]})
    procs, _ = apply_counter_plans(PROCESSES, coops, [CUT])
    assert procs.set_index("id").at["p_fridge", "capacity"] == 60.0
    assert PROCESSES.set_index("id").at["p_fridge", "capacity"] == 150.0  # input untouched
    bad = CounterPlan("fagor", (Change(ChangeKind.LABOUR_COEFFICIENT, "p_lift", 1.0, "r"),))
    with pytest.raises(InputError, match="not a process of this coop"):
        apply_counter_plans(PROCESSES, coops, [bad])


def test_congress_vote_follows_the_rules_method() -> None:
    from cooplan.institutions.plan_cycle import congress_vote
    from cooplan.institutions.rules import default_rules

    cycle = publish(new_cycle("p", COOPS))
    cycle = counter(accept(accept(cycle, "orona"), "eroski"), CUT)
    cycle = submit_variants(close_responses(cycle), [Variant("A", "a"), Variant("B", "b")])
    rules = default_rules()  # ranked choice by default
    vote = congress_vote(cycle, [["A", "B"]] * 4 + [["B", "A"]] * 3, 10, rules)
    assert choose(cycle, vote).chosen == "A"
    scored = congress_vote(
        cycle, [{"A": 1, "B": 5}] * 6, 10, rules.with_values({"votes.plan_method": "score"})
    )
    assert choose(cycle, scored).chosen == "B"
    with pytest.raises(ConflictError, match="single variant"):
        congress_vote(
            cycle, ["yes"] * 6, 10, rules.with_values({"votes.plan_method": "simple_majority"})
        )
