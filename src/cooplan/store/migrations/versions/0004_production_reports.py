"""Production reports of the coops, append-only, for Cybersyn-style monitoring.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "production_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("economy_id", sa.Integer(), nullable=False),
        sa.Column("coop", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("actual", sa.Float(), nullable=False),
        sa.Column("capability", sa.Float(), nullable=False),
        sa.Column("potential", sa.Float(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["economy_id"],
            ["economies.id"],
            name=op.f("fk_production_reports_economy_id_economies"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["accounts.id"],
            name=op.f("fk_production_reports_uploaded_by_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_reports")),
    )
    op.create_index(
        "ix_production_reports_economy_id_coop_product_period",
        "production_reports",
        ["economy_id", "coop", "product", "period"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_production_reports_economy_id_coop_product_period", table_name="production_reports"
    )
    op.drop_table("production_reports")
