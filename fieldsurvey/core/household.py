"""Households and their members as the registry knows them (建档立卡 record).

The registry holds the current facts about a household: who lives there, its categories, its
house and water, its incomes by year, its helpers and assistance measures. Visits are the
evidence those facts come from (see ``visit.py``); the assessment reads the facts.

Every record has a client-made UUID so two devices can create records offline without
colliding; ``household_no`` is the national platform number people know it by.
Coded values hold codes from ``resources/codes/`` (see ``codes.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.ids import age_on

MAX_OTHER_POVERTY_CAUSES = 2
MAX_RISKS = 5


MEDICAL_COST_KEYS = ("hospital", "hospital_reimbursed", "outpatient", "outpatient_reimbursed")


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(slots=True)
class Member:
    name: str
    id_number: str
    relation: str  # GB/T 4761 code, "02" for the head
    sex: str  # "male" | "female"
    birth_date: date
    member_id: str = field(default_factory=new_id)
    id_type: str = "resident_id"
    ethnicity: str = "01"
    political_status: str | None = None
    education: str | None = None
    schooling: str | None = None  # 在校生状况
    school_name: str | None = None
    dropout_reason: str | None = None  # set when a child of compulsory-school age is not enrolled
    # highest grade completed (1–9 through compulsory school), asked of a child not in school:
    # compulsory education is finished with grade 9 completed, whatever 文化程度 says
    completed_grade: int | None = None
    home_schooling: bool | None = None  # 送教上门: counts as enrolled (disabled or ill children)
    schooling_exempt: bool = False  # health prevents schooling (assessed so); not a dropout
    health: str | None = None
    disability_category: str | None = None
    disability_grade: str | None = None
    disability_cert_no: str | None = None
    labour_capacity: str | None = None
    work_status: str | None = None
    work_months: int | None = None
    public_welfare_job: bool = False
    active_military: bool = False
    # insurance and social protection; None means "not recorded", never "no"
    resident_medical_insurance: bool | None = None
    employee_medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    commercial_medical_insurance: bool | None = None
    medical_assistance: bool | None = None
    resident_pension: bool | None = None
    employee_pension: bool | None = None
    family_doctor: bool | None = None
    chronic_disease_card: bool | None = None
    education_aid: str | None = None  # aid received for schooling (资助), free text or amount
    # aid beyond compulsory school (雨露计划, 国家助学金 …): non_compulsory_aid codes, yuan this year
    non_compulsory_aid: list[str] = field(default_factory=list)
    non_compulsory_aid_amount: float | None = None
    left_behind: str | None = (
        None  # 留守: left_behind code (child, woman, elderly, not_left_behind)
    )
    wants_work: bool | None = None  # 就业意愿, asked of working-age members not in work
    wants_training: bool | None = None  # 培训意愿
    training_received: bool | None = None  # took part in skills training this year
    dibao: bool = False
    destitute_support: bool = False
    relocated: bool = False
    present: bool = True  # False once a member change moved them out (history is kept)
    revision: int = 0

    @property
    def is_head(self) -> bool:
        return self.relation == "02"

    def age(self, on: date | None = None) -> int:
        return age_on(self.birth_date, on or date.today())

    @property
    def basic_insured(self) -> bool | None:
        if self.resident_medical_insurance or self.employee_medical_insurance:
            return True
        if self.resident_medical_insurance is None and self.employee_medical_insurance is None:
            return None
        return False


@dataclass(slots=True)
class Helper:
    """帮扶责任人. A change of helper ends the old row and adds a new one (history kept)."""

    name: str
    unit: str
    start_date: date
    helper_id: str = field(default_factory=new_id)
    sex: str | None = None
    unit_level: str | None = None
    phone: str | None = None
    id_number: str | None = None
    end_date: date | None = None
    confirmed_on: date | None = None  # last visit that confirmed this helper still helps

    @property
    def current(self) -> bool:
        return self.end_date is None or self.end_date >= date.today()


@dataclass(slots=True)
class AssistanceMeasure:
    category: str  # assistance_category code
    project: str
    measure_id: str = field(default_factory=new_id)
    year: int | None = None
    scale: str | None = None
    funds: float | None = None  # yuan
    deadline: date | None = None
    status: str = "planned"
    result: str | None = None  # 帮扶成效


@dataclass(slots=True)
class IncomeRecord:
    """One year of household income by item (yuan), as the income form records it.

    Item keys are those of the policy table's income items (``wage.migrant_work`` …); which of
    them count towards net income is the policy's business, not this record's.
    """

    year: int
    items: dict[str, float] = field(default_factory=dict)
    expenses: dict[str, float] = field(default_factory=dict)
    household_size: int | None = None  # people the income is shared by, if not the member count
    medical_out_of_pocket: float | None = None
    sudden_expenses: float | None = None
    # per member (member_id) this year: MEDICAL_COST_KEYS → yuan; the reimbursement rates of
    # core/reimbursement.py are computed from these
    medical_costs: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(slots=True)
class Household:
    household_no: str
    division_code: DivisionCode
    household_id: str = field(default_factory=new_id)
    group: str | None = None  # 村民小组
    hamlet: str | None = None  # 自然村
    address: str | None = None
    phone: str | None = None
    identification_standard: str | None = "national"
    registered_poor: bool = True
    poverty_category: str | None = None
    status: str = "not_exited"
    exit_year: int | None = None
    household_type: str | None = None  # monitoring type: ordinary, exited, unstable, edge, …
    risk_cleared: bool = False
    risk_cleared_method: str | None = None
    risk_cleared_date: date | None = None
    main_poverty_cause: str | None = None
    other_poverty_causes: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    # two assurances: judged by the visitor
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    # housing safety
    housing_grade: str | None = None  # A B C D or "none"
    housing_structure: str | None = None
    housing_area: float | None = None  # m²
    house_built_year: int | None = None
    renovation_status: str | None = None
    renovation_year: int | None = None
    relocated: bool = False
    renovation_target_group: str | None = None  # renovation_target_group code (四类重点对象)
    renovation_subsidy: float | None = None  # yuan granted for the renovation
    # drinking water
    water_source: str | None = None
    water_quantity_lpd: float | None = None  # litres per person per day
    water_quality_ok: bool | None = None
    water_piped: bool | None = None  # piped into the yard
    water_trip_minutes: float | None = None
    water_distance_h_m: float | None = None
    water_distance_v_m: float | None = None
    water_outage_days: int | None = None
    water_short_area: bool = False  # 缺水地区: lower quantity threshold applies
    # production and living conditions (生产生活条件)
    electricity: bool | None = None  # 通生活用电
    broadcast_tv: bool | None = None  # 广播电视户户通
    access_road: str | None = None  # 入户路类型: access_road code
    road_distance_km: float | None = None  # distance to the village's main road
    cooking_fuel: str | None = None  # 主要燃料类型: cooking_fuel code
    farmland_mu: float | None = None  # 耕地面积 (亩)
    irrigated_land_mu: float | None = None  # 有效灌溉面积
    forest_land_mu: float | None = None  # 林地面积
    returned_farmland_mu: float | None = None  # 退耕还林面积
    orchard_mu: float | None = None  # 林果面积
    grassland_mu: float | None = None  # 牧草地面积
    water_surface_mu: float | None = None  # 水面面积
    cooperative_member: bool | None = None  # 加入农民专业合作社
    # social assistance
    dibao_phase_out: bool | None = (
        None  # 低保渐退: dibao continued after the household no longer qualifies
    )
    dibao_phase_out_start: date | None = None
    dibao_phase_out_months: int | None = None
    destitute_support_mode: str | None = None  # 特困供养: destitute_support_mode code
    members: list[Member] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)
    measures: list[AssistanceMeasure] = field(default_factory=list)
    incomes: list[IncomeRecord] = field(default_factory=list)
    revision: int = 0

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.present and m.is_head), None)

    @property
    def present_members(self) -> list[Member]:
        return [m for m in self.members if m.present]

    @property
    def size(self) -> int:
        return len(self.present_members)

    @property
    def monitored(self) -> bool:
        return (
            self.household_type in ("unstable", "edge", "sudden_hardship") and not self.risk_cleared
        )

    def income_for(self, year: int) -> IncomeRecord | None:
        return next((r for r in self.incomes if r.year == year), None)

    def latest_income(self) -> IncomeRecord | None:
        return max(self.incomes, key=lambda r: r.year, default=None)

    def dibao_phase_out_end(self) -> date | None:
        """The last day of the 低保渐退 period (start + months − 1 day), when both are recorded."""
        if (
            not self.dibao_phase_out
            or not self.dibao_phase_out_start
            or not self.dibao_phase_out_months
        ):
            return None
        start = self.dibao_phase_out_start
        months = start.month - 1 + self.dibao_phase_out_months
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        return date.fromordinal(date(year, month, day).toordinal() - 1)

    def current_helpers(self) -> list[Helper]:
        return [h for h in self.helpers if h.current]

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.member_id == member_id), None)
