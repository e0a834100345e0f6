"""The plan cycle on the platform, driving the institutions' state machine
(:mod:`cooplan.institutions.plan_cycle`): every step is one of its transitions, which refuses
what its state does not allow (409). The machine is stored, serialised, on the cycle's row.

1. A planner starts a cycle (state ``draft``): the draft plan is computed.
2. The planner publishes it (``published``): each coop's General Assembly gets a proposal to
   accept its part (simple majority; quorum and threshold from the federation's rules), and
   members may submit their coop's counter-plan (hours per member, capacities or labour
   coefficients of its own processes, each change with its reason).
3. The planner closes the answers: an assembly that passed the proposal *accepts*; a coop that
   did not accept and sent a counter-plan *counters* (its latest one); a coop that did neither
   is taken to accept (silence is consent). With counter-plans the cycle is ``recomputing``:
   the institutions' ``apply_counter_plans`` changes the economy and the revised plan is
   computed; without any, the published plan alone goes to the vote (``voting``).
4. The planner submits the variants and opens the Congress vote (the rules'
   ``votes.plan_method``); delegates vote; the planner closes it. The count is the
   institutions' ``congress_vote`` and ``choose`` decides: ``adopted`` (the chosen variant),
   ``rejected``, or still ``voting`` without quorum (open the vote again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cooplan.errors import ConflictError, NotFoundError, PermissionDeniedError
from cooplan.institutions import plan_cycle as machine
from cooplan.institutions.plan_cycle import ChangeKind, PlanState
from cooplan.institutions.rules import FederationRules, default_rules
from cooplan.institutions.voting import Method, Outcome
from cooplan.services.accounts import Actor, require
from cooplan.services.federation import economy_from_files, get_economy
from cooplan.services.runs import get_run, json_safe, start_plan_run
from cooplan.services.votes import (
    close_proposal,
    create_proposal,
    effective_ballots,
    eligible_voters,
    list_proposals,
)
from cooplan.store.enums import BodyName, ProposalStatus, Role, RunStatus
from cooplan.store.models import CounterPlan, Event, PlanCycle, PlanRun, Proposal

DRAFT, REVISED, PUBLISHED = "draft", "revised", "published"
"""Ids of the variants put to the Congress."""


# ---- the state machine, stored as JSON ----


def dump_machine(m: machine.PlanCycle) -> dict[str, Any]:
    """The machine as JSON (votes in its history as their ``to_dict``)."""
    return json_safe(
        {
            "plan_id": m.plan_id,
            "coops": list(m.coops),
            "state": m.state.value,
            "responses": {c: r.value for c, r in m.responses.items()},
            "counter_plans": {
                c: [
                    {
                        "kind": ch.kind.value,
                        "target": ch.target,
                        "value": ch.value,
                        "reason": ch.reason,
                    }
                    for ch in p.changes
                ]
                for c, p in m.counter_plans.items()
            },
            "variants": [
                {
                    "id": v.id,
                    "plan_digest": v.plan_digest,
                    "description": v.description,
                    "counter_plans": list(v.counter_plans),
                }
                for v in m.variants
            ],
            "chosen": m.chosen,
            "history": [
                {
                    "action": e.action.value,
                    "state_before": e.state_before.value,
                    "state_after": e.state_after.value,
                    "detail": dict(e.detail),
                }
                for e in m.history
            ],
        }
    )


def _changes(rows: list[Mapping[str, Any]]) -> tuple[machine.Change, ...]:
    return tuple(
        machine.Change(ChangeKind(r["kind"]), str(r["target"]), float(r["value"]), str(r["reason"]))
        for r in rows
    )


def load_machine(data: Mapping[str, Any]) -> machine.PlanCycle:
    """The machine back from :func:`dump_machine`'s JSON."""
    return machine.PlanCycle(
        plan_id=str(data["plan_id"]),
        coops=tuple(data["coops"]),
        state=PlanState(data["state"]),
        responses={c: machine.Response(r) for c, r in data["responses"].items()},
        counter_plans={
            c: machine.CounterPlan(c, _changes(rows)) for c, rows in data["counter_plans"].items()
        },
        variants=tuple(
            machine.Variant(v["id"], v["plan_digest"], v["description"], tuple(v["counter_plans"]))
            for v in data["variants"]
        ),
        chosen=data.get("chosen"),
        history=tuple(
            machine.Event(
                machine.Action(e["action"]),
                PlanState(e["state_before"]),
                PlanState(e["state_after"]),
                e["detail"],
            )
            for e in data["history"]
        ),
    )


def _machine(cycle: PlanCycle) -> machine.PlanCycle:
    if cycle.machine is None:
        raise ConflictError(f"plan cycle {cycle.id} has no draft plan yet")
    return load_machine(cycle.machine)


