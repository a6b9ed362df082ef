"""Build everything a household ledger prints from the record (REFERENCE.md §6).

All labelling and masking happens here, so the renderer never sees a code or a full ID number
it should not print, and the fingerprint covers exactly what is on paper.
"""

from __future__ import annotations

from dataclasses import replace

from fieldsurvey.core.assessment_result import (
    DIMENSION_LABELS,
    DIMENSIONS,
    NOT_MET,
    OUTCOME_LABELS,
    Assessment,
)
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.reimbursement import KIND_LABELS, reimbursements
from fieldsurvey.core.visit import Visit
from fieldsurvey.ledger import evidence
from fieldsurvey.ledger.formatting import (
    DASH,
    day,
    id_number,
    label,
    labels,
    money,
    number,
    phone,
    text,
    yes_no,
)
from fieldsurvey.ledger.income_view import detail_table, income_notes, income_years, summary_table
from fieldsurvey.ledger.model import (
    LedgerContent,
    LedgerInput,
    LedgerPhoto,
    PhotoContent,
    Section,
    TableContent,
)

LEDGER_TITLE = "扶贫手册（一户一本台账）"
YEARS_PER_TABLE = 5


def finalized_visits(visits: list[Visit] | tuple[Visit, ...]) -> list[Visit]:
    """The visit log: finalized visits, oldest first (drafts are work in progress)."""
    done = [v for v in visits if v.finalized]
    return sorted(done, key=lambda v: (v.visit_date, v.finalized_at or v.visit_date, v.visit_id))


def latest_assessment(inp: LedgerInput) -> Assessment | None:
    if inp.assessment is not None:
        return inp.assessment
    for visit in reversed(finalized_visits(list(inp.visits))):
        if visit.assessment:
            return Assessment.from_dict(visit.assessment)
    return None


def status_text(household: Household) -> str:
    status = label("status", household.status)
    if household.status == "exited" and household.exit_year:
        status += f"({household.exit_year}年)"
    return status


def build_content(inp: LedgerInput, *, masked: bool, policy: Policy | None = None) -> LedgerContent:
    """Everything the ledger prints; ``policy`` defaults to the shipped tables plus overrides."""
    policy = policy or load_policy()
    h = inp.household
    visits = finalized_visits(list(inp.visits))
    assessment = latest_assessment(inp)
    head = h.head
    head_name = head.name if head else DASH
    helpers_now = "、".join(x.name for x in h.current_helpers()) or DASH
    last_visit = day(visits[-1].visit_date) if visits else None
    cover = (
        ("县（市、区）", inp.names.county),
        ("乡（镇）", inp.names.township),
        ("行政村", inp.names.village),
        ("户编号", h.household_no),
        ("户主", head_name),
        ("贫困户属性", label("poverty_category", h.poverty_category)),
        ("脱贫状态", status_text(h)),
        ("帮扶责任人", helpers_now),
    )
    photos = _printed_photos(inp)
    guarantees = _guarantees(h, assessment, last_visit, policy)
    visit_log = _visit_log(visits)
    guarantees = replace(guarantees, photos=_pick(photos, HOUSING_KINDS, MAX_SECTION_PHOTOS))
    # The public copy (公示版) never shows documents: certificates and receipts carry ID numbers.
    log_kinds = ("visit",) if masked else ("visit", "document")
    visit_log = replace(visit_log, photos=_pick(photos, log_kinds, MAX_SECTION_PHOTOS))
    cover_photo = next(iter(_pick(photos, ("household",), 1)), None)
    sections = (
        _basics(inp, head, masked),
        _conditions(h),
        _members(h, masked),
        _causes(h),
        _helpers(h),
        _income(h, policy),
        guarantees,
        _measures(h),
        _results(h),
        visit_log,
        _assessment(h, assessment),
    )
    return LedgerContent(h.household_no, head_name, inp.names, masked, cover, sections, cover_photo)


# Which photos the ledger prints, by the kind their form field gives them (docs/forms.md):
# the household photo on the cover; the house (outside, inside, before and after renovation)
# and the water source in section seven (两不愁三保障) with their dates; the visit and, in the full copy only,
# documents in the visit log. At most this many per section, newest visit first.
HOUSING_KINDS = ("house_exterior", "house_interior", "water_source")
MAX_SECTION_PHOTOS = 6


def _printed_photos(inp: LedgerInput) -> list[LedgerPhoto]:
    """The caller's photos (finalized visits only, newest first), each picture once."""
    seen: set[str] = set()
    out = []
    for p in inp.photos:
        if p.sha256 not in seen:
            seen.add(p.sha256)
            out.append(p)
    return out


def _photo_caption(p: LedgerPhoto) -> str:
    when = (p.taken_at or "")[:10] or p.visit_date
    words = f"{p.title}" + (f"：{p.caption}" if p.caption else "")
    return f"{words}（{when}{'拍摄' if p.taken_at else '走访'}）"


