"""A member's facts: health, schooling, education, labour, work and insurance, by age.

Each fact follows from the ones before it the way it does in the field: a severely disabled
child is taught at home or exempted rather than sent to school, a man of 75 has no labour
capacity, a migrant worker has months worked, almost everyone is insured. Rates are rough
figures for registered poor households in the mountains of southern Shaanxi (disability and
chronic illness are much more common there than in the population at large).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from random import Random

from fieldsurvey.core.household import Member
from fieldsurvey.demo.family import Person
from fieldsurvey.demo.identity import RecordIds
from fieldsurvey.demo.tables import DemoTables, Weighted

DISABILITY_CATEGORY: Weighted[str] = Weighted(
    [("4", 40), ("2", 14), ("1", 12), ("5", 10), ("6", 10), ("7", 9), ("3", 5)]
)
CHILD_DISABILITY_CATEGORY: Weighted[str] = Weighted(
    [("5", 35), ("4", 25), ("7", 15), ("2", 12), ("3", 8), ("1", 5)]
)
DISABILITY_GRADE: Weighted[str] = Weighted([("1", 10), ("2", 20), ("3", 30), ("4", 40)])
# education of adults no longer at school, by birth year (older women had less schooling)
_EDUCATION_BY_COHORT: tuple[tuple[int, Weighted[str], Weighted[str]], ...] = (
    (
        1955,
        Weighted(
            [("illiterate", 35), ("primary", 45), ("junior_secondary", 17), ("senior_secondary", 3)]
        ),
        Weighted([("illiterate", 60), ("primary", 32), ("junior_secondary", 8)]),
    ),
    (
        1970,
        Weighted(
            [("illiterate", 12), ("primary", 45), ("junior_secondary", 36), ("senior_secondary", 7)]
        ),
        Weighted(
            [("illiterate", 28), ("primary", 45), ("junior_secondary", 24), ("senior_secondary", 3)]
        ),
    ),
    (
        1985,
        Weighted(
            [
                ("illiterate", 4),
                ("primary", 28),
                ("junior_secondary", 55),
                ("senior_secondary", 11),
                ("college_plus", 2),
            ]
        ),
        Weighted(
            [
                ("illiterate", 8),
                ("primary", 34),
                ("junior_secondary", 48),
                ("senior_secondary", 8),
                ("college_plus", 2),
            ]
        ),
    ),
    (
        2000,
        Weighted(
            [
                ("illiterate", 1),
                ("primary", 9),
                ("junior_secondary", 55),
                ("senior_secondary", 23),
                ("college_plus", 12),
            ]
        ),
        Weighted(
            [
                ("illiterate", 1),
                ("primary", 10),
                ("junior_secondary", 52),
                ("senior_secondary", 23),
                ("college_plus", 14),
            ]
        ),
    ),
    (
        9999,
        Weighted(
            [
                ("primary", 3),
                ("junior_secondary", 42),
                ("senior_secondary", 35),
                ("college_plus", 20),
            ]
        ),
        Weighted(
            [
                ("primary", 3),
                ("junior_secondary", 40),
                ("senior_secondary", 35),
                ("college_plus", 22),
            ]
        ),
    ),
)
_GRADE_CODES = {7: "grade7", 8: "grade8", 9: "grade9"}
_SENIOR = ("senior1", "senior2", "senior3")
_VOCATIONAL = ("vocational1", "vocational2", "vocational3")
_HIGHER_VOCATIONAL = ("higher_vocational1", "higher_vocational2", "higher_vocational3")
# (disabled, critical, chronic) rates for ages <16, 16–59, 60–69, 70+
_HEALTH_RATES = (
    (0.015, 0.004, 0.01),
    (0.06, 0.015, 0.07),
    (0.09, 0.035, 0.25),
    (0.09, 0.035, 0.35),
)
_FAR = frozenset({"out_province", "out_county_in_province"})
_FAR_MONTHS: Weighted[int] = Weighted([(6, 1), (7, 1), (8, 2), (9, 3), (10, 5), (11, 6), (12, 5)])
_LOCAL_MONTHS: Weighted[int] = Weighted(
    [(3, 1), (4, 2), (5, 2), (6, 3), (7, 3), (8, 4), (9, 3), (10, 3), (11, 2), (12, 3)]
)
_MIGRANT: Weighted[str] = Weighted([("out_province", 65), ("out_county_in_province", 35)])
_AT_HOME_WORK: Weighted[str | None] = Weighted(
    [
        ("out_province", 25),
        ("out_county_in_province", 12),
        ("out_township_in_county", 10),
        ("in_township", 13),
        ("other", 2),
        (None, 38),
    ]
)


def school_grade(born: date, school_year: int) -> int:
    """The grade a child born on ``born`` is in during the school year starting in ``school_year``.

    Children who are 6 by 31 August start primary school that September (grade 1); 0 or less
    means not yet at school, 7–9 junior secondary, 10–12 senior, above that tertiary.
    """
    entry = born.year + (6 if (born.month, born.day) <= (8, 31) else 7)
    return school_year - entry + 1


def school_year_of(on: date) -> int:
    return on.year if on.month >= 9 else on.year - 1


@dataclass(slots=True)
class MemberContext:
    """What a member's facts depend on beyond the person: the household and where it is."""

    as_of: date
    school_year: int  # the calendar year the current school year began in
    township: str
    village: str
    registered_poor: bool
    more_disability: bool  # households of single adults: disability is what kept them single
    uninsured: bool  # this member is the household's uninsured one
    dropout: bool  # this member is the household's dropout


