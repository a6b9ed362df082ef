"""Household-level facts: poverty category and status, monitoring type, causes, risks, house, water.

Facts must agree with the members, or the demo teaches wrong habits: a household is 因病 only
if someone is ill, destitute-support (特困) only if nobody aged 16–65 can work, a monitoring
risk of 因学 only if someone is at school. Causes and risks are therefore drawn only from the
candidates the members make possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from random import Random

from fieldsurvey.core.household import Household, Member
from fieldsurvey.demo.tables import Weighted, triangular_ints

_EXIT_YEARS: Weighted[int] = Weighted(
    [(2014, 3), (2015, 6), (2016, 12), (2017, 16), (2018, 22), (2019, 26), (2020, 15)]
)
_CLEARED_METHODS: Weighted[str] = Weighted(
    [("income_stable", 50), ("assistance", 35), ("natural", 10), ("other", 5)]
)
_STRUCTURES: Weighted[str] = Weighted(
    [
        ("brick_concrete", 52),
        ("reinforced_concrete", 16),
        ("brick_wood", 14),
        ("earth_wood", 10),
        ("stone_wood", 5),
        ("other", 3),
    ]
)
_OLD_STRUCTURES: Weighted[str] = Weighted(
    [("earth_wood", 55), ("stone_wood", 20), ("brick_wood", 25)]
)
_SAFE_SOURCES: Weighted[str] = Weighted(
    [
        ("purified_tap", 62),
        ("protected_well", 31),
        ("unprotected_well", 3),
        ("rainwater", 1),
        ("other", 3),
    ]
)
_BAD_SOURCES: Weighted[str] = Weighted(
    [("unprotected_well", 60), ("surface", 25), ("rainwater", 15)]
)
_AREA = triangular_ints(50, 220, 110)  # m² of a house
_OLD_AREA = triangular_ints(40, 140, 80)  # m² of an old, unsafe house
_LITRES = triangular_ints(40, 150, 70)  # litres per person per day
_SHORT_LITRES = triangular_ints(25, 150, 55)  # … in a water-short area
_OUTAGE = triangular_ints(0, 20, 2)  # days without water in a year
_SHORT_OUTAGE = triangular_ints(0, 30, 2)
_DISASTER_RISKS: Weighted[str] = Weighted(
    [
        ("disaster_geological", 40),
        ("disaster_flood", 30),
        ("disaster_weather", 15),
        ("disaster_drought", 10),
        ("disaster_biological", 5),
    ]
)
# main and other poverty causes: base weights, used only when the members make a cause possible
_CAUSE_WEIGHTS = {
    "illness": 40,
    "disability": 30,
    "schooling": 12,
    "lack_labour": 20,
    "lack_funds": 25,
    "lack_skills": 15,
    "disaster": 3,
    "lack_land": 4,
    "lack_water": 2,
    "poor_transport": 5,
    "low_motivation": 3,
    "other": 2,
}
_SCHOOL_CONDITIONS = {
    "primary": "compulsory_student",
    "grade7": "compulsory_student",
    "grade8": "compulsory_student",
    "grade9": "compulsory_student",
    "senior1": "senior_student",
    "senior2": "senior_student",
    "senior3": "senior_student",
    "vocational1": "vocational_student",
    "vocational2": "vocational_student",
    "vocational3": "vocational_student",
    "higher_vocational1": "vocational_student",
    "higher_vocational2": "vocational_student",
    "higher_vocational3": "vocational_student",
    "college_plus": "college_student",
}


@dataclass(slots=True)
class MemberSummary:
    """What the household-level choices need to know about the present members.

    ``conditions`` names the situations that call for particular measures (``when`` in
    ``resources/demo/measures.json``): ``ill``, ``critical``, ``disabled``, ``dropout``,
    ``home_schooling``, ``compulsory_student`` … The generator adds household ones later.
    """

    size: int
    ill: bool  # chronic or critical illness
    critical: bool
    disabled: bool
    students: bool
    able: int  # members with ordinary or skilled labour capacity
    workers: int  # members with a work status
    working_age_labour: bool  # someone aged 16–65 with any labour capacity
    oldest: int
    head_age: int
    conditions: set[str]

    @classmethod
    def of(cls, members: list[Member], ages: list[int]) -> MemberSummary:
        ill = critical = disabled = students = working_age_labour = False
        able = workers = 0
        conditions: set[str] = set()
        for m, age in zip(members, ages, strict=True):
            health = m.health
            if health != "healthy":
                if health == "disabled":
                    disabled = True
                    conditions.add("disabled")
                else:
                    ill = True
                    conditions.add("ill")
                    if health == "critical":
                        critical = True
                        conditions.add("critical")
            schooling = m.schooling
            if m.home_schooling:
                students = True
                conditions.add("home_schooling")
            elif schooling is not None and schooling in _SCHOOL_CONDITIONS:
                students = True
                conditions.add(_SCHOOL_CONDITIONS[schooling])
            elif m.dropout_reason:
                conditions.add("dropout")
            capacity = m.labour_capacity
            if capacity == "ordinary" or capacity == "skilled":
                able += 1
                if 16 <= age <= 65:
                    working_age_labour = True
            elif capacity == "weak" and 16 <= age <= 65:
                working_age_labour = True
            if m.work_status is not None:
                workers += 1
            if m.public_welfare_job:
                conditions.add("welfare_job")
        if able:
            conditions.add("able")  # someone can farm or work: production measures make sense
        return cls(
            len(members),
            ill,
            critical,
            disabled,
            students,
            able,
            workers,
            working_age_labour,
            max(ages),
            ages[0],
            conditions,
        )


def classify(rng: Random, hh: Household, s: MemberSummary, troubled: bool, as_of: date) -> None:
    """Category, status, exit year and monitoring type; ``troubled`` raises the monitored share."""
    if hh.registered_poor:
        weak = s.able == 0
        if not s.working_age_labour and s.size <= 2 and s.oldest >= 60 and rng.random() < 0.35:
            hh.poverty_category = "destitute"
        elif rng.random() < (0.6 if weak else 0.3 if s.ill or s.disabled else 0.07):
            hh.poverty_category = "dibao"
        else:
            hh.poverty_category = "general"
        r = rng.random()
        if r < 0.03:
            hh.status, hh.exit_year, hh.household_type = "not_exited", None, None
        elif r < 0.045:
            hh.status, hh.exit_year = "relapsed", _EXIT_YEARS.pick(rng)
            hh.household_type = "unstable" if rng.random() < 0.7 else "sudden_hardship"
        else:
            hh.status, hh.exit_year = "exited", _EXIT_YEARS.pick(rng)
            hh.household_type = (
                "unstable" if rng.random() < (0.5 if troubled else 0.1) else "exited"
            )
        hh.identification_standard = "national" if rng.random() < 0.92 else "provincial"
    else:
        hh.poverty_category = hh.identification_standard = None
        hh.status, hh.exit_year = "not_exited", None
        r = rng.random()
        hh.household_type = "edge" if r < 0.65 else "sudden_hardship" if r < 0.85 else "ordinary"
    monitored_type = hh.household_type in ("unstable", "edge", "sudden_hardship")
    if monitored_type and hh.status != "relapsed" and not troubled and rng.random() < 0.45:
        hh.risk_cleared = True
        hh.risk_cleared_method = _CLEARED_METHODS.pick(rng)
        start = date(2022, 1, 1).toordinal()  # monitoring results were first reviewed in 2022
        hh.risk_cleared_date = date.fromordinal(rng.randint(start, as_of.toordinal()))


def causes(rng: Random, hh: Household, s: MemberSummary, water_short: bool) -> None:
    """主要致贫原因 and up to two others, from the causes the members make possible."""
    if not hh.registered_poor:
        return
    lack_labour = s.able == 0 or (s.able == 1 and s.size > 2)
    picked = _cause_table(s.ill, s.disabled, s.students, lack_labour, water_short)
    main = hh.main_poverty_cause = picked.pick(rng)
    others: list[str] = []
    for _ in range(_OTHER_COUNTS[int(rng.random() * 4)]):
        cause = picked.pick(rng)
        if cause != main and cause not in others:
            others.append(cause)
    hh.other_poverty_causes = others


_OTHER_COUNTS = (0, 1, 1, 2)


@cache
def _cause_table(
    ill: bool, disabled: bool, students: bool, lack_labour: bool, water_short: bool
) -> Weighted[str]:
    allowed = dict(_CAUSE_WEIGHTS)
    if not ill:
        del allowed["illness"]
    if not disabled:
        del allowed["disability"]
    if not students:
        del allowed["schooling"]
    if not lack_labour:
        del allowed["lack_labour"]
    if not water_short:
        del allowed["lack_water"]
    return Weighted(allowed.items())


def risks(rng: Random, hh: Household, s: MemberSummary, water_bad: bool, fell: bool) -> None:
    """返贫致贫风险 of a monitored household (up to five), from what its members make possible."""
    if hh.household_type not in ("unstable", "edge", "sudden_hardship"):
        return
    lack_labour = s.able == 0 or (s.able == 1 and s.size >= 4)
    table = _risk_table(
        s.ill,
        s.critical,
        s.disabled,
        s.students,
        lack_labour,
        s.workers > 0,
        s.able + s.workers > 0,
    )
    chosen: list[str] = []
    if water_bad:
        chosen.append("water_safety")
    if fell:  # a sharp fall in income is what made it a risk
        fall = [
            c for c in ("unstable_employment", "illness", "industry_failure") if c in table.items
        ]
        if fall:
            chosen.append(rng.choice(fall))
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        risk = table.pick(rng)
        if risk == "disaster":
            risk = _DISASTER_RISKS.pick(rng)
        if risk not in chosen:
            chosen.append(risk)
    hh.risks = chosen[:5]


@cache
def _risk_table(
    ill: bool,
    critical: bool,
    disabled: bool,
    students: bool,
    lack_labour: bool,
    workers: bool,
    productive: bool,
) -> Weighted[str]:
    """Risks a household's members make possible; "disaster" stands for the kinds of disaster."""
    candidates: list[tuple[str, float]] = [("accident", 2), ("other", 1), ("disaster", 4)]
    if ill:
        candidates.append(("illness", 14 if critical else 8))
    if disabled:
        candidates.append(("disability", 6))
    if students:
        candidates.append(("schooling", 4))
    if lack_labour:
        candidates.append(("lack_labour", 6))
    if workers:
        candidates.append(("unstable_employment", 6))
    if productive:
        candidates.append(("industry_failure", 2))
    return Weighted(candidates)