def _pick(
    photos: list[LedgerPhoto], kinds: tuple[str, ...], limit: int
) -> tuple[PhotoContent, ...]:
    chosen = [p for p in photos if p.kind in kinds][:limit]
    return tuple(PhotoContent(p.sha256, _photo_caption(p), p.width, p.height) for p in chosen)


def _basics(inp: LedgerInput, head: Member | None, masked: bool) -> Section:
    h = inp.household
    place = "".join(p for p in (inp.names.village, h.group, h.hamlet) if p)
    address = f"{place} {h.address}" if h.address else place
    fields: tuple[tuple[str, str], ...] = (
        ("户编号", h.household_no),
        ("户主", head.name if head else DASH),
        ("户主证件号码", id_number(head.id_number, masked) if head else DASH),
        ("家庭人口", f"{h.size} 人"),
        ("住址", address),
        ("联系电话", phone(h.phone, masked)),
        ("识别标准", label("identification_standard", h.identification_standard)),
        ("建档立卡贫困户", yes_no(h.registered_poor)),
        ("贫困户属性", label("poverty_category", h.poverty_category)),
        ("脱贫状态", status_text(h)),
        ("户类型", label("household_type", h.household_type)),
        ("监测对象", "是" if h.monitored else "否"),
        ("低保渐退", _phase_out(h)),
    )
    if h.poverty_category == "destitute" or h.destitute_support_mode:
        fields += (("特困供养方式", label("destitute_support_mode", h.destitute_support_mode)),)
    return Section("basics", "一、家庭基本情况", fields=fields)


def _phase_out(h: Household) -> str:
    if h.dibao_phase_out is None:
        return "未记录"
    if not h.dibao_phase_out:
        return "否"
    months = f"{h.dibao_phase_out_months}个月" if h.dibao_phase_out_months else "期限未记录"
    end = h.dibao_phase_out_end()
    return f"是，{day(h.dibao_phase_out_start)}起{months}" + (f"（至{day(end)}）" if end else "")


def _area(value: float | None) -> str:
    return number(value, " 亩")


def _conditions(h: Household) -> Section:
    """生产生活条件 as the 贫困户登记表 records them."""
    fields = (
        ("通生活用电", yes_no(h.electricity)),
        ("广播电视户户通", yes_no(h.broadcast_tv)),
        ("入户路类型", label("access_road", h.access_road)),
        ("距村主干路", number(h.road_distance_km, " 公里")),
        ("主要燃料类型", label("cooking_fuel", h.cooking_fuel)),
        ("加入农民专业合作社", yes_no(h.cooperative_member)),
        ("耕地面积", _area(h.farmland_mu)),
        ("其中有效灌溉面积", _area(h.irrigated_land_mu)),
        ("林地面积", _area(h.forest_land_mu)),
        ("退耕还林面积", _area(h.returned_farmland_mu)),
        ("林果面积", _area(h.orchard_mu)),
        ("牧草地面积", _area(h.grassland_mu)),
        ("水面面积", _area(h.water_surface_mu)),
    )
    return Section("conditions", "二、生产生活条件", fields=fields)


def _members(h: Household, masked: bool) -> Section:
    present = h.present_members
    identity = tuple(
        (
            str(i),
            m.name,
            label("relation", m.relation),
            label("sex", m.sex),
            label("ethnicity", m.ethnicity),
            id_number(m.id_number, masked),
            label("political_status", m.political_status),
            label("education", m.education),
            label("schooling", m.schooling),
        )
        for i, m in enumerate(present, 1)
    )
    support = tuple(
        (
            str(i),
            m.name,
            label("health", m.health),
            _disability(m),
            label("labour_capacity", m.labour_capacity),
            _work(m),
            _mark(m.basic_insured),
            _mark(m.critical_illness_insurance),
            _mark(m.medical_assistance),
            _mark(_pension(m)),
            _mark(m.family_doctor),
            _protection(m),
        )
        for i, m in enumerate(present, 1)
    )
    tables: tuple[TableContent, ...] = (
        TableContent(
            "members",
            (
                "序号",
                "姓名",
                "与户主关系",
                "性别",
                "民族",
                "证件号码",
                "政治面貌",
                "文化程度",
                "在校生状况",
            ),
            identity,
        ),
        TableContent(
            "member_support",
            (
                "序号",
                "姓名",
                "健康状况",
                "残疾",
                "劳动能力",
                "务工情况",
                "基本医保",
                "大病保险",
                "医疗救助",
                "养老保险",
                "家庭医生",
                "低保/特困/公益岗",
            ),
            support,
        ),
    )
    gone = [m for m in h.members if not m.present]
    notes = (
        (
            "已变更（迁出）的成员："
            + "、".join(f"{m.name}({label('relation', m.relation)})" for m in gone),
        )
        if gone
        else ()
    )
    more = tuple(
        (
            str(i),
            m.name,
            label("left_behind", m.left_behind),
            _mark(m.wants_work),
            _mark(m.wants_training),
            _mark(m.training_received),
            _aid(m),
        )
        for i, m in enumerate(present, 1)
    )
    tables += (
        TableContent(
            "member_more",
            (
                "序号",
                "姓名",
                "留守情况",
                "就业意愿",
                "培训意愿",
                "本年参加培训",
                "非义务教育阶段资助",
            ),
            more,
        ),
    )
    return Section("members", "三、家庭成员", tables=tables, notes=notes)


