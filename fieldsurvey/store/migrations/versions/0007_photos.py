"""Photos: pictures as evidence, inside the encrypted database, addressed by their SHA-256.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photo_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.String(32), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    # Which visit names which photo: an index kept with every visit write, so pruning and
    # "what is not sent yet" never read the visits' answers.
    op.create_table(
        "photo_links",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False, index=True),
        sa.Column("finalized", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_photo_links_sha256", "photo_links", ["sha256"])
    # Which photo of which household the county has confirmed (so it is never sent again).
    op.create_table(
        "photo_sent",
        sa.Column("household_id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="accepted"),  # or "refused"
        sa.Column("reason", sa.JSON(), nullable=True),  # the county's sentence for a refusal
    )
    # Sealed photo bundles not yet confirmed: a stopped or cut upload resumes with the same bytes.
    op.create_table(
        "photo_outbox",
        sa.Column("bundle_id", sa.String(36), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("photo_outbox")
    op.drop_index("ix_photo_links_sha256", table_name="photo_links")
    op.drop_table("photo_links")
    op.drop_table("photo_sent")
    op.drop_table("photo_blobs")
