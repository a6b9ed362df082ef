"""Sync state of the device: enrollment and keys, sealed batches, notices from the county.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_enrollment",
        sa.Column("slot", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=True),
        sa.Column("county", sa.String(6), nullable=False),
        sa.Column("county_name", sa.String(64), nullable=False),
        sa.Column("server_url", sa.String(256), nullable=False),
        sa.Column("signing_private", sa.String(64), nullable=False),
        sa.Column("encryption_private", sa.String(64), nullable=False),
        sa.Column("county_signing_key", sa.String(64), nullable=False),
        sa.Column("county_encryption_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("cursor", sa.String(64), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "sync_batches",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("exported_to", sa.Text(), nullable=True),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("visit_ids", sa.JSON(), nullable=False),
        sa.Column("change_ids", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "sync_notices",
        sa.Column("notice_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("household_id", sa.String(36), nullable=True, index=True),
        sa.Column("ref", sa.String(64), nullable=True),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("sync_notices")
    op.drop_table("sync_batches")
    op.drop_table("sync_enrollment")