def housing(rng: Random, hh: Household, size: int, unsafe: bool, year: int) -> None:
    """House grade, structure, area, age and renovation; relocated households got new flats."""
    if hh.relocated:
        hh.housing_grade = "A"
        hh.housing_structure = "reinforced_concrete" if rng.random() < 0.7 else "brick_concrete"
        hh.housing_area = float(min(125, max(50, 25 * size + rng.choice((0, 0, 10, 20)))))
        hh.house_built_year = rng.randint(2016, 2020)
        hh.renovation_status = "not_needed"
        return
    if unsafe:
        r = rng.random()
        if r < 0.1:  # no house of their own: lives in a borrowed or rented room
            hh.housing_grade, hh.renovation_status = "none", "planned"
            return
        hh.housing_grade = "C" if r < 0.65 else "D"
        hh.housing_structure = _OLD_STRUCTURES.pick(rng)
        hh.housing_area = float(_OLD_AREA.pick(rng))
        hh.house_built_year = rng.randint(1962, 1995)
        hh.renovation_status = (
            "planned" if rng.random() < 0.6 else "in_progress" if rng.random() < 0.6 else None
        )
        if hh.renovation_status is not None:
            hh.renovation_year = year + (hh.renovation_status == "planned")
        return
    structure = _STRUCTURES.pick(rng)
    hh.housing_structure = structure
    hh.housing_area = float(_AREA.pick(rng))
    old = structure in ("earth_wood", "stone_wood", "brick_wood")
    hh.house_built_year = rng.randint(1968, 2000) if old else rng.randint(1992, year)
    if hh.registered_poor and (old or rng.random() < 0.15) and rng.random() < 0.6:
        hh.renovation_status, hh.renovation_year = "completed", rng.randint(2015, 2021)
        hh.housing_grade = "A" if rng.random() < 0.6 else "B"
    else:
        hh.renovation_status = "not_needed"
        hh.housing_grade = "B" if old or rng.random() < 0.25 else "A"


