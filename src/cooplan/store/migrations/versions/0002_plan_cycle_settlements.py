"""The plan cycle, counter-plans and settlements (relocations, ledgers).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("economy_id", sa.Integer(), nullable=False),
        sa.Column("mechanism", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("draft_run_id", sa.Integer(), nullable=True),
        sa.Column("revised_run_id", sa.Integer(), nullable=True),
        sa.Column("adopted_run_id", sa.Integer(), nullable=True),
        sa.Column("congress_proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["adopted_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_plan_cycles_adopted_run_id_plan_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_plan_cycles_created_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["draft_run_id"], ["plan_runs.id"], name=op.f("fk_plan_cycles_draft_run_id_plan_runs")
        ),
        sa.ForeignKeyConstraint(
            ["economy_id"], ["economies.id"], name=op.f("fk_plan_cycles_economy_id_economies")
        ),
        sa.ForeignKeyConstraint(
            ["revised_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_plan_cycles_revised_run_id_plan_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_cycles")),
    )
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_settlements_created_by_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["plan_run_id"], ["plan_runs.id"], name=op.f("fk_settlements_plan_run_id_plan_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
    )
    op.create_table(
        "counter_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_counter_plans_coop_id_coops")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["plan_cycles.id"], name=op.f("fk_counter_plans_cycle_id_plan_cycles")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["accounts.id"], name=op.f("fk_counter_plans_submitted_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_plans")),
    )
    op.create_index(op.f("ix_counter_plans_cycle_id"), "counter_plans", ["cycle_id"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=True),
        sa.Column("ledger", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlements.id"],
            name=op.f("fk_ledger_entries_settlement_id_settlements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(op.f("ix_ledger_entries_ledger"), "ledger_entries", ["ledger"], unique=False)
    op.create_index(
        op.f("ix_ledger_entries_settlement_id"), "ledger_entries", ["settlement_id"], unique=False
    )
    op.create_table(
        "relocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("from_coop", sa.String(length=64), nullable=False),
        sa.Column("to_coop", sa.String(length=64), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlements.id"],
            name=op.f("fk_relocations_settlement_id_settlements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relocations")),
    )
    op.create_index(
        op.f("ix_relocations_settlement_id"), "relocations", ["settlement_id"], unique=False
    )
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("plan_cycle_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_proposals_plan_cycle_id_plan_cycles"), "plan_cycles", ["plan_cycle_id"], ["id"]
        )
        batch.create_index(op.f("ix_proposals_plan_cycle_id"), ["plan_cycle_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.drop_index(op.f("ix_proposals_plan_cycle_id"))
        batch.drop_constraint(op.f("fk_proposals_plan_cycle_id_plan_cycles"), type_="foreignkey")
        batch.drop_column("plan_cycle_id")
    op.drop_table("relocations")
    op.drop_table("ledger_entries")
    op.drop_table("counter_plans")
    op.drop_table("settlements")
    op.drop_table("plan_cycles")
