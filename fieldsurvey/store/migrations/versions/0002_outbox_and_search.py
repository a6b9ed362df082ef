"""Outbox of local edits for sync, and search/filter columns for the household list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adds ``pending_edits`` (one row per locally edited record field, coalesced) and two derived
household columns: ``head_initials`` (pinyin initials of the head's name, so "zs" finds 张三)
and ``flag_bits`` (problem flags as a bit set, so a filter is an integer test, not a JSON scan).
Existing rows get both computed here.
"""

import json

import sqlalchemy as sa
from alembic import op
from pypinyin import Style, lazy_pinyin

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copy of the flag order at this revision (bit i = flag i).
FLAG_ORDER = ("dropout", "uninsured", "unsafe_house", "unsafe_water", "under_line", "food_clothing")


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("head_initials", sa.String(16)))
        batch.add_column(sa.Column("flag_bits", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "pending_edits",
        sa.Column("edit_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_type", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(48), nullable=False),
        sa.Column("household_id", sa.String(36), nullable=False, index=True),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("field", sa.String(48), nullable=False),
        sa.Column("base_value", sa.JSON()),
        sa.Column("new_value", sa.JSON()),
        sa.Column("base_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_pending_edits_record_field", "pending_edits", ["record_type", "record_id", "field"], unique=True)

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT household_id, head_name, flags FROM households")).fetchall()
    for household_id, head_name, flags in rows:
        initials = "".join(lazy_pinyin(head_name or "", style=Style.FIRST_LETTER)).lower()[:16]
        names = json.loads(flags) if isinstance(flags, str) else (flags or [])
        bits = sum(1 << i for i, f in enumerate(FLAG_ORDER) if f in names)
        conn.execute(
            sa.text("UPDATE households SET head_initials = :i, flag_bits = :b WHERE household_id = :h"),
            {"i": initials, "b": bits, "h": household_id},
        )


def downgrade() -> None:
    op.drop_index("ix_pending_edits_record_field", "pending_edits")
    op.drop_table("pending_edits")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("flag_bits")
        batch.drop_column("head_initials")
