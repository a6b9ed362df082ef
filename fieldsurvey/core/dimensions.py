"""The non-income dimensions of the assessment: food, clothing, education, medical, housing, water.

Each judge returns one ``DimensionResult`` whose reasons name the member (by position and
relationship, never by name or ID number) and the recorded fact they rest on. A missing fact
makes the dimension UNKNOWN, never MET: the visitor must see what is still to be asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fieldsurvey.core.assessment_result import MET, NOT_MET, UNKNOWN, DimensionResult, Reason
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.ids import age_on
from fieldsurvey.core.policy import Policy
from fieldsurvey.core.text import Text

Finding = tuple[str, Reason]  # (MET | NOT_MET | UNKNOWN, why)
SEVERITY = {NOT_MET: 0, UNKNOWN: 1, MET: 2}
COMPLETED_COMPULSORY = frozenset({"junior_secondary", "senior_secondary", "college_plus"})
NOT_STUDENT = "not_student"
PRESCHOOL = "preschool"
LAST_COMPULSORY_GRADE = 9  # 九年义务教育: finished with grade 9 completed


def member_label(household: Household, member: Member, on: date) -> Text:
    """ "成员3(长子,15岁)": position among the household's members, relationship and age."""
    index = next(i for i, m in enumerate(household.members, start=1) if m is member)
    relation = code_list("relation").get(member.relation)
    rel_zh, rel_en = (
        (relation.label.zh, relation.label.en) if relation else ("关系未知", "relationship unknown")
    )
    age = member.age(on)
    return Text(f"成员{index}（{rel_zh}，{age}岁）", f"member {index} ({rel_en}, age {age})")


def reason(zh: str, en: str, *, member: Member | None = None, fact: str | None = None) -> Reason:
    return Reason(Text(zh, en), member.member_id if member else None, fact)


def combine(dimension: str, findings: Iterable[Finding]) -> DimensionResult:
    """Any NOT_MET fails the dimension; otherwise any UNKNOWN leaves it unknown."""
    ordered = sorted(findings, key=lambda f: SEVERITY[f[0]])
    if not ordered:
        return DimensionResult(dimension, UNKNOWN, ())
    return DimensionResult(dimension, ordered[0][0], tuple(r for _, r in ordered))


def judge_food(household: Household) -> DimensionResult:
    return _judged_by_visitor(
        "food", household.food_secure, "food_secure", Text("不愁吃", "food security")
    )


def judge_clothing(household: Household) -> DimensionResult:
    return _judged_by_visitor(
        "clothing",
        household.clothing_secure,
        "clothing_secure",
        Text("不愁穿", "clothing security"),
    )


def _judged_by_visitor(
    dimension: str, value: bool | None, fact: str, what: Text
) -> DimensionResult:
    if value is None:
        found = (UNKNOWN, reason(f"未记录是否{what.zh}", f"{what.en} was not recorded", fact=fact))
    elif value:
        found = (
            MET,
            reason(f"走访人判定{what.zh}", f"the visitor judged {what.en} met", fact=fact),
        )
    else:
        found = (
            NOT_MET,
            reason(
                f"走访人判定未达到{what.zh}", f"the visitor judged {what.en} not met", fact=fact
            ),
        )
    return combine(dimension, [found])


def compulsory_age(member: Member, on: date, policy: Policy) -> bool:
    ages = policy.school_ages()
    started = age_on(member.birth_date, ages.entry_reference_day(on)) >= ages.entry_age.value
    return started and member.age(on) <= ages.end_age.value


def judge_education(household: Household, on: date, policy: Policy) -> DimensionResult:
    ages = policy.school_ages()
    findings: list[Finding] = []
    for member in household.present_members:
        if compulsory_age(member, on, policy):
            findings.append(child_schooling(household, member, on, policy))
    if not findings:
        span = f"{ages.entry_age.value}–{ages.end_age.value}"
        findings.append(
            (
                MET,
                reason(
                    f"家中没有义务教育年龄（{span}岁）的儿童",
                    f"no child of compulsory-school age ({span}) in the household",
                ),
            )
        )
    return combine("education", findings)


def dropouts(household: Household, on: date, policy: Policy) -> list[tuple[Member, Reason]]:
    """Children of compulsory-school age not in compulsory education, with the reason why."""
    found = []
    for m in household.present_members:
        if compulsory_age(m, on, policy):
            outcome, why = child_schooling(household, m, on, policy)
            if outcome == NOT_MET:
                found.append((m, why))
    return found


def special_needs(member: Member, policy: Policy) -> bool | None:
    """Whether the child's health allows 送教上门 or the health exemption (None: not recorded)."""
    if member.health is None:
        return None
    return member.health in policy.school_ages().special_needs_health.value


