"""The plan cycle as an explicit state machine the platform can drive, and a plan's split by coop.

States and transitions (anything else raises :class:`ConflictError`)::

    DRAFT --publish--> PUBLISHED
    PUBLISHED --accept(coop) / counter(coop)--> PUBLISHED      (each coop's assembly answers)
    PUBLISHED --close_responses--> VOTING       (every coop accepted: the published plan is
                                                 the only variant)
    PUBLISHED --close_responses--> RECOMPUTING  (some coop answered with a counter-plan)
    RECOMPUTING --submit_variants--> VOTING     (the planner's recomputed variants)
    VOTING --choose(vote)--> ADOPTED | REJECTED | VOTING (no quorum: vote again)
    any non-final state --withdraw--> WITHDRAWN

ADOPTED, REJECTED and WITHDRAWN are final; a new plan starts a new cycle. Every step returns a
new immutable :class:`PlanCycle` whose ``history`` records what happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from cooplan.errors import ConflictError, InputError, Problem
from cooplan.institutions.rules import FederationRules
from cooplan.institutions.voting import (
    Method,
    Outcome,
    VoteResult,
    consent,
    qualified_majority,
    ranked_choice,
    score,
    simple_majority,
)

__all__ = [
    "TRANSITIONS",
    "Action",
    "Change",
    "ChangeKind",
    "CoopPlanPart",
    "CounterPlan",
    "Event",
    "PlanCycle",
    "PlanState",
    "Response",
    "Variant",
    "accept",
    "allowed_actions",
    "apply_counter_plans",
    "choose",
    "close_responses",
    "congress_vote",
    "counter",
    "new_cycle",
    "publish",
    "split_plan",
    "submit_variants",
    "withdraw",
]


class PlanState(StrEnum):
    """Where a plan stands."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RECOMPUTING = "recomputing"
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    """What can happen to a plan."""

    PUBLISH = "publish"
    ACCEPT = "accept"
    COUNTER = "counter"
    CLOSE_RESPONSES = "close_responses"
    SUBMIT_VARIANTS = "submit_variants"
    CHOOSE = "choose"
    WITHDRAW = "withdraw"


FINAL = frozenset({PlanState.ADOPTED, PlanState.REJECTED, PlanState.WITHDRAWN})

TRANSITIONS: Mapping[tuple[PlanState, Action], frozenset[PlanState]] = {
    (PlanState.DRAFT, Action.PUBLISH): frozenset({PlanState.PUBLISHED}),
    (PlanState.PUBLISHED, Action.ACCEPT): frozenset({PlanState.PUBLISHED}),
    (PlanState.PUBLISHED, Action.COUNTER): frozenset({PlanState.PUBLISHED}),
    (PlanState.PUBLISHED, Action.CLOSE_RESPONSES): frozenset(
        {PlanState.VOTING, PlanState.RECOMPUTING}
    ),
    (PlanState.RECOMPUTING, Action.SUBMIT_VARIANTS): frozenset({PlanState.VOTING}),
    (PlanState.VOTING, Action.CHOOSE): frozenset(
        {PlanState.ADOPTED, PlanState.REJECTED, PlanState.VOTING}
    ),
    **{
        (state, Action.WITHDRAW): frozenset({PlanState.WITHDRAWN})
        for state in PlanState
        if state not in FINAL
    },
}


def allowed_actions(state: PlanState) -> tuple[Action, ...]:
    """Actions allowed in ``state`` (none in a final state)."""
    return tuple(a for (s, a) in TRANSITIONS if s is state)


class ChangeKind(StrEnum):
    """What a counter-plan may change."""

    CAPACITY = "capacity"  # target: process id; value: new capacity (units per period)
    LABOUR_COEFFICIENT = "labour_coefficient"  # target: process id; value: hours per unit
    HOURS = "hours"  # target: coop id; value: hours per member per period


@dataclass(frozen=True)
class Change:
    """One change a coop proposes, with its reason."""

    kind: ChangeKind
    target: str
    value: float
    reason: str


@dataclass(frozen=True)
class CounterPlan:
    """A coop assembly's answer to a published plan: changes, each with a reason."""

    coop: str
    changes: tuple[Change, ...]
    vote: VoteResult | None = None


class Response(StrEnum):
    """How a coop answered."""

    ACCEPTED = "accepted"
    COUNTER = "counter"


