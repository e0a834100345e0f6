"""Helpers of the platform tests: the sample federation, people of every role, fast settings.

Imported as ``platform_support`` (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from cooplan.services import accounts
from cooplan.services.federation import import_economy, read_folder
from cooplan.services.settings import Settings
from cooplan.store.db import open_database
from cooplan.store.enums import Role
from cooplan.store.migrate import upgrade_database

REPO = Path(__file__).resolve().parents[2]
FEDERATION = REPO / "examples" / "federation"
PG_SERVER = "postgresql+psycopg://{user}@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def fast_settings(**overrides: Any) -> Settings:
    """Settings with a cheap Argon2 cost so that tests create accounts quickly."""
    return Settings(
        secret_key="test-secret",
        password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        **overrides,
    )


@dataclass
class Platform:
    """The app under test with a federation and an account per role."""

    client: TestClient
    url: str
    settings: Settings
    economy_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Headers that act as ``who`` (a username of :data:`PEOPLE`)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def wait_run(self, run_id: int, who: str = "planner", timeout_s: float = 60) -> dict[str, Any]:
        """Poll a plan run until it is done or failed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            body: dict[str, Any] = self.client.get(
                f"/api/plan-runs/{run_id}", headers=self.auth(who)
            ).json()
            if body["status"] in ("done", "failed"):
                return body
            time.sleep(0.05)
        raise AssertionError(f"plan run {run_id} did not finish in {timeout_s} s")


# username: (coop, roles)
PEOPLE: dict[str, tuple[str | None, tuple[Role, ...]]] = {
    "admin": (None, (Role.ADMIN,)),
    "planner": (None, (Role.PLANNER,)),
    "ane": ("fagor_appliances", (Role.MEMBER,)),
    "jon": ("fagor_appliances", (Role.MEMBER,)),
    "miren": ("fagor_appliances", (Role.MEMBER, Role.DELEGATE)),
    "iker": ("arrasate_steel", (Role.MEMBER, Role.DELEGATE)),
    "leire": ("arrasate_steel", (Role.MEMBER,)),
}


def seed_federation(url: str, settings: Settings) -> int:
    """Import the sample federation and create the accounts of :data:`PEOPLE`."""
    upgrade_database(url)
    db = open_database(url)
    try:
        with db.session() as session:
            record = import_economy(
                session, read_folder(FEDERATION), actor=None, bootstrap=True, source="sample"
            )
            for name, (coop, roles) in PEOPLE.items():
                accounts.create_account(
                    session,
                    settings.password_hasher,
                    username=name,
                    password=PASSWORD,
                    display_name=name.title(),
                    coop_id=coop,
                    roles=roles,
                    bootstrap=True,
                )
            return record.id
    finally:
        db.dispose()


def sample_table(name: str) -> list[dict[str, str]]:
    """Rows of a table of the sample federation (read here, so tests follow the sample)."""
    import csv

    with (FEDERATION / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sample_coop(coop_id: str) -> dict[str, str]:
    """The sample's row of ``coop_id`` in coops.csv."""
    return next(row for row in sample_table("coops") if row["id"] == coop_id)


def sample_demand(product: str) -> float:
    """Total final demand for ``product`` over the sample's regions."""
    return sum(float(r["quantity"]) for r in sample_table("demand") if r["product"] == product)


def to_csv(rows: list[dict[str, str]]) -> str:
    """Rows back to CSV text."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
