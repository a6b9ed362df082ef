"""ORM tables of the device store.

Column names equal the field names of the core dataclasses, so ``mapping.py`` can move records
between the two without a hand-written list per field. Lists and dicts (causes, risks, income
items, form answers) are JSON columns; everything a list screen filters on is a typed, indexed
column. The migrations in ``migrations/versions`` are the source of truth for the schema on disk;
a test checks these models match them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, Any: JSON}


class Meta(Base):
    """Small JSON settings kept inside the encrypted database (county, device, sync state)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class DivisionRow(Base):
    __tablename__ = "divisions"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))


class HouseholdRow(Base):
    __tablename__ = "households"
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_no: Mapped[str] = mapped_column(String(32), unique=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    group: Mapped[str | None] = mapped_column(String(32))
    hamlet: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(32))
    identification_standard: Mapped[str | None] = mapped_column(String(16))
    registered_poor: Mapped[bool] = mapped_column(Boolean, default=True)
    poverty_category: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    exit_year: Mapped[int | None] = mapped_column(Integer)
    household_type: Mapped[str | None] = mapped_column(String(24), index=True)
    risk_cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_cleared_method: Mapped[str | None] = mapped_column(String(24))
    risk_cleared_date: Mapped[date | None] = mapped_column(Date)
    main_poverty_cause: Mapped[str | None] = mapped_column(String(24))
    other_poverty_causes: Mapped[list[str]] = mapped_column(JSON, default=list)
    risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    food_secure: Mapped[bool | None] = mapped_column(Boolean)
    clothing_secure: Mapped[bool | None] = mapped_column(Boolean)
    housing_grade: Mapped[str | None] = mapped_column(String(8))
    housing_structure: Mapped[str | None] = mapped_column(String(24))
    housing_area: Mapped[float | None] = mapped_column(Float)
    house_built_year: Mapped[int | None] = mapped_column(Integer)
    renovation_status: Mapped[str | None] = mapped_column(String(16))
    renovation_year: Mapped[int | None] = mapped_column(Integer)
    relocated: Mapped[bool] = mapped_column(Boolean, default=False)
    water_source: Mapped[str | None] = mapped_column(String(24))
    water_quantity_lpd: Mapped[float | None] = mapped_column(Float)
    water_quality_ok: Mapped[bool | None] = mapped_column(Boolean)
    water_piped: Mapped[bool | None] = mapped_column(Boolean)
    water_trip_minutes: Mapped[float | None] = mapped_column(Float)
    water_distance_h_m: Mapped[float | None] = mapped_column(Float)
    water_distance_v_m: Mapped[float | None] = mapped_column(Float)
    water_outage_days: Mapped[int | None] = mapped_column(Integer)
    water_short_area: Mapped[bool] = mapped_column(Boolean, default=False)
    renovation_target_group: Mapped[str | None] = mapped_column(String(24))
    renovation_subsidy: Mapped[float | None] = mapped_column(Float)
    electricity: Mapped[bool | None] = mapped_column(Boolean)
    broadcast_tv: Mapped[bool | None] = mapped_column(Boolean)
    access_road: Mapped[str | None] = mapped_column(String(16))
    road_distance_km: Mapped[float | None] = mapped_column(Float)
    cooking_fuel: Mapped[str | None] = mapped_column(String(16))
    farmland_mu: Mapped[float | None] = mapped_column(Float)
    irrigated_land_mu: Mapped[float | None] = mapped_column(Float)
    forest_land_mu: Mapped[float | None] = mapped_column(Float)
    returned_farmland_mu: Mapped[float | None] = mapped_column(Float)
    orchard_mu: Mapped[float | None] = mapped_column(Float)
    grassland_mu: Mapped[float | None] = mapped_column(Float)
    water_surface_mu: Mapped[float | None] = mapped_column(Float)
    cooperative_member: Mapped[bool | None] = mapped_column(Boolean)
    dibao_phase_out: Mapped[bool | None] = mapped_column(Boolean)
    dibao_phase_out_start: Mapped[date | None] = mapped_column(Date)
    dibao_phase_out_months: Mapped[int | None] = mapped_column(Integer)
    destitute_support_mode: Mapped[str | None] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # derived, for list screens: kept up to date by the repository on every write
    head_name: Mapped[str | None] = mapped_column(String(64))
    head_id_number: Mapped[str | None] = mapped_column(String(20))
    head_initials: Mapped[str | None] = mapped_column(String(16))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    flag_bits: Mapped[int] = mapped_column(Integer, default=0)
    last_visit_date: Mapped[date | None] = mapped_column(Date)
    latest_assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class MemberRow(Base):
    __tablename__ = "members"
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(20), index=True)
    id_type: Mapped[str] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(4))
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str] = mapped_column(String(4))
    political_status: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    schooling: Mapped[str | None] = mapped_column(String(20))
    school_name: Mapped[str | None] = mapped_column(String(64))
    dropout_reason: Mapped[str | None] = mapped_column(Text)
    completed_grade: Mapped[int | None] = mapped_column(Integer)
    home_schooling: Mapped[bool | None] = mapped_column(Boolean)
    schooling_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    health: Mapped[str | None] = mapped_column(String(16))
    disability_category: Mapped[str | None] = mapped_column(String(4))
    disability_grade: Mapped[str | None] = mapped_column(String(4))
    disability_cert_no: Mapped[str | None] = mapped_column(String(24))
    labour_capacity: Mapped[str | None] = mapped_column(String(16))
    work_status: Mapped[str | None] = mapped_column(String(32))
    work_months: Mapped[int | None] = mapped_column(Integer)
    public_welfare_job: Mapped[bool] = mapped_column(Boolean, default=False)
    active_military: Mapped[bool] = mapped_column(Boolean, default=False)
    resident_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)
    employee_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)
    critical_illness_insurance: Mapped[bool | None] = mapped_column(Boolean)
    commercial_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)
    medical_assistance: Mapped[bool | None] = mapped_column(Boolean)
    resident_pension: Mapped[bool | None] = mapped_column(Boolean)
    employee_pension: Mapped[bool | None] = mapped_column(Boolean)
    family_doctor: Mapped[bool | None] = mapped_column(Boolean)
    chronic_disease_card: Mapped[bool | None] = mapped_column(Boolean)
    education_aid: Mapped[str | None] = mapped_column(Text)
    non_compulsory_aid: Mapped[list[str]] = mapped_column(JSON, default=list)
    non_compulsory_aid_amount: Mapped[float | None] = mapped_column(Float)
    left_behind: Mapped[str | None] = mapped_column(String(16))
    wants_work: Mapped[bool | None] = mapped_column(Boolean)
    wants_training: Mapped[bool | None] = mapped_column(Boolean)
    training_received: Mapped[bool | None] = mapped_column(Boolean)
    dibao: Mapped[bool] = mapped_column(Boolean, default=False)
    destitute_support: Mapped[bool] = mapped_column(Boolean, default=False)
    relocated: Mapped[bool] = mapped_column(Boolean, default=False)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class HelperRow(Base):
    __tablename__ = "helpers"
    helper_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(128))
    start_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    unit_level: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(20))
    end_date: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)


