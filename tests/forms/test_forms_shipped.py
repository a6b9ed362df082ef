"""The shipped household visit: every form passes the checker, and a realistic (synthetic)
household is visited across all seven sections, projected onto the registry and assessed."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.dimensions import dropouts
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.income import income_breakdown
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.visit import FINALIZED
from fieldsurvey.demo.county import generate_county
from fieldsurvey.demo.generator import iter_households
from fieldsurvey.forms import HOUSEHOLD_VISIT, FormLibrary, FormSession
from fieldsurvey.forms.apply import apply_answers
from fieldsurvey.forms.household_visit import (
    finalize_visit,
    open_visit,
    policy_parameters,
    start_visit,
    visit_record,
)
from fieldsurvey.store import Store

VISIT_DAY = date(2024, 6, 15)
AREA = "610728"


def person(name: str, relation: str, sex: str, born: date, seq: int, **facts: object) -> Member:
    return Member(
        name=name,
        id_number=make_id_number(AREA, born, seq, sex),
        relation=relation,
        sex=sex,
        birth_date=born,
        **facts,
    )  # type: ignore[arg-type]


def insured(**more: object) -> dict[str, object]:
    return {
        "resident_medical_insurance": True,
        "employee_medical_insurance": False,
        "critical_illness_insurance": True,
        "medical_assistance": False,
        "family_doctor": True,
        **more,
    }


def zhang_household() -> Household:
    """A registered poor household of five (synthetic people, valid ID numbers)."""
    head = person("张建国", "02", "male", date(1972, 4, 9), 31, ethnicity="01", political_status="masses",
                  education="junior_secondary", schooling="not_student", health="chronic", labour_capacity="ordinary",
                  work_status="out_province", work_months=9, resident_pension=True, employee_pension=False,
                  **insured(chronic_disease_card=True, commercial_medical_insurance=False))  # fmt: skip
    wife = person("李秀英", "10", "female", date(1975, 11, 2), 42, education="primary", schooling="not_student",
                  health="disabled", disability_category="4", disability_grade="3", labour_capacity="weak",
                  resident_pension=True, employee_pension=False, public_welfare_job=True, **insured())  # fmt: skip
    wife.disability_cert_no = wife.id_number + "43"
    son = person("张小军", "20", "male", date(2012, 3, 20), 53, education="primary", schooling="grade7",
                 school_name="碾子镇初级中学", education_aid="营养改善计划", health="healthy", **insured())  # fmt: skip
    daughter = person("张小红", "30", "female", date(2005, 8, 8), 64, education="senior_secondary",
                      schooling="vocational3", school_name="汉中职业技术学校", health="healthy",
                      labour_capacity="ordinary", resident_pension=False, employee_pension=False,
                      **insured())  # fmt: skip
    grandma = person("王桂兰", "52", "female", date(1941, 1, 15), 76, education="illiterate", schooling="not_student",
                     health="critical", labour_capacity="none", resident_pension=True, employee_pension=False,
                     **insured(medical_assistance=True, chronic_disease_card=True))  # fmt: skip
    return Household(
        household_no="6107281012010023",
        division_code=DivisionCode.parse("610728101201"),
        group="三组",
        hamlet="王家湾",
        address="碾子镇王家湾村三组",
        phone="13800000000",
        poverty_category="general",
        status="exited",
        exit_year=2019,
        household_type="unstable",
        main_poverty_cause="illness",
        other_poverty_causes=["disability"],
        risks=["illness"],
        food_secure=True,
        clothing_secure=True,
        housing_grade="B",
        housing_structure="brick_concrete",
        housing_area=96.0,
        house_built_year=2016,
        renovation_status="completed",
        renovation_year=2016,
        water_source="purified_tap",
        water_quantity_lpd=60.0,
        water_quality_ok=True,
        water_piped=True,
        water_outage_days=3,
        members=[head, wife, son, daughter, grandma],
        helpers=[Helper("赵干部", "县农业农村局", date(2021, 3, 1), unit_level="county")],
        measures=[
            AssistanceMeasure(
                "industry",
                "中蜂养殖",
                year=2023,
                scale="蜂箱10箱",
                funds=6000.0,
                status="completed",
                result="年增收4000元",
            )
        ],
        incomes=[
            IncomeRecord(2023, items={"wage.migrant_work": 27000.0}),
            IncomeRecord(
                2024,
                items={
                    "wage.migrant_work": 36000.0,
                    "wage.public_welfare_job": 6000.0,
                    "business.crops": 4000.0,
                    "transfer.pension": 3600.0,
                    "transfer.condolence": 500.0,
                },
                expenses={"business.crops": 1200.0},
                medical_out_of_pocket=5200.0,
            ),  # fmt: skip
        ],
    )


def test_every_shipped_form_passes_the_checker() -> None:
    library = FormLibrary()
    assert library.check() == []
    survey = library.survey(HOUSEHOLD_VISIT)
    assert [s.id for s in survey.sections] == [
        "household",
        "income",
        "education",
        "medical",
        "housing",
        "water",
        "needs",
    ]
    assert survey.kind == "visit" and survey.version == "2"


def test_the_income_form_has_every_item_of_the_policy_table() -> None:
    survey = FormLibrary().survey(HOUSEHOLD_VISIT)
    items = load_policy().income_items()
    assert set(items) <= set(survey.elements)
    business = [k for k, v in items.items() if v.component == "business"]
    assert {f"expense.{k}" for k in business} <= set(survey.elements)


def test_prefill_then_apply_without_edits_gives_an_equal_household() -> None:
    household = zhang_household()
    session = start_visit(household, today=VISIT_DAY)
    result = apply_answers(household, session.answers(), session.survey)
    for f in dataclasses.fields(Household):
        assert getattr(result.household, f.name) == getattr(household, f.name), f.name
    assert result.household == household and result.member_changes == []


def test_an_earlier_years_income_is_not_copied_into_this_year() -> None:
    household = zhang_household()
    household.incomes = household.incomes[:1]  # only 2023
    session = start_visit(household, today=VISIT_DAY)
    assert session.value("income_year") == 2024 and session.value("wage.migrant_work") is None
    assert apply_answers(household, session.answers(), session.survey).household == household


def fill_required(s: FormSession) -> None:
    """What a visitor answers on the spot that the registry did not hold."""
    s.set_value("housing_assessed_by", "县住建局")
    s.set_value("housing_assessed_on", "2023-05-10")
    s.set_value("water_quality_basis", "lab_report")
    s.set_value("visitor", "刘书记")
    s.set_value("household_confirmed", True)
    s.set_value("confirmed_by", "张建国")


def test_a_visit_across_all_sections_updates_the_registry() -> None:
    household = zhang_household()
    by_name = {m.name: m.member_id for m in household.members}
    s = start_visit(household, today=VISIT_DAY)
    fill_required(s)
    # household: a grandchild was born, the grandmother died
    baby = s.add_instance("members")
    s.set_value(f"members[{baby}]/name", "张小宝")
    s.set_value(f"members[{baby}]/relation", "41")
    s.set_value(f"members[{baby}]/id_number", make_id_number(AREA, date(2024, 2, 1), 85, "male"))
    assert s.value(f"members[{baby}]/sex") == "male" and s.value(
        f"members[{baby}]/birth_date"
    ) == date(2024, 2, 1)
    assert [c.name for c in s.choices(f"members[{baby}]/change_reason")] == [
        "newborn",
        "married_in",
        "other_in",
    ]
    s.set_value(f"members[{baby}]/change_reason", "newborn")
    s.set_value(f"members[{baby}]/change_date", "2024-02-01")
    s.set_value(f"members[{baby}]/health", "healthy")
    grandma = by_name["王桂兰"]
    assert [c.name for c in s.choices(f"members[{grandma}]/change_reason")][0] == "death"
    s.set_value(f"members[{grandma}]/change_reason", "death")
    s.set_value(f"members[{grandma}]/change_date", "2024-03-03")
    assert not s.is_relevant(f"members[{grandma}]/health")
    assert grandma not in s.instances("medical") and baby in s.instances("medical")
    assert s.value("present_count") == 5
    # the new member's medical cover
    for fact, value in insured(family_doctor=False).items():
        s.set_value(f"medical[{baby}]/{fact}", value)
    # income of the last 12 months and medical spending
    s.set_value("business.livestock", 3000)
    s.set_value("expense.business.livestock", 800)
    s.set_value(f"medical[{by_name['张建国']}]/medical_spending", 4300)
    s.set_value(f"medical[{by_name['李秀英']}]/medical_spending", 900.5)
    s.set_value("sudden_expenses", 0)
    # education: the son is still in grade 7
    assert s.instances("compulsory_children") == [by_name["张小军"]]
    # a new measure, and the visit's findings
    m = s.add_instance("measures")
    s.set_value(f"measures[{m}]/measure_category", "employment")
    s.set_value(f"measures[{m}]/measure_project", "劳务输出对接")
    s.set_value(f"measures[{m}]/measure_status", "in_progress")
    s.set_value("findings", "户主慢病用药负担较重")
    s.set_value("follow_up", "协助申请门诊慢特病报销")
    result = s.finalize_check()
    assert result.errors == [], [(i.path, i.text.en) for i in result.errors]

    applied = apply_answers(household, s.answers(), s.survey)
    hh = applied.household
    assert [m.name for m in hh.present_members] == [
        "张建国",
        "李秀英",
        "张小军",
        "张小红",
        "张小宝",
    ]
    dead = hh.member(grandma)
    assert dead is not None and not dead.present and dead.health == "critical"  # history kept
    new = hh.member(baby)
    assert (
        new is not None
        and new.relation == "41"
        and new.family_doctor is False
        and new.schooling is None
    )
    assert [(c.member_id, c.reason, c.change_date) for c in applied.member_changes] == [
        (grandma, "death", date(2024, 3, 3)),
        (baby, "newborn", date(2024, 2, 1)),
    ]
    record = hh.income_for(2024)
    assert record is not None
    assert (
        record.items["business.livestock"] == 3000 and record.expenses["business.livestock"] == 800
    )
    assert record.medical_out_of_pocket == 5200.5 and record.sudden_expenses == 0
    assert hh.income_for(2023) == household.income_for(2023)
    assert [x.project for x in hh.measures] == ["中蜂养殖", "劳务输出对接"]
    assert applied.visit.visitor == "刘书记" and applied.visit.visit_date == VISIT_DAY
    assert applied.visit.household_confirmed and applied.visit.findings == "户主慢病用药负担较重"

    # the form's net income per capita is the assessment's: same items counted, same people
    policy = load_policy()
    breakdown = income_breakdown(record, hh, policy)
    assert s.value("net_income_per_capita") == breakdown.net_income_per_capita
    assessment = assess(hh, on=VISIT_DAY, policy=policy)
    assert assessment.net_income_per_capita == s.value("net_income_per_capita")
    assert assessment.outcome("education") == "met"


def test_net_income_follows_the_policys_cost_ratios() -> None:
    household = zhang_household()
    policy = load_policy()
    enabled = dataclasses.replace(policy.cost_ratios.enabled, value=True)
    county = dataclasses.replace(
        policy, cost_ratios=dataclasses.replace(policy.cost_ratios, enabled=enabled)
    )
    survey = FormLibrary().survey(HOUSEHOLD_VISIT)
    s = FormSession(
        survey,
        start_visit(household, today=VISIT_DAY).answers(),
        parameters=policy_parameters(county, VISIT_DAY),
        today=VISIT_DAY,
    )
    s.set_value("business.forestry_fruit", 2000)  # no expense recorded: estimated at 15 %
    assert s.value("expense_used.forestry_fruit") == 300
    hh = apply_answers(household, s.answers(), survey).household
    breakdown = income_breakdown(hh.income_for(2024), hh, county)  # type: ignore[arg-type]
    assert breakdown.estimated_expenses == {"business.forestry_fruit": 300.0}
    assert s.value("net_income_per_capita") == breakdown.net_income_per_capita


def test_a_dropout_needs_its_reason_and_reaches_the_assessment() -> None:
    household = zhang_household()
    son = household.members[2].member_id
    s = start_visit(household, today=VISIT_DAY)
    fill_required(s)
    s.set_value(f"compulsory_children[{son}]/stage", "not_student")
    assert not s.is_relevant(f"compulsory_children[{son}]/school_name")
    s.set_value(f"compulsory_children[{son}]/home_schooling", False)
    s.set_value(f"compulsory_children[{son}]/schooling_exempt", False)
    assert s.value(f"compulsory_children[{son}]/dropout") is True
    assert [i.path for i in s.finalize_check().errors] == [
        f"compulsory_children[{son}]/dropout_reason"
    ]
    s.set_value(f"compulsory_children[{son}]/dropout_reason", "厌学")
    assert s.finalize_check().ok
    hh = apply_answers(household, s.answers(), s.survey).household
    child = hh.member(son)
    assert child is not None and (child.schooling, child.school_name, child.dropout_reason) == (
        "not_student",
        None,
        "厌学",
    )
    assert [m.member_id for m, _ in dropouts(hh, VISIT_DAY, load_policy())] == [son]


def test_the_data_quality_rules_show_at_the_field_they_concern() -> None:
    household = zhang_household()
    s = start_visit(household, today=VISIT_DAY)
    fill_required(s)
    for m in household.members:
        if m.present:
            s.set_value(f"members[{m.member_id}]/health", "healthy")
    s.set_value(f"members[{household.members[1].member_id}]/disability_category", "")
    result = s.finalize_check()
    rules = [(i.path, i.level) for i in result.errors + result.warnings if i.code == "rule"]
    assert ("main_poverty_cause", "error") in rules  # illness, but everyone is healthy
    assert ("other_poverty_causes", "error") in rules  # disability, but nobody is disabled
    text = next(i.text for i in result.errors if i.path == "main_poverty_cause")
    assert text.zh.startswith("主要致贫原因") and "healthy" in text.en
    # member rules point at the member's field where the form asks it now
    son = household.members[2].member_id  # 12 years old
    s.set_value(f"members[{son}]/education", "senior_secondary")
    s.set_value(f"compulsory_children[{son}]/stage", "senior1")
    rules = {i.path: i for i in s.finalize_check().errors if i.code == "rule"}
    assert rules[f"members[{son}]/education"].section == "household"
    assert rules[f"compulsory_children[{son}]/stage"].section == "education"
    assert "senior secondary" in rules[f"compulsory_children[{son}]/stage"].text.en


def test_a_draft_reopens_where_it_was_left_and_a_finalized_visit_is_read_only() -> None:
    household = zhang_household()
    s = start_visit(household, today=VISIT_DAY)
    fill_required(s)
    s.set_value("water_outage_days", 10)
    s.move_to("water_outage_days")
    visit = visit_record(s, household.household_id)
    assert (visit.form_id, visit.form_version, visit.visitor) == (HOUSEHOLD_VISIT, "2", "刘书记")
    again = open_visit(visit, household)
    assert again.answers() == s.answers()
    assert again.cursor.section == "water" and again.cursor.path == "water_outage_days"
    visit.status = FINALIZED
    done = open_visit(visit, household)
    assert done.read_only
    with pytest.raises(UserError, match="finalized"):
        done.set_value("water_outage_days", 1)


def test_finalizing_is_refused_while_errors_remain() -> None:
    household = zhang_household()
    s = start_visit(household, today=VISIT_DAY)
    with pytest.raises(UserError) as e:
        finalize_visit(s, household)
    assert e.value.code == "visit_incomplete" and "before finalizing" in e.value.text.en


def test_a_visit_saved_reopened_and_finalized_in_the_encrypted_store(
    tmp_path: Path, fast_kdf: dict
) -> None:
    household = zhang_household()
    store, _ = Store.create(tmp_path / "village", "correct horse battery staple 7", kdf=fast_kdf)
    with store:
        store.households.add(household)
        s = start_visit(store.households.get(household.household_id), today=VISIT_DAY)  # type: ignore[arg-type]
        s.set_value("visitor", "刘书记")
        s.move_to("visitor")
        draft = store.visits.save_draft(visit_record(s, household.household_id))
        loaded = store.visits.get(draft.visit_id)
        assert loaded is not None and loaded.cursor == {"section": "needs", "path": "visitor"}
        again = open_visit(loaded, household)
        assert again.answers() == s.answers() and again.cursor.path == "visitor"
        fill_required(again)
        son = household.members[2].member_id
        again.set_value(f"compulsory_children[{son}]/education_aid", "营养改善计划、寄宿生生活补助")
        done = finalize_visit(again, household, loaded)
        store.visits.finalize(done.visit, done.household, done.assessment.to_dict())
        saved = store.households.get(household.household_id)
        assert (
            saved is not None and saved.member(son).education_aid == "营养改善计划、寄宿生生活补助"
        )  # type: ignore[union-attr]
        final = store.visits.get(draft.visit_id)
        assert final is not None and final.finalized and final.form_version == "2"
        shown = open_visit(final, saved)
        assert shown.read_only and shown.answers() == again.answers()


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_a_full_width_id_number_is_saved_in_ascii(tmp_path: Path, fast_kdf: dict) -> None:
    """１２３…Ｘ from a Chinese input method passes the check and is stored, applied and
    finalized as the ASCII number: one person, one number, in the store, exports and ledger."""
    household = zhang_household()
    wife = household.members[1]
    number = make_id_number(AREA, date(2024, 2, 1), 87, "female")
    assert number.endswith("X")  # the check character is a letter: its full-width form too
    store, _ = Store.create(tmp_path / "village", "correct horse battery staple 7", kdf=fast_kdf)
    with store:
        store.households.add(household)
        s = start_visit(store.households.get(household.household_id), today=VISIT_DAY)  # type: ignore[arg-type]
        fill_required(s)
        baby = s.add_instance("members")
        s.set_value(f"members[{baby}]/name", "张小雨")
        s.set_value(f"members[{baby}]/relation", "43")
        s.set_value(f"members[{baby}]/id_number", " " + number.translate(FULL_WIDTH) + "　")
        s.set_value(f"members[{baby}]/change_reason", "newborn")
        s.set_value(f"members[{baby}]/change_date", "2024-02-01")
        s.set_value(f"members[{baby}]/health", "healthy")
        for fact, value in insured(family_doctor=False).items():
            s.set_value(f"medical[{baby}]/{fact}", value)
        s.set_value("sudden_expenses", 0)
        cert = wife.id_number + "43"
        s.set_value(
            f"members[{wife.member_id}]/disability_cert_no", cert.translate(FULL_WIDTH).lower()
        )
        assert s.value(f"members[{baby}]/id_number") == number
        assert s.value(f"members[{baby}]/sex") == "female"
        assert s.value(f"members[{baby}]/birth_date") == date(2024, 2, 1)
        assert s.value(f"members[{wife.member_id}]/disability_cert_no") == cert
        assert [(i.path, i.code) for i in s.finalize_check().errors] == []
        done = finalize_visit(s, household)
        store.visits.finalize(
            done.visit, done.household, done.assessment.to_dict(), done.member_changes
        )
        saved = store.households.get(household.household_id)
        visit = store.visits.get(done.visit.visit_id)
    assert saved is not None and visit is not None
    assert [m.id_number for m in saved.members if m.name == "张小雨"] == [number]
    assert saved.member(wife.member_id).disability_cert_no == cert  # type: ignore[union-attr]
    new = next(item for item in visit.answers["members"] if item.get("name") == "张小雨")
    assert new["id_number"] == number  # the answers that sync to the county and its answer export


def demo_households(count: int, seed: int, as_of: date) -> list[Household]:
    county = generate_county(seed=seed, households=count)
    return list(iter_households(county, count, seed=seed, as_of=as_of))


def test_demo_county_households_round_trip_through_the_visit() -> None:
    """The demo generator's households (another component's idea of realistic data) survive
    prefill → apply unchanged: the forms ask for every fact the registry holds."""
    for household in demo_households(150, seed=11, as_of=VISIT_DAY):
        session = start_visit(household, today=VISIT_DAY)
        assert apply_answers(household, session.answers(), session.survey).household == household


def test_demo_incomes_give_the_assessments_net_income_per_capita() -> None:
    policy = load_policy()
    last_day = date(VISIT_DAY.year - 1, 12, 31)  # the generator's latest income year
    compared = 0
    for household in demo_households(120, seed=12, as_of=VISIT_DAY):
        record = household.income_for(last_day.year)
        if record is None:
            continue
        session = start_visit(household, today=last_day, policy=policy)
        expected = income_breakdown(record, household, policy).net_income_per_capita
        assert session.value("net_income_per_capita") == expected, household.household_no
        compared += 1
    assert compared >= 100