def water(rng: Random, hh: Household, short_area: bool, unsafe: bool) -> None:
    """Source, quantity, quality, convenience and supply guarantee (T/CHES 18-2018).

    An unsafe household fails exactly one test, so the assessment has one clear reason to show.
    """
    hh.water_short_area = short_area
    if hh.relocated:
        hh.water_source, hh.water_piped = "purified_tap", True
    else:
        hh.water_source = _SAFE_SOURCES.pick(rng)
        hh.water_piped = rng.random() < (0.97 if hh.water_source == "purified_tap" else 0.75)
    hh.water_quality_ok = True
    r = rng.random
    hh.water_quantity_lpd = float((_SHORT_LITRES if short_area else _LITRES).pick(rng))
    hh.water_outage_days = (_SHORT_OUTAGE if short_area else _OUTAGE).pick(rng)
    if not hh.water_piped:  # fetched: a short walk to a spring or a public tap
        hh.water_trip_minutes = 3.0 + int(r() * 16)
        hh.water_distance_h_m = 50.0 + 10 * int(r() * 70)
        hh.water_distance_v_m = 5.0 + int(r() * 66)
    if not unsafe:
        return
    x = r()
    if x < 0.3:
        hh.water_quantity_lpd = float(rng.randint(10, 19) if short_area else rng.randint(15, 33))
    elif x < 0.55:
        hh.water_outage_days = rng.randint(40, 90)
    elif x < 0.8:  # a far spring down the mountain, no pipe
        hh.water_piped = False
        if hh.water_source == "purified_tap":
            hh.water_source = "protected_well"
        hh.water_trip_minutes = float(rng.randint(25, 60))
        hh.water_distance_h_m = 900.0 + 50 * int(r() * 32)
        hh.water_distance_v_m = float(rng.randint(90, 220))
    else:
        hh.water_source = _BAD_SOURCES.pick(rng)
        hh.water_quality_ok = False


