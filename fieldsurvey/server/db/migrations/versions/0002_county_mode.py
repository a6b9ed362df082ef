"""County mode: each household's latest assessment per dimension, list and count indexes, village populations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

``fail_bits`` and ``unknown_bits`` hold the outcome of each of the seven dimensions in the
household's latest assessment (bit i = the i-th of food, clothing, education, medical, housing,
water, income); a household never assessed has every dimension unknown (127). Existing
households get them from the assessment stored with their latest visit, read here with plain
SQL and JSON (no import of live code), so the dashboards are right from the first start.
``ix_households_village_no`` serves keyset paging; ``ix_households_live`` holds every column the
county's counts and dashboards read, so they scan it instead of the rows with their JSON records.
``village_populations`` holds the rural population a county states per village.
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DIMENSIONS = ("food", "clothing", "education", "medical", "housing", "water", "income")
ALL_UNKNOWN = (1 << len(DIMENSIONS)) - 1
LIVE_COLUMNS = ("village_code", "deleted", "status", "household_type", "monitored", "member_count", "fail_bits",
                "unknown_bits", "assessed_on", "last_visit_date", "flag_bits")


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("fail_bits", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("unknown_bits", sa.Integer(), server_default=str(ALL_UNKNOWN), nullable=False))
        batch.add_column(sa.Column("assessed_on", sa.Date(), nullable=True))
    op.create_index("ix_households_village_no", "households", ["village_code", "household_no", "household_id"], unique=False)
    op.create_index("ix_households_live", "households", list(LIVE_COLUMNS), unique=False)
    op.create_table(
        "village_populations",
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("rural_population", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("village_code"),
    )
    _fill_from_latest_visits()


def _bits(assessment: Any) -> tuple[int, int] | None:
    if isinstance(assessment, str):
        try:
            assessment = json.loads(assessment)
        except ValueError:
            return None
    dims = assessment.get("dimensions") if isinstance(assessment, dict) else None
    if not isinstance(dims, dict):
        return None
    fail = unknown = 0
    for i, name in enumerate(DIMENSIONS):
        outcome = (dims.get(name) or {}).get("outcome") if isinstance(dims.get(name), dict) else None
        if outcome == "not_met":
            fail |= 1 << i
        elif outcome != "met":
            unknown |= 1 << i
    return fail, unknown


def _fill_from_latest_visits() -> None:
    conn = op.get_bind()
    visits = sa.table("visits", sa.column("household_id"), sa.column("visit_date"), sa.column("data", sa.JSON()))
    households = sa.table("households", sa.column("household_id"), sa.column("fail_bits"), sa.column("unknown_bits"),
                          sa.column("assessed_on"))
    latest: dict[str, tuple[Any, Any]] = {}
    rows = conn.execute(sa.select(visits.c.household_id, visits.c.visit_date, visits.c.data)
                        .order_by(visits.c.household_id, visits.c.visit_date))
    for household_id, visit_date, data in rows:
        if isinstance(data, str):
            data = json.loads(data)
        latest[household_id] = (visit_date, (data or {}).get("assessment"))
    for household_id, (visit_date, assessment) in latest.items():
        bits = _bits(assessment)
        if bits is None:
            continue
        conn.execute(sa.update(households).where(households.c.household_id == household_id)
                     .values(fail_bits=bits[0], unknown_bits=bits[1], assessed_on=visit_date))


def downgrade() -> None:
    op.drop_table("village_populations")
    op.drop_index("ix_households_live", table_name="households")
    op.drop_index("ix_households_village_no", table_name="households")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("assessed_on")
        batch.drop_column("unknown_bits")
        batch.drop_column("fail_bits")
