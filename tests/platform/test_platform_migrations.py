"""Migrations on SQLite and PostgreSQL: empty → head matches the models; 0001 → head keeps data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from cooplan.store.migrate import FIRST_REVISION, current_revision, head_revision, upgrade_database
from cooplan.store.models import Base


def test_empty_database_migrates_to_head_matching_the_models(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade_database(database_url)
    assert current_revision(database_url) == head_revision()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    upgrade_database(database_url)  # idempotent
    assert current_revision(database_url) == head_revision()


def test_upgrade_from_first_release_keeps_data(database_url: str) -> None:
    assert head_revision() != FIRST_REVISION
    upgrade_database(database_url, FIRST_REVISION)
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert "plan_cycles" not in inspect(conn).get_table_names()
            conn.execute(
                text(
                    "INSERT INTO groups (id, name, parent, axis) VALUES "
                    "('industry', 'Industry', NULL, 'sector')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO coops (id, name, region, group_id, members, hours_per_member, "
                    "non_members, created_at) VALUES ('steel', 'Steel', 'r', 'industry', 10, "
                    "1650, 2, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO accounts (id, username, display_name, password_hash, coop_id, "
                    "active, created_at) VALUES (1, 'ane', 'Ane', 'x', 'steel', TRUE, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO proposals (id, title, question, body, coop_id, method, options, "
                    "quorum, threshold, max_score, status, result, created_by, created_at, "
                    "closed_at) VALUES (1, 'T', 'Q?', 'assembly', 'steel', 'simple_majority', "
                    "'[]', 0.5, NULL, 5, 'open', NULL, 1, CURRENT_TIMESTAMP, NULL)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO ballots (id, proposal_id, account_id, choice, cast_at) VALUES "
                    "(1, 1, 1, '\"yes\"', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text("INSERT INTO ballot_heads (proposal_id, account_id, ballot_id) VALUES (1,1,1)")
            )
        upgrade_database(database_url)
        assert current_revision(database_url) == head_revision()
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT title, status, plan_cycle_id FROM proposals WHERE id = 1")
            ).one()
            assert tuple(row) == ("T", "open", None)
            assert conn.execute(text("SELECT count(*) FROM ballots")).scalar_one() == 1
            assert conn.execute(text("SELECT ballot_id FROM ballot_heads")).scalar_one() == 1
            assert conn.execute(text("SELECT members FROM coops")).scalar_one() == 10
            assert "plan_cycles" in inspect(conn).get_table_names()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_0003_renames_cycle_stages_to_the_institutions_states(database_url: str) -> None:
    upgrade_database(database_url, "0002")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO economies (id, name, source, digest, files, summary, "
                    "imported_at) VALUES (1, 'E', '', 'd', '{}', '{}', CURRENT_TIMESTAMP)"
                )
            )
            for i, stage in enumerate(("drafting", "assemblies", "congress", "adopted"), 1):
                conn.execute(
                    text(
                        "INSERT INTO plan_cycles (id, economy_id, mechanism, stage, created_at) "
                        "VALUES (:id, 1, 'balance', :stage, CURRENT_TIMESTAMP)"
                    ),
                    {"id": i, "stage": stage},
                )
        upgrade_database(database_url)
        with engine.connect() as conn:
            stages = conn.execute(text("SELECT stage FROM plan_cycles ORDER BY id")).scalars()
            assert list(stages) == ["draft", "published", "voting", "adopted"]
            assert (
                conn.execute(
                    text("SELECT count(*) FROM plan_cycles WHERE machine IS NULL")
                ).scalar_one()
                == 4
            )
    finally:
        engine.dispose()
