"""The plan cycle keeps the institutions' state machine (its state, answers and variants).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


RENAMED = {
    "drafting": "draft",
    "assemblies": "published",
    "congress": "voting",
    "failed": "rejected",
}
"""Stages of 0002 and the institutions' plan states that replace them."""


def upgrade() -> None:
    with op.batch_alter_table("plan_cycles") as batch:
        batch.add_column(sa.Column("machine", sa.JSON(), nullable=True))
    for old, new in RENAMED.items():
        op.execute(
            sa.text("UPDATE plan_cycles SET stage = :new WHERE stage = :old").bindparams(
                new=new, old=old
            )
        )


def downgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(
            sa.text("UPDATE plan_cycles SET stage = :old WHERE stage = :new").bindparams(
                new=new, old=old
            )
        )
    with op.batch_alter_table("plan_cycles") as batch:
        batch.drop_column("machine")
