"""Issue 16's households: the three medical guarantees, 支出骤增, each year's own household size,
pre-school and grade 9, 送教上门 for the children it is meant for, unrecorded business costs.

Each test builds the household from ``test_assessment.good()`` (everything met), changes the
facts under test, and asserts the outcome together with the reason's exact wording and the
member and fact it is attributed to.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.assessment_result import MET, NOT_MET, UNKNOWN, Reason
from fieldsurvey.core.household import IncomeRecord
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.rules import check_household
from fieldsurvey.core.validation import ERROR
from fieldsurvey.core.visit import MemberChange
from tests.core.test_assessment import ON, born, child, good, person


def zh(reasons: tuple[Reason, ...]) -> list[tuple[str, str | None, str | None]]:
    """Each reason as (Chinese text, member id, fact): what a reader sees and what it rests on."""
    return [(r.text.zh, r.member_id, r.fact) for r in reasons]


def county(tmp_path: Path, name: str, table: dict[str, object]) -> Path:
    folder = tmp_path / "county"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return folder


# -- 基本医疗: three guarantees ----------------------------------------------------------------


def test_the_shipped_table_requires_all_three_guarantees() -> None:
    required = {k for k, v in load_policy().medical_required.items() if v.value}
    assert required == {"basic_insurance", "critical_illness_insurance", "medical_assistance"}


def test_a_member_outside_medical_assistance_fails_the_medical_dimension() -> None:
    h = good()
    spouse = h.members[1]
    spouse.medical_assistance = False
    medical = assess(h, on=ON).dimensions["medical"]
    assert medical.outcome == NOT_MET
    assert zh(medical.reasons) == [
        ("成员2（配偶，38岁）未纳入医疗救助", spouse.member_id, "medical_assistance"),
        ("2名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实", None, None),
    ]
    assert (
        medical.reasons[0].text.en
        == "member 2 (spouse, age 38) is not covered by medical assistance"
    )


def test_medical_assistance_not_recorded_is_unknown_not_met() -> None:
    h = good()
    h.members[2].medical_assistance = None
    medical = assess(h, on=ON).dimensions["medical"]
    assert medical.outcome == UNKNOWN
    assert zh(medical.reasons)[0] == (
        "成员3（子，10岁）未记录是否纳入医疗救助",
        h.members[2].member_id,
        "medical_assistance",
    )


def test_employee_insurance_stands_for_critical_illness_cover_but_not_for_assistance() -> None:
    h = good()
    head = h.members[0]
    head.resident_medical_insurance, head.employee_medical_insurance = False, True
    head.critical_illness_insurance = None
    head.medical_assistance = False
    medical = assess(h, on=ON).dimensions["medical"]
    assert zh(medical.reasons)[0] == (
        "成员1（户主，40岁）未纳入医疗救助",
        head.member_id,
        "medical_assistance",
    )
    assert len(medical.reasons) == 2  # no "critical illness not recorded" for the head


def test_a_county_may_drop_the_assistance_requirement(tmp_path: Path) -> None:
    folder = county(
        tmp_path,
        "medical",
        {"required": {"medical_assistance": {"value": False, "source": "县医保局 2024年文件"}}},
    )
    h = good()
    h.members[1].medical_assistance = False
    assert assess(h, on=ON, policy=load_policy(overrides_dir=folder)).outcome("medical") == MET


# -- 支出骤增 -----------------------------------------------------------------------------------


def test_a_sudden_expense_over_the_amount_raises_the_risk_naming_it() -> None:
    h = good()
    h.incomes[-1].sudden_expenses = 20000
    flags = [f for f in assess(h, on=ON).risk_flags if f.code == "sudden_expense"]
    assert [(f.text.zh, f.member_id) for f in flags] == [
        ("2024年突发大额支出（非医疗）20000元，超过10000元，支出骤增", None)
    ]
    assert flags[0].text.en == (
        "a sudden non-medical expense of 20000 yuan in 2024, over 10000 yuan: expenses rose sharply"
    )


def test_a_sudden_expense_over_half_the_net_income_raises_the_risk() -> None:
    h = good()
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 9000}, {}, sudden_expenses=5000)]
    flags = [f.text.zh for f in assess(h, on=ON).risk_flags if f.code == "sudden_expense"]
    assert flags == ["2024年突发大额支出（非医疗）5000元，超过家庭纯收入的50%，支出骤增"]


def test_a_small_sudden_expense_or_none_raises_nothing() -> None:
    for amount in (None, 0, 4500):  # 4500 is exactly half of 9000: not over
        h = good()
        h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 9000}, {}, sudden_expenses=amount)]
        assert not [f for f in assess(h, on=ON).risk_flags if f.code == "sudden_expense"]


def test_the_sudden_expense_threshold_is_the_policy_tables(tmp_path: Path) -> None:
    folder = county(
        tmp_path,
        "relapse_risk",
        {"sudden_expense_amount": {"value": 15000, "source": "省乡村振兴局 2024年监测办法"}},
    )
    h = good()
    h.incomes[-1].sudden_expenses = 14000  # net income 30000: under half, under 15000
    assert [f.code for f in assess(h, on=ON).risk_flags if f.code == "sudden_expense"] == [
        "sudden_expense"  # over the shipped 10000
    ]
    a = assess(h, on=ON, policy=load_policy(overrides_dir=folder))
    assert not [f for f in a.risk_flags if f.code == "sudden_expense"]
    risk = load_policy().risk
    assert "中农组发〔2021〕7号" in risk.sudden_expense_amount.source
    assert not risk.sudden_expense_amount.verified


# -- income drop: each year's own household size -------------------------------------------------


def left_in_2024(h, reason: str = "married_out") -> list[MemberChange]:  # type: ignore[no-untyped-def]
    """A fourth member (the head's daughter) who left the household on 2024-03-01."""
    daughter = person("30", "female", born(20))
    daughter.present = False
    h.members.append(daughter)
    return [MemberChange(h.household_id, daughter.member_id, reason, date(2024, 3, 1))]


def test_a_household_whose_member_left_is_not_a_household_whose_income_fell() -> None:
    h = good()
    changes = left_in_2024(h)
    h.incomes = [
        IncomeRecord(2023, {"wage.migrant_work": 40000}),  # 4 people then: 10000 each
        IncomeRecord(2024, {"wage.migrant_work": 27000}),  # 3 people now: 9000 each
    ]
    with_changes = assess(h, on=ON, member_changes=changes)
    assert not [f for f in with_changes.risk_flags if f.code == "income_drop"]
    # without the dated changes last year's total is shared by this year's 3: a false fall
    without = assess(h, on=ON)
    assert [f.code for f in without.risk_flags if f.code == "income_drop"] == ["income_drop"]


def test_the_drop_reason_names_both_years_and_their_household_sizes() -> None:
    h = good()
    changes = left_in_2024(h)
    h.incomes = [
        IncomeRecord(2023, {"wage.migrant_work": 48000}),  # 12000 each for 4
        IncomeRecord(2024, {"wage.migrant_work": 24000}),  # 8000 each for 3
    ]
    flags = [
        f for f in assess(h, on=ON, member_changes=changes).risk_flags if f.code == "income_drop"
    ]
    assert [f.text.zh for f in flags] == [
        "人均纯收入由2023年12000.00元（4人）降至2024年8000.00元（3人），降幅33%（超过30%）"
    ]
    assert flags[0].text.en == (
        "net income per capita fell from 12000.00 yuan in 2023 (4 people) to 8000.00 yuan in "
        "2024 (3 people), by 33% (over 30%)"
    )


def test_a_member_who_joined_this_year_is_not_counted_in_last_years_size() -> None:
    h = good()
    baby = person("21", "male", date(2024, 5, 1))
    h.members.append(baby)
    changes = [MemberChange(h.household_id, baby.member_id, "newborn", date(2024, 5, 1))]
    h.incomes = [
        IncomeRecord(2023, {"wage.migrant_work": 30000}),  # 3 people then: 10000 each
        IncomeRecord(2024, {"wage.migrant_work": 36000}),  # 4 people now: 9000 each
    ]
    a = assess(h, on=ON, member_changes=changes)
    assert not [f for f in a.risk_flags if f.code == "income_drop"]
    assert a.net_income_per_capita == 9000.0


def test_a_records_own_household_size_comes_before_the_changes() -> None:
    h = good()
    changes = left_in_2024(h)
    h.incomes = [
        IncomeRecord(2023, {"wage.migrant_work": 40000}, household_size=2),  # 20000 each
        IncomeRecord(2024, {"wage.migrant_work": 27000}),
    ]
    flags = [
        f.text.zh
        for f in assess(h, on=ON, member_changes=changes).risk_flags
        if f.code == "income_drop"
    ]
    assert flags == [
        "人均纯收入由2023年20000.00元（2人）降至2024年9000.00元（3人），降幅55%（超过30%）"
    ]


# -- compulsory education: pre-school and grade 9 ----------------------------------------------


def test_a_child_of_compulsory_age_in_preschool_is_not_in_compulsory_education() -> None:
    h = good()
    kid = child(h, 7, schooling="preschool")
    a = assess(h, on=ON)
    education = a.dimensions["education"]
    assert education.outcome == NOT_MET
    assert zh(education.reasons) == [
        ("成员3（子，7岁）已到义务教育年龄仍在学前教育，未接受义务教育", kid.member_id, "schooling")
    ]
    assert "dropout" in a.flags
    assert [(f.text.zh, f.member_id) for f in a.risk_flags if f.code == "dropout"] == [
        ("成员3（子，7岁）已到义务教育年龄仍在学前教育，未接受义务教育", kid.member_id)
    ]


def test_leaving_after_grade_8_is_not_finishing_compulsory_education() -> None:
    h = good()
    kid = child(
        h,
        15,
        schooling="not_student",
        education="junior_secondary",
        completed_grade=8,
        dropout_reason="外出务工",
    )
    education = assess(h, on=ON).dimensions["education"]
    assert education.outcome == NOT_MET
    assert zh(education.reasons) == [
        (
            "成员3（子，15岁）处于义务教育年龄但未在校，完成8年级后离校，失学辍学（原因：外出务工）",
            kid.member_id,
            "schooling",
        )
    ]


def test_grade_9_completed_finishes_compulsory_education_even_at_14() -> None:
    h = good()
    kid = child(h, 14, schooling="not_student", education="junior_secondary", completed_grade=9)
    education = assess(h, on=ON).dimensions["education"]
    assert education.outcome == MET
    assert zh(education.reasons) == [
        ("成员3（子，14岁）已完成九年级，义务教育已完成", kid.member_id, "completed_grade")
    ]


def test_junior_education_without_the_grade_is_unknown_not_finished() -> None:
    h = good()
    kid = child(h, 15, schooling="not_student", education="junior_secondary")
    education = assess(h, on=ON).dimensions["education"]
    assert education.outcome == UNKNOWN
    assert zh(education.reasons)[0][1:] == (kid.member_id, "completed_grade")
    assert "未记录完成的最高年级" in education.reasons[0].text.zh


# -- 送教上门 and the health exemption ----------------------------------------------------------


def test_home_schooling_recorded_for_a_healthy_child_is_an_error_and_not_counted() -> None:
    h = good()
    kid = child(h, 12, schooling="not_student", home_schooling=True, health="healthy")
    a = assess(h, on=ON)
    assert a.outcome("education") == NOT_MET
    assert zh(a.dimensions["education"].reasons) == [
        (
            "成员3（子，12岁）处于义务教育年龄但未在校，失学辍学（未记录原因）；"
            "送教上门仅适用于残疾或重病儿童，该儿童不符合，不予认定",
            kid.member_id,
            "schooling",
        )
    ]
    problems = [
        p for p in check_household(h, ON) if p.field in ("home_schooling", "schooling_exempt")
    ]
    assert [(p.level, p.field, p.member_index, p.member_id, p.text.zh) for p in problems] == [
        (
            ERROR,
            "home_schooling",
            3,
            kid.member_id,
            "记录了送教上门，但健康状况为健康：送教上门仅适用于残疾或重病儿童",
        )
    ]


def test_the_health_exemption_for_a_chronically_ill_child_is_an_error_and_not_counted() -> None:
    h = good()
    kid = child(h, 12, schooling="not_student", schooling_exempt=True, health="chronic")
    assert assess(h, on=ON).outcome("education") == NOT_MET
    problems = [p for p in check_household(h, ON) if p.field == "schooling_exempt"]
    assert [(p.level, p.member_id, p.text.en) for p in problems] == [
        (
            ERROR,
            kid.member_id,
            "the health exemption is recorded but health is long-term chronic illness: it applies to "
            "disabled or seriously ill children only",
        )
    ]


def test_an_enrolled_healthy_child_with_home_schooling_stays_enrolled_but_is_reported() -> None:
    h = good()
    kid = child(h, 12, schooling="primary", home_schooling=True, health="healthy")
    education = assess(h, on=ON).dimensions["education"]
    assert education.outcome == MET
    assert zh(education.reasons) == [
        (
            "成员3（子，12岁）在校（小学）；送教上门仅适用于残疾或重病儿童，该儿童不符合，不予认定",
            kid.member_id,
            "home_schooling",
        )
    ]


def test_home_schooling_for_a_disabled_child_counts_and_raises_no_problem() -> None:
    h = good()
    kid = child(h, 12, schooling="not_student", home_schooling=True, health="disabled")
    education = assess(h, on=ON).dimensions["education"]
    assert zh(education.reasons) == [
        ("成员3（子，12岁）接受送教上门，视同在校", kid.member_id, "home_schooling")
    ]
    assert not [p for p in check_household(h, ON) if p.field == "home_schooling"]


def test_an_exemption_without_recorded_health_cannot_be_confirmed() -> None:
    h = good()
    kid = child(h, 12, schooling="not_student", schooling_exempt=True, health=None)
    education = assess(h, on=ON).dimensions["education"]
    assert education.outcome == UNKNOWN
    assert zh(education.reasons)[0][1:] == (kid.member_id, "health")
    assert not [p for p in check_household(h, ON) if p.field == "schooling_exempt"]


# -- unrecorded production costs -----------------------------------------------------------------


def test_unrecorded_costs_without_a_county_ratio_say_income_may_be_overstated() -> None:
    h = good()
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 30000, "business.crops": 6000}, {})]
    a = assess(h, on=ON)
    notes = [
        (r.text.zh, r.fact)
        for r in a.dimensions["income"].reasons
        if r.fact != "incomes" and r.fact
    ]
    assert notes == [
        (
            "种植业收入有经营收入但未记录生产经营支出，按0元计，纯收入可能偏高；请补录支出",
            "expenses.business.crops",
        )
    ]
    assert "expenses_unrecorded" in a.flags


