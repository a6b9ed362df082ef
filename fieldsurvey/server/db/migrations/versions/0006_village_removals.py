"""Village removals: the drain window of a village taken from a user.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

``village_removals`` records which village the county took from which user, and when; while it
lasts, that user's devices may still deliver updates to the village's existing records (what
was pending on a laptop when the village went). ``village_drains`` records each device that has
since downloaded a feed page computed without the village: its drain is over. A county upgraded
from 0005 has no removals: villages removed before the upgrade keep the old rule (refused).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "village_removals",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"]),
        sa.PrimaryKeyConstraint("user_id", "village_code"),
    )
    op.create_table(
        "village_drains",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("drained_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.device_id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"]),
        sa.PrimaryKeyConstraint("user_id", "village_code", "device_id"),
    )


def downgrade() -> None:
    op.drop_table("village_drains")
    op.drop_table("village_removals")