_ROADS: Weighted[str] = Weighted([("cement", 62), ("asphalt", 8), ("gravel", 22), ("dirt", 8)])
_FUELS: Weighted[str] = Weighted(
    [("firewood", 48), ("clean", 38), ("coal", 10), ("dung", 2), ("other", 2)]
)


def living(hh: Household, ages: list[int], year: int, seed: int) -> None:
    """生产生活条件, social assistance details, members' wishes and a year's medical costs.

    Drawn from a generator of their own (seeded by the household number), so adding them left
    every other fact of the demo county as it was.
    """
    rng = Random(f"{seed}:living:{hh.household_no}")
    hh.electricity = rng.random() < 0.998
    hh.broadcast_tv = rng.random() < 0.96
    hh.access_road = "cement" if hh.relocated else _ROADS.pick(rng)
    hh.road_distance_km = 0.0 if hh.relocated else round(rng.random() * 2.5, 1)
    hh.cooking_fuel = "clean" if hh.relocated else _FUELS.pick(rng)
    hh.farmland_mu = round(0.5 + rng.random() * 1.2 * max(1, len(ages)), 1)
    hh.irrigated_land_mu = round(hh.farmland_mu * rng.choice((0.0, 0.2, 0.4)), 1)
    hh.forest_land_mu = round(rng.random() * 12, 1)
    hh.returned_farmland_mu = round(rng.random() * 2, 1) if rng.random() < 0.3 else 0.0
    hh.orchard_mu = round(rng.random() * 1.5, 1) if rng.random() < 0.25 else 0.0
    hh.grassland_mu = 0.0
    hh.water_surface_mu = 0.0
    hh.cooperative_member = hh.registered_poor and rng.random() < 0.55
    if hh.poverty_category == "destitute":
        hh.destitute_support_mode = "centralized" if rng.random() < 0.15 else "dispersed"
    if hh.poverty_category == "dibao" and hh.status == "exited" and rng.random() < 0.2:
        disabled = any(m.health == "disabled" for m in hh.members if m.present)
        hh.dibao_phase_out = True
        hh.dibao_phase_out_months = 18 if disabled else 12
        hh.dibao_phase_out_start = date(year - 1, rng.randint(1, 12), 1)
    elif hh.registered_poor:
        hh.dibao_phase_out = False
    if hh.renovation_status in ("completed", "in_progress", "planned"):
        hh.renovation_target_group = (
            "dibao" if hh.poverty_category == "dibao" else "registered_poor"
        )
        hh.renovation_subsidy = float(rng.choice((14000, 17000, 20000, 25000)))
    working_away = any(
        m.work_status in ("out_province", "out_county_in_province") for m in hh.members if m.present
    )
    for m, age in zip([m for m in hh.members if m.present], ages, strict=False):
        if 16 <= age <= 65 and m.labour_capacity not in ("lost", "none", None):
            if not m.work_status:
                m.wants_work = rng.random() < 0.6
            m.wants_training = rng.random() < 0.35
            m.training_received = rng.random() < 0.2
        if working_away and not m.work_status:
            if age < 16:
                m.left_behind = "child"
            elif age >= 60:
                m.left_behind = "elderly"
            elif m.sex == "female":
                m.left_behind = "woman"
        # a child of compulsory-school age records aid in the education section (education_aid)
        if age >= 16 and m.schooling in (
            "senior1",
            "senior2",
            "senior3",
            "vocational1",
            "vocational2",
            "vocational3",
            "higher_vocational1",
            "higher_vocational2",
            "higher_vocational3",
            "college_plus",
        ):
            m.non_compulsory_aid = (
                ["yulu_plan"]
                if m.schooling.startswith(("vocational", "higher"))
                else ["national_grant"]
            )
            m.non_compulsory_aid_amount = (
                3000.0 if m.non_compulsory_aid == ["yulu_plan"] else 2000.0
            )
    latest = hh.latest_income()
    if latest is None:
        return
    for m in hh.members:
        if m.present and m.health in ("critical", "chronic") and rng.random() < 0.5:
            costs = float(rng.randint(30, 400) * 100)
            share = rng.choice((0.82, 0.86, 0.9, 0.92, 0.78))
            latest.medical_costs[m.member_id] = {
                "hospital": costs,
                "hospital_reimbursed": round(costs * share, 2),
            }