@dataclass(frozen=True)
class Variant:
    """A plan variant the congress may choose: its id, the digest of its plan JSON, a note."""

    id: str
    plan_digest: str
    description: str = ""
    counter_plans: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One step of the cycle's history."""

    action: Action
    state_before: PlanState
    state_after: PlanState
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanCycle:
    """One plan's way from draft to adoption (or rejection, or withdrawal)."""

    plan_id: str
    coops: tuple[str, ...]
    state: PlanState = PlanState.DRAFT
    responses: Mapping[str, Response] = field(default_factory=dict)
    counter_plans: Mapping[str, CounterPlan] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()
    chosen: str | None = None
    history: tuple[Event, ...] = ()

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Coops whose assembly has not answered yet."""
        return tuple(c for c in self.coops if c not in self.responses)


def _step(
    cycle: PlanCycle,
    action: Action,
    new_state: PlanState,
    detail: Mapping[str, Any],
    **changes: Any,
) -> PlanCycle:
    allowed = TRANSITIONS.get((cycle.state, action))
    if allowed is None:
        raise ConflictError(
            f"cannot {action.value} a plan that is {cycle.state.value}; allowed now: "
            f"{', '.join(a.value for a in allowed_actions(cycle.state)) or 'nothing (final)'}"
        )
    if new_state not in allowed:  # a bug in this module, not the caller's fault
        raise AssertionError(f"{action} may not lead to {new_state}")
    event = Event(action, cycle.state, new_state, dict(detail))
    return replace(cycle, state=new_state, history=(*cycle.history, event), **changes)


def new_cycle(plan_id: str, coops: Sequence[str]) -> PlanCycle:
    """A draft plan that the assemblies of ``coops`` will have to answer."""
    if not coops or len(set(coops)) != len(coops):
        raise InputError.single(
            "plan cycle",
            "coops must be distinct and non-empty",
            column="coops",
            value=list(coops),
            fix="list each coop once",
        )
    return PlanCycle(plan_id, tuple(coops))


def publish(cycle: PlanCycle) -> PlanCycle:
    """Publish the draft to every coop's assembly."""
    return _step(cycle, Action.PUBLISH, PlanState.PUBLISHED, {})


def _check_coop(cycle: PlanCycle, coop: str) -> None:
    if cycle.state is PlanState.PUBLISHED and coop not in cycle.coops:
        raise InputError.single(
            "plan cycle",
            "this coop is not part of the plan",
            column="coop",
            value=coop,
            fix=f"one of {list(cycle.coops)}",
        )
    if cycle.state is PlanState.PUBLISHED and coop in cycle.responses:
        raise ConflictError(f"{coop} has already answered ({cycle.responses[coop].value})")


def _check_vote(vote: VoteResult | None, what: str) -> None:
    if vote is not None and vote.outcome is not Outcome.PASSED:
        raise ConflictError(f"the assembly's vote to {what} did not pass ({vote.outcome.value})")


def accept(cycle: PlanCycle, coop: str, vote: VoteResult | None = None) -> PlanCycle:
    """``coop``'s assembly accepts its part (``vote``, if given, must have passed)."""
    _check_coop(cycle, coop)
    _check_vote(vote, "accept")
    responses = {**cycle.responses, coop: Response.ACCEPTED}
    return _step(cycle, Action.ACCEPT, PlanState.PUBLISHED, {"coop": coop}, responses=responses)


def counter(cycle: PlanCycle, plan: CounterPlan) -> PlanCycle:
    """``plan.coop``'s assembly answers with a counter-plan (every change needs a reason)."""
    _check_coop(cycle, plan.coop)
    _check_vote(plan.vote, "send a counter-plan")
    problems = [
        Problem(
            f"counter-plan of {plan.coop}",
            "every change needs a reason",
            row=i,
            column="reason",
            value=c.reason,
            fix="say why the coop proposes this change",
        )
        for i, c in enumerate(plan.changes, 1)
        if not c.reason.strip()
    ] + [
        Problem(
            f"counter-plan of {plan.coop}",
            "value must be ≥ 0",
            row=i,
            column="value",
            value=c.value,
            fix="give a capacity, coefficient or hours ≥ 0",
        )
        for i, c in enumerate(plan.changes, 1)
        if not c.value >= 0
    ]
    if not plan.changes:
        problems.append(
            Problem(
                f"counter-plan of {plan.coop}",
                "a counter-plan changes something",
                column="changes",
                value=[],
                fix="accept the plan instead, or list changes",
            )
        )
    error = InputError.collect(problems, "invalid counter-plan")
    if error is not None:
        raise error
    return _step(
        cycle,
        Action.COUNTER,
        PlanState.PUBLISHED,
        {"coop": plan.coop, "changes": len(plan.changes)},
        responses={**cycle.responses, plan.coop: Response.COUNTER},
        counter_plans={**cycle.counter_plans, plan.coop: plan},
    )


