"""Signed heads of the county's audit log, kept by the device to catch a shortened log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_audit_heads",
        sa.Column("entry_no", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("entry_hash", sa.String(64), primary_key=True),
        sa.Column("county", sa.String(6), nullable=False),
        sa.Column("signed_at", sa.String(40), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=True),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_audit_heads")
