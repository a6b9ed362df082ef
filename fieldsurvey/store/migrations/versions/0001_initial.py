"""First device-store schema: registry, visits, member changes, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written out by hand (no imports of application code) so it keeps describing the schema of
stores created by FieldSurvey 0.1 whatever the models become later.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON()),
    )
    op.create_table(
        "divisions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent", sa.String(12)),
        sa.Column("level", sa.String(12), nullable=False),
    )
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(36), primary_key=True),
        sa.Column("household_no", sa.String(32), nullable=False, unique=True),
        sa.Column("division_code", sa.String(12), nullable=False, index=True),
        sa.Column("group", sa.String(32)),
        sa.Column("hamlet", sa.String(64)),
        sa.Column("address", sa.Text()),
        sa.Column("phone", sa.String(32)),
        sa.Column("identification_standard", sa.String(16)),
        sa.Column("registered_poor", sa.Boolean(), nullable=False),
        sa.Column("poverty_category", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("exit_year", sa.Integer()),
        sa.Column("household_type", sa.String(24), index=True),
        sa.Column("risk_cleared", sa.Boolean(), nullable=False),
        sa.Column("risk_cleared_method", sa.String(24)),
        sa.Column("risk_cleared_date", sa.Date()),
        sa.Column("main_poverty_cause", sa.String(24)),
        sa.Column("other_poverty_causes", sa.JSON(), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("food_secure", sa.Boolean()),
        sa.Column("clothing_secure", sa.Boolean()),
        sa.Column("housing_grade", sa.String(8)),
        sa.Column("housing_structure", sa.String(24)),
        sa.Column("housing_area", sa.Float()),
        sa.Column("house_built_year", sa.Integer()),
        sa.Column("renovation_status", sa.String(16)),
        sa.Column("renovation_year", sa.Integer()),
        sa.Column("relocated", sa.Boolean(), nullable=False),
        sa.Column("water_source", sa.String(24)),
        sa.Column("water_quantity_lpd", sa.Float()),
        sa.Column("water_quality_ok", sa.Boolean()),
        sa.Column("water_piped", sa.Boolean()),
        sa.Column("water_trip_minutes", sa.Float()),
        sa.Column("water_distance_h_m", sa.Float()),
        sa.Column("water_distance_v_m", sa.Float()),
        sa.Column("water_outage_days", sa.Integer()),
        sa.Column("water_short_area", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("head_name", sa.String(64)),
        sa.Column("head_id_number", sa.String(20)),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("last_visit_date", sa.Date()),
        sa.Column("latest_assessment", sa.JSON()),
        sa.Column("updated_at", sa.DateTime()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("member_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("id_number", sa.String(20), nullable=False, index=True),
        sa.Column("id_type", sa.String(20), nullable=False),
        sa.Column("relation", sa.String(4), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("ethnicity", sa.String(4), nullable=False),
        sa.Column("political_status", sa.String(20)),
        sa.Column("education", sa.String(20)),
        sa.Column("schooling", sa.String(20)),
        sa.Column("school_name", sa.String(64)),
        sa.Column("dropout_reason", sa.Text()),
        sa.Column("home_schooling", sa.Boolean()),
        sa.Column("schooling_exempt", sa.Boolean(), nullable=False),
        sa.Column("health", sa.String(16)),
        sa.Column("disability_category", sa.String(4)),
        sa.Column("disability_grade", sa.String(4)),
        sa.Column("disability_cert_no", sa.String(24)),
        sa.Column("labour_capacity", sa.String(16)),
        sa.Column("work_status", sa.String(32)),
        sa.Column("work_months", sa.Integer()),
        sa.Column("public_welfare_job", sa.Boolean(), nullable=False),
        sa.Column("active_military", sa.Boolean(), nullable=False),
        sa.Column("resident_medical_insurance", sa.Boolean()),
        sa.Column("employee_medical_insurance", sa.Boolean()),
        sa.Column("critical_illness_insurance", sa.Boolean()),
        sa.Column("commercial_medical_insurance", sa.Boolean()),
        sa.Column("medical_assistance", sa.Boolean()),
        sa.Column("resident_pension", sa.Boolean()),
        sa.Column("employee_pension", sa.Boolean()),
        sa.Column("family_doctor", sa.Boolean()),
        sa.Column("chronic_disease_card", sa.Boolean()),
        sa.Column("education_aid", sa.Text()),
        sa.Column("dibao", sa.Boolean(), nullable=False),
        sa.Column("destitute_support", sa.Boolean(), nullable=False),
        sa.Column("relocated", sa.Boolean(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "helpers",
        sa.Column("helper_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(128), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(8)),
        sa.Column("unit_level", sa.String(16)),
        sa.Column("phone", sa.String(32)),
        sa.Column("id_number", sa.String(20)),
        sa.Column("end_date", sa.Date()),
    )
    op.create_table(
        "measures",
        sa.Column("measure_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("project", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("scale", sa.Text()),
        sa.Column("funds", sa.Float()),
        sa.Column("deadline", sa.Date()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.Text()),
    )
    op.create_table(
        "incomes",
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("expenses", sa.JSON(), nullable=False),
        sa.Column("household_size", sa.Integer()),
        sa.Column("medical_out_of_pocket", sa.Float()),
        sa.Column("sudden_expenses", sa.Float()),
    )
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), nullable=False, index=True),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("form_version", sa.String(32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime()),
        sa.Column("updated_at", sa.DateTime()),
        sa.Column("finalized_at", sa.DateTime()),
        sa.Column("amends", sa.String(36)),
        sa.Column("amendment_reason", sa.Text()),
        sa.Column("findings", sa.Text()),
        sa.Column("assessment", sa.JSON()),
        sa.Column("review_status", sa.String(16)),
        sa.Column("review_comment", sa.Text()),
        sa.Column("cursor", sa.JSON()),
        sa.Column("synced", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "member_changes",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.household_id"), nullable=False, index=True),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("synced", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    for table in ("member_changes", "visits", "incomes", "measures", "helpers", "members", "households", "divisions", "meta"):
        op.drop_table(table)