def _store(cycle: PlanCycle, m: machine.PlanCycle) -> None:
    cycle.machine = dump_machine(m)
    cycle.stage = m.state


def _log(session: Session, actor: Actor | None, cycle: PlanCycle, kind: str, **data: Any) -> None:
    session.add(
        Event(
            kind=f"plan_cycle.{kind}",
            actor_id=actor.id if actor else None,
            subject=f"plan_cycle:{cycle.id}",
            data=json_safe(data),
        )
    )


def _done(session: Session, run_id: int | None, what: str) -> PlanRun:
    if run_id is None:
        raise ConflictError(f"no {what} plan run yet")
    run = get_run(session, run_id)
    if run.status is not RunStatus.DONE or run.result is None:
        raise ConflictError(f"the {what} plan run {run.id} is {run.status.value}, not done")
    return run


# ---- reading ----


def get_cycle(session: Session, cycle_id: int) -> PlanCycle:
    """The plan cycle with this id (404 if none)."""
    cycle = session.get(PlanCycle, cycle_id)
    if cycle is None:
        raise NotFoundError(f"no plan cycle {cycle_id}")
    return cycle


def list_cycles(session: Session) -> list[PlanCycle]:
    """Every plan cycle, newest first."""
    return list(session.scalars(select(PlanCycle).order_by(PlanCycle.id.desc())))


def assembly_proposals(session: Session, cycle: PlanCycle) -> dict[str, Proposal]:
    """The assembly proposal of each coop in this cycle."""
    return {
        str(p.coop_id): p
        for p in list_proposals(session, plan_cycle_id=cycle.id, body=BodyName.ASSEMBLY)
    }


def counter_plans(session: Session, cycle: PlanCycle) -> list[CounterPlan]:
    """Every counter-plan submitted in this cycle, oldest first."""
    return list(
        session.scalars(
            select(CounterPlan).where(CounterPlan.cycle_id == cycle.id).order_by(CounterPlan.id)
        )
    )


# ---- acting ----


def start_cycle(
    session: Session, *, actor: Actor | None, economy_id: int, mechanism: str = "balance"
) -> tuple[PlanCycle, PlanRun]:
    """Open a cycle and queue its draft plan run (planners only): submit the run's id."""
    actor = require(actor, Role.PLANNER, what="start the plan cycle")
    run = start_plan_run(session, actor=actor, economy_id=economy_id, mechanism=mechanism)
    cycle = PlanCycle(
        economy_id=economy_id,
        mechanism=run.mechanism,
        stage=PlanState.DRAFT,
        draft_run_id=run.id,
        created_by=actor.id,
    )
    session.add(cycle)
    session.flush()
    _log(session, actor, cycle, "started", draft_run_id=run.id)
    return cycle, run


def publish_draft(
    session: Session, *, actor: Actor | None, cycle_id: int, rules: FederationRules | None = None
) -> PlanCycle:
    """Publish the computed draft and open one assembly proposal per coop (planners only)."""
    actor = require(actor, Role.PLANNER, what="publish the draft plan")
    rules = rules or default_rules()
    cycle = get_cycle(session, cycle_id)
    if cycle.stage is not PlanState.DRAFT:
        raise ConflictError(f"plan cycle {cycle.id} is {cycle.stage.value}, not draft")
    run = _done(session, cycle.draft_run_id, DRAFT)
    assert run.result is not None
    coops = sorted(run.result["plan"]["coops"])
    m = machine.publish(machine.new_cycle(f"plan-cycle-{cycle.id}", coops))
    for coop_id in coops:
        create_proposal(
            session,
            actor=actor,
            title=f"Draft plan for {coop_id}",
            question=f"Does the assembly accept the draft plan (run {run.id}) for {coop_id}? "
            "Vote no and submit a counter-plan to ask for changes.",
            body=BodyName.ASSEMBLY,
            coop_id=coop_id,
            method=Method.SIMPLE_MAJORITY,
            quorum=float(rules.get("votes.quorum")),
            threshold=float(rules.get("votes.simple_majority")),
            plan_cycle_id=cycle.id,
        )
    _store(cycle, m)
    _log(session, actor, cycle, "published", draft_run_id=run.id, coops=coops)
    return cycle


def counter_plan_of(coop_id: str, changes: Mapping[str, Any], note: str) -> machine.CounterPlan:
    """The institutions' counter-plan for the platform's form: hours per member, capacities
    and labour coefficients by process; ``note`` is the reason of every change."""
    rows: list[machine.Change] = []
    if changes.get("hours_per_member") is not None:
        rows.append(
            machine.Change(ChangeKind.HOURS, coop_id, float(changes["hours_per_member"]), note)
        )
    for process, value in sorted((changes.get("capacities") or {}).items()):
        rows.append(machine.Change(ChangeKind.CAPACITY, str(process), float(value), note))
    for process, value in sorted((changes.get("labour") or {}).items()):
        rows.append(machine.Change(ChangeKind.LABOUR_COEFFICIENT, str(process), float(value), note))
    return machine.CounterPlan(coop_id, tuple(rows))


