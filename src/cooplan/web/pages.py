"""The web pages: server-rendered with Jinja2 over the same service functions as the API.

Logins use the signed session cookie; every form carries the session's CSRF token, checked
on each POST. Each page does its database work in one unit of work.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from cooplan.errors import CooplanError, InputError, PermissionDeniedError
from cooplan.institutions.voting import Method
from cooplan.services import (
    accounts,
    dashboard,
    federation,
    monitoring,
    runs,
    settlements,
    votes,
)
from cooplan.services import cycle as cycles
from cooplan.services.accounts import Actor
from cooplan.services.errors import NotAuthenticatedError
from cooplan.services.mechanisms import MECHANISMS
from cooplan.store.db import Database
from cooplan.store.enums import BodyName, CycleStage, ProposalStatus, Role, RunStatus
from cooplan.store.models import Account
from cooplan.web import HERE

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))
CSRF_FIELD = "csrf_token"


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{digits}f}"


templates.env.filters["num"] = _number
templates.env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, default=str)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session[CSRF_FIELD] = token
    return token


def check_csrf(request: Request, sent: str) -> None:
    """403 unless ``sent`` is the session's CSRF token."""
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not secrets.compare_digest(expected, sent or ""):
        raise PermissionDeniedError(
            "the form has expired or did not come from this site: reload the page and try again"
        )


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@contextmanager
def unit(request: Request, *, write: bool = False) -> Iterator[tuple[Session, Actor]]:
    """A unit of work and the logged-in person (401 → the login page)."""
    with _db(request).session(write=write) as session:
        account_id = request.session.get("account_id")
        account = session.get(Account, account_id) if isinstance(account_id, int) else None
        if account is None or not account.active:
            raise NotAuthenticatedError("log in to see this page")
        yield session, Actor.of(account)