class MemberFactory:
    def __init__(self, tables: DemoTables, record_ids: RecordIds) -> None:
        schools = tables.schools
        self._new_id = record_ids.next
        self._primary = schools["primary"]
        self._village_primary = schools["village_primary"]
        self._junior = schools["junior"]
        self._senior = tuple(schools["senior"])
        self._vocational = tuple(schools["vocational"])
        self._higher_vocational = tuple(schools["higher_vocational"])
        self._college = tuple(schools["college"])
        self._special = schools["special"]
        self._dropout_reasons = tables.dropout_reasons

    def make(self, rng: Random, p: Person, ctx: MemberContext) -> Member:
        born = p.birth_date
        assert born is not None
        as_of = ctx.as_of
        age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        p.age = age
        m = Member(
            name=p.name,
            id_number=p.id_number,
            relation=p.relation,
            sex="male" if p.male else "female",
            birth_date=born,
            member_id=self._new_id(),
            present=p.present,
        )
        r = rng.random
        # health: disability and illness are far commoner in registered households, and with age
        disabled, critical, chronic = _HEALTH_RATES[
            0 if age < 16 else 1 if age < 60 else 2 if age < 70 else 3
        ]
        if ctx.more_disability:
            disabled *= 3
        x = r()
        if x < disabled:
            health = "disabled"
            category = (CHILD_DISABILITY_CATEGORY if age < 16 else DISABILITY_CATEGORY).pick(rng)
            grade = DISABILITY_GRADE.pick(rng)
            m.disability_category, m.disability_grade = category, grade
            m.disability_cert_no = m.id_number + category + grade
        else:
            health = (
                "critical"
                if x < disabled + critical
                else "chronic"
                if x < disabled + critical + chronic
                else "healthy"
            )
        m.health = health
        if p.settled and age >= 18:  # married adults are not at school
            m.schooling = "not_student" if age <= 23 else None
            m.education = _adult_education(rng, born.year, p.male, m)
        else:
            self._schooling(rng, m, p, age, ctx)
        if age >= 16:
            self._labour_and_work(rng, m, p, age)
        # insurance: almost everyone is in the residents' scheme; a few migrants in an employer's
        if ctx.uninsured:
            m.resident_medical_insurance = m.employee_medical_insurance = False
            m.critical_illness_insurance = m.commercial_medical_insurance = False
        elif m.work_status in _FAR and age < 50 and r() < 0.08:
            m.employee_medical_insurance, m.resident_medical_insurance = True, False
            m.critical_illness_insurance = m.employee_pension = True
        else:
            m.resident_medical_insurance, m.employee_medical_insurance = True, False
            m.critical_illness_insurance = True
            m.commercial_medical_insurance = r() < (0.35 if ctx.registered_poor else 0.1)
        if (
            age >= 16
            and not m.employee_pension
            and (m.schooling is None or m.schooling == "not_student")
        ):
            m.resident_pension = r() < 0.95
            m.employee_pension = False
        m.family_doctor = True if health != "healthy" or age >= 65 else r() < 0.88
        m.chronic_disease_card = (health == "chronic" or health == "critical") and r() < 0.75
        if age >= 18:
            x = r()
            party = 0.07 if p.male and age >= 35 else 0.02
            m.political_status = (
                "cpc_member" if x < party else "cyl_member" if age <= 28 and x < 0.2 else "masses"
            )
        elif age >= 14:
            m.political_status = "cyl_member" if r() < 0.3 else "masses"
        return m

    # -- schooling and education -------------------------------------------------------------

    def _schooling(self, rng: Random, m: Member, p: Person, age: int, ctx: MemberContext) -> None:
        r = rng.random
        born = m.birth_date
        grade = school_grade(born, ctx.school_year)
        if age >= 24 or grade > 17:
            m.schooling = "not_student" if age <= 23 else None
            m.education = _adult_education(rng, born.year, p.male, m)
            return
        if grade <= 0:
            m.education = "preschool"
            if age >= 3:
                m.schooling = "preschool" if r() < 0.85 else "not_student"
            return
        poor = ctx.registered_poor
        if grade <= 9:
            self._compulsory(rng, m, grade, ctx)
        elif grade <= 12:
            if age >= 16 and r() < 0.12:
                m.schooling, m.education = "not_student", "junior_secondary"
            elif r() < 0.35:
                m.schooling, m.education = _VOCATIONAL[grade - 10], "senior_secondary"
                m.school_name = _one(r, self._vocational)
                m.education_aid = "雨露计划3000元/年" if poor else "中职免学费"
            else:
                m.schooling, m.education = _SENIOR[grade - 10], "senior_secondary"
                m.school_name = _one(r, self._senior)
                m.education_aid = "普通高中国家助学金2000元/年" if poor else None
        elif grade <= 15 and r() < 0.55:
            if r() < 0.45:
                m.schooling = _HIGHER_VOCATIONAL[grade - 13]
                m.school_name = _one(r, self._higher_vocational)
                m.education_aid = "雨露计划3000元/年" if poor else None
            else:
                m.schooling = "college_plus"
                m.school_name = _one(r, self._college)
                m.education_aid = "生源地信用助学贷款" if poor else None
            m.education = "college_plus"
        elif grade > 15 and r() < 0.35:
            m.schooling, m.education = "college_plus", "college_plus"
            m.school_name = _one(r, self._college)
        else:
            m.schooling = "not_student"
            m.education = "senior_secondary" if r() < 0.6 else "junior_secondary"
        if m.health == "disabled" and m.disability_category == "5" and m.schooling == "not_student":
            m.education = "illiterate" if m.disability_grade in ("1", "2") else "primary"

    def _compulsory(self, rng: Random, m: Member, grade: int, ctx: MemberContext) -> None:
        stage = "primary" if grade <= 6 else _GRADE_CODES[grade]
        m.education = "primary" if grade <= 6 else "junior_secondary"
        if ctx.dropout:
            m.schooling, m.education = "not_student", "primary"
            m.dropout_reason = self._dropout_reasons.pick(rng)
            return
        r = rng.random
        if m.health == "disabled" and m.disability_grade in ("1", "2"):
            x = r()
            if x < 0.55:  # 送教上门: taught at home by the special school, counts as enrolled
                m.schooling, m.home_schooling = stage, True
                m.school_name = self._special
                return
            if x < 0.75:  # assessed unable to study: exempt, not a dropout
                m.schooling, m.schooling_exempt, m.education = "not_student", True, "illiterate"
                return
            m.schooling, m.school_name = stage, self._special
            return
        m.schooling = stage
        if grade <= 6:
            small = grade <= 3 and r() < 0.3
            m.school_name = (self._village_primary if small else self._primary).format(
                township=ctx.township, village=ctx.village
            )
        else:
            m.school_name = self._junior.format(township=ctx.township)
        if ctx.registered_poor:
            m.education_aid = "营养改善计划" if grade <= 6 else "营养改善计划、寄宿生生活补助"

    # -- labour and work ---------------------------------------------------------------------

    @staticmethod
    def _labour_and_work(rng: Random, m: Member, p: Person, age: int) -> None:
        r = rng.random
        if m.schooling not in (None, "not_student"):
            m.labour_capacity = "none"
            return
        health, x = m.health, r()
        if health == "disabled":
            g = m.disability_grade
            m.labour_capacity = (
                "lost"
                if g in ("1", "2") or (g == "3" and x < 0.3)
                else "weak"
                if g == "3" or x < 0.5
                else "ordinary"
            )
        elif health == "critical":
            m.labour_capacity = "lost" if x < 0.6 else "weak"
        elif age >= 70:
            m.labour_capacity = "weak" if x < 0.15 else "none"
        elif age >= 60:
            m.labour_capacity = "weak" if x < 0.7 else "ordinary" if x < 0.9 else "none"
        elif health == "chronic" and x < 0.55:
            m.labour_capacity = "weak"
        else:
            skilled = (
                0.25 if age < 50 and m.education in ("senior_secondary", "college_plus") else 0.12
            )
            m.labour_capacity = "skilled" if x < skilled else "ordinary"
        if p.male and 18 <= age <= 22 and r() < 0.01:
            m.active_military = True  # 现役军人: conscript pay goes to the household
            return
        capacity = m.labour_capacity
        if (capacity == "ordinary" or capacity == "skilled") and age < 60:
            work = _MIGRANT.pick(rng) if p.away else _AT_HOME_WORK.pick(rng)
        elif capacity == "weak" and age < 65 and r() < 0.2:
            work = "in_township"
        else:
            return
        if work is not None:
            m.work_status = work
            m.work_months = (_FAR_MONTHS if work in _FAR else _LOCAL_MONTHS).pick(rng)


def _one(r: Callable[[], float], options: tuple[str, ...]) -> str:
    return options[int(r() * len(options))]


def _adult_education(rng: Random, birth_year: int, male: bool, m: Member) -> str:
    for until, men, women in _EDUCATION_BY_COHORT:
        if birth_year <= until:
            education = (men if male else women).pick(rng)
            break
    if (
        m.health == "disabled"
        and m.disability_category in ("5", "7")
        and m.disability_grade in ("1", "2")
    ):
        return "illiterate"
    return education
