"""Record-level validation of a household: what is wrong, with which member and which field.

Problems name the member by position and relationship ("成员3(女)") and the field by its label,
never by the person's name or ID number, because these texts may reach logs and sync replies.
Cross-field policy rules of the data-quality checkers live with the assessment (issue #3); this
module checks that the record itself is well-formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import MAX_OTHER_POVERTY_CAUSES, MAX_RISKS, Household, Member
from fieldsurvey.core.ids import (
    LEGACY_15,
    IdNumberError,
    normalise_id_text,
    parse_disability_cert,
    parse_id_number,
)
from fieldsurvey.core.text import Text

ERROR = "error"
WARNING = "warning"

FIELD_LABELS: dict[str, Text] = {
    "name": Text("姓名", "name"),
    "id_number": Text("证件号码", "ID number"),
    "relation": Text("与户主关系", "relationship to head"),
    "sex": Text("性别", "sex"),
    "birth_date": Text("出生日期", "birth date"),
    "ethnicity": Text("民族", "ethnic group"),
    "education": Text("文化程度", "education"),
    "schooling": Text("在校生状况", "schooling"),
    "health": Text("健康状况", "health"),
    "labour_capacity": Text("劳动能力", "labour capacity"),
    "work_status": Text("务工状况", "work status"),
    "work_months": Text("务工时间", "months worked"),
    "disability_cert_no": Text("残疾人证号", "disability certificate number"),
    "political_status": Text("政治面貌", "political status"),
    "household_no": Text("户编号", "household number"),
    "members": Text("家庭成员", "members"),
    "poverty_category": Text("贫困户属性", "poverty category"),
    "status": Text("脱贫状态", "status"),
    "household_type": Text("户类型", "household type"),
    "main_poverty_cause": Text("主要致贫原因", "main poverty cause"),
    "other_poverty_causes": Text("其他致贫原因", "other poverty causes"),
    "risks": Text("返贫致贫风险", "risks"),
    "housing_grade": Text("房屋安全等级", "housing grade"),
    "water_source": Text("饮水来源", "water source"),
    "helpers": Text("帮扶责任人", "assigned helper"),
    "left_behind": Text("留守情况", "left-behind status"),
    "non_compulsory_aid": Text("非义务教育阶段资助", "aid beyond compulsory school"),
    "access_road": Text("入户路类型", "access road"),
    "cooking_fuel": Text("主要燃料类型", "cooking fuel"),
    "destitute_support_mode": Text("特困供养方式", "destitute-support mode"),
    "renovation_target_group": Text("危房改造对象类别", "renovation target group"),
    "dibao_phase_out_months": Text("低保渐退期限", "dibao phase-out period"),
    "incomes": Text("收入", "income"),
}

MEMBER_CODED = {
    "relation": "relation",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "education": "education",
    "schooling": "schooling",
    "health": "health",
    "labour_capacity": "labour_capacity",
    "work_status": "work_status",
    "political_status": "political_status",
    "id_type": "id_type",
    "left_behind": "left_behind",
}
HOUSEHOLD_CODED = {
    "poverty_category": "poverty_category",
    "status": "status",
    "household_type": "household_type",
    "main_poverty_cause": "poverty_cause",
    "housing_grade": "housing_grade",
    "housing_structure": "housing_structure",
    "water_source": "water_source",
    "identification_standard": "identification_standard",
    "renovation_status": "renovation_status",
    "renovation_target_group": "renovation_target_group",
    "access_road": "access_road",
    "cooking_fuel": "cooking_fuel",
    "destitute_support_mode": "destitute_support_mode",
}


@dataclass(frozen=True, slots=True)
class Problem:
    level: str  # ERROR or WARNING
    field: str
    text: Text
    member_index: int | None = None  # 1-based position among the household's members
    member_id: str | None = None
    # a value the screen may offer to put in the field (the 18-character form of a legacy
    # ID number); kept out of ``text``, which never quotes an ID number
    suggestion: str | None = None

    def where(self) -> Text:
        label = FIELD_LABELS.get(self.field, Text(self.field, self.field))
        if self.member_index is None:
            return label
        return Text(
            f"成员{self.member_index}的{label.zh}", f"member {self.member_index}, {label.en}"
        )

    def message(self) -> Text:
        where = self.where()
        return Text(f"{where.zh}:{self.text.zh}", f"{where.en}: {self.text.en}")


def validate_member(member: Member, index: int | None = None) -> list[Problem]:
    problems: list[Problem] = []

    def add(fld: str, text: Text, level: str = ERROR, suggestion: str | None = None) -> None:
        problems.append(Problem(level, fld, text, index, member.member_id, suggestion))

    if not member.name.strip():
        add("name", Text("不能为空", "is required"))
    if member.id_type in ("resident_id", "disability_cert"):
        number = normalise_id_text(member.id_number)
        try:
            info = parse_id_number(number if len(number) == 15 else number[:18])
        except IdNumberError as e:
            add("id_number", e.text)
        else:
            if info.birth_date != member.birth_date:
                add(
                    "birth_date",
                    Text("与身份证号中的出生日期不一致", "does not match the ID number"),
                )
            if info.sex != member.sex:
                add("sex", Text("与身份证号中的性别不一致", "does not match the ID number"))
            for text in info.warnings():  # a legacy 15-digit number, an area not in the list
                add("id_number", text, WARNING, info.id_number if text == LEGACY_15 else None)
            if member.id_type == "resident_id" and len(number) not in (15, 18):
                add("id_number", Text("应为18位身份证号", "must be the 18-character ID number"))
    if member.disability_cert_no:
        try:
            cert = parse_disability_cert(member.disability_cert_no)
        except IdNumberError as e:
            add("disability_cert_no", e.text)
        else:
            if cert.id_info.id_number != member.id_number[:18]:
                add(
                    "disability_cert_no",
                    Text("前18位应为本人身份证号", "must start with the member's ID number"),
                )
    for fld, list_name in MEMBER_CODED.items():
        value = getattr(member, fld)
        if value is not None and value not in code_list(list_name):
            add(fld, Text(f"代码“{value}”不在代码表中", f"code '{value}' is not in the code list"))
    aid = code_list("non_compulsory_aid")
    if any(c not in aid for c in member.non_compulsory_aid):
        add(
            "non_compulsory_aid",
            Text("含有不在代码表中的资助项目", "contains an aid not in the code list"),
        )
    if member.work_months is not None and not 0 <= member.work_months <= 12:
        add("work_months", Text("应在0–12个月之间", "must be between 0 and 12 months"))
    if member.birth_date > date.today():
        add("birth_date", Text("不能晚于今天", "cannot be in the future"))
    return problems


def validate_household(household: Household) -> list[Problem]:
    problems: list[Problem] = []

    def add(fld: str, text: Text, level: str = ERROR) -> None:
        problems.append(Problem(level, fld, text))

    if not household.household_no.strip():
        add("household_no", Text("不能为空", "is required"))
    present = household.present_members
    heads = [m for m in present if m.is_head]
    if not present:
        add("members", Text("至少应有一名成员", "there must be at least one member"))
    elif len(heads) != 1:
        add(
            "members",
            Text(
                f"应有且只有一位户主（现有{len(heads)}位）",
                f"there must be exactly one head ({len(heads)} now)",
            ),
        )
    seen: dict[str, int] = {}
    for i, member in enumerate(household.members, start=1):
        problems.extend(validate_member(member, i))
        key = member.id_number.upper()
        if member.present and key in seen:
            problems.append(
                Problem(
                    ERROR,
                    "id_number",
                    Text(f"与成员{seen[key]}重复", f"duplicates member {seen[key]}"),
                    i,
                    member.member_id,
                )
            )
        seen.setdefault(key, i)
    for fld, list_name in HOUSEHOLD_CODED.items():
        value = getattr(household, fld)
        if value is not None and value not in code_list(list_name):
            add(fld, Text(f"代码“{value}”不在代码表中", f"code '{value}' is not in the code list"))
    if (
        household.dibao_phase_out_months is not None
        and not 1 <= household.dibao_phase_out_months <= 60
    ):
        add("dibao_phase_out_months", Text("应在1–60个月之间", "must be between 1 and 60 months"))
    causes = code_list("poverty_cause")
    if len(household.other_poverty_causes) > MAX_OTHER_POVERTY_CAUSES:
        add("other_poverty_causes", Text("最多两项", "at most two"))
    if any(c not in causes for c in household.other_poverty_causes):
        add(
            "other_poverty_causes",
            Text("含有不在代码表中的原因", "contains a cause not in the code list"),
        )
    if (
        household.main_poverty_cause
        and household.main_poverty_cause in household.other_poverty_causes
    ):
        add(
            "other_poverty_causes", Text("不应与主要致贫原因重复", "must not repeat the main cause")
        )
    risks = code_list("risk")
    if len(household.risks) > MAX_RISKS:
        add("risks", Text("最多五项", "at most five"))
    if any(r not in risks for r in household.risks):
        add("risks", Text("含有不在代码表中的风险", "contains a risk not in the code list"))
    return problems


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == ERROR]
