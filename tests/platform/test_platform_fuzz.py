"""Fuzzing every API operation from its OpenAPI schema (schemathesis, in-process ASGI):
whatever the input, the server never answers 5xx. Bounded: a few examples per operation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from platform_support import fast_settings, seed_federation
from schemathesis.checks import not_a_server_error

from cooplan.api import create_app
from cooplan.services import accounts
from cooplan.store.db import open_database
from cooplan.store.enums import Role

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 12
HEADERS: dict[str, str] = {}


def _build_schema() -> schemathesis.BaseSchema:
    """The app's schema on a seeded SQLite database (a temporary folder); HEADERS then act
    as a person holding every role, so that requests get past the rights checks."""
    folder = Path(tempfile.mkdtemp(prefix="cooplan-fuzz-"))
    url = f"sqlite:///{folder / 'fuzz.db'}"
    config = fast_settings(login_failures_allowed=1000)
    app = create_app(url, settings=config)
    seed_federation(url, config)
    db = open_database(url)
    with db.session() as session:
        account = accounts.create_account(
            session,
            config.password_hasher,
            username="everyone",
            password="every role here",
            coop_id="fagor_appliances",
            roles=list(Role),
            bootstrap=True,
        )
        HEADERS["Authorization"] = f"Bearer {accounts.issue_token(session, account)}"
    db.dispose()
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = _build_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_on_any_input(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HEADERS, checks=[not_a_server_error])
