"""The registry's records as they travel: households, members, helpers, measures, incomes, visits
and member changes, field by field.

These are the JSON shapes of ``core/records.py``'s ``to_dict`` (one per dataclass of
``core/household.py`` and ``core/visit.py``), typed for the wire: dates are ISO-8601 text, a
division code is its 12 digits, coded fields hold a code of their list (``Coded``). Required
fields are the dataclass's fields without a default, plus the record's id (a client-made UUID:
whoever makes a record names it). Every other field may be left out and then has the default
shown. ``tests/api/test_api_records.py`` holds these models to the dataclasses (same fields, same
defaults, compatible types) and to the records real batches and feed pages carry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldsurvey.api.codes import Coded
from fieldsurvey.core.household import MAX_OTHER_POVERTY_CAUSES, MAX_RISKS

Id = Annotated[str, Field(min_length=1, max_length=64)]
OwnId = Annotated[
    str, Field(min_length=1, max_length=64, description="the record's id: a UUID its maker chose")
]
Text = Annotated[str, Field(min_length=1)]
DivisionCodeText = Annotated[str, Field(pattern=r"^\d{12}$", description="12-digit village code")]
Yuan = Annotated[float, Field(description="yuan")]
MedicalCostKey = Literal["hospital", "hospital_reimbursed", "outpatient", "outpatient_reimbursed"]


class Record(BaseModel):
    """Strict: unknown fields are refused, ``"60"`` is not a number."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Member(Record):
    """A household member (家庭成员)."""

    member_id: OwnId
    name: Text
    id_number: Annotated[
        str, Field(min_length=1, description="ID number of the kind `id_type` says")
    ]
    relation: Annotated[str, Coded("relation"), Field(description="to the head; `02` is the head")]
    sex: Annotated[str, Coded("sex")]
    birth_date: date
    id_type: Annotated[str, Coded("id_type")] = "resident_id"
    ethnicity: Annotated[str, Coded("ethnicity")] = "01"
    political_status: Annotated[str, Coded("political_status")] | None = None
    education: Annotated[str, Coded("education")] | None = None
    schooling: Annotated[str, Coded("schooling")] | None = None
    school_name: str | None = None
    dropout_reason: Annotated[
        str | None, Field(description="a child of compulsory-school age not enrolled")
    ] = None
    completed_grade: Annotated[
        int | None, Field(description="highest grade completed (1–9), for a child not in school")
    ] = None
    home_schooling: Annotated[bool | None, Field(description="送教上门: counts as enrolled")] = None
    schooling_exempt: Annotated[
        bool, Field(description="health prevents schooling: not a dropout")
    ] = False
    health: Annotated[str, Coded("health")] | None = None
    disability_category: Annotated[str, Coded("disability_category")] | None = None
    disability_grade: Annotated[str, Coded("disability_grade")] | None = None
    disability_cert_no: Annotated[
        str | None, Field(description="starts with the member's ID number")
    ] = None
    labour_capacity: Annotated[str, Coded("labour_capacity")] | None = None
    work_status: Annotated[str, Coded("work_status")] | None = None
    work_months: Annotated[int | None, Field(description="months worked this year, 0–12")] = None
    public_welfare_job: bool = False
    active_military: bool = False
    resident_medical_insurance: Annotated[
        bool | None, Field(description="null: not recorded (never “no”)")
    ] = None
    employee_medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    commercial_medical_insurance: bool | None = None
    medical_assistance: bool | None = None
    resident_pension: bool | None = None
    employee_pension: bool | None = None
    family_doctor: bool | None = None
    chronic_disease_card: bool | None = None
    education_aid: Annotated[
        str | None, Field(description="aid received for schooling, free text or amount")
    ] = None
    non_compulsory_aid: list[Annotated[str, Coded("non_compulsory_aid")]] = Field(
        default_factory=list
    )
    non_compulsory_aid_amount: Yuan | None = None
    left_behind: Annotated[str, Coded("left_behind")] | None = None
    wants_work: bool | None = None
    wants_training: bool | None = None
    training_received: bool | None = None
    dibao: bool = False
    destitute_support: bool = False
    relocated: bool = False
    present: Annotated[
        bool, Field(description="false once a member change moved them out (history is kept)")
    ] = True
    revision: Annotated[int, Field(ge=0, description="the county's revision of the record")] = 0


class Helper(Record):
    """An assigned helper (帮扶责任人); a change of helper ends the old row and adds a new one."""

    helper_id: OwnId
    name: Text
    unit: Text
    start_date: date
    sex: Annotated[str, Coded("sex")] | None = None
    unit_level: Annotated[str, Coded("helper_unit_level")] | None = None
    phone: str | None = None
    id_number: str | None = None
    end_date: date | None = None
    confirmed_on: Annotated[
        date | None, Field(description="last visit that confirmed this helper still helps")
    ] = None


class Measure(Record):
    """An assistance measure (帮扶措施)."""

    measure_id: OwnId
    category: Annotated[str, Coded("assistance_category")]
    project: Text
    year: int | None = None
    scale: str | None = None
    funds: Yuan | None = None
    deadline: date | None = None
    status: Annotated[str, Coded("measure_status")] = "planned"
    result: Annotated[str | None, Field(description="帮扶成效")] = None