def child_schooling(household: Household, member: Member, on: date, policy: Policy) -> Finding:
    """One child's compulsory schooling: enrolled, taught at home, exempt, finished or not.

    送教上门 and the health exemption stand for enrolment only for the children the policy table
    names (disabled or seriously ill); recorded for another child they are ignored here and
    reported by ``rules.py``, so the child is judged on their schooling like any other.
    """
    who = member_label(household, member, on)
    claimed = member.schooling_exempt or bool(member.home_schooling)
    eligible = special_needs(member, policy) if claimed else None
    if claimed and eligible is None:
        return UNKNOWN, reason(
            f"{who.zh}记录了送教上门或因身体原因免于就学，但未记录健康状况，无法确认",
            f"{who.en}: home schooling or a health exemption is recorded but health is not, "
            "so it cannot be confirmed",
            member=member,
            fact="health",
        )
    if eligible and member.schooling_exempt:
        return MET, reason(
            f"{who.zh}经评估因身体原因不能就学，不计为失学辍学",
            f"{who.en} is assessed as unable to attend school for health reasons: not a dropout",
            member=member,
            fact="schooling_exempt",
        )
    if eligible and member.home_schooling:
        return MET, reason(
            f"{who.zh}接受送教上门，视同在校",
            f"{who.en} is home-schooled, which counts as enrolled",
            member=member,
            fact="home_schooling",
        )
    outcome, why = _enrolment(who, member)
    if claimed:  # recorded for a child it cannot apply to: say so next to the finding
        what = "home_schooling" if member.home_schooling else "schooling_exempt"
        label = (
            Text("送教上门", "home schooling")
            if member.home_schooling
            else Text("因身体原因免于就学", "the health exemption")
        )
        why = reason(
            f"{why.text.zh}；{label.zh}仅适用于残疾或重病儿童，该儿童不符合，不予认定",
            f"{why.text.en}; {label.en} applies to disabled or seriously ill children only "
            "and is not accepted for this child",
            member=member,
            fact=what if outcome == MET else why.fact,
        )
    return outcome, why