def close_responses(
    cycle: PlanCycle, *, silence_is_consent: bool = False, plan_digest: str = ""
) -> PlanCycle:
    """End the answering round.

    Coops that did not answer block the closing unless ``silence_is_consent``. If every coop
    accepted, the published plan (``plan_digest``) becomes the single variant put to the vote.
    """
    if cycle.state is PlanState.PUBLISHED and cycle.waiting_for and not silence_is_consent:
        raise ConflictError(f"still waiting for {', '.join(cycle.waiting_for)}")
    responses = dict(cycle.responses)
    for coop in cycle.waiting_for:
        responses[coop] = Response.ACCEPTED
    if cycle.counter_plans:
        return _step(
            cycle,
            Action.CLOSE_RESPONSES,
            PlanState.RECOMPUTING,
            {"counter_plans": sorted(cycle.counter_plans)},
            responses=responses,
        )
    published = Variant("published", plan_digest, "the published plan, accepted by all")
    return _step(
        cycle,
        Action.CLOSE_RESPONSES,
        PlanState.VOTING,
        {"counter_plans": []},
        responses=responses,
        variants=(published,),
    )


def submit_variants(cycle: PlanCycle, variants: Sequence[Variant]) -> PlanCycle:
    """The planner's recomputed variants (at least one; ids distinct) go to the congress."""
    ids = [v.id for v in variants]
    if not variants or len(set(ids)) != len(ids):
        raise InputError.single(
            "plan variants",
            "give at least one variant, ids distinct",
            column="id",
            value=ids,
            fix="name each variant once",
        )
    return _step(
        cycle, Action.SUBMIT_VARIANTS, PlanState.VOTING, {"variants": ids}, variants=tuple(variants)
    )


def choose(cycle: PlanCycle, vote: VoteResult) -> PlanCycle:
    """The congress's vote: a choice among variants (ranked choice, score) or yes/no on one.

    No quorum leaves the plan in VOTING (vote again); a rejected yes/no vote rejects it.
    """
    ids = [v.id for v in cycle.variants]
    detail: dict[str, Any] = {"vote": vote.to_dict()}
    if vote.outcome is Outcome.NO_QUORUM:
        return _step(cycle, Action.CHOOSE, PlanState.VOTING, detail)
    if vote.method in (Method.RANKED_CHOICE, Method.SCORE):
        if vote.winner not in ids:
            raise InputError.single(
                "congress vote",
                "the winner is not one of the variants",
                column="winner",
                value=vote.winner,
                fix=f"vote on {ids}",
            )
        return _step(cycle, Action.CHOOSE, PlanState.ADOPTED, detail, chosen=vote.winner)
    if len(ids) != 1:
        raise ConflictError("a yes/no vote can only decide a single variant; use ranked choice")
    if vote.outcome is Outcome.PASSED:
        return _step(cycle, Action.CHOOSE, PlanState.ADOPTED, detail, chosen=ids[0])
    return _step(cycle, Action.CHOOSE, PlanState.REJECTED, detail)


def congress_vote(
    cycle: PlanCycle,
    ballots: Sequence[Any],
    eligible: int,
    rules: FederationRules,
) -> VoteResult:
    """Count the congress's ballots on the cycle's variants by ``votes.plan_method``.

    Ranked choice: rankings of variant ids; score: ``{variant: score}`` maps (0 to
    ``votes.score_max``); majorities: yes/no/abstain on the single variant; consent:
    ``{delegate: response}``. Quorum is ``votes.quorum``. Pass the result to :func:`choose`.
    """
    if cycle.state is not PlanState.VOTING:
        raise ConflictError(f"the congress votes on variants only in voting, not {cycle.state}")
    ids = [v.id for v in cycle.variants]
    method = Method(rules.votes_plan_method)
    quorum = rules.votes_quorum
    if method is Method.RANKED_CHOICE:
        return ranked_choice(ballots, ids, eligible, quorum=quorum)
    if method is Method.SCORE:
        return score(ballots, ids, eligible, max_score=rules.votes_score_max, quorum=quorum)
    if len(ids) != 1:
        raise ConflictError(f"{method.value} decides a single variant; {len(ids)} are on the table")
    if method is Method.CONSENT:
        responses = ballots[0] if ballots and isinstance(ballots[0], Mapping) else {}
        return consent(responses, eligible, quorum=quorum)
    if method is Method.QUALIFIED_MAJORITY:
        return qualified_majority(
            ballots, eligible, threshold=rules.votes_qualified_majority, quorum=quorum
        )
    return simple_majority(ballots, eligible, threshold=rules.votes_simple_majority, quorum=quorum)


def withdraw(cycle: PlanCycle, reason: str) -> PlanCycle:
    """Withdraw the plan (from any state that is not final)."""
    return _step(cycle, Action.WITHDRAW, PlanState.WITHDRAWN, {"reason": reason})


