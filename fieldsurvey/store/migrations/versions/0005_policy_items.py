"""Data items the policy documents ask for: living conditions, dibao phase-out, renovation
target group and subsidy, destitute-support mode, left-behind status, work and training wishes,
aid beyond compulsory school, helper confirmation and per-member medical costs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Every new column is nullable ("not recorded") except the two JSON ones, which start empty for
existing rows so the records read back as the dataclasses expect.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HOUSEHOLD = (
    ("renovation_target_group", sa.String(24)),
    ("renovation_subsidy", sa.Float()),
    ("electricity", sa.Boolean()),
    ("broadcast_tv", sa.Boolean()),
    ("access_road", sa.String(16)),
    ("road_distance_km", sa.Float()),
    ("cooking_fuel", sa.String(16)),
    ("farmland_mu", sa.Float()),
    ("irrigated_land_mu", sa.Float()),
    ("forest_land_mu", sa.Float()),
    ("returned_farmland_mu", sa.Float()),
    ("orchard_mu", sa.Float()),
    ("grassland_mu", sa.Float()),
    ("water_surface_mu", sa.Float()),
    ("cooperative_member", sa.Boolean()),
    ("dibao_phase_out", sa.Boolean()),
    ("dibao_phase_out_start", sa.Date()),
    ("dibao_phase_out_months", sa.Integer()),
    ("destitute_support_mode", sa.String(16)),
)
MEMBER = (
    ("non_compulsory_aid_amount", sa.Float()),
    ("left_behind", sa.String(16)),
    ("wants_work", sa.Boolean()),
    ("wants_training", sa.Boolean()),
    ("training_received", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        for name, kind in HOUSEHOLD:
            batch.add_column(sa.Column(name, kind))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("non_compulsory_aid", sa.JSON(), nullable=False, server_default="[]"))
        for name, kind in MEMBER:
            batch.add_column(sa.Column(name, kind))
    with op.batch_alter_table("helpers") as batch:
        batch.add_column(sa.Column("confirmed_on", sa.Date()))
    with op.batch_alter_table("incomes") as batch:
        batch.add_column(sa.Column("medical_costs", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("incomes") as batch:
        batch.drop_column("medical_costs")
    with op.batch_alter_table("helpers") as batch:
        batch.drop_column("confirmed_on")
    with op.batch_alter_table("members") as batch:
        for name, _ in reversed(MEMBER):
            batch.drop_column(name)
        batch.drop_column("non_compulsory_aid")
    with op.batch_alter_table("households") as batch:
        for name, _ in reversed(HOUSEHOLD):
            batch.drop_column(name)