class MeasureRow(Base):
    __tablename__ = "measures"
    measure_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    project: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[str | None] = mapped_column(Text)
    funds: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[str | None] = mapped_column(Text)


class IncomeRow(Base):
    __tablename__ = "incomes"
    household_id: Mapped[str] = mapped_column(
        ForeignKey("households.household_id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expenses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    household_size: Mapped[int | None] = mapped_column(Integer)
    medical_out_of_pocket: Mapped[float | None] = mapped_column(Float)
    sudden_expenses: Mapped[float | None] = mapped_column(Float)
    medical_costs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VisitRow(Base):
    __tablename__ = "visits"
    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime)
    amends: Mapped[str | None] = mapped_column(String(36))
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    review_status: Mapped[str | None] = mapped_column(String(16))
    review_comment: Mapped[str | None] = mapped_column(Text)
    cursor: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    synced: Mapped[bool] = mapped_column(Boolean, default=False)


class MemberChangeRow(Base):
    __tablename__ = "member_changes"
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    member_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(24))
    change_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    synced: Mapped[bool] = mapped_column(Boolean, default=False)


class PendingEditRow(Base):
    """The outbox: a local edit not yet accepted by the county server.

    One row per (record, field), coalesced: the first base value and the latest new value, so
    the server can do a three-way merge against what this device last saw.
    """

    __tablename__ = "pending_edits"
    edit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(48))
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(8))  # "create" | "update"
    field: Mapped[str] = mapped_column(String(48))  # "*" for a create (the whole record)
    base_value: Mapped[Any] = mapped_column(JSON)
    new_value: Mapped[Any] = mapped_column(JSON)
    base_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_pending_edits_record_field", "record_type", "record_id", "field", unique=True),
    )
