"""Exports for reporting upward: households, members, visits, assessments and the visits' answers
(``export_answers.py``) as CSV or XLSX.

Rows are produced a chunk of households at a time, in the list's order (keyset on village,
household number and id), each chunk in a
short transaction of its own, so an export of a whole county neither holds memory nor keeps the
database locked while it streams. The scope is the caller's villages and the list filter they
chose (``county_lists.HouseholdFilter``), so an export holds what its user may see and nothing
more. CSV is UTF-8 with a byte-order mark (Excel in China opens it as Chinese only then); XLSX
is written by openpyxl in write-only mode into a sealed file in the data directory's
``exports/`` (``sealed_files.py``: it holds ID numbers) and sent from there decrypted, a record
at a time.
Headers and coded values are in the language asked for. Every text cell goes through
``core.spreadsheet.safe_cell`` (a text that could start a formula gets a leading quote), while
numbers stay numbers; XLSX cannot hold most control characters, so those become U+FFFD there.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select, tuple_

from fieldsurvey.core.assessment_result import DIMENSION_LABELS, DIMENSIONS, OUTCOME_LABELS
from fieldsurvey.core.assessment_result import FLAG_LABELS as FLAG_TEXTS
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.reimbursement import KIND_LABELS, Reimbursement
from fieldsurvey.core.reimbursement import KINDS as COST_KINDS
from fieldsurvey.core.spreadsheet import safe_cell, safe_row
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_sheets import SAMPLE_ROWS, column_widths, dress, sheet_title
from fieldsurvey.forms.library import HOUSEHOLD_VISIT, FormLibrary
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db import sealed_files
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import MemberRow, PartRow, VisitRow
from fieldsurvey.server.exports.answers import Column, answer_cells, answer_columns
from fieldsurvey.server.households.filters import (
    H,
    HouseholdFilter,
    conditions,
    division_names,
    head_members,
    place_names,
)
from fieldsurvey.server.households.flags import flags_of

EXPORT_PURPOSE = "export"
EXPORT_FILE = Text("导出文件", "export file")

KINDS = ("households", "members", "visits", "assessments", "medical_costs", "answers")
# Household facts of the record (生产生活条件, social assistance, renovation) exported as they are:
# field → (header, code list or "bool" or "number" or "date").
HOUSEHOLD_FACTS: tuple[tuple[str, Text, str], ...] = (
    ("electricity", Text("通生活用电", "household electricity"), "bool"),
    ("broadcast_tv", Text("广播电视户户通", "broadcast and TV"), "bool"),
    ("access_road", Text("入户路类型", "access road"), "access_road"),
    ("road_distance_km", Text("距村主干路（公里）", "distance to main road (km)"), "number"),
    ("cooking_fuel", Text("主要燃料类型", "cooking fuel"), "cooking_fuel"),
    ("farmland_mu", Text("耕地面积（亩）", "farmland (mu)"), "number"),
    ("irrigated_land_mu", Text("有效灌溉面积（亩）", "irrigated (mu)"), "number"),
    ("forest_land_mu", Text("林地面积（亩）", "forest land (mu)"), "number"),
    ("returned_farmland_mu", Text("退耕还林面积（亩）", "returned to forest (mu)"), "number"),
    ("orchard_mu", Text("林果面积（亩）", "orchards (mu)"), "number"),
    ("grassland_mu", Text("牧草地面积（亩）", "grassland (mu)"), "number"),
    ("water_surface_mu", Text("水面面积（亩）", "water surface (mu)"), "number"),
    ("cooperative_member", Text("加入农民专业合作社", "cooperative member"), "bool"),
    ("dibao_phase_out", Text("低保渐退", "dibao phase-out"), "bool"),
    ("dibao_phase_out_start", Text("渐退开始日期", "phase-out start"), "date"),
    ("dibao_phase_out_months", Text("渐退期限（月）", "phase-out months"), "number"),
    (
        "destitute_support_mode",
        Text("特困供养方式", "destitute-support mode"),
        "destitute_support_mode",
    ),
    (
        "renovation_target_group",
        Text("危房改造对象类别", "renovation target group"),
        "renovation_target_group",
    ),
    ("renovation_subsidy", Text("危房改造补助（元）", "renovation subsidy (yuan)"), "number"),
)
MEMBER_FACTS: tuple[tuple[str, Text, str], ...] = (
    ("left_behind", Text("留守情况", "left-behind status"), "left_behind"),
    ("wants_work", Text("就业意愿", "wants work"), "bool"),
    ("wants_training", Text("培训意愿", "wants training"), "bool"),
    ("training_received", Text("本年参加培训", "trained this year"), "bool"),
    (
        "non_compulsory_aid",
        Text("非义务教育阶段资助", "aid beyond compulsory school"),
        "non_compulsory_aid",
    ),
    ("non_compulsory_aid_amount", Text("资助金额（元）", "aid (yuan)"), "number"),
)
CHUNK = 1000
BOM = "\ufeff"
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # as openpyxl's ILLEGAL_CHARACTERS_RE

# the workbook's one sheet, named in the caller's language
SHEET_NAMES: dict[str, Text] = {
    "households": Text("农户", "Households"),
    "members": Text("家庭成员", "Members"),
    "visits": Text("走访记录", "Visits"),
    "assessments": Text("评估结果", "Assessments"),
    "medical_costs": Text("医疗费用及报销", "Medical costs"),
    "answers": Text("走访答案", "Visit answers"),
}
assert set(SHEET_NAMES) == set(KINDS), "every export kind names its sheet"
HEADERS: dict[str, list[Text]] = {
    "households": [
        Text("户编号", "household number"),
        Text("乡镇", "township"),
        Text("行政村", "village"),
        Text("村民小组", "village group"),
        Text("户主姓名", "head"),
        Text("户主证件号码", "head's ID number"),
        Text("家庭人口", "members"),
        Text("脱贫状态", "status"),
        Text("贫困户属性", "poverty category"),
        Text("户类型", "household type"),
        Text("监测对象", "monitored"),
        Text("联系电话", "phone"),
        Text("最近走访日期", "last visit"),
        Text("评估日期", "assessed on"),
        Text("未达标项", "not met"),
        Text("问题标记", "problems"),
        *[t for _, t, _ in HOUSEHOLD_FACTS],
    ],
    "members": [
        Text("户编号", "household number"),
        Text("行政村", "village"),
        Text("姓名", "name"),
        Text("证件号码", "ID number"),
        Text("与户主关系", "relationship to head"),
        Text("性别", "sex"),
        Text("出生日期", "birth date"),
        Text("民族", "ethnic group"),
        Text("文化程度", "education"),
        Text("在校生状况", "schooling"),
        Text("健康状况", "health"),
        Text("劳动能力", "labour capacity"),
        Text("在户", "present"),
        *[t for _, t, _ in MEMBER_FACTS],
    ],
    "visits": [
        Text("户编号", "household number"),
        Text("行政村", "village"),
        Text("走访日期", "visit date"),
        Text("走访人", "visitor"),
        Text("表单", "form"),
        Text("版本", "version"),
        Text("走访情况", "findings"),
        Text("更正的走访", "amends"),
        Text("更正原因", "amendment reason"),
        Text("审核", "review"),
        Text("审核意见", "review comment"),
    ],
    "answers": [
        Text("户编号", "household number"),
        Text("行政村", "village"),
        Text("走访日期", "visit date"),
        Text("表单", "form"),
        Text("版本", "version"),
    ],
    "assessments": [
        Text("户编号", "household number"),
        Text("行政村", "village"),
        Text("评估日期", "assessed on"),
        *[DIMENSION_LABELS[d] for d in DIMENSIONS],
        Text("符合退出条件", "exit eligible"),
        Text("人均纯收入（元）", "net income per person (yuan)"),
        Text("标准（元）", "line (yuan)"),
        Text("返贫致贫风险", "risks"),
    ],
    "medical_costs": [
        Text("户编号", "household number"),
        Text("行政村", "village"),
        Text("年度", "year"),
        Text("姓名", "name"),
        Text("类别", "kind"),
        Text("合规费用（元）", "compliant costs (yuan)"),
        Text("已报销（元）", "reimbursed (yuan)"),
        Text("实际报销比例", "reimbursement rate"),
        Text("目标", "target"),
        Text("结果", "result"),
    ],
}


def _label(list_name: str, code: Any, lang: str) -> str:
    return code_list(list_name).label(str(code), lang) if code not in (None, "") else ""


def _fact(value: Any, kind: str, lang: str) -> Any:
    """A record fact as a cell: numbers stay numbers, codes become labels in ``lang``."""
    if value is None or value == "" or value == []:
        return ""
    if kind == "bool":
        return _yes(value, lang)
    if kind in ("number", "date"):
        return value
    if isinstance(value, list):
        return (
            "、".join(_label(kind, v, lang) for v in value)
            if lang == "zh"
            else "; ".join(_label(kind, v, lang) for v in value)
        )
    return _label(kind, value, lang)


def _yes(value: Any, lang: str) -> str:
    if value is None:
        return ""
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


class Exporter:
    """Rows of one kind for one caller and filter, chunk by chunk."""

    def __init__(
        self,
        sd: ServerDir,
        who: Principal,
        kind: str,
        f: HouseholdFilter,
        lang: str,
        library: FormLibrary | None = None,
    ) -> None:
        if kind not in KINDS:
            raise UserError(Text("未知的导出类型", "unknown export kind"), code="bad_kind")
        self.sd, self.who, self.kind, self.filter, self.lang = (
            sd,
            who,
            kind,
            f,
            "en" if lang == "en" else "zh",
        )
        self.columns: list[Column] = []
        if kind == "answers":  # the questions of the county's current household visit
            self.columns = answer_columns((library or FormLibrary()).survey(HOUSEHOLD_VISIT))

    def header(self) -> list[str]:
        return [t.get(self.lang) for t in HEADERS[self.kind]] + [c.header for c in self.columns]

    def rows(self) -> Iterator[list[Any]]:
        after: tuple[str, str, str] | None = None
        while True:
            with self.sd.transaction() as s:
                stmt = select(H).where(*conditions(self.filter, self.who))
                if after is not None:
                    stmt = stmt.where(
                        tuple_(H.village_code, H.household_no, H.household_id) > tuple_(*after)
                    )
                households = list(
                    s.execute(
                        stmt.order_by(H.village_code, H.household_no, H.household_id).limit(CHUNK)
                    ).scalars()
                )
                if not households:
                    return
                names = division_names(s)
                out = list(getattr(self, f"_{self.kind}")(s, households, names))
            last = households[-1]
            after = (last.village_code, last.household_no, last.household_id)
            yield from out

    def _households(
        self, s: Any, households: list[Any], names: dict[str, str]
    ) -> Iterator[list[Any]]:
        heads = head_members(s, [h.household_id for h in households])
        lang = self.lang
        for h in households:
            head = heads.get(h.household_id) or {}
            township, village = place_names(names, h.village_code)
            failing = "、".join(
                DIMENSION_LABELS[d].get(lang)
                for i, d in enumerate(DIMENSIONS)
                if h.fail_bits & (1 << i)
            )
            flags = "、".join(FLAG_TEXTS[f].get(lang) for f in flags_of(h.flag_bits))
            yield [
                h.household_no,
                township,
                village,
                h.data.get("group") or "",
                head.get("name") or "",
                head.get("id_number") or "",
                h.member_count,
                _label("status", h.status, lang),
                _label("poverty_category", h.poverty_category, lang),
                _label("household_type", h.household_type, lang),
                _yes(h.monitored, lang),
                h.data.get("phone") or "",
                h.last_visit_date.isoformat() if h.last_visit_date else "",
                h.assessed_on.isoformat() if h.assessed_on else "",
                failing,
                flags,
                *[_fact(h.data.get(name), kind, lang) for name, _, kind in HOUSEHOLD_FACTS],
            ]

    def _members(self, s: Any, households: list[Any], names: dict[str, str]) -> Iterator[list[Any]]:
        by_id = {h.household_id: h for h in households}
        order = {hid: i for i, hid in enumerate(by_id)}
        rows = sorted(
            s.execute(
                select(MemberRow).where(
                    MemberRow.household_id.in_(list(by_id)), MemberRow.deleted.is_(False)
                )
            ).scalars(),
            key=lambda m: (order[m.household_id], m.position, m.member_id),
        )
        lang = self.lang
        for m in rows:
            h, d = by_id[m.household_id], m.data
            yield [
                h.household_no,
                place_names(names, h.village_code)[1],
                d.get("name") or "",
                d.get("id_number") or "",
                _label("relation", d.get("relation"), lang),
                _label("sex", d.get("sex"), lang),
                d.get("birth_date") or "",
                _label("ethnicity", d.get("ethnicity"), lang),
                _label("education", d.get("education"), lang),
                _label("schooling", d.get("schooling"), lang),
                _label("health", d.get("health"), lang),
                _label("labour_capacity", d.get("labour_capacity"), lang),
                _yes(m.present, lang),
                *[_fact(d.get(name), kind, lang) for name, _, kind in MEMBER_FACTS],
            ]

    def _medical_costs(
        self, s: Any, households: list[Any], names: dict[str, str]
    ) -> Iterator[list[Any]]:
        """One row per member, year and kind of cost, with the rate and the division's target."""
        by_id = {h.household_id: h for h in households}
        order = {hid: i for i, hid in enumerate(by_id)}
        members = {
            m.member_id: (m.data or {}).get("name") or ""
            for m in s.execute(
                select(MemberRow).where(MemberRow.household_id.in_(list(by_id)))
            ).scalars()
        }
        parts = sorted(
            s.execute(
                select(PartRow).where(
                    PartRow.household_id.in_(list(by_id)),
                    PartRow.part_type == "income",
                    PartRow.deleted.is_(False),
                )
            ).scalars(),
            key=lambda p: (order[p.household_id], str(p.part_id)),
        )
        policy, lang = load_policy(), self.lang
        for p in parts:
            h, data = by_id[p.household_id], p.data or {}
            for member_id, costs in sorted(
                (data.get("medical_costs") or {}).items(), key=lambda kv: members.get(kv[0], "")
            ):
                for kind, (cost_key, paid_key, target_kind) in COST_KINDS.items():
                    amount = (costs or {}).get(cost_key)
                    if not isinstance(amount, (int, float)) or amount <= 0:
                        continue
                    paid = (costs or {}).get(paid_key) or 0
                    target = policy.reimbursement_target(target_kind, h.village_code)
                    r = Reimbursement(
                        int(data.get("year") or 0),
                        member_id,
                        kind,
                        float(amount),
                        float(paid),
                        target,
                    )
                    yield [
                        h.household_no,
                        place_names(names, h.village_code)[1],
                        r.year,
                        members.get(member_id, ""),
                        KIND_LABELS[kind].get(lang),
                        r.costs,
                        r.reimbursed,
                        round(r.rate, 4),
                        r.target.value if r.target else "",
                        r.verdict().get(lang),
                    ]

    def _visit_rows(self, s: Any, households: list[Any]) -> Iterator[tuple[Any, Any]]:
        by_id = {h.household_id: h for h in households}
        order = {hid: i for i, hid in enumerate(by_id)}
        rows = sorted(
            s.execute(select(VisitRow).where(VisitRow.household_id.in_(list(by_id)))).scalars(),
            key=lambda v: (order[v.household_id], v.visit_date, v.visit_id),
        )
        for v in rows:
            yield by_id[v.household_id], v

    def _visits(self, s: Any, households: list[Any], names: dict[str, str]) -> Iterator[list[Any]]:
        review = {"has_issues": Text("有问题", "has issues"), "ok": Text("无问题", "ok")}
        for h, v in self._visit_rows(s, households):
            d = v.data
            yield [
                h.household_no,
                place_names(names, h.village_code)[1],
                v.visit_date.isoformat(),
                d.get("visitor") or "",
                v.form_id,
                v.form_version,
                d.get("findings") or "",
                d.get("amends") or "",
                d.get("amendment_reason") or "",
                review[v.review_status].get(self.lang) if v.review_status in review else "",
                v.review_comment or "",
            ]

    def _answers(self, s: Any, households: list[Any], names: dict[str, str]) -> Iterator[list[Any]]:
        for h, v in self._visit_rows(s, households):
            answers = v.data.get("answers")
            yield [
                h.household_no,
                place_names(names, h.village_code)[1],
                v.visit_date.isoformat(),
                v.form_id,
                v.form_version,
                *answer_cells(
                    self.columns, answers if isinstance(answers, dict) else {}, self.lang
                ),
            ]

    def _assessments(
        self, s: Any, households: list[Any], names: dict[str, str]
    ) -> Iterator[list[Any]]:
        lang = self.lang
        for h, v in self._visit_rows(s, households):
            a = v.data.get("assessment")
            if not isinstance(a, dict) or not isinstance(a.get("dimensions"), dict):
                continue
            outcomes = [
                OUTCOME_LABELS.get(
                    (a["dimensions"].get(d) or {}).get("outcome", "unknown"),
                    OUTCOME_LABELS["unknown"],
                ).get(lang)
                for d in DIMENSIONS
            ]
            line = a.get("monitoring_threshold") or a.get("poverty_line")
            risks = "; ".join(
                str(r.get(lang) or r.get("code"))
                for r in a.get("risk_flags") or []
                if isinstance(r, dict)
            )
            yield [
                h.household_no,
                place_names(names, h.village_code)[1],
                a.get("assessed_on") or v.visit_date.isoformat(),
                *outcomes,
                _yes(a.get("exit_eligible"), lang),
                a.get("net_income_per_capita"),
                line,
                risks,
            ]


