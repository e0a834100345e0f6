"""The API on SQLite and PostgreSQL: logins, rights (every forbidden path), plan runs, votes,
the plan cycle and settlements."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from platform_support import (
    FEDERATION,
    PASSWORD,
    Platform,
    sample_coop,
    sample_demand,
    sample_table,
    to_csv,
)
from sqlalchemy import func, select

from cooplan.services.federation import read_folder
from cooplan.store.db import open_database
from cooplan.store.models import Ballot, BallotHead, Event


def _proposal(p: Platform, who: str = "planner", **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Shorter week",
        "question": "Work 32 hours a week from next period?",
        "body": "assembly",
        "coop_id": "fagor_appliances",
        "method": "simple_majority",
        "quorum": 0.5,
        **fields,
    }
    response = p.client.post("/api/proposals", json=body, headers=p.auth(who))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _run(p: Platform, mechanism: str = "balance", economy_id: int | None = None) -> dict[str, Any]:
    response = p.client.post(
        "/api/plan-runs",
        json={"economy_id": economy_id or p.economy_id, "mechanism": mechanism, "seed": 7},
        headers=p.auth("planner"),
    )
    assert response.status_code == 202, response.text
    return p.wait_run(response.json()["id"])


def test_login_issues_token_and_wrong_password_is_401(platform: Platform) -> None:
    client = platform.client
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    me = client.get("/api/me", headers=platform.auth("miren")).json()
    assert me["coop_id"] == "fagor_appliances"
    assert set(me["roles"]) == {"member", "delegate"}
    wrong = client.post("/api/auth/token", json={"username": "ane", "password": "wrong!!!"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_login_is_rate_limited_per_account_and_address(platform: Platform) -> None:
    client = platform.client
    for _ in range(5):
        response = client.post("/api/auth/token", json={"username": "jon", "password": "bad-one"})
        assert response.status_code == 401
    blocked = client.post("/api/auth/token", json={"username": "jon", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # Another account from the same address is not affected.
    assert (
        client.post("/api/auth/token", json={"username": "ane", "password": PASSWORD}).status_code
        == 200
    )


def test_revoked_token_no_longer_works(platform: Platform) -> None:
    client = platform.client
    token = client.post("/api/auth/token", json={"username": "leire", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    assert client.delete("/api/auth/token", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


FORBIDDEN: list[tuple[str, str, str, dict[str, Any]]] = [
    # (who, method, path, json) — each must be refused with 403
    ("ane", "POST", "/api/coops", {"id": "new_coop", "name": "New"}),
    ("planner", "POST", "/api/coops", {"id": "new_coop", "name": "New"}),
    (
        "ane",
        "POST",
        "/api/accounts",
        {"username": "x1", "password": "12345678", "coop_id": "fagor_appliances"},
    ),
    (
        "planner",
        "POST",
        "/api/accounts",
        {"username": "x2", "password": "12345678", "roles": ["planner"]},
    ),
    ("ane", "GET", "/api/accounts", {}),
    ("ane", "POST", "/api/plan-runs", {"economy_id": 1}),
    ("admin", "POST", "/api/plan-runs", {"economy_id": 1}),
    ("miren", "POST", "/api/plan-runs", {"economy_id": 1}),
    ("ane", "POST", "/api/economies", {"files": {"economy.toml": "name = 'x'"}}),
    (
        "ane",
        "POST",
        "/api/proposals",
        {"title": "t", "question": "q", "body": "assembly", "coop_id": "arrasate_steel"},
    ),
    ("ane", "POST", "/api/proposals", {"title": "t", "question": "q", "body": "congress"}),
    ("ane", "POST", "/api/plan-cycles", {"economy_id": 1}),
    ("ane", "POST", "/api/settlements", {"plan_run_id": 1}),
]


def test_every_forbidden_path_is_403(platform: Platform) -> None:
    for who, method, path, body in FORBIDDEN:
        response = platform.client.request(
            method, path, json=body or None, headers=platform.auth(who)
        )
        assert response.status_code == 403, (who, method, path, response.text)
        assert response.json()["detail"]


def test_every_route_without_login_is_401(platform: Platform) -> None:
    schema = platform.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation["operationId"] == "create_token":
                continue
            concrete = path.replace("{coop_id}", "fagor_appliances")
            for name in ("run_id", "proposal_id", "cycle_id", "settlement_id", "economy_id"):
                concrete = concrete.replace(f"{{{name}}}", "1")
            response = platform.client.request(method.upper(), concrete, json={})
            # 422 only where the body is checked before the login is.
            assert response.status_code in (401, 422), (method, path, response.status_code)
            if method in ("get", "delete"):
                assert response.status_code == 401, (method, path)


def test_operation_ids_are_stable_and_explicit(platform: Platform) -> None:
    schema = platform.client.get("/openapi.json").json()
    ids = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    assert {
        "create_token",
        "read_me",
        "create_account",
        "read_federation",
        "list_coops",
        "create_coop",
        "read_coop",
        "read_coop_plan",
        "import_economy",
        "start_plan_run",
        "read_plan_run",
        "list_plan_run_deliveries",
        "create_proposal",
        "cast_vote",
        "close_proposal",
        "start_plan_cycle",
        "publish_draft_plan",
        "submit_counter_plan",
        "recompute_plan",
        "open_congress_vote",
        "adopt_plan",
        "create_settlement",
        "list_relocations",
        "list_fund_balances",
    } <= ids
    assert all("_" in i and "__" not in i for i in ids)


def test_validation_errors_name_the_field(platform: Platform) -> None:
    response = platform.client.post(
        "/api/plan-runs",
        json={"economy_id": platform.economy_id, "seed": -1},
        headers=platform.auth("planner"),
    )
    assert response.status_code == 422
    assert any(e["loc"][-1] == "seed" for e in response.json()["detail"])
    unknown = platform.client.post(
        "/api/plan-runs",
        json={"economy_id": platform.economy_id, "mechanism": "gosplan"},
        headers=platform.auth("planner"),
    )
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["column"] == "mechanism"
    bad_files = dict(read_folder(FEDERATION))
    rows = sample_table("coops")
    rows[0]["members"] = "-5"
    bad_files["coops.csv"] = to_csv(rows)
    rejected = platform.client.post(
        "/api/economies", json={"files": bad_files}, headers=platform.auth("planner")
    )
    assert rejected.status_code == 422
    problem = rejected.json()["problems"][0]
    assert problem["column"] == "members" and problem["row"] == 1


def test_admin_creates_coop_and_account(platform: Platform) -> None:
    client, admin = platform.client, platform.auth("admin")
    created = client.post(
        "/api/coops",
        json={"id": "eroski_shop", "name": "Eroski Shop", "group_id": "retail", "members": 40},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert (
        client.post(
            "/api/coops", json={"id": "eroski_shop", "name": "x"}, headers=admin
        ).status_code
        == 409
    )
    account = client.post(
        "/api/accounts",
        json={"username": "nora", "password": "long enough", "coop_id": "eroski_shop"},
        headers=admin,
    )
    assert account.status_code == 201, account.text
    assert account.json()["roles"] == ["member"]
    token = client.post("/api/auth/token", json={"username": "nora", "password": "long enough"})
    assert token.status_code == 200
    members = client.get("/api/coops/eroski_shop/members", headers=admin).json()
    assert [m["username"] for m in members] == ["nora"]


def test_plan_run_in_background_and_coop_plan(platform: Platform) -> None:
    run = _run(platform)
    assert run["status"] == "done", run
    assert run["progress"] == 1.0
    assert len(run["input_digest"]) == 64 and run["seed"] == 7
    plan = run["result"]["plan"]
    fagor = plan["coops"]["fagor_appliances"]
    # Outputs equal the balance's activity; labour is the engine's own figure.
    engine = run["result"]["engine"]
    assert fagor["outputs"]["appliances"] == pytest.approx(
        engine["activity"][engine["technique"]["appliances"]]
    )
    assert fagor["labour_used"] == pytest.approx(
        engine["coops"]["fagor_appliances"]["labour_required"]
    )
    coop_plan = platform.client.get(
        "/api/coops/fagor_appliances/plan", headers=platform.auth("ane")
    ).json()
    assert coop_plan["run_id"] == run["id"]
    # Appliances are used by nobody: their output is their final demand.
    assert coop_plan["outputs"]["appliances"] == pytest.approx(sample_demand("appliances"))
    assert coop_plan["inputs"]["steel"] > 0
    assert coop_plan["assigns_suppliers"] is False
    assert coop_plan["units"]["appliances"] == "appliance"  # products.csv
    missing = platform.client.get("/api/coops/nowhere/plan", headers=platform.auth("ane"))
    assert missing.status_code == 404


def test_vote_replace_close_and_explanation(platform: Platform) -> None:
    client = platform.client
    proposal = _proposal(platform)
    pid = proposal["id"]
    assert proposal["choices"] == ["yes", "no", "abstain"]
    assert (
        client.post(
            f"/api/proposals/{pid}/votes", json={"choice": "no"}, headers=platform.auth("ane")
        ).status_code
        == 200
    )
    # Ane changes her mind before the close: the later ballot replaces the earlier one.
    assert (
        client.post(
            f"/api/proposals/{pid}/votes", json={"choice": "yes"}, headers=platform.auth("ane")
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/proposals/{pid}/votes", json={"choice": "yes"}, headers=platform.auth("jon")
        ).status_code
        == 200
    )
    # A member of another coop, and a bad choice.
    other = client.post(
        f"/api/proposals/{pid}/votes", json={"choice": "no"}, headers=platform.auth("iker")
    )
    assert other.status_code == 403
    bad = client.post(
        f"/api/proposals/{pid}/votes", json={"choice": "maybe"}, headers=platform.auth("miren")
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "choice"
    mine = client.get(f"/api/proposals/{pid}", headers=platform.auth("ane")).json()
    assert mine["my_ballot"] == "yes"
    # Only the author, a planner or an administrator closes.
    assert (
        client.post(f"/api/proposals/{pid}/close", headers=platform.auth("jon")).status_code == 403
    )
    closed = client.post(f"/api/proposals/{pid}/close", headers=platform.auth("planner"))
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    # 3 members of fagor (ane, jon, miren), 2 voted yes: quorum 2/3 ≥ 50%, passed.
    assert result["outcome"] == "passed"
    assert result["eligible"] == 3 and result["participants"] == 2
    assert result["tally"] == {"yes": 2.0, "no": 0.0, "abstain": 0.0}
    assert result["ballots_cast"] == 3
    assert "Quorum" in result["explanation"]
    late = client.post(
        f"/api/proposals/{pid}/votes", json={"choice": "no"}, headers=platform.auth("miren")
    )
    assert late.status_code == 409
    assert (
        client.post(f"/api/proposals/{pid}/close", headers=platform.auth("planner")).status_code
        == 409
    )
    db = open_database(platform.url)
    with db.session() as session:
        assert session.scalar(select(func.count(Ballot.id)).where(Ballot.proposal_id == pid)) == 3
        assert (
            session.scalar(
                select(func.count()).select_from(BallotHead).where(BallotHead.proposal_id == pid)
            )
            == 2
        )
        kinds = set(session.scalars(select(Event.kind)))
    db.dispose()
    assert {"proposal.created", "proposal.closed"} <= kinds


def test_congress_ranked_choice_by_delegates(platform: Platform) -> None:
    client = platform.client
    proposal = _proposal(
        platform,
        body="congress",
        coop_id=None,
        method="ranked_choice",
        options=["A", "B", "C"],
        title="Investment priority",
    )
    pid = proposal["id"]
    ane = client.post(
        f"/api/proposals/{pid}/votes", json={"choice": ["A"]}, headers=platform.auth("ane")
    )
    assert ane.status_code == 403  # a member who is not a delegate
    for who, ranking in (("miren", ["B", "A"]), ("iker", ["C", "B"])):
        response = client.post(
            f"/api/proposals/{pid}/votes", json={"choice": ranking}, headers=platform.auth(who)
        )
        assert response.status_code == 200, response.text
    # The planner proposed it: a delegate who is not its author may not close it.
    assert (
        client.post(f"/api/proposals/{pid}/close", headers=platform.auth("miren")).status_code
        == 403
    )
    closed = client.post(f"/api/proposals/{pid}/close", headers=platform.auth("admin")).json()
    assert closed["result"]["outcome"] == "elected"
    # Round 1: B 1, C 1, A 0 → A out; B 1, C 1 final tie → B (listed before C) elected.
    assert closed["result"]["winner"] == "B"


def test_plan_cycle_end_to_end(platform: Platform) -> None:
    client, planner = platform.client, platform.auth("planner")
    started = client.post(
        "/api/plan-cycles", json={"economy_id": platform.economy_id}, headers=planner
    )
    assert started.status_code == 202, started.text
    cycle = started.json()
    assert cycle["stage"] == "draft"
    platform.wait_run(cycle["draft_run_id"])
    cid = cycle["id"]
    published = client.post(f"/api/plan-cycles/{cid}/publish", headers=planner).json()
    assert published["stage"] == "published"
    fagor = published["assembly_proposals"]["fagor_appliances"]
    steel = published["assembly_proposals"]["arrasate_steel"]
    for who in ("ane", "jon"):
        client.post(
            f"/api/proposals/{fagor}/votes", json={"choice": "yes"}, headers=platform.auth(who)
        )
    for who in ("iker", "leire"):
        client.post(
            f"/api/proposals/{steel}/votes", json={"choice": "no"}, headers=platform.auth(who)
        )
    forbidden = client.post(
        f"/api/plan-cycles/{cid}/counter-plans/arrasate_steel",
        json={"hours_per_member": 1500, "note": "not our coop"},
        headers=platform.auth("ane"),
    )
    assert forbidden.status_code == 403
    counter = client.post(
        f"/api/plan-cycles/{cid}/counter-plans/arrasate_steel",
        json={"hours_per_member": 1500, "capacities": {"steel_blast": 50000}, "note": "fewer"},
        headers=platform.auth("iker"),
    )
    assert counter.status_code == 201, counter.text
    wrong = client.post(
        f"/api/plan-cycles/{cid}/counter-plans/arrasate_steel",
        json={"capacities": {"appliance_line": 5}, "note": "not our process"},
        headers=platform.auth("iker"),
    )
    assert wrong.status_code == 422
    assert wrong.json()["problems"][0]["column"] == "target"  # institutions: not its process
    assert (
        client.post(f"/api/plan-cycles/{cid}/recompute", headers=platform.auth("ane")).status_code
        == 403
    )
    recomputed = client.post(f"/api/plan-cycles/{cid}/recompute", headers=planner)
    assert recomputed.status_code == 202, recomputed.text
    revised = platform.wait_run(recomputed.json()["revised_run_id"])
    assert revised["status"] == "done"
    draft = client.get(f"/api/plan-runs/{cycle['draft_run_id']}", headers=planner).json()
    assert revised["input_digest"] != draft["input_digest"]
    steel_hours = revised["result"]["plan"]["coops"]["arrasate_steel"]["labour_available"]
    steel = sample_coop("arrasate_steel")  # (members + non-members) × the new hours
    assert steel_hours == pytest.approx((int(steel["members"]) + int(steel["non_members"])) * 1500)
    congress = client.post(f"/api/plan-cycles/{cid}/congress", headers=planner).json()
    assert congress["stage"] == "voting"
    assert [v["id"] for v in congress["variants"]] == ["revised", "draft"]
    assert congress["responses"]["fagor_appliances"] == "accepted"
    assert congress["responses"]["arrasate_steel"] == "counter"
    vote = client.get(f"/api/proposals/{congress['congress_proposal_id']}", headers=planner).json()
    revised_label = vote["options"][0]
    for who in ("miren", "iker"):
        response = client.post(
            f"/api/proposals/{vote['id']}/votes",
            json={"choice": [revised_label]},
            headers=platform.auth(who),
        )
        assert response.status_code == 200, response.text
    adopted = client.post(f"/api/plan-cycles/{cid}/adopt", headers=planner).json()
    assert adopted["stage"] == "adopted"
    assert adopted["adopted_run_id"] == revised["id"]
    # The coop pages now read the adopted plan.
    plan = client.get("/api/coops/arrasate_steel/plan", headers=platform.auth("iker")).json()
    assert plan["run_id"] == revised["id"]
    assert client.post(f"/api/plan-cycles/{cid}/adopt", headers=planner).status_code == 409


def test_settlement_needs_an_optimal_plan(platform: Platform) -> None:
    run = _run(platform, "balance")
    refused = platform.client.post(
        "/api/settlements", json={"plan_run_id": run["id"]}, headers=platform.auth("planner")
    )
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["column"] == "plan_run_id"


def test_settlement_of_an_optimal_plan(platform: Platform) -> None:
    files = dict(read_folder(FEDERATION))
    # Without demand floors the optimal plan of the sample is feasible whatever its numbers.
    demand = sample_table("demand")
    for row in demand:
        row["floor"] = "0"
    files["demand.csv"] = to_csv(demand)
    imported = platform.client.post(
        "/api/economies",
        json={"files": files, "source": "feasible"},
        headers=platform.auth("planner"),
    )
    assert imported.status_code == 201, imported.text
    run = _run(platform, "optimal", imported.json()["id"])
    assert run["status"] == "done", run
    engine = run["result"]["engine"]
    assert engine["status"] == "optimal"
    deliveries = platform.client.get(
        f"/api/plan-runs/{run['id']}/deliveries",
        params={"coop": "fagor_appliances"},
        headers=platform.auth("ane"),
    ).json()
    assert deliveries and all("fagor_appliances" in (d["from"], d["to"]) for d in deliveries)
    coop_plan = platform.client.get(
        "/api/coops/fagor_appliances/plan",
        params={"run_id": run["id"]},
        headers=platform.auth("ane"),
    ).json()
    assert coop_plan["assigns_suppliers"] is True
    assert {d["to"] for d in coop_plan["deliveries_in"]} == {"fagor_appliances"}
    settled = platform.client.post(
        "/api/settlements",
        json={"plan_run_id": run["id"], "seed": 3},
        headers=platform.auth("planner"),
    )
    assert settled.status_code == 201, settled.text
    summary = settled.json()["summary"]
    funds = platform.client.get("/api/funds", headers=platform.auth("ane")).json()
    ledgers = {(f["ledger"], f["holder"]): f["balance"] for f in funds}
    for fund, flow in summary["funds"].items():
        assert ledgers[(fund, "federation")] == pytest.approx(flow["inflow"] - flow["outflow"])
    for coop, account in summary["accounts"].items():
        assert ledgers[("coop_result", coop)] == pytest.approx(account["result"])
    relocations = platform.client.get("/api/relocations", headers=platform.auth("ane")).json()
    assert sum(r["workers"] for r in relocations) == len(summary["relocations"])
    # The relocation board shows the same figures to a logged-in member.
    page = TestClient(platform.client.app)
    form = page.get("/login").text
    csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    page.post("/login", data={"csrf_token": csrf, "username": "ane", "password": PASSWORD})
    board = page.get("/relocations").text
    assert "Relocation board" in board
    for fund in summary["funds"]:
        assert f"<td>{fund}</td>" in board
    for move in relocations:
        assert f'href="/coops/{move["to_coop"]}"' in board


def test_restart_resubmits_queued_runs_and_fails_interrupted_ones(database_url: str) -> None:
    from platform_support import fast_settings, seed_federation

    from cooplan.api import create_app
    from cooplan.services.runs import start_plan_run
    from cooplan.store.enums import RunStatus
    from cooplan.store.models import PlanRun

    settings = fast_settings()
    economy_id = seed_federation(database_url, settings)
    db = open_database(database_url)
    with db.session() as session:
        queued = start_plan_run(session, actor=None, economy_id=economy_id, bootstrap=True).id
        running = start_plan_run(session, actor=None, economy_id=economy_id, bootstrap=True)
        running.status = RunStatus.RUNNING
        running_id = running.id
    app = create_app(database_url, settings=settings)
    app.state.executor.shutdown()  # waits for the resubmitted run
    with db.session() as session:
        assert session.get(PlanRun, queued).status is RunStatus.DONE  # type: ignore[union-attr]
        interrupted = session.get(PlanRun, running_id)
        assert interrupted is not None and interrupted.status is RunStatus.FAILED
        assert "restart" in interrupted.message
    db.dispose()


def test_plan_cycle_without_counter_plans_votes_on_the_published_plan(platform: Platform) -> None:
    client, planner = platform.client, platform.auth("planner")
    cycle = client.post(
        "/api/plan-cycles", json={"economy_id": platform.economy_id}, headers=planner
    ).json()
    platform.wait_run(cycle["draft_run_id"])
    cid = cycle["id"]
    assert client.post(f"/api/plan-cycles/{cid}/congress", headers=planner).status_code == 409
    client.post(f"/api/plan-cycles/{cid}/publish", headers=planner)
    closed = client.post(f"/api/plan-cycles/{cid}/recompute", headers=planner)
    assert closed.status_code == 202
    body = closed.json()
    # Nobody countered: silence is consent, no revised run, straight to the vote.
    assert body["stage"] == "voting" and body["revised_run_id"] is None
    assert [v["id"] for v in body["variants"]] == ["published"]
    opened = client.post(f"/api/plan-cycles/{cid}/congress", headers=planner).json()
    assert "congress_proposal_id" in opened, opened
    pid = opened["congress_proposal_id"]
    again = client.post(f"/api/plan-cycles/{cid}/congress", headers=planner)
    assert again.status_code == 409  # already voting
    # Without quorum the plan stays in voting: the planner opens the vote again.
    no_quorum = client.post(f"/api/plan-cycles/{cid}/adopt", headers=planner).json()
    assert no_quorum["stage"] == "voting" and no_quorum["adopted_run_id"] is None
    reopened = client.post(f"/api/plan-cycles/{cid}/congress", headers=planner).json()
    assert reopened["congress_proposal_id"] != pid
    for who in ("miren", "iker"):
        client.post(
            f"/api/proposals/{reopened['congress_proposal_id']}/votes",
            json={"choice": ["published"]},
            headers=platform.auth(who),
        )
    adopted = client.post(f"/api/plan-cycles/{cid}/adopt", headers=planner).json()
    assert adopted["stage"] == "adopted" and adopted["chosen"] == "published"
    assert adopted["adopted_run_id"] == cycle["draft_run_id"]
    assert [e["action"] for e in adopted["history"]] == [
        "publish",
        "close_responses",
        "choose",
        "choose",
    ]