class Income(Record):
    """One year of household income by item (yuan); identified by its household and `year`."""

    year: int
    items: Annotated[
        dict[str, float], Field(description="income item key of the policy table → yuan")
    ] = Field(default_factory=dict)
    expenses: Annotated[dict[str, float], Field(description="expense item key → yuan")] = Field(
        default_factory=dict
    )
    household_size: Annotated[
        int | None, Field(description="people the income is shared by, if not the member count")
    ] = None
    medical_out_of_pocket: Yuan | None = None
    sudden_expenses: Yuan | None = None
    medical_costs: Annotated[
        dict[str, dict[MedicalCostKey, float]], Field(description="member_id → cost → yuan")
    ] = Field(default_factory=dict)


class HouseholdFields(Record):
    """A household's own fields (建档立卡户), without its members and other parts."""

    household_id: OwnId
    household_no: Annotated[
        str, Field(min_length=1, description="the national platform's household number")
    ]
    division_code: DivisionCodeText
    group: Annotated[str | None, Field(description="村民小组")] = None
    hamlet: Annotated[str | None, Field(description="自然村")] = None
    address: str | None = None
    phone: str | None = None
    identification_standard: Annotated[str, Coded("identification_standard")] | None = "national"
    registered_poor: bool = True
    poverty_category: Annotated[str, Coded("poverty_category")] | None = None
    status: Annotated[str, Coded("status")] = "not_exited"
    exit_year: int | None = None
    household_type: Annotated[str, Coded("household_type")] | None = None
    risk_cleared: bool = False
    risk_cleared_method: Annotated[str, Coded("risk_cleared_method")] | None = None
    risk_cleared_date: date | None = None
    main_poverty_cause: Annotated[str, Coded("poverty_cause")] | None = None
    other_poverty_causes: Annotated[
        list[Annotated[str, Coded("poverty_cause")]], Field(max_length=MAX_OTHER_POVERTY_CAUSES)
    ] = Field(default_factory=list)
    risks: Annotated[list[Annotated[str, Coded("risk")]], Field(max_length=MAX_RISKS)] = Field(
        default_factory=list
    )
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    housing_grade: Annotated[str, Coded("housing_grade")] | None = None
    housing_structure: Annotated[str, Coded("housing_structure")] | None = None
    housing_area: Annotated[float | None, Field(description="m²")] = None
    house_built_year: int | None = None
    renovation_status: Annotated[str, Coded("renovation_status")] | None = None
    renovation_year: int | None = None
    relocated: bool = False
    renovation_target_group: Annotated[str, Coded("renovation_target_group")] | None = None
    renovation_subsidy: Yuan | None = None
    water_source: Annotated[str, Coded("water_source")] | None = None
    water_quantity_lpd: Annotated[float | None, Field(description="litres per person per day")] = (
        None
    )
    water_quality_ok: bool | None = None
    water_piped: Annotated[bool | None, Field(description="piped into the yard")] = None
    water_trip_minutes: float | None = None
    water_distance_h_m: float | None = None
    water_distance_v_m: float | None = None
    water_outage_days: int | None = None
    water_short_area: Annotated[
        bool, Field(description="缺水地区: the lower quantity threshold applies")
    ] = False
    electricity: bool | None = None
    broadcast_tv: bool | None = None
    access_road: Annotated[str, Coded("access_road")] | None = None
    road_distance_km: float | None = None
    cooking_fuel: Annotated[str, Coded("cooking_fuel")] | None = None
    farmland_mu: Annotated[float | None, Field(description="亩")] = None
    irrigated_land_mu: float | None = None
    forest_land_mu: float | None = None
    returned_farmland_mu: float | None = None
    orchard_mu: float | None = None
    grassland_mu: float | None = None
    water_surface_mu: float | None = None
    cooperative_member: bool | None = None
    dibao_phase_out: bool | None = None
    dibao_phase_out_start: date | None = None
    dibao_phase_out_months: Annotated[int | None, Field(description="1–60")] = None
    destitute_support_mode: Annotated[str, Coded("destitute_support_mode")] | None = None
    revision: Annotated[int, Field(ge=0, description="the county's revision of the record")] = 0


class Household(HouseholdFields):
    """A whole household: its fields and its parts inline, in their order."""

    members: list[Member] = Field(default_factory=list)
    helpers: list[Helper] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    incomes: list[Income] = Field(default_factory=list)


class Visit(Record):
    """A finalized visit (走访) as a device sends it: immutable, append-only."""

    visit_id: OwnId
    household_id: Id
    visit_date: date
    visitor: Text
    form_id: Text
    form_version: Text
    status: Annotated[Literal["finalized"], Field(description="only finalized visits travel")]
    answers: Annotated[dict[str, Any], Field(description="field name of the form → answer")] = (
        Field(default_factory=dict)
    )
    created_at: datetime | None = None
    updated_at: datetime | None = None
    finalized_at: datetime | None = None
    amends: Annotated[
        str | None, Field(description="visit_id of the finalized visit this one corrects")
    ] = None
    amendment_reason: str | None = None
    findings: Annotated[str | None, Field(description="what the visitor found, in words")] = None
    assessment: Annotated[
        dict[str, Any] | None, Field(description="the assessment made when it was finalized")
    ] = None


class ReviewedVisit(Visit):
    """A visit as the county sends it back: with its review."""

    review_status: Literal["has_issues", "ok"] | None = None
    review_comment: str | None = None


class MemberChange(Record):
    """A member joining or leaving (人员变更): append-only."""

    change_id: OwnId
    household_id: Id
    member_id: Id
    reason: Annotated[
        str, Coded("member_change_reason"), Field(description="its `direction` says in or out")
    ]
    change_date: date
    note: str | None = None


PART_MODELS: dict[str, type[Record]] = {
    "member": Member,
    "helper": Helper,
    "measure": Measure,
    "income": Income,
}
