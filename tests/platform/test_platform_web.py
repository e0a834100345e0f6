"""The web pages without a browser: logins, CSRF on every form, cookie flags, rights."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from platform_support import PASSWORD, Platform, fast_settings, seed_federation

from cooplan.api import create_app


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def _login(client: TestClient, username: str) -> None:
    token = _csrf(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_pages_need_a_login(platform: Platform) -> None:
    client = TestClient(platform.client.app)
    for path in ("/", "/proposals", "/plan", "/coops/fagor_appliances", "/relocations"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_forms_without_the_csrf_token_are_refused(platform: Platform) -> None:
    client = TestClient(platform.client.app)
    no_token = client.post(
        "/login", data={"username": "ane", "password": PASSWORD}, follow_redirects=False
    )
    assert no_token.status_code in (403, 422)
    forged = client.post(
        "/login",
        data={"csrf_token": "forged", "username": "ane", "password": PASSWORD},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    _login(client, "ane")
    proposal = platform.client.post(
        "/api/proposals",
        json={"title": "T", "question": "Q?", "body": "assembly", "coop_id": "fagor_appliances"},
        headers=platform.auth("planner"),
    ).json()
    refused = client.post(
        f"/proposals/{proposal['id']}/vote", data={"choice": "yes"}, follow_redirects=False
    )
    assert refused.status_code == 403
    token = _csrf(client, f"/proposals/{proposal['id']}")
    accepted = client.post(
        f"/proposals/{proposal['id']}/vote",
        data={"choice": "yes", "csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    page = client.get(f"/proposals/{proposal['id']}").text
    assert 'id="my-ballot">yes<' in page
    # The session cookie reads the API but never writes through it (no CSRF risk).
    assert client.get("/api/me").json()["username"] == "ane"
    write = client.post(f"/api/proposals/{proposal['id']}/votes", json={"choice": "no"})
    assert write.status_code == 401


def test_member_pages_refuse_what_members_may_not_do(platform: Platform) -> None:
    client = TestClient(platform.client.app)
    _login(client, "ane")
    token = _csrf(client, "/plan")
    start = client.post(
        "/plan/cycles",
        data={"csrf_token": token, "economy_id": str(platform.economy_id)},
        follow_redirects=False,
    )
    assert start.status_code == 403
    assert "only a planner" in start.text
    other = client.post(
        "/proposals",
        data={
            "csrf_token": token,
            "title": "t",
            "question": "q",
            "body": "assembly",
            "coop_id": "arrasate_steel",
            "method": "simple_majority",
        },
        follow_redirects=False,
    )
    assert other.status_code == 403
    logout = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert logout.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_flags(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cookies.db'}"
    settings = fast_settings(https_only=True)
    app = create_app(url, settings=settings)
    seed_federation(url, settings)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/login")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_a_running_plan_run_page_shows_its_message_and_refreshes_itself(
    platform: Platform,
) -> None:
    from cooplan.services.runs import start_plan_run
    from cooplan.store.db import open_database
    from cooplan.store.enums import RunStatus
    from cooplan.store.models import PlanRun

    db = open_database(platform.url)
    with db.session() as session:  # recorded but not handed to the executor: it stays queued
        run = start_plan_run(session, actor=None, economy_id=platform.economy_id, bootstrap=True)
        run_id = run.id
    client = TestClient(platform.client.app)
    _login(client, "planner")
    page = client.get(f"/runs/{run_id}").text
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<span class="run-message">queued</span>' in page
    with db.session() as session:
        stored = session.get(PlanRun, run_id)
        assert stored is not None
        stored.status, stored.progress = RunStatus.RUNNING, 0.42
        stored.message = "computing (optimal): 12.3 s, column generation, iteration 140"
    page = client.get(f"/runs/{run_id}").text
    assert "column generation, iteration 140" in page and 'value="0.42"' in page
    with db.session() as session:
        stored = session.get(PlanRun, run_id)
        assert stored is not None
        stored.status, stored.message = RunStatus.FAILED, "stopped"
    assert 'http-equiv="refresh"' not in client.get(f"/runs/{run_id}").text
    db.dispose()
