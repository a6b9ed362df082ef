"""Cross-field data-quality rules of the national-style checkers (domain reference §7).

``validation.py`` checks that a record is well-formed field by field; these rules check that the
fields agree with each other (a poverty cause of illness in a household where everyone is
healthy, a 14-year-old in senior secondary school, a helper who is a registered poor person).
Each rule reports an ERROR or a WARNING exactly as §7 lists it. Like every problem text, these
name members by position and never quote names or ID numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import Household, IncomeRecord, Member
from fieldsurvey.core.ids import (
    LEGACY_15,
    IdNumberError,
    convert_15_to_18,
    normalise_id_text,
    parse_disability_cert,
)
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR, WARNING, Problem

SCHOOLING_REQUIRED_AGES = (6, 23)
LABOUR_REQUIRED_AGES = (16, 65)
DESTITUTE_LABOUR_AGES = (16, 65)
MAX_AGE_SENIOR = 14  # at or under this age, senior secondary or above is an error
LABOUR_CAPABLE = frozenset({"ordinary", "skilled"})  # 有劳动能力; weak/half labour is not counted
SPOUSE_RELATIONS = frozenset({"10", "11", "12"})
SENIOR_STAGES = frozenset({"senior", "tertiary"})
SENIOR_EDUCATION = frozenset({"senior_secondary", "college_plus"})
CAUSE_FIELDS = ("main_poverty_cause", "other_poverty_causes")


def check_household(
    household: Household, on: date | None = None, policy: Policy | None = None
) -> list[Problem]:
    """Every §7 rule for one household, as of ``on`` (today when not given) for ages."""
    on = on or date.today()
    special = (policy or load_policy()).school_ages().special_needs_health.value
    problems: list[Problem] = []
    present = [(i, m) for i, m in enumerate(household.members, start=1) if m.present]
    for index, member in present:
        problems.extend(_member_rules(member, index, on))
        problems.extend(_special_needs_rule(member, index, special))
    problems.extend(_cause_rules(household))
    problems.extend(_destitute_rule(household, present, on))
    problems.extend(_wage_rule(household, present, on))
    problems.extend(_spouse_rule(household, present))
    problems.extend(check_helpers(household, {m.id_number for m in household.present_members}))
    return problems


def _member_rules(member: Member, index: int, on: date) -> list[Problem]:
    problems: list[Problem] = []

    def add(level: str, fld: str, text: Text) -> None:
        problems.append(Problem(level, fld, text, index, member.member_id))

    id_number = normalise_id_text(member.id_number)
    if len(id_number) == 20:
        try:
            parse_disability_cert(id_number)
        except IdNumberError as e:
            add(ERROR, "id_number", e.text)
    elif len(id_number) == 15:
        # the same text as validation.py's, so a screen showing both lists it once
        problems.append(
            Problem(WARNING, "id_number", LEGACY_15, index, member.member_id, _eighteen(id_number))
        )
    elif len(id_number) != 18:
        add(
            ERROR,
            "id_number",
            Text(
                "应为18位身份证号或20位残疾人证号",
                "must be an 18-character ID number or a 20-character disability certificate number",
            ),
        )
    age = member.age(on)
    low, high = SCHOOLING_REQUIRED_AGES
    if low <= age <= high and member.schooling is None:
        add(
            ERROR,
            "schooling",
            Text(
                f"{low}–{high}岁成员须填写在校生状况", f"is required for members aged {low}–{high}"
            ),
        )
    low, high = LABOUR_REQUIRED_AGES
    if low <= age <= high and member.labour_capacity is None:
        add(
            ERROR,
            "labour_capacity",
            Text(f"{low}–{high}岁成员须填写劳动能力", f"is required for members aged {low}–{high}"),
        )
    if member.work_months is not None and not 0 <= member.work_months <= 12:
        add(ERROR, "work_months", Text("应在0–12个月之间", "must be between 0 and 12 months"))
    if age <= MAX_AGE_SENIOR:
        stage = _schooling_stage(member.schooling)
        if stage in SENIOR_STAGES:
            add(
                ERROR,
                "schooling",
                Text(
                    f"{age}岁不应在高中及以上就读",
                    f"a child of {age} cannot be at senior secondary level or above",
                ),
            )
        if member.education in SENIOR_EDUCATION:
            add(
                ERROR,
                "education",
                Text(
                    f"{age}岁不应有高中及以上文化程度",
                    f"a child of {age} cannot have senior secondary education or above",
                ),
            )
    return problems


def _special_needs_rule(member: Member, index: int, special: list[str]) -> list[Problem]:
    """送教上门 and the health exemption are for disabled or seriously ill children only.

    Recorded for a child whose recorded health is another (healthy, chronic illness) it is an
    error, and the assessment does not count the child as covered by it.
    """
    if member.health is None or member.health in special:
        return []
    health = code_list("health").get(member.health)
    zh, en = (health.label.zh, health.label.en) if health else (member.health, member.health)
    problems = []
    for fld, what, claimed in (
        ("home_schooling", Text("送教上门", "home schooling"), bool(member.home_schooling)),
        (
            "schooling_exempt",
            Text("因身体原因免于就学", "the health exemption"),
            member.schooling_exempt,
        ),
    ):
        if claimed:
            problems.append(
                Problem(
                    ERROR,
                    fld,
                    Text(
                        f"记录了{what.zh}，但健康状况为{zh}：{what.zh}仅适用于残疾或重病儿童",
                        f"{what.en} is recorded but health is {en}: it applies to disabled or "
                        "seriously ill children only",
                    ),
                    index,
                    member.member_id,
                )
            )
    return problems


def _eighteen(legacy: str) -> str | None:
    try:
        return convert_15_to_18(legacy)
    except IdNumberError:
        return None


def _schooling_stage(schooling: str | None) -> str | None:
    if schooling is None:
        return None
    item = code_list("schooling").get(schooling)
    return item.extra.get("stage") if item else None


def _is_student(member: Member) -> bool:
    return bool(member.home_schooling) or member.schooling not in (None, "not_student")


def _is_disabled(member: Member) -> bool:
    return member.health == "disabled" or bool(
        member.disability_category or member.disability_cert_no
    )


def _cause_rules(household: Household) -> list[Problem]:
    members = household.present_members
    problems: list[Problem] = []

    def field_of(cause: str) -> str:
        return CAUSE_FIELDS[0] if household.main_poverty_cause == cause else CAUSE_FIELDS[1]

    causes = {household.main_poverty_cause, *household.other_poverty_causes}
    if "illness" in causes and members and all(m.health == "healthy" for m in members):
        problems.append(
            Problem(
                ERROR,
                field_of("illness"),
                Text("为因病，但所有成员均为健康", "is illness, but every member is healthy"),
            )
        )
    if "schooling" in causes and not any(_is_student(m) for m in members):
        problems.append(
            Problem(
                ERROR,
                field_of("schooling"),
                Text("为因学，但家中没有在校生", "is schooling costs, but no member is a student"),
            )
        )
    if "disability" in causes and not any(_is_disabled(m) for m in members):
        problems.append(
            Problem(
                ERROR,
                field_of("disability"),
                Text("为因残，但家中没有残疾成员", "is disability, but no member is disabled"),
            )
        )
    return problems


def _destitute_rule(
    household: Household, present: list[tuple[int, Member]], on: date
) -> list[Problem]:
    if household.poverty_category != "destitute":
        return []
    low, high = DESTITUTE_LABOUR_AGES
    return [
        Problem(
            WARNING,
            "labour_capacity",
            Text(
                f"特困供养户不应有{low}–{high}岁有劳动能力的成员",
                f"a destitute-support household should have no member aged {low}–{high} able to work",
            ),
            index,
            m.member_id,
        )
        for index, m in present
        if low <= m.age(on) <= high and m.labour_capacity in LABOUR_CAPABLE
    ]


def _income_record(household: Household, year: int) -> IncomeRecord | None:
    exact = household.income_for(year)
    if exact is not None:
        return exact
    return max((r for r in household.incomes if r.year < year), key=lambda r: r.year, default=None)


def _is_working(member: Member) -> bool:
    return (
        member.work_status is not None or (member.work_months or 0) > 0 or member.public_welfare_job
    )


def _wage_rule(household: Household, present: list[tuple[int, Member]], on: date) -> list[Problem]:
    record = _income_record(household, on.year)
    if record is None:
        return []
    wages = sum(float(v or 0) for k, v in record.items.items() if k.startswith("wage."))
    working = any(_is_working(m) for _, m in present)
    if wages > 0 and not working:
        return [
            Problem(
                WARNING,
                "incomes",
                Text(
                    f"{record.year}年有工资性收入，但没有务工成员",
                    f"there is wage income in {record.year} but no member works",
                ),
            )
        ]
    if working and wages <= 0:
        return [
            Problem(
                WARNING,
                "incomes",
                Text(
                    f"有务工成员，但{record.year}年没有工资性收入",
                    f"a member works but there is no wage income in {record.year}",
                ),
            )
        ]
    return []


def _spouse_rule(household: Household, present: list[tuple[int, Member]]) -> list[Problem]:
    head = household.head
    if head is None:
        return []
    return [
        Problem(
            ERROR,
            "sex",
            Text("配偶与户主性别相同", "the spouse has the same sex as the head"),
            index,
            m.member_id,
        )
        for index, m in present
        if m.relation in SPOUSE_RELATIONS and m.sex == head.sex
    ]


def _person_key(id_number: str | None) -> str:
    """The 18-character citizen number a person is known by, whatever form was recorded."""
    value = normalise_id_text(id_number or "")
    if len(value) == 15 and _eighteen(value):
        return convert_15_to_18(value)
    return value[:18]


def check_helpers(household: Household, poor_id_numbers: Collection[str]) -> list[Problem]:
    """A helper whose ID number is among ``poor_id_numbers`` is a registered poor person: error.

    ``check_household`` passes the household's own members; the county passes every registered
    poor person's number (``poor_id_numbers_of``) to catch helpers who are poor elsewhere.
    """
    poor = {_person_key(n) for n in poor_id_numbers}
    problems = []
    for index, helper in enumerate(household.helpers, start=1):
        if helper.id_number and _person_key(helper.id_number) in poor:
            problems.append(
                Problem(
                    ERROR,
                    "helpers",
                    Text(
                        f"第{index}位帮扶责任人是建档立卡贫困人口，不能担任帮扶责任人",
                        f"helper {index} is a registered poor person and cannot be a helper",
                    ),
                )
            )
    return problems


def poor_id_numbers_of(households: Iterable[Household]) -> frozenset[str]:
    """Citizen ID numbers of every present member of a registered poor household."""
    return frozenset(
        _person_key(m.id_number) for h in households if h.registered_poor for m in h.present_members
    )


def check_county(
    households: Iterable[Household], on: date | None = None, policy: Policy | None = None
) -> dict[str, list[Problem]]:
    """Every rule for every household, with helpers checked against the whole county's poor."""
    households = list(households)
    poor = poor_id_numbers_of(households)
    policy = policy or load_policy()
    results: dict[str, list[Problem]] = {}
    for household in households:
        problems = check_household(household, on, policy)
        own = {p.text for p in problems if p.field == "helpers"}
        problems.extend(p for p in check_helpers(household, poor) if p.text not in own)
        results[household.household_id] = problems
    return results
