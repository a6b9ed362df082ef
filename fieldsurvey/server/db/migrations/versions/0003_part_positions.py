"""Members and household parts keep their order: a ``position`` within their household.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The order of a household's members is part of the record: the assessment names members by it
("member 2, age 13"), ledgers list them in it, and each laptop keeps it. Without a column the
county read members in whatever order the database returned them, which on PostgreSQL changes
once a row is updated, so the county and the laptop numbered the same people differently.
Existing rows are numbered by their change number and id, the best order the old schema holds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("members", "household_parts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE members SET position = (SELECT count(*) FROM members m2 WHERE m2.household_id = members.household_id"
        " AND (m2.seq < members.seq OR (m2.seq = members.seq AND m2.member_id < members.member_id)))"
    )
    op.execute(
        "UPDATE household_parts SET position = (SELECT count(*) FROM household_parts p2"
        " WHERE p2.household_id = household_parts.household_id AND p2.part_type = household_parts.part_type"
        " AND (p2.seq < household_parts.seq OR (p2.seq = household_parts.seq AND p2.part_id < household_parts.part_id)))"
    )


def downgrade() -> None:
    for table in ("household_parts", "members"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("position")
