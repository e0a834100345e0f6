"""The demo federation: the sample economy, one account per role, a first plan and, when the
folder has ``reports.csv``, its production reports (so the dashboard shows Cybersyn alerts).

Accounts (password = ``<username>-demo``, printed by ``cooplan serve --demo``): ``admin``,
``planner``, and for each of the first coops two members, the first of whom is also a
delegate to the Congress.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from cooplan.services import accounts
from cooplan.services.federation import import_economy, read_folder
from cooplan.services.monitoring import record_reports
from cooplan.services.runs import execute_plan_run, start_plan_run
from cooplan.services.settings import Settings
from cooplan.store.db import Database
from cooplan.store.enums import Role

DEMO_COOPS = 4
REPORTS_FILE = "reports.csv"
"""Production reports of the demo folder (not part of the economy's files)."""
FIRST_NAMES = ("ane", "jon", "miren", "iker", "leire", "unai", "nerea", "gorka")


@dataclass(frozen=True)
class DemoAccount:
    """A demo login and what it may do."""

    username: str
    password: str
    coop_id: str | None
    roles: tuple[Role, ...]


def demo_password(username: str) -> str:
    """The demo password of ``username``."""
    return f"{username}-demo"


def load_demo(db: Database, settings: Settings, folder: str | Path) -> list[DemoAccount]:
    """Import ``folder``, create the demo accounts, record the folder's ``reports.csv`` (if
    any) and compute a first plan (optimal)."""
    made: list[DemoAccount] = []
    reports = Path(folder) / REPORTS_FILE
    with db.session() as session:
        files = read_folder(folder)
        record = import_economy(session, files, actor=None, bootstrap=True, source=str(folder))
        economy_id = record.id
        if reports.is_file():
            record_reports(
                session,
                actor=None,
                economy_id=economy_id,
                csv_text=reports.read_text(encoding="utf-8"),
                bootstrap=True,
            )
        people: list[tuple[str, str | None, tuple[Role, ...]]] = [
            ("admin", None, (Role.ADMIN,)),
            ("planner", None, (Role.PLANNER,)),
        ]
        names = iter(FIRST_NAMES)
        for coop_id in _coop_ids(record.files["coops.csv"])[:DEMO_COOPS]:
            people.append((next(names), coop_id, (Role.MEMBER, Role.DELEGATE)))
            people.append((next(names), coop_id, (Role.MEMBER,)))
        for username, coop, roles in people:
            accounts.create_account(
                session,
                settings.password_hasher,
                username=username,
                password=demo_password(username),
                display_name=username.title(),
                coop_id=coop,
                roles=roles,
                bootstrap=True,
            )
            made.append(DemoAccount(username, demo_password(username), coop, roles))
        run = start_plan_run(
            session,
            actor=None,
            economy_id=economy_id,
            mechanism="optimal",
            parameters={"objective": "fulfilment"},
            bootstrap=True,
        )
        run_id = run.id
    execute_plan_run(db, run_id)
    return made


def _coop_ids(coops_csv: str) -> list[str]:
    """The coop ids of ``coops.csv`` in file order."""
    return [row["id"].strip() for row in csv.DictReader(io.StringIO(coops_csv))]
