"""The §7 data-quality rules: each with a household that passes and one that fails it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count

import pytest

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import Helper, Household, IncomeRecord, Member
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.rules import check_county, check_helpers, check_household, poor_id_numbers_of
from fieldsurvey.core.validation import ERROR, WARNING

ON = date(2024, 10, 15)
COUNTY = "610728"
_seq = count(1)


def born(age: int) -> date:
    return date(ON.year - age, 3, 1)


def person(relation: str, sex: str, age: int, **facts: object) -> Member:
    birth = born(age)
    return Member(
        name="测试",
        id_number=make_id_number(COUNTY, birth, next(_seq), sex),
        relation=relation,
        sex=sex,
        birth_date=birth,
        **facts,  # type: ignore[arg-type]
    )


def clean() -> Household:
    """A household no §7 rule objects to."""
    return Household(
        household_no="610728101001000002",
        division_code=DivisionCode.parse(f"{COUNTY}101001"),
        poverty_category="general",
        main_poverty_cause="illness",
        other_poverty_causes=["schooling"],
        members=[
            person(
                "02",
                "male",
                45,
                health="chronic",
                labour_capacity="ordinary",
                work_status="out_province",
                work_months=8,
            ),
            person("10", "female", 43, health="healthy", labour_capacity="weak"),
            person("20", "male", 16, health="healthy", schooling="senior1", labour_capacity="none"),
            person("30", "female", 8, health="healthy", schooling="primary"),
        ],
        helpers=[
            Helper(
                name="帮扶人",
                unit="县农业农村局",
                start_date=date(2022, 3, 1),
                id_number=make_id_number("610728", date(1985, 5, 5), 501, "male"),
            )
        ],
        incomes=[IncomeRecord(2024, {"wage.migrant_work": 30000.0})],
    )


def found(h: Household) -> set[tuple[str, str, int | None]]:
    return {(p.level, p.field, p.member_index) for p in check_household(h, ON)}


def test_the_clean_household_passes_every_rule() -> None:
    assert check_household(clean(), ON) == []


def _set(index: int, **facts: object) -> Callable[[Household], None]:
    def apply(h: Household) -> None:
        for k, v in facts.items():
            setattr(h.members[index], k, v)

    return apply


def _household(**facts: object) -> Callable[[Household], None]:
    def apply(h: Household) -> None:
        for k, v in facts.items():
            setattr(h, k, v)

    return apply


def _all_healthy(h: Household) -> None:
    for m in h.members:
        m.health = "healthy"


def _no_students(h: Household) -> None:
    h.members[2].schooling = "not_student"
    h.members[3].schooling = "not_student"


def _destitute_with_labour(h: Household) -> None:
    h.poverty_category = "destitute"


def _destitute_without_labour(h: Household) -> None:
    h.poverty_category = "destitute"
    for m in h.members:
        m.labour_capacity = "none" if 16 <= m.age(ON) <= 65 else m.labour_capacity


def _nobody_works(h: Household) -> None:
    h.members[0].work_status = None
    h.members[0].work_months = None


FAILING: list[tuple[str, Callable[[Household], None], tuple[str, str, int | None]]] = [
    (
        "ID of 17 characters",
        _set(1, id_number=make_id_number(COUNTY, born(43), 2, "female")[:17]),
        (ERROR, "id_number", 2),
    ),
    ("legacy 15-digit ID", _set(1, id_number="610728810301002"), (WARNING, "id_number", 2)),
    (
        "disability number, grade 5",
        _set(1, id_number=make_id_number(COUNTY, born(43), 2, "female") + "45"),
        (ERROR, "id_number", 2),
    ),
    (
        "schooling missing at 6",
        _set(3, schooling=None, birth_date=born(6)),
        (ERROR, "schooling", 4),
    ),
    (
        "schooling missing at 23",
        _set(2, schooling=None, birth_date=born(23)),
        (ERROR, "schooling", 3),
    ),
    ("labour missing at 16", _set(2, labour_capacity=None), (ERROR, "labour_capacity", 3)),
    (
        "labour missing at 65",
        _set(1, labour_capacity=None, birth_date=born(65)),
        (ERROR, "labour_capacity", 2),
    ),
    ("cause illness, all healthy", _all_healthy, (ERROR, "main_poverty_cause", None)),
    ("cause schooling, no student", _no_students, (ERROR, "other_poverty_causes", None)),
    (
        "cause disability, none disabled",
        _household(main_poverty_cause="disability"),
        (ERROR, "main_poverty_cause", None),
    ),
    ("destitute with a labourer", _destitute_with_labour, (WARNING, "labour_capacity", 1)),
    ("13 work months", _set(0, work_months=13), (ERROR, "work_months", 1)),
    ("-1 work months", _set(0, work_months=-1), (ERROR, "work_months", 1)),
    ("wage income, nobody works", _nobody_works, (WARNING, "incomes", None)),
    (
        "working, no wage income",
        _household(incomes=[IncomeRecord(2024, {"business.crops": 9000.0})]),
        (WARNING, "incomes", None),
    ),
    (
        "head and spouse both male",
        _set(1, sex="male", id_number=make_id_number(COUNTY, born(43), 3, "male")),
        (ERROR, "sex", 2),
    ),
    ("14 at senior secondary", _set(2, birth_date=born(14)), (ERROR, "schooling", 3)),
    (
        "14 with senior education",
        _set(3, birth_date=born(14), schooling="grade9", education="senior_secondary"),
        (ERROR, "education", 4),
    ),
    (
        "helper is a member",
        lambda h: setattr(h.helpers[0], "id_number", h.members[1].id_number),
        (ERROR, "helpers", None),
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [r[1:] for r in FAILING], ids=[r[0] for r in FAILING]
)
def test_each_rule_fails_with_the_level_section_7_gives(
    change: Callable[[Household], None], expected: tuple[str, str, int | None]
) -> None:
    h = clean()
    change(h)
    assert expected in found(h)


PASSING: list[tuple[str, Callable[[Household], None]]] = [
    (
        "20-character disability number",
        _set(1, id_number=make_id_number(COUNTY, born(43), 2, "female") + "42", health="disabled"),
    ),
    ("schooling unrecorded at 5", _set(3, schooling=None, birth_date=born(5))),
    (
        "schooling unrecorded at 24",
        _set(2, schooling=None, birth_date=born(24), labour_capacity="ordinary"),
    ),
    (
        "labour unrecorded at 15",
        _set(2, labour_capacity=None, birth_date=born(15), schooling="grade9"),
    ),
    ("labour unrecorded at 66", _set(1, labour_capacity=None, birth_date=born(66))),
    ("illness cause with someone ill", _household(main_poverty_cause="illness")),
    (
        "schooling cause, home-schooled child",
        lambda h: (
            _no_students(h),
            setattr(h.members[3], "home_schooling", True),
            setattr(h.members[3], "health", "disabled"),
        ),
    ),
    (
        "disability cause, disabled member",
        lambda h: (
            setattr(h, "main_poverty_cause", "disability"),
            setattr(h.members[1], "health", "disabled"),
        ),
    ),
    (
        "disability cause, certificate only",
        lambda h: (
            setattr(h, "main_poverty_cause", "disability"),
            setattr(h.members[1], "disability_category", "4"),
        ),
    ),
    ("destitute, no labourer", _destitute_without_labour),
    ("12 work months", _set(0, work_months=12)),
    ("0 work months", _set(0, work_months=0, work_status="in_township")),
    (
        "public-welfare job earns wages",
        lambda h: (_nobody_works(h), setattr(h.members[1], "public_welfare_job", True)),
    ),
    ("no income record", _household(incomes=[])),
    ("head and spouse of different sexes", lambda h: None),
    ("15 at senior secondary", _set(2, birth_date=born(15))),
    ("moved-out spouse of the same sex", _set(1, sex="male", present=False)),
    ("helper not a member", lambda h: setattr(h.helpers[0], "id_number", None)),
]


@pytest.mark.parametrize("change", [r[1] for r in PASSING], ids=[r[0] for r in PASSING])
def test_each_rule_passes_its_edge(change: Callable[[Household], None]) -> None:
    h = clean()
    change(h)
    assert check_household(h, ON) == []


def test_problems_name_members_by_position_without_personal_data() -> None:
    h = clean()
    h.members[1].sex = "male"
    [problem] = [p for p in check_household(h, ON) if p.field == "sex"]
    assert problem.member_id == h.members[1].member_id
    message = problem.message()
    assert message.zh.startswith("成员2的性别") and "member 2, sex" in message.en
    for m in h.members:
        assert m.id_number not in message.zh + message.en and m.name not in message.zh + message.en


def test_a_helper_who_is_poor_elsewhere_in_the_county_is_caught() -> None:
    helped, elsewhere = clean(), clean()
    elsewhere.household_id = "other"
    helped.helpers[0].id_number = elsewhere.members[0].id_number
    assert not [p for p in check_household(helped, ON) if p.field == "helpers"]
    poor = poor_id_numbers_of([helped, elsewhere])
    [problem] = check_helpers(helped, poor)
    assert (problem.level, problem.field) == (ERROR, "helpers")
    results = check_county([helped, elsewhere], ON)
    assert [(p.level, p.field) for p in results[helped.household_id]] == [(ERROR, "helpers")]
    assert results["other"] == []


def test_only_registered_poor_households_count_as_poor_people() -> None:
    ordinary = clean()
    ordinary.registered_poor = False
    assert poor_id_numbers_of([ordinary]) == frozenset()


def test_a_helper_matches_a_member_recorded_by_disability_number() -> None:
    h = clean()
    base = h.members[1].id_number
    h.members[1].id_number = base + "42"
    h.members[1].health = "disabled"
    h.helpers[0].id_number = base.lower() if base.endswith("X") else base
    assert [(p.level, p.field) for p in check_household(h, ON)] == [(ERROR, "helpers")]


# Every problem each failing household raises, in full: level, field, member position, both texts.
RULE_TEXTS = {
    "ID of 17 characters": [
        (
            "error",
            "id_number",
            2,
            "应为18位身份证号或20位残疾人证号",
            "must be an 18-character ID number or a 20-character disability certificate number",
        )
    ],
    "legacy 15-digit ID": [
        (
            "warning",
            "id_number",
            2,
            "为旧式15位身份证号，可换为对应的18位号码",
            "is a legacy 15-digit number: its 18-character form can replace it",
        )
    ],
    "disability number, grade 5": [
        (
            "error",
            "id_number",
            2,
            "残疾人证号中的残疾等级应为1–4",
            "the disability grade must be 1–4",
        )
    ],
    "schooling missing at 6": [
        ("error", "schooling", 4, "6–23岁成员须填写在校生状况", "is required for members aged 6–23")
    ],
    "schooling missing at 23": [
        ("error", "schooling", 3, "6–23岁成员须填写在校生状况", "is required for members aged 6–23")
    ],
    "labour missing at 16": [
        (
            "error",
            "labour_capacity",
            3,
            "16–65岁成员须填写劳动能力",
            "is required for members aged 16–65",
        )
    ],
    "labour missing at 65": [
        (
            "error",
            "labour_capacity",
            2,
            "16–65岁成员须填写劳动能力",
            "is required for members aged 16–65",
        )
    ],
    "cause illness, all healthy": [
        (
            "error",
            "main_poverty_cause",
            None,
            "为因病，但所有成员均为健康",
            "is illness, but every member is healthy",
        )
    ],
    "cause schooling, no student": [
        (
            "error",
            "other_poverty_causes",
            None,
            "为因学，但家中没有在校生",
            "is schooling costs, but no member is a student",
        )
    ],
    "cause disability, none disabled": [
        (
            "error",
            "main_poverty_cause",
            None,
            "为因残，但家中没有残疾成员",
            "is disability, but no member is disabled",
        )
    ],
    "destitute with a labourer": [
        (
            "warning",
            "labour_capacity",
            1,
            "特困供养户不应有16–65岁有劳动能力的成员",
            "a destitute-support household should have no member aged 16–65 able to work",
        )
    ],
    "13 work months": [
        ("error", "work_months", 1, "应在0–12个月之间", "must be between 0 and 12 months")
    ],
    "-1 work months": [
        ("error", "work_months", 1, "应在0–12个月之间", "must be between 0 and 12 months")
    ],
    "wage income, nobody works": [
        (
            "warning",
            "incomes",
            None,
            "2024年有工资性收入，但没有务工成员",
            "there is wage income in 2024 but no member works",
        )
    ],
    "working, no wage income": [
        (
            "warning",
            "incomes",
            None,
            "有务工成员，但2024年没有工资性收入",
            "a member works but there is no wage income in 2024",
        )
    ],
    "head and spouse both male": [
        ("error", "sex", 2, "配偶与户主性别相同", "the spouse has the same sex as the head")
    ],
    "14 at senior secondary": [
        (
            "error",
            "schooling",
            3,
            "14岁不应在高中及以上就读",
            "a child of 14 cannot be at senior secondary level or above",
        )
    ],
    "14 with senior education": [
        (
            "error",
            "education",
            4,
            "14岁不应有高中及以上文化程度",
            "a child of 14 cannot have senior secondary education or above",
        )
    ],
    "helper is a member": [
        (
            "error",
            "helpers",
            None,
            "第1位帮扶责任人是建档立卡贫困人口，不能担任帮扶责任人",
            "helper 1 is a registered poor person and cannot be a helper",
        )
    ],
}


@pytest.mark.parametrize(("name", "change"), [r[:2] for r in FAILING], ids=[r[0] for r in FAILING])
def test_each_rule_words_its_problem_and_raises_nothing_else(
    name: str, change: Callable[[Household], None]
) -> None:
    h = clean()
    change(h)
    got = [(p.level, p.field, p.member_index, p.text.zh, p.text.en) for p in check_household(h, ON)]
    assert got == RULE_TEXTS[name]
    members = {p.member_index: p.member_id for p in check_household(h, ON) if p.member_index}
    assert all(members[i] == h.members[i - 1].member_id for i in members)


def test_senior_stages_at_14_are_errors_for_tertiary_too_but_not_at_15() -> None:
    h = clean()
    h.members[2].birth_date = born(14)
    h.members[2].schooling = "college_plus"
    assert [(p.field, p.text.zh) for p in check_household(h, ON) if p.field == "schooling"] == [
        ("schooling", "14岁不应在高中及以上就读")
    ]
    h.members[2].birth_date = born(15)
    h.members[2].education = "college_plus"
    assert not [p for p in check_household(h, ON) if p.field in ("schooling", "education")]


def test_an_unknown_schooling_code_has_no_stage() -> None:
    h = clean()
    h.members[3].schooling = "grade_x"
    h.members[3].birth_date = born(10)
    assert not [p for p in check_household(h, ON) if p.field == "schooling"]


def test_the_latest_earlier_income_record_is_the_one_checked() -> None:
    h = clean()
    h.members[0].work_status = h.members[0].work_months = None
    h.incomes = [
        IncomeRecord(2023, {"wage.local": 100.0}),
        IncomeRecord(2021, {"transfer.dibao": 50.0}),
    ]
    assert [p.text.zh for p in check_household(h, ON) if p.field == "incomes"] == [
        "2023年有工资性收入，但没有务工成员"
    ]


@pytest.mark.parametrize(
    ("months", "wage", "expected"),
    [
        (1, 0.0, ["有务工成员，但2024年没有工资性收入"]),
        (1, 1.0, []),
        (0, 1.0, ["2024年有工资性收入，但没有务工成员"]),
        (0, 0.0, []),
    ],
    ids=["one month, no wage", "one month, one yuan", "no work, one yuan", "nothing"],
)
def test_the_wage_rule_at_one_month_and_one_yuan(
    months: int, wage: float, expected: list[str]
) -> None:
    h = clean()
    h.members[0].work_status, h.members[0].work_months = None, months
    h.incomes = [IncomeRecord(2024, {"wage.local": wage, "wage.migrant_work": None})]  # type: ignore[dict-item]
    assert [p.text.zh for p in check_household(h, ON) if p.field == "incomes"] == expected


def test_special_needs_problems_in_english_and_with_an_unlisted_health_code() -> None:
    h = clean()
    kid = h.members[3]
    kid.home_schooling, kid.health = True, "mystery"
    problems = [p for p in check_household(h, ON) if p.field == "home_schooling"]
    assert [(p.text.zh, p.text.en, p.member_index, p.member_id) for p in problems] == [
        (
            "记录了送教上门，但健康状况为mystery：送教上门仅适用于残疾或重病儿童",
            "home schooling is recorded but health is mystery: it applies to disabled or seriously ill children only",
            4,
            kid.member_id,
        )
    ]
    kid.home_schooling, kid.schooling_exempt, kid.health = False, True, "healthy"
    problems = [p for p in check_household(h, ON) if p.field == "schooling_exempt"]
    assert [p.text.zh for p in problems] == [
        "记录了因身体原因免于就学，但健康状况为健康：因身体原因免于就学仅适用于残疾或重病儿童"
    ]


def test_the_county_check_uses_the_day_and_the_policy_it_is_given() -> None:
    h = clean()
    h.members[2].labour_capacity = None  # 16 on ON, 15 a year earlier
    assert [p.field for p in check_county([h], ON, load_policy())[h.household_id]] == [
        "labour_capacity"
    ]
    assert check_county([h], date(ON.year - 1, ON.month, ON.day))[h.household_id] == []


def test_helpers_without_numbers_or_with_odd_legacy_numbers_match_no_one() -> None:
    h = clean()
    h.helpers = [
        Helper("甲", "县农业农村局", date(2021, 3, 1), id_number=None),
        Helper("乙", "县农业农村局", date(2021, 3, 1), id_number="61072888030100A"),
    ]
    assert check_helpers(h, {"", "XXXX"}) == []
