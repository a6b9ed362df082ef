"""Record provenance: who last changed each field, and where a conflict's server value came from.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

``record_provenance`` holds, per record and field (``*`` for a record created or removed whole),
the last write's origin: the device, user and batch of a sync, or the county user of a
resolution or roster import, and when. ``conflicts`` gains a copy of that origin for its server
value, taken when the conflict is filed. Conflicts filed before this revision, and values last
written before it, have none: the review says their origin is unknown. No values are stored:
ids, field names, user and device names and times only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CONFLICT_COLUMNS = (
    ("server_change", sa.String(length=16)),
    ("server_device_id", sa.String(length=36)),
    ("server_user_id", sa.String(length=36)),
    ("server_username", sa.String(length=64)),
    ("server_batch_id", sa.String(length=64)),
    ("server_changed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "record_provenance",
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=48), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "household_id", "record_id", "field"),
    )
    with op.batch_alter_table("conflicts") as batch:
        for name, type_ in CONFLICT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        for name, _type in reversed(CONFLICT_COLUMNS):
            batch.drop_column(name)
    op.drop_table("record_provenance")