def apply_counter_plans(
    processes: pd.DataFrame, coops: pd.DataFrame, plans: Sequence[CounterPlan]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the processes and coops tables with the counter-plans' changes applied.

    The planner recomputes variants on these. A change may only touch the proposing coop's
    own processes or hours; anything else raises :class:`InputError`.
    """
    procs, table = processes.copy(), coops.copy()
    owner = dict(zip(procs["id"].astype(str), procs["coop"].astype(str), strict=True))
    problems: list[Problem] = []
    for plan in plans:
        for row, c in enumerate(plan.changes, 1):
            where = f"counter-plan of {plan.coop}"
            if c.kind is ChangeKind.HOURS:
                if c.target != plan.coop:
                    problems.append(
                        Problem(
                            where,
                            "a coop may change only its own hours",
                            row=row,
                            column="target",
                            value=c.target,
                            fix=f"target {plan.coop}",
                        )
                    )
                    continue
                table.loc[table["id"] == c.target, "hours_per_member"] = c.value
                continue
            if owner.get(c.target) != plan.coop:
                problems.append(
                    Problem(
                        where,
                        "not a process of this coop",
                        row=row,
                        column="target",
                        value=c.target,
                        fix="name one of the coop's processes",
                    )
                )
                continue
            column = "capacity" if c.kind is ChangeKind.CAPACITY else "labour"
            procs[column] = procs[column].astype(object)
            procs.loc[procs["id"] == c.target, column] = c.value
    error = InputError.collect(problems, "counter-plan cannot be applied")
    if error is not None:
        raise error
    return procs, table


@dataclass(frozen=True)
class CoopPlanPart:
    """One coop's part of a plan: targets, inputs, deliveries in and out, hours."""

    coop: str
    targets: Mapping[str, float]
    output: Mapping[str, float]
    inputs: Mapping[str, float]
    deliveries_out: tuple[Mapping[str, Any], ...]
    deliveries_in: tuple[Mapping[str, Any], ...]
    hours_used: float
    hours_available: float
    hours_lent: float
    hours_borrowed: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "coop": self.coop,
            "targets": dict(self.targets),
            "output": dict(self.output),
            "inputs": dict(self.inputs),
            "deliveries_out": [dict(d) for d in self.deliveries_out],
            "deliveries_in": [dict(d) for d in self.deliveries_in],
            "hours_used": self.hours_used,
            "hours_available": self.hours_available,
            "hours_lent": self.hours_lent,
            "hours_borrowed": self.hours_borrowed,
        }


def split_plan(
    plan: Mapping[str, Any], processes: pd.DataFrame, inputs: pd.DataFrame | None = None
) -> dict[str, CoopPlanPart]:
    """Each coop's part of ``plan`` (the optimal planner's JSON) for its assembly to answer.

    ``processes``: table with ``id, coop, product``; ``inputs`` (optional): ``process, product,
    quantity`` per unit of activity. Targets are activity levels of the coop's processes.
    """
    owner = dict(zip(processes["id"].astype(str), processes["coop"].astype(str), strict=True))
    product_of = dict(
        zip(processes["id"].astype(str), processes["product"].astype(str), strict=True)
    )
    coops = sorted(set(owner.values()) | set((plan.get("labour") or {}).keys()))
    activity = {str(k): float(v) for k, v in (plan.get("activity") or {}).items()}
    unknown = [p for p in activity if p not in owner]
    if unknown:
        raise InputError.single(
            "plan",
            "activity of unknown processes",
            column="activity",
            value=unknown[:5],
            fix="split the plan with its own economy",
        )
    per_unit: dict[str, list[tuple[str, float]]] = {}
    if inputs is not None:
        for line in inputs.to_dict("records"):
            per_unit.setdefault(str(line["process"]), []).append(
                (str(line["product"]), float(line["quantity"]))
            )
    parts: dict[str, CoopPlanPart] = {}
    labour = plan.get("labour") or {}
    moves = plan.get("relocations") or []
    deliveries = plan.get("deliveries") or []
    for coop in coops:
        targets = {p: level for p, level in activity.items() if owner[p] == coop}
        output: dict[str, float] = {}
        used_inputs: dict[str, float] = {}
        for p, level in targets.items():
            output[product_of[p]] = output.get(product_of[p], 0.0) + level
            for product, qty in per_unit.get(p, []):
                used_inputs[product] = used_inputs.get(product, 0.0) + level * qty
        entry = labour.get(coop) or {}
        parts[coop] = CoopPlanPart(
            coop=coop,
            targets=targets,
            output=output,
            inputs=used_inputs,
            deliveries_out=tuple(d for d in deliveries if str(d.get("from")) == coop),
            deliveries_in=tuple(d for d in deliveries if str(d.get("to")) == coop),
            hours_used=float(entry.get("used", 0.0)),
            hours_available=float(entry.get("available", 0.0)),
            hours_lent=sum(float(m["hours"]) for m in moves if str(m.get("from")) == coop),
            hours_borrowed=sum(float(m["hours"]) for m in moves if str(m.get("to")) == coop),
        )
    return parts