def submit_counter_plan(
    session: Session,
    *,
    actor: Actor | None,
    cycle_id: int,
    coop_id: str,
    changes: Mapping[str, Any],
    note: str = "",
) -> CounterPlan:
    """Record a coop's counter-plan (its members, or planners) while the plan is published.

    The institutions check it (every change has a reason, values ≥ 0, only the coop's own
    processes and hours) before it is stored; the coop's latest one counts.
    """
    actor = require(actor, what="submit counter-plans")
    if not (actor.has(Role.PLANNER) or (actor.has(Role.MEMBER) and actor.coop_id == coop_id)):
        raise PermissionDeniedError("only the coop's members submit its counter-plan")
    cycle = get_cycle(session, cycle_id)
    m = _machine(cycle)
    proposal = counter_plan_of(coop_id, changes, note)
    machine.counter(m, proposal)  # validates; the answers are recorded when they close
    economy = economy_from_files(get_economy(session, cycle.economy_id).files)
    machine.apply_counter_plans(economy.processes, economy.coops, [proposal])  # own things only
    record = CounterPlan(
        cycle_id=cycle.id,
        coop_id=coop_id,
        changes={k: v for k, v in changes.items() if v not in (None, {})},
        note=note,
        submitted_by=actor.id,
    )
    session.add(record)
    session.flush()
    _log(session, actor, cycle, "counter_plan", coop_id=coop_id, counter_plan_id=record.id)
    return record


def _revised_files(files: Mapping[str, str], plans: list[machine.CounterPlan]) -> dict[str, str]:
    """coops.csv and processes.csv with the institutions' ``apply_counter_plans`` applied."""
    economy = economy_from_files(files)
    processes, coops = machine.apply_counter_plans(economy.processes, economy.coops, plans)
    return {
        "coops.csv": coops.to_csv(index=False, float_format="%.12g"),
        "processes.csv": processes.to_csv(index=False, float_format="%.12g"),
    }


def close_answers(
    session: Session, *, actor: Actor | None, cycle_id: int
) -> tuple[PlanCycle, PlanRun | None]:
    """Close the assemblies, record each coop's answer and, with counter-plans, queue the
    revised plan (planners only): submit the returned run's id."""
    actor = require(actor, Role.PLANNER, what="close the assemblies")
    cycle = get_cycle(session, cycle_id)
    m = _machine(cycle)
    if m.state is not PlanState.PUBLISHED:
        raise ConflictError(f"plan cycle {cycle.id} is {m.state.value}, not published")
    accepted: dict[str, bool] = {}
    for coop_id, proposal in assembly_proposals(session, cycle).items():
        if proposal.status is ProposalStatus.OPEN:
            close_proposal(session, actor=actor, proposal_id=proposal.id)
        accepted[coop_id] = (proposal.result or {}).get("outcome") == Outcome.PASSED.value
    latest: dict[str, CounterPlan] = {p.coop_id: p for p in counter_plans(session, cycle)}
    for coop_id in m.coops:
        if accepted.get(coop_id, False):
            m = machine.accept(m, coop_id)
        elif coop_id in latest:
            record = latest[coop_id]
            m = machine.counter(m, counter_plan_of(coop_id, record.changes, record.note))
    draft = _done(session, cycle.draft_run_id, DRAFT)
    m = machine.close_responses(m, silence_is_consent=True, plan_digest=draft.input_digest)
    run: PlanRun | None = None
    if m.state is PlanState.RECOMPUTING:
        files = get_economy(session, cycle.economy_id).files
        plans = [m.counter_plans[c] for c in sorted(m.counter_plans)]
        run = start_plan_run(
            session,
            actor=actor,
            economy_id=cycle.economy_id,
            mechanism=cycle.mechanism,
            files_override=_revised_files(files, plans),
            parameters={"counter_plans": [latest[c].id for c in sorted(m.counter_plans)]},
        )
        cycle.revised_run_id = run.id
    _store(cycle, m)
    _log(
        session,
        actor,
        cycle,
        "answers_closed",
        accepted=accepted,
        countered=sorted(m.counter_plans),
        revised_run_id=cycle.revised_run_id,
    )
    return cycle, run


def variant_label(variant: machine.Variant) -> str:
    """The option of a variant in the Congress vote (its id)."""
    return variant.id


