"""The recorded facts behind each of the two assurances, three guarantees and water.

Each guarantee row on the ledger shows what was recorded (the evidence), next to what the
assessment concluded from it, so a reader can see why a household passed or failed.
"""

from __future__ import annotations

from fieldsurvey.core.household import Household, Member
from fieldsurvey.ledger.formatting import DASH, label, money, number, yes_no


def _names(members: list[Member]) -> str:
    return "、".join(m.name for m in members)


def food(household: Household, last_visit: str | None) -> str:
    basis = f"（走访人判断，最近走访 {last_visit}）" if last_visit else "（走访人判断）"
    return f"全年吃得饱：{yes_no(household.food_secure)}{basis}"


def clothing(household: Household, last_visit: str | None) -> str:
    basis = f"（走访人判断，最近走访 {last_visit}）" if last_visit else "（走访人判断）"
    return f"四季有换洗衣服和被褥：{yes_no(household.clothing_secure)}{basis}"


def education(household: Household) -> str:
    parts: list[str] = []
    for m in household.present_members:
        if m.dropout_reason:
            parts.append(f"{m.name}:失学辍学，原因：{m.dropout_reason}")
        elif m.schooling_exempt:
            parts.append(f"{m.name}:因身体原因经评估不具备学习能力")
        elif m.home_schooling:
            parts.append(f"{m.name}:送教上门")
        elif m.schooling and m.schooling != "not_student":
            school = f",{m.school_name}" if m.school_name else ""
            aid = f",资助：{m.education_aid}" if m.education_aid else ""
            parts.append(f"{m.name}:{label('schooling', m.schooling)}{school}{aid}")
    return ";".join(parts) if parts else "家中无在校生记录"


def medical(household: Household) -> str:
    members = household.present_members
    total = len(members)
    if not total:
        return DASH

    def count(attr: str) -> int:
        return sum(1 for m in members if getattr(m, attr))

    insured = [m for m in members if m.basic_insured]
    unknown = [m for m in members if m.basic_insured is None]
    uninsured = [m for m in members if m.basic_insured is False]
    parts = [
        f"基本医保 {len(insured)}/{total} 人",
        f"大病保险 {count('critical_illness_insurance')}/{total}",
        f"医疗救助 {count('medical_assistance')}/{total}",
        f"家庭医生签约 {count('family_doctor')}/{total}",
    ]
    chronic = count("chronic_disease_card")
    if chronic:
        parts.append(f"慢病卡 {chronic} 人")
    if uninsured:
        parts.append(f"未参保：{_names(uninsured)}")
    if unknown:
        parts.append(f"参保情况未记录：{_names(unknown)}")
    return ";".join(parts)


def housing(household: Household) -> str:
    h = household
    renovation = label("renovation_status", h.renovation_status)
    if h.renovation_year:
        renovation += f"({h.renovation_year}年)"
    return ";".join(
        [
            f"房屋安全等级：{label('housing_grade', h.housing_grade)}",
            f"结构：{label('housing_structure', h.housing_structure)}",
            f"面积：{number(h.housing_area, ' m²')}",
            f"建房：{number(h.house_built_year, '年')}",
            f"危房改造：{renovation}",
            *(
                [f"改造对象：{label('renovation_target_group', h.renovation_target_group)}"]
                if h.renovation_target_group
                else []
            ),
            *(
                [f"改造补助：{money(h.renovation_subsidy)}元"]
                if h.renovation_subsidy is not None
                else []
            ),
            f"易地搬迁：{yes_no(h.relocated)}",
        ]
    )


def water(household: Household) -> str:
    h = household
    return ";".join(
        [
            f"水源：{label('water_source', h.water_source)}",
            f"水量：{number(h.water_quantity_lpd, ' 升/人·日')}",
            f"水质合格：{yes_no(h.water_quality_ok)}",
            f"自来水入户：{yes_no(h.water_piped)}",
            f"单次取水往返：{number(h.water_trip_minutes, ' 分钟')}",
            f"水平距离：{number(h.water_distance_h_m, ' 米')}",
            f"垂直距离：{number(h.water_distance_v_m, ' 米')}",
            f"年断水天数：{number(h.water_outage_days, ' 天')}",
            f"缺水地区：{yes_no(h.water_short_area)}",
        ]
    )