def _enrolment(who: Text, member: Member) -> Finding:
    """Enrolment judged on 在校生状况 and, out of school, on the highest grade completed."""
    schooling = code_list("schooling")
    if member.schooling is None:
        return UNKNOWN, reason(
            f"{who.zh}未记录在校生状况",
            f"{who.en}: schooling was not recorded",
            member=member,
            fact="schooling",
        )
    if member.schooling == PRESCHOOL:
        return NOT_MET, reason(
            f"{who.zh}已到义务教育年龄仍在学前教育，未接受义务教育",
            f"{who.en} is of compulsory-school age but still in pre-school: "
            "not in compulsory education",
            member=member,
            fact="schooling",
        )
    if member.schooling != NOT_STUDENT:
        label = schooling.get(member.schooling)
        zh, en = (label.label.zh, label.label.en) if label else (member.schooling, member.schooling)
        return MET, reason(
            f"{who.zh}在校（{zh}）", f"{who.en} is enrolled ({en})", member=member, fact="schooling"
        )
    grade = member.completed_grade
    if grade is not None and grade >= LAST_COMPULSORY_GRADE:
        return MET, reason(
            f"{who.zh}已完成九年级，义务教育已完成",
            f"{who.en} has completed grade 9: compulsory education finished",
            member=member,
            fact="completed_grade",
        )
    if grade is None and member.education in COMPLETED_COMPULSORY:
        return UNKNOWN, reason(
            f"{who.zh}不在校，文化程度为初中及以上，但未记录完成的最高年级，无法确认是否完成义务教育",
            f"{who.en} is not in school with junior secondary education or above, but the highest "
            "grade completed is not recorded: compulsory education may not be finished",
            member=member,
            fact="completed_grade",
        )
    left = f"，完成{grade}年级后离校" if grade is not None else ""
    left_en = f" after completing grade {grade}" if grade is not None else ""
    why_zh = f"（原因：{member.dropout_reason}）" if member.dropout_reason else "（未记录原因）"
    why_en = (
        f" (reason: {member.dropout_reason})" if member.dropout_reason else " (no reason recorded)"
    )
    return NOT_MET, reason(
        f"{who.zh}处于义务教育年龄但未在校{left}，失学辍学{why_zh}",
        f"{who.en} is of compulsory-school age but not enrolled{left_en}: dropout{why_en}",
        member=member,
        fact="schooling",
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """One guarantee of 基本医疗有保障: the member fact it is read from and how it is worded.

    The three guarantees (三重保障) are basic insurance, 大病保险 and 医疗救助. 医疗救助 is a
    coverage a poor member is entitled to (纳入医疗救助保障范围), not money received when ill, so
    it is asked and reported as "covered", like the two insurances.
    """

    fact: str
    label: Text
    has: Text  # "参加" / "has": the verb before the label
    lacks: Text  # "未参加" / "has no"


COVERAGES: dict[str, Coverage] = {
    "basic_insurance": Coverage(
        "resident_medical_insurance",
        Text(
            "基本医疗保险（居民医保或职工医保）", "basic medical insurance (resident or employee)"
        ),
        Text("参加", "has"),
        Text("未参加", "has no"),
    ),
    "critical_illness_insurance": Coverage(
        "critical_illness_insurance",
        Text("大病保险", "critical illness insurance"),
        Text("参加", "has"),
        Text("未参加", "has no"),
    ),
    "medical_assistance": Coverage(
        "medical_assistance",
        Text("医疗救助", "medical assistance"),
        Text("纳入", "is covered by"),
        Text("未纳入", "is not covered by"),
    ),
    "family_doctor": Coverage(
        "family_doctor",
        Text("家庭医生签约", "a family doctor contract"),
        Text("已办理", "has"),
        Text("未办理", "has no"),
    ),
}


def coverage(member: Member, kind: str) -> bool | None:
    if kind == "basic_insurance":
        return member.basic_insured
    if kind == "critical_illness_insurance" and member.employee_medical_insurance:
        return True  # employee insurance carries its own large-expense cover (职工大额医疗)
    return getattr(member, COVERAGES[kind].fact)


def uninsured(household: Household, policy: Policy) -> list[Member]:
    """Members recorded as having no basic medical insurance (serving soldiers aside)."""
    exempt = policy.exempt_active_military.value
    return [
        m
        for m in household.present_members
        if m.basic_insured is False and not (m.active_military and exempt)
    ]


def judge_medical(household: Household, on: date, policy: Policy) -> DimensionResult:
    required = [k for k, v in policy.medical_required.items() if v.value]
    findings: list[Finding] = []
    covered = 0
    for member in household.present_members:
        who = member_label(household, member, on)
        if member.active_military and policy.exempt_active_military.value:
            findings.append(
                (
                    MET,
                    reason(
                        f"{who.zh}为现役军人，享受军人医疗保障",
                        f"{who.en} is serving in the military, covered by military care",
                        member=member,
                        fact="active_military",
                    ),
                )
            )
            continue
        member_ok = True
        for kind in required:
            cover = COVERAGES[kind]
            has = coverage(member, kind)
            if has is None:
                member_ok = False
                findings.append(
                    (
                        UNKNOWN,
                        reason(
                            f"{who.zh}未记录是否{cover.has.zh}{cover.label.zh}",
                            f"{who.en}: {cover.label.en} was not recorded",
                            member=member,
                            fact=cover.fact,
                        ),
                    )
                )
            elif not has:
                member_ok = False
                findings.append(
                    (
                        NOT_MET,
                        reason(
                            f"{who.zh}{cover.lacks.zh}{cover.label.zh}",
                            f"{who.en} {cover.lacks.en} {cover.label.en}",
                            member=member,
                            fact=cover.fact,
                        ),
                    )
                )
        covered += member_ok
    if covered:
        names = "、".join(COVERAGES[k].label.zh for k in required)
        names_en = ", ".join(COVERAGES[k].label.en for k in required)
        findings.append(
            (
                MET,
                reason(
                    f"{covered}名成员的{names}均已落实",
                    f"{covered} member(s) are covered by {names_en}",
                ),
            )
        )
    if not household.present_members:
        findings.append(
            (UNKNOWN, reason("户内没有成员记录", "no members recorded", fact="members"))
        )
    return combine("medical", findings)


SAFE_GRADES = frozenset({"A", "B"})


def judge_housing(household: Household) -> DimensionResult:
    grade = household.housing_grade
    if grade is None:
        found = (
            UNKNOWN,
            reason(
                "未记录房屋安全等级", "the housing grade was not recorded", fact="housing_grade"
            ),
        )
    elif grade in SAFE_GRADES:
        found = (
            MET,
            reason(
                f"住房为{grade}级，安全", f"the house is grade {grade}: safe", fact="housing_grade"
            ),
        )
    elif grade == "none":
        found = (NOT_MET, reason("无房", "the household has no house", fact="housing_grade"))
    else:
        found = (
            NOT_MET,
            reason(
                f"住房为{grade}级危房",
                f"the house is grade {grade}: dangerous",
                fact="housing_grade",
            ),
        )
    return combine("housing", [found])
