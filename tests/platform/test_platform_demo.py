"""``cooplan serve --demo``'s loader and the ``serve`` command's registration."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from platform_support import FEDERATION, fast_settings
from typer.testing import CliRunner

from cooplan.api import create_app
from cooplan.cli import app as cli
from cooplan.services.demo import demo_password, load_demo
from cooplan.store.db import open_database


def test_demo_loads_the_federation_accounts_and_a_plan(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = fast_settings()
    app = create_app(url, settings=settings)
    db = open_database(url)
    people = load_demo(db, settings, FEDERATION)
    db.dispose()
    roles = {p.username: {r.value for r in p.roles} for p in people}
    assert roles["admin"] == {"admin"} and roles["planner"] == {"planner"}
    assert sum("delegate" in r for r in roles.values()) == 4
    member = next(p for p in people if p.coop_id is not None)
    with TestClient(app) as client:
        token = client.post(
            "/api/auth/token",
            json={"username": member.username, "password": demo_password(member.username)},
        ).json()["access_token"]
        plan = client.get(
            f"/api/coops/{member.coop_id}/plan", headers={"Authorization": f"Bearer {token}"}
        )
        assert plan.status_code == 200, plan.text
        assert plan.json()["labour_used"] > 0


def test_serve_command_is_registered() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--demo" in result.output and "--port" in result.output