def open_congress(
    session: Session, *, actor: Actor | None, cycle_id: int, rules: FederationRules | None = None
) -> Proposal:
    """Submit the variants (when recomputing) and open the Congress vote on them (planners)."""
    actor = require(actor, Role.PLANNER, what="open the Congress vote")
    rules = rules or default_rules()
    cycle = get_cycle(session, cycle_id)
    m = _machine(cycle)
    if m.state is PlanState.RECOMPUTING:
        draft = _done(session, cycle.draft_run_id, DRAFT)
        revised = _done(session, cycle.revised_run_id, REVISED)
        m = machine.submit_variants(
            m,
            [
                machine.Variant(
                    REVISED,
                    revised.input_digest,
                    f"recomputed with the counter-plans (run {revised.id})",
                    tuple(sorted(m.counter_plans)),
                ),
                machine.Variant(DRAFT, draft.input_digest, f"the draft plan (run {draft.id})"),
            ],
        )
    if m.state is not PlanState.VOTING:
        raise ConflictError(f"plan cycle {cycle.id} is {m.state.value}: no variants to vote on")
    if cycle.congress_proposal_id is not None:
        current = session.get(Proposal, cycle.congress_proposal_id)
        if current is not None and current.status is ProposalStatus.OPEN:
            raise ConflictError("the Congress is already voting on this plan")
    method = Method(str(rules.get("votes.plan_method")))
    choosing = method in (Method.RANKED_CHOICE, Method.SCORE)
    if not choosing and len(m.variants) != 1:
        raise ConflictError(
            f"{method.value} decides a single variant; the rules must name "
            "ranked_choice or score to choose among several"
        )
    listing = "; ".join(f"{v.id}: {v.description}" for v in m.variants)
    proposal = create_proposal(
        session,
        actor=actor,
        title=f"Adopt the plan of cycle {cycle.id}",
        question=f"Which variant of the plan does the Congress adopt? {listing}.",
        body=BodyName.CONGRESS,
        method=method,
        options=[variant_label(v) for v in m.variants] if choosing else [],
        quorum=float(rules.get("votes.quorum")),
        threshold=float(rules.get("votes.simple_majority")),
        max_score=int(rules.get("votes.score_max")),
        plan_cycle_id=cycle.id,
    )
    cycle.congress_proposal_id = proposal.id
    _store(cycle, m)
    _log(session, actor, cycle, "congress_opened", proposal_id=proposal.id)
    return proposal


def adopt(
    session: Session, *, actor: Actor | None, cycle_id: int, rules: FederationRules | None = None
) -> PlanCycle:
    """Close the Congress vote; the institutions count it and adopt the chosen variant, reject
    the plan, or (no quorum) keep it in voting (planners only)."""
    actor = require(actor, Role.PLANNER, what="close the Congress vote")
    rules = rules or default_rules()
    cycle = get_cycle(session, cycle_id)
    m = _machine(cycle)
    if m.state is not PlanState.VOTING or cycle.congress_proposal_id is None:
        raise ConflictError(f"plan cycle {cycle.id} is {m.state.value}: no Congress vote open")
    proposal = close_proposal(session, actor=actor, proposal_id=cycle.congress_proposal_id)
    ballots = list(effective_ballots(session, proposal.id).values())
    vote = machine.congress_vote(m, ballots, eligible_voters(session, proposal), rules)
    m = machine.choose(m, vote)
    if m.state is PlanState.ADOPTED:
        cycle.adopted_run_id = cycle.revised_run_id if m.chosen == REVISED else cycle.draft_run_id
    _store(cycle, m)
    _log(session, actor, cycle, m.state.value, chosen=m.chosen, outcome=vote.outcome.value)
    return cycle


def describe(session: Session, cycle: PlanCycle) -> dict[str, Any]:
    """The cycle with its assembly proposals, counter-plans and machine, JSON-ready."""
    state = cycle.machine or {}
    return {
        "id": cycle.id,
        "economy_id": cycle.economy_id,
        "mechanism": cycle.mechanism,
        "stage": cycle.stage,
        "draft_run_id": cycle.draft_run_id,
        "revised_run_id": cycle.revised_run_id,
        "adopted_run_id": cycle.adopted_run_id,
        "congress_proposal_id": cycle.congress_proposal_id,
        "assembly_proposals": {c: p.id for c, p in assembly_proposals(session, cycle).items()},
        "counter_plans": [
            {
                "id": p.id,
                "coop_id": p.coop_id,
                "changes": p.changes,
                "note": p.note,
                "submitted_at": p.submitted_at.isoformat(),
            }
            for p in counter_plans(session, cycle)
        ],
        "responses": state.get("responses", {}),
        "variants": state.get("variants", []),
        "chosen": state.get("chosen"),
        "history": state.get("history", []),
        "created_at": cycle.created_at,
    }