def csv_chunks(exporter: Exporter) -> Iterator[bytes]:
    """The CSV as bytes, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(safe_row(exporter.header()))
    for i, row in enumerate(exporter.rows(), start=1):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    """A cell for openpyxl: formula starts quoted, control characters XLSX cannot hold replaced."""
    value = safe_cell(value)
    return _XLSX_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def write_xlsx(exporter: Exporter, folder: Path, files_key: bytes) -> Path:
    """The workbook in a private file of ``folder``, sealed (``sealed_files``): the caller streams it
    back decrypted with ``xlsx_chunks`` and deletes it. openpyxl writes the zip straight into the
    sealing stream, so no plain copy of the workbook is ever on disk in the data directory."""
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"export-{uuid.uuid4().hex}.sealed"
    out = sealed_files.SealedWriter(path, files_key, EXPORT_PURPOSE)
    try:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=sheet_title(SHEET_NAMES[exporter.kind].get(exporter.lang)))
        header = [_xlsx_cell(v) for v in exporter.header()]
        rows = exporter.rows()
        first = [[_xlsx_cell(v) for v in row] for row in itertools.islice(rows, SAMPLE_ROWS)]
        dress(ws, column_widths([header, *first]))  # widths from the header and the first rows
        ws.append(header)
        for row in first:
            ws.append(row)
        for row in rows:
            ws.append([_xlsx_cell(v) for v in row])
        wb.save(out)  # type: ignore[arg-type]  # a write-only stream is all zipfile needs
        out.close()
    except BaseException:
        out.abandon()
        path.unlink(missing_ok=True)  # no half-written personal data left behind
        raise
    return path


def xlsx_chunks(path: Path, files_key: bytes) -> Iterator[bytes]:
    """The sealed export decrypted a record at a time, for the response; the file is deleted after."""
    try:
        yield from sealed_files.records(path, files_key, EXPORT_PURPOSE, EXPORT_FILE)
    finally:
        path.unlink(missing_ok=True)


def sweep(folder: Path) -> int:
    """Delete every export left in ``folder`` (its request is gone: a server stopped mid-send);
    an earlier version's were plain. Run at start; returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for left in folder.iterdir():
        if left.is_file() and left.name.startswith("export-"):
            left.unlink(missing_ok=True)
            removed += 1
    return removed
