"""Photos: pictures as evidence, sealed at rest, linked to the households they show.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

``photos`` holds each picture once, by the SHA-256 of its JPEG: the bytes sealed with the column
key (AES-256-GCM, the hash as associated data) and its metadata as a sealed JSON column.
``household_photos`` links a picture to a household and carries the household's village, so
who may see a photo is decided exactly as for the household's records. (The numbering leaves
0006 to the village-removals migration being written beside this one; its ``down_revision``
is set when the two are merged.)
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("meta", _json(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "household_photos",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("bundle_id", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("household_id", "sha256"),
    )
    op.create_index("ix_household_photos_sha256", "household_photos", ["sha256"])
    op.create_index("ix_household_photos_village_code", "household_photos", ["village_code"])


def downgrade() -> None:
    op.drop_index("ix_household_photos_village_code", table_name="household_photos")
    op.drop_index("ix_household_photos_sha256", table_name="household_photos")
    op.drop_table("household_photos")
    op.drop_table("photos")