def render(
    request: Request, name: str, actor: Actor | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page with the common context (the actor, the CSRF token, flash message)."""
    flash = request.session.pop("flash", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "actor": actor,
            "csrf": csrf_token(request),
            "flash": flash,
            "Role": Role,
            **context,
        },
        status_code=status_code,
    )


def redirect(request: Request, url: str, flash: str | None = None) -> RedirectResponse:
    """303 See Other to ``url`` with an optional message for the next page."""
    if flash:
        request.session["flash"] = flash
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, error: CooplanError) -> Response:
    """The page for an error (401 sends the person to the login page)."""
    if isinstance(error, NotAuthenticatedError) and request.method == "GET":
        return redirect(request, f"/login?next={request.url.path}")
    problems = error.problems if isinstance(error, InputError) else []
    return render(
        request,
        "error.html",
        None,
        status_code=error.http_status,
        error=error,
        problems=problems,
        message=error.summary if isinstance(error, InputError) else str(error),
    )


CsrfForm = Annotated[str, Form(alias=CSRF_FIELD, max_length=200)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CoopId = Annotated[str, Path(min_length=1, max_length=64)]


def _choice(kind: type[BodyName] | type[Method], value: object, field: str) -> Any:
    """``value`` as a member of ``kind``; 422 naming ``field`` otherwise."""
    try:
        return kind(str(value))
    except ValueError:
        raise InputError.single(
            "form",
            "not one of the choices",
            column=field,
            value=value,
            fix=f"choose one of {[m.value for m in kind]}",
        ) from None


# ---- login ----


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", None, next=next if next.startswith("/") else "/")


@router.post("/login")
def login(
    request: Request,
    csrf: CsrfForm,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=300)] = "/",
) -> Response:
    """Check the credentials (rate-limited) and start a session."""
    check_csrf(request, csrf)
    settings = request.app.state.settings
    client = request.client.host if request.client else "unknown"
    try:
        actor = accounts.login(_db(request), settings, username, password, client)
    except NotAuthenticatedError:
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            next=next,
            error="Wrong username or password.",
            username=username,
        )
    request.session.clear()
    request.session["account_id"] = actor.id
    return redirect(request, next if next.startswith("/") and not next.startswith("//") else "/")


@router.post("/logout")
def logout(request: Request, csrf: CsrfForm) -> Response:
    """End the session."""
    check_csrf(request, csrf)
    request.session.clear()
    return redirect(request, "/login")


# ---- dashboard ----


def _economy_of(session: Session, run: Any) -> Any:
    files = {
        **federation.get_economy(session, run.economy_id).files,
        **run.parameters.get("files", {}),
    }
    return federation.economy_from_files(files)


@router.get("/", response_class=HTMLResponse)
def dashboard_page(request: Request) -> HTMLResponse:
    """The federation at a glance: fulfilment, labour use, flows, funds, plan alerts and the
    Cybersyn alerts of the production reports."""
    with unit(request) as (session, actor):
        run = runs.latest_done_run(session)
        context: dict[str, Any] = {"run": run, "plan": None, "sankey": None, "alerts": []}
        if run is not None and run.result is not None:
            plan, engine = run.result["plan"], run.result["engine"]
            economy = _economy_of(session, run)
            flows, unit_name, note = dashboard.group_flows(economy, plan, engine)
            context.update(
                plan=plan,
                sankey=dashboard.sankey(flows, unit_name, note),
                alerts=dashboard.alerts(plan, engine),
                labour_share=(plan["total_labour"] / plan["total_labour_available"])
                if plan.get("total_labour_available")
                else None,
            )
        open_count = len(votes.list_proposals(session, status=ProposalStatus.OPEN))
        return render(
            request,
            "dashboard.html",
            actor,
            coops=federation.list_coops(session),
            groups=federation.list_groups(session),
            funds=settlements.balances(session),
            open_proposals=open_count,
            monitoring=monitoring.monitoring_panel(session),
            **context,
        )


# ---- coops ----


@router.get("/coops/{coop_id}", response_class=HTMLResponse)
def coop_page(request: Request, coop_id: CoopId) -> HTMLResponse:
    """A coop: targets, inputs, deliveries in and out, hours, members and accounts."""
    with unit(request) as (session, actor):
        coop = federation.get_coop(session, coop_id[:64])
        try:
            plan: dict[str, Any] | None = runs.coop_plan(session, coop.id)
        except CooplanError:
            plan = None
        ledger = [b for b in settlements.balances(session) if b[1] == coop.id]
        return render(
            request,
            "coop.html",
            actor,
            coop=coop,
            plan=plan,
            members=accounts.coop_members(session, coop.id),
            ledger=ledger,
            proposals=votes.list_proposals(session, coop_id=coop.id)[:10],
        )


@router.get("/my-coop")
def my_coop(request: Request) -> Response:
    """The logged-in member's coop page."""
    with unit(request) as (_session, actor):
        if actor.coop_id is None:
            return redirect(request, "/", "You are not a member of a coop.")
        return redirect(request, f"/coops/{actor.coop_id}")


# ---- proposals ----


@router.get("/proposals", response_class=HTMLResponse)
def proposals_page(request: Request) -> HTMLResponse:
    """Open and closed proposals."""
    with unit(request) as (session, actor):
        found = votes.list_proposals(session)
        return render(
            request,
            "proposals.html",
            actor,
            proposals=found,
            coops=federation.list_coops(session),
            methods=[m.value for m in Method],
        )


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_page(request: Request, proposal_id: RowId) -> HTMLResponse:
    """A proposal: question, options, method, the vote form, and the result once closed."""
    with unit(request) as (session, actor):
        proposal = votes.get_proposal(session, proposal_id)
        return render(
            request,
            "proposal.html",
            actor,
            proposal=proposal,
            choices=votes.method_options(Method(proposal.method), proposal.options),
            mine=votes.my_ballot(session, proposal.id, actor.id),
            may_vote=votes.may_vote(actor, proposal),
            may_close=actor.has(Role.PLANNER)
            or actor.has(Role.ADMIN)
            or proposal.created_by == actor.id,
            eligible=votes.eligible_voters(session, proposal),
        )


@router.post("/proposals")
async def create_proposal_form(request: Request) -> Response:
    """Create a proposal from the form on the proposals page."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    body = _choice(BodyName, form.get("body", "assembly"), "body")
    method = _choice(Method, form.get("method", "simple_majority"), "method")
    options = [o.strip() for o in str(form.get("options", "")).splitlines() if o.strip()]
    with unit(request, write=True) as (session, actor):
        proposal = votes.create_proposal(
            session,
            actor=actor,
            title=str(form.get("title", ""))[:200],
            question=str(form.get("question", ""))[:10_000],
            body=body,
            method=method,
            coop_id=(str(form.get("coop_id")) or None) if body is BodyName.ASSEMBLY else None,
            options=options,
        )
        pid = proposal.id
    return redirect(request, f"/proposals/{pid}", "Proposal created.")


@router.post("/proposals/{proposal_id}/vote")
async def vote_form(request: Request, proposal_id: RowId) -> Response:
    """Cast (or replace) the logged-in person's ballot."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    with unit(request, write=True) as (session, actor):
        proposal = votes.get_proposal(session, proposal_id)
        method = Method(proposal.method)
        choice: Any
        if method is Method.RANKED_CHOICE:
            ranks = {}
            for option in proposal.options:
                value = str(form.get(f"rank::{option}", "")).strip()
                if value.isdigit() and int(value) > 0:
                    ranks[option] = int(value)
            choice = sorted(ranks, key=lambda o: (ranks[o], proposal.options.index(o)))
        elif method is Method.SCORE:
            choice = {}
            for option in proposal.options:
                value = str(form.get(f"score::{option}", "")).strip()
                if value:
                    try:
                        choice[option] = float(value)
                    except ValueError:
                        choice[option] = value
        else:
            choice = str(form.get("choice", ""))
        votes.cast_vote(session, actor=actor, proposal_id=proposal_id, choice=choice)
    return redirect(request, f"/proposals/{proposal_id}", "Your vote is recorded.")


@router.post("/proposals/{proposal_id}/close")
def close_form(request: Request, proposal_id: RowId, csrf: CsrfForm) -> Response:
    """Close a proposal and count it."""
    check_csrf(request, csrf)
    with unit(request, write=True) as (session, actor):
        votes.close_proposal(session, actor=actor, proposal_id=proposal_id)
    return redirect(request, f"/proposals/{proposal_id}", "The vote is closed and counted.")


# ---- plan runs and the plan cycle ----


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> HTMLResponse:
    """The plan cycle: its stage, runs, assemblies, counter-plans and the Congress vote."""
    with unit(request) as (session, actor):
        all_cycles = cycles.list_cycles(session)
        current = all_cycles[0] if all_cycles else None
        detail = cycles.describe(session, current) if current is not None else None
        draft = (
            runs.get_run(session, current.draft_run_id)
            if current and current.draft_run_id
            else None
        )
        revised = (
            runs.get_run(session, current.revised_run_id)
            if current and current.revised_run_id
            else None
        )
        own_processes: list[str] = []
        if current is not None and actor.coop_id is not None:
            economy = federation.economy_from_files(
                federation.get_economy(session, current.economy_id).files
            )
            frame = economy.processes
            own_processes = [str(p) for p in frame.loc[frame["coop"] == actor.coop_id, "id"]]
        congress = (
            votes.get_proposal(session, current.congress_proposal_id)
            if current is not None and current.congress_proposal_id is not None
            else None
        )
        return render(
            request,
            "plan.html",
            actor,
            congress_open=congress is not None and congress.status is ProposalStatus.OPEN,
            cycle=current,
            detail=detail,
            draft=draft,
            revised=revised,
            cycles=all_cycles,
            economies=federation.list_economies(session),
            mechanisms=[m for m in MECHANISMS.values() if m.available()],
            recent_runs=runs.list_runs(session, 10),
            own_processes=own_processes,
            Stage=CycleStage,
            RunStatus=RunStatus,
        )


@router.post("/plan/cycles")
def start_cycle_form(
    request: Request,
    csrf: CsrfForm,
    economy_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    mechanism: Annotated[str, Form(max_length=32)] = "balance",
) -> Response:
    """Start a plan cycle (planners)."""
    check_csrf(request, csrf)
    with unit(request, write=True) as (session, actor):
        _cycle, run = cycles.start_cycle(
            session, actor=actor, economy_id=economy_id, mechanism=mechanism
        )
        session.commit()
        request.app.state.executor.submit(run.id)
    return redirect(request, "/plan", "The draft plan is being computed.")


def _cycle_action(request: Request, csrf: str, cycle_id: RowId, action: str) -> Response:
    check_csrf(request, csrf)
    with unit(request, write=True) as (session, actor):
        if action == "publish":
            cycles.publish_draft(session, actor=actor, cycle_id=cycle_id)
            message = "The draft is published: the assemblies are voting."
        elif action == "recompute":
            _cycle, run = cycles.close_answers(session, actor=actor, cycle_id=cycle_id)
            session.commit()
            if run is not None:
                request.app.state.executor.submit(run.id)
                message = "The assemblies are closed; the revised plan is being computed."
            else:
                message = "Every assembly accepted: the published plan goes to the Congress."
        elif action == "congress":
            cycles.open_congress(session, actor=actor, cycle_id=cycle_id)
            message = "The Congress vote on the variants is open."
        else:
            cycle = cycles.adopt(session, actor=actor, cycle_id=cycle_id)
            message = (
                f"Plan run {cycle.adopted_run_id} is adopted."
                if cycle.adopted_run_id
                else f"The plan is {cycle.stage.value}: the Congress did not adopt it."
            )
    return redirect(request, "/plan", message)


@router.post("/plan/cycles/{cycle_id}/counter-plan")
async def counter_plan_form(request: Request, cycle_id: RowId) -> Response:
    """Submit the logged-in member's coop's counter-plan."""
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    changes: dict[str, Any] = {"capacities": {}, "labour": {}}
    problems = []
    raw = str(form.get("hours_per_member", "")).strip()
    if raw:
        try:
            changes["hours_per_member"] = float(raw)
        except ValueError:
            problems.append("hours_per_member")
    for name, value in form.items():
        for prefix, key in (("capacity::", "capacities"), ("labour::", "labour")):
            if name.startswith(prefix) and str(value).strip():
                try:
                    changes[key][name.removeprefix(prefix)] = float(str(value))
                except ValueError:
                    problems.append(name)
    if problems:
        raise InputError.single(
            "counter-plan", "not a number", column=problems[0], fix="enter a number"
        )
    with unit(request, write=True) as (session, actor):
        if actor.coop_id is None:
            raise PermissionDeniedError("only members of a coop submit counter-plans")
        cycles.submit_counter_plan(
            session,
            actor=actor,
            cycle_id=cycle_id,
            coop_id=actor.coop_id,
            changes=changes,
            note=str(form.get("note", ""))[:5000],
        )
    return redirect(request, "/plan", "Your coop's counter-plan is submitted.")


@router.post("/plan/cycles/{cycle_id}/{action}")
def cycle_action_form(request: Request, cycle_id: RowId, action: str, csrf: CsrfForm) -> Response:
    """Advance the plan cycle: publish, recompute, congress, adopt (planners)."""
    if action not in {"publish", "recompute", "congress", "adopt"}:
        raise InputError.single("plan cycle", "unknown action", column="action", value=action)
    return _cycle_action(request, csrf, cycle_id, action)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: RowId) -> HTMLResponse:
    """A plan run: status, progress, per-coop figures."""
    with unit(request) as (session, actor):
        run = runs.get_run(session, run_id)
        return render(request, "run.html", actor, run=run)


# ---- settlements ----


@router.get("/relocations", response_class=HTMLResponse)
def relocations_page(request: Request) -> HTMLResponse:
    """The relocation board after settlements, with the funds."""
    with unit(request) as (session, actor):
        return render(
            request,
            "relocations.html",
            actor,
            relocations=settlements.list_relocations(session),
            settlements=settlements.list_settlements(session),
            funds=settlements.balances(session),
        )