def _aid(m: Member) -> str:
    if not m.non_compulsory_aid:
        return DASH
    amount = (
        f" {money(m.non_compulsory_aid_amount)}元"
        if m.non_compulsory_aid_amount is not None
        else ""
    )
    return labels("non_compulsory_aid", m.non_compulsory_aid) + amount


def _pension(m: Member) -> bool | None:
    if m.resident_pension or m.employee_pension:
        return True
    if m.resident_pension is None and m.employee_pension is None:
        return None
    return False


def _mark(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


def _disability(m: Member) -> str:
    if not m.disability_category:
        return DASH
    return label("disability_category", m.disability_category) + (
        label("disability_grade", m.disability_grade) if m.disability_grade else ""
    )


def _work(m: Member) -> str:
    if not m.work_status:
        return DASH
    months = f" {m.work_months}个月" if m.work_months is not None else ""
    return label("work_status", m.work_status) + months


def _protection(m: Member) -> str:
    kinds = [
        name
        for flag, name in (
            (m.dibao, "低保"),
            (m.destitute_support, "特困"),
            (m.public_welfare_job, "公益岗"),
        )
        if flag
    ]
    return "、".join(kinds) or DASH


def _causes(h: Household) -> Section:
    cleared = DASH
    if h.risk_cleared:
        cleared = f"已消除：{label('risk_cleared_method', h.risk_cleared_method)} {day(h.risk_cleared_date)}"
    elif h.monitored:
        cleared = "未消除"
    fields = (
        ("主要致贫原因", label("poverty_cause", h.main_poverty_cause)),
        ("其他致贫原因", labels("poverty_cause", h.other_poverty_causes)),
        ("返贫致贫风险", labels("risk", h.risks)),
        ("风险消除", cleared),
    )
    return Section("causes", "四、致贫原因与返贫致贫风险", fields=fields)


def _helpers(h: Household) -> Section:
    ordered = sorted(h.helpers, key=lambda x: (x.start_date, x.end_date is None))
    rows = tuple(
        (
            x.name,
            label("sex", x.sex),
            text(x.unit),
            label("helper_unit_level", x.unit_level),
            text(x.phone),
            f"{day(x.start_date)} 至 {day(x.end_date) if x.end_date else '今'}",
            ("在帮" + (f"（{day(x.confirmed_on)}走访核实）" if x.confirmed_on else ""))
            if x.current
            else "已调整",
        )
        for x in ordered
    )
    table = TableContent(
        "helpers", ("姓名", "性别", "工作单位", "单位级别", "联系电话", "帮扶起止", "状态"), rows
    )
    return Section(
        "helpers",
        "五、帮扶责任人（含调整记录）",
        tables=(table,) if rows else (),
        notes=() if rows else ("尚未确定帮扶责任人",),
    )


def _income(h: Household, policy: Policy) -> Section:
    title = "六、家庭收入情况（元）"
    years = income_years(h, policy)
    if not years:
        return Section("income", title, notes=("尚无收入记录",))
    tables: list[TableContent] = []
    # At most YEARS_PER_TABLE year columns to a table, so amounts keep a readable width.
    for start in range(0, len(years), YEARS_PER_TABLE):
        chunk = years[start : start + YEARS_PER_TABLE]
        tables.append(summary_table(chunk))
        detail = detail_table(chunk, h, policy)
        if detail:
            tables.append(detail)
    return Section("income", title, tables=tuple(tables), notes=income_notes(years))


def _guarantees(
    h: Household, assessment: Assessment | None, last_visit: str | None, policy: Policy
) -> Section:
    facts = {
        "food": evidence.food(h, last_visit),
        "clothing": evidence.clothing(h, last_visit),
        "education": evidence.education(h),
        "medical": evidence.medical(h),
        "housing": evidence.housing(h),
        "water": evidence.water(h),
    }
    rows = tuple((DIMENSION_LABELS[dim].zh, facts[dim], _outcome(assessment, dim)) for dim in facts)
    table = TableContent("guarantees", ("项目", "记录的情况", "评估结果"), rows)
    tables: tuple[TableContent, ...] = (table,)
    costs = _reimbursement(h, policy)
    if costs is not None:
        tables += (costs,)
    return Section("guarantees", "七、两不愁三保障及饮水安全", tables=tables)


def _reimbursement(h: Household, policy: Policy) -> TableContent | None:
    """Each member's compliant medical costs of a year, what was reimbursed, and the target."""
    names = {m.member_id: m.name for m in h.members}
    rows = tuple(
        (
            f"{r.year}年",
            names.get(r.member_id, DASH),
            KIND_LABELS[r.kind].zh,
            money(r.costs),
            money(r.reimbursed),
            f"{r.rate:.1%}",
            f"{r.target.value:.0%}" if r.target else DASH,
            r.verdict().zh,
        )
        for r in reimbursements(h, policy)
    )
    if not rows:
        return None
    return TableContent(
        "reimbursement",
        ("年度", "姓名", "类别", "合规费用（元）", "已报销（元）", "实际报销比例", "目标", "结果"),
        rows,
    )


def _outcome(assessment: Assessment | None, dimension: str) -> str:
    if assessment is None:
        return "未评估"
    return OUTCOME_LABELS[assessment.outcome(dimension)].zh


def _measures(h: Household) -> Section:
    rows = tuple(
        (
            label("assistance_category", m.category),
            text(m.project),
            number(m.year),
            text(m.scale),
            money(m.funds),
            day(m.deadline),
            label("measure_status", m.status),
        )
        for m in sorted(h.measures, key=lambda m: (m.year or 0, m.category, m.project))
    )
    table = TableContent(
        "measures", ("类别", "项目", "年度", "规模", "资金（元）", "完成期限", "状态"), rows
    )
    return Section(
        "measures",
        "八、帮扶措施及项目",
        tables=(table,) if rows else (),
        notes=() if rows else ("尚无帮扶措施记录",),
    )


def _results(h: Household) -> Section:
    rows = tuple(
        (label("assistance_category", m.category), text(m.project), text(m.result))
        for m in h.measures
        if m.result
    )
    table = TableContent("results", ("类别", "项目", "帮扶成效"), rows)
    return Section(
        "results",
        "九、帮扶成效",
        tables=(table,) if rows else (),
        notes=() if rows else ("尚无帮扶成效记录",),
    )


def _visit_log(visits: list[Visit]) -> Section:
    by_id = {v.visit_id: v for v in visits}
    rows: list[tuple[str, ...]] = []
    for v in visits:
        findings = text(v.findings)
        if v.amends:
            old = by_id.get(v.amends)
            ref = f"{day(old.visit_date)} 的记录" if old else "此前的记录"
            reason = f",原因：{v.amendment_reason}" if v.amendment_reason else ""
            findings = f"【更正{ref}{reason}】{findings}"
        rows.append((day(v.visit_date), text(v.visitor), findings))
    table = TableContent("visits", ("走访日期", "走访人", "走访发现"), tuple(rows))
    return Section(
        "visits",
        "十、走访记录",
        tables=(table,) if rows else (),
        notes=() if rows else ("尚无已提交的走访记录",),
    )


def _assessment(h: Household, a: Assessment | None) -> Section:
    title = "十一、最近一次评估"
    if a is None:
        return Section("assessment", title, notes=("尚未评估",))
    names = {m.member_id: m.name for m in h.members}

    def reason_text(member_id: str | None, words: str) -> str:
        who = names.get(member_id or "")
        return f"{who}:{words}" if who else words

    fields = (
        ("评估日期", day(a.assessed_on)),
        ("政策年度", f"{a.policy_year}年"),
        ("人均纯收入（元）", money(a.net_income_per_capita)),
        ("贫困线（元）", money(a.poverty_line)),
        ("监测标准（元）", money(a.monitoring_threshold)),
        ("结论", "符合脱贫标准" if a.exit_eligible else "未达到脱贫标准"),
    )
    rows = tuple(
        (
            DIMENSION_LABELS[d].zh,
            OUTCOME_LABELS[a.outcome(d)].zh,
            ";".join(reason_text(r.member_id, r.text.zh) for r in a.dimensions[d].reasons)
            if d in a.dimensions and a.dimensions[d].reasons
            else DASH,
        )
        for d in DIMENSIONS
    )
    failing = [DIMENSION_LABELS[d].zh for d in DIMENSIONS if a.outcome(d) == NOT_MET]
    notes: list[str] = []
    if failing:
        notes.append("未达标项目：" + "、".join(failing))
    if a.risk_flags:
        notes.append(
            "风险提示：" + ";".join(reason_text(f.member_id, f.text.zh) for f in a.risk_flags)
        )
    table = TableContent("assessment", ("项目", "结果", "依据"), rows)
    return Section("assessment", title, fields=fields, tables=(table,), notes=tuple(notes))
