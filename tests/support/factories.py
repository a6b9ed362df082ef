"""Hand-built synthetic households for tests (made-up people; ID numbers valid by construction)."""

from __future__ import annotations

from datetime import date, timedelta

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.ids import make_id_number

VILLAGE = "610728101001"


def member(name: str, relation: str, sex: str, birth: date, seq: int, **extra: object) -> Member:
    return Member(
        name=name,
        id_number=make_id_number("610728", birth, seq, sex),
        relation=relation,
        sex=sex,
        birth_date=birth,
        **extra,  # type: ignore[arg-type]
    )


def insured(name: str, relation: str, sex: str, birth: date, seq: int, **extra: object) -> Member:
    """A member covered by all three medical schemes (basic insurance, critical illness insurance,
    medical assistance): the medical dimension met, as for everyone in ``household``."""
    return member(
        name,
        relation,
        sex,
        birth,
        seq,
        resident_medical_insurance=True,
        critical_illness_insurance=True,
        medical_assistance=True,
        **extra,
    )


def household_with(no: str, village: str = VILLAGE, **changes: object) -> Household:
    """``household(no, village)`` with fields set after it is made, where ``household`` sets its
    own (status, type, grades): one way to give a synthetic family its one problem."""
    h = household(no=no, village=village)
    for name, value in changes.items():
        setattr(h, name, value)
    return h


def household(
    no: str = "6107281010010001",
    village: str = VILLAGE,
    *,
    person_index: int | None = None,
    **extra: object,
) -> Household:
    """A family of four: head, spouse, a school-age daughter, the head's mother.

    Their ID numbers follow from the last three digits of ``no``, so households whose numbers end
    alike hold the same people. ``person_index`` (0, 1, 2 …) gives a family of people found in no
    other household made with another index nor in any made without one (the county refuses one
    person in two households): birthdays move by a day or more, order codes by the index.
    """
    h = Household(
        household_no=no,
        division_code=DivisionCode(village),
        group="三组",
        address="示范村三组",
        poverty_category="general",
        status="exited",
        exit_year=2019,
        household_type="exited",
        main_poverty_cause="illness",
        other_poverty_causes=["lack_skills"],
        housing_grade="B",
        water_source="purified_tap",
        water_quantity_lpd=60,
        water_quality_ok=True,
        water_piped=True,
        water_outage_days=5,
        food_secure=True,
        clothing_secure=True,
        **extra,  # type: ignore[arg-type]
    )
    seq = int(no[-3:]) * 4 if person_index is None else (person_index % 250) * 4
    shift = timedelta(days=0 if person_index is None else person_index // 250 + 1)
    h.members = [
        insured(
            "王建国",
            "02",
            "male",
            date(1975, 3, 14) + shift,
            seq + 1,
            health="chronic",
            labour_capacity="ordinary",
        ),
        insured(
            "李秀兰",
            "10",
            "female",
            date(1977, 8, 2) + shift,
            seq + 2,
            health="healthy",
            labour_capacity="ordinary",
        ),
        insured(
            "王子涵",
            "30",
            "female",
            date(2014, 9, 1) + shift,
            seq + 3,
            schooling="primary",
            health="healthy",
        ),
        insured(
            "张桂英",
            "52",
            "female",
            date(1948, 1, 20) + shift,
            seq + 4,
            health="healthy",
        ),
    ]
    h.helpers = [Helper("赵文军", "县农业农村局", date(2021, 3, 1), unit_level="county")]
    h.measures = [
        AssistanceMeasure("industry", "产业奖补-养殖", year=2024, funds=3000.0, status="completed")
    ]
    h.incomes = [
        IncomeRecord(
            2024,
            {
                "wage.migrant_work": 30000.0,
                "business.livestock": 8000.0,
                "transfer.pension": 2400.0,
            },
            {"business.livestock": 3000.0},
        ),
        IncomeRecord(
            2025,
            {
                "wage.migrant_work": 32000.0,
                "business.livestock": 9000.0,
                "transfer.pension": 2600.0,
            },
            {"business.livestock": 3500.0},
        ),
    ]
    return h