def test_a_county_default_cost_ratio_is_used_and_said(tmp_path: Path) -> None:
    folder = county(
        tmp_path,
        "business_cost_ratios",
        {"enabled": {"value": True, "source": "县乡村振兴局 收入核算口径 2024"}},
    )
    h = good()
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 30000, "business.crops": 6000}, {})]
    a = assess(h, on=ON, policy=load_policy(overrides_dir=folder))
    notes = [
        (r.text.zh, r.fact)
        for r in a.dimensions["income"].reasons
        if r.fact != "incomes" and r.fact
    ]
    assert notes == [
        (
            "种植业收入未记录生产经营支出，按政策表中本县默认成本比例40%估算为2400元",
            "expenses.business.crops",
        )
    ]
    assert [
        r.text.en for r in a.dimensions["income"].reasons if r.fact == "expenses.business.crops"
    ] == [
        "no expense recorded for crop farming: estimated at 2400 yuan by the county's default cost "
        "ratio of 40% in the policy tables"
    ]
    assert "expenses_unrecorded" not in a.flags
    assert a.net_income_per_capita == round((36000 - 2400) / 3, 2)


def test_recorded_costs_raise_no_note_and_no_flag() -> None:
    h = good()
    h.incomes = [
        IncomeRecord(
            2024, {"wage.migrant_work": 30000, "business.crops": 6000}, {"business.crops": 1000}
        )
    ]
    a = assess(h, on=ON)
    assert not [r for r in a.dimensions["income"].reasons if (r.fact or "").startswith("expenses")]
    assert "expenses_unrecorded" not in a.flags
