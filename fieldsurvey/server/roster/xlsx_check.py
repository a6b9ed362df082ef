"""Checking an Excel roster row by row, and importing it all or nothing.

Every row that cannot go in is reported with its spreadsheet row number and each reason: a bad
or missing ID number, a village the county does not have, a person twice in the file or already
in the registry, an unknown relationship or code, a household without exactly one head, values
that disagree between rows of one household, a household number the registry already has, and
the record rules of ``core.validation``. A household with any bad row is rejected whole, and its
other rows say why, so nothing is dropped silently. ``import_workbook`` checks again inside its
transaction and writes only when no row is rejected; otherwise it writes nothing.

Reasons name rows and columns, never the values in them (except household numbers).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.ids import LEGACY_15, IdNumberError, parse_id_number
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR, validate_household
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.dashboard.assessments import assessment_columns
from fieldsurvey.server.db.models import Division, HouseholdRow, MemberRow, Meta
from fieldsurvey.server.db.sealed_columns import cipher_of, normalise_id_number
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.provenance import IMPORTED, ProvenanceLog, county_source
from fieldsurvey.server.roster.xlsx_upload import (
    FIELD_BY_KEY,
    FIELDS,
    StatusError,
    check_mapping,
    iter_rows,
    open_sheet,
    text,
    to_date,
)

Progress = Callable[[int], None]


@dataclass
class Report:
    rows: int = 0
    households: int = 0
    members: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_households: set[str] = field(default_factory=set)
    good: list[Household] = field(default_factory=list)
    bad_rows: dict[str, set[int]] = field(default_factory=dict)  # household number → its rejected rows
    warnings: list[dict[str, Any]] = field(default_factory=list)  # imported, but to check

    def warn(self, row: int, no: str, code: str, text: Text, column: str | None = None) -> None:
        """A row that imports but asks for a look (a legacy ID number, an unlisted area code)."""
        self.warnings.append({"row": row, "household_no": no, "column": column, "code": code,
                              "reason": {"zh": f"（提示，不影响导入）{text.zh}", "en": f"(warning; imports) {text.en}"}})

    def add(self, row: int, no: str, code: str, zh: str, en: str, column: str | None = None) -> None:
        self.rejected.append({"row": row, "household_no": no, "column": column, "code": code, "reason": {"zh": zh, "en": en}})
        self.rejected_households.add(no)
        self.bad_rows.setdefault(no, set()).add(row)

    def to_dict(self) -> dict[str, Any]:
        self.rejected.sort(key=lambda r: (r["row"], r["code"]))
        rows_rejected = len({r["row"] for r in self.rejected})
        return {"ok": not self.rejected, "rows": self.rows, "households": self.households, "members": self.members,
                "accepted_households": len(self.good), "accepted_members": sum(len(h.members) for h in self.good),
                "rejected_rows": rows_rejected, "rejected_households": len(self.rejected_households), "rejected": self.rejected,
                "warnings": sorted(self.warnings, key=lambda w: (w["row"], w["code"]))}


@dataclass
class Registry:
    """What the county already has: villages, household numbers and ID numbers."""

    county: str
    villages: dict[str, str]  # code → name
    numbers: set[str]
    people: dict[str, str]  # ID number index (keyed HMAC, see sealed.py) → household number
    index: Callable[[str], str] = normalise_id_number  # ID number → its index

    def household_of(self, id_number: str) -> str | None:
        """The household number a person is registered in, found by index: no ID number is decrypted."""
        return self.people.get(self.index(id_number))


def load_registry(s: Session) -> Registry:
    county = str(s.execute(select(Meta.value).where(Meta.key == "county")).scalar_one())
    villages = dict(s.execute(select(Division.code, Division.name).where(Division.level == "village")).all())
    numbers = set(s.execute(select(HouseholdRow.household_no).where(HouseholdRow.deleted.is_(False))).scalars())
    rows = s.execute(select(MemberRow.id_index, HouseholdRow.household_no)
                     .join(HouseholdRow, HouseholdRow.household_id == MemberRow.household_id)
                     .where(MemberRow.deleted.is_(False), HouseholdRow.deleted.is_(False), MemberRow.id_index.is_not(None)))
    people = {str(index): str(no) for index, no in rows}
    return Registry(county, villages, numbers, people, cipher_of(s.get_bind().dialect).index)


def check_workbook(source: Path | bytes, sheet: str | None, mapping: dict[str, int], reg: Registry,
                   progress: Progress | None = None) -> Report:
    """Every row of the workbook (a file, or a staged upload's decrypted bytes) against the registry."""
    wb, ws, _names = open_sheet(source, sheet)
    report = Report()
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    seen_ids: dict[str, int] = {}
    try:
        width = ws.max_column or (max(mapping.values()) + 1 if mapping else 0)
        check_mapping(mapping, max(width, max(mapping.values(), default=0) + 1))
        for n, raw in iter_rows(ws):
            report.rows += 1
            if progress and report.rows % 1000 == 0:
                progress(report.rows)
            values = {key: raw[i] if i < len(raw) else None for key, i in mapping.items()}
            no = text(values.get("household_no"))
            if not no:
                report.add(n, "", "missing_household_no", "户编号为空", "the household number is empty", "household_no")
                continue
            key = _id_key(values.get("id_number"))
            if key:
                if key in seen_ids:
                    report.add(n, no, "duplicate_person", f"证件号码与第{seen_ids[key]}行重复（同一人出现两次）",
                               f"the ID number repeats row {seen_ids[key]} (the same person twice)", "id_number")
                else:
                    seen_ids[key] = n
                    holder = reg.household_of(key)
                    if holder is not None:
                        report.add(n, no, "duplicate_person", f"此人已在户{holder}中登记",
                                   f"this person is already registered in household {holder}", "id_number")
            groups[no].append((n, values))
    finally:
        wb.close()
    report.households = len(groups)
    report.members = sum(len(v) for v in groups.values())
    for no, rows in groups.items():
        household = _household(no, rows, reg, report)
        if household is not None and no not in report.rejected_households:
            report.good.append(household)
        else:
            _explain(report, no, rows)
    return report


def _id_key(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ""  # digits lost in Excel: reported by the member check
    return text(value).upper()


def _explain(report: Report, no: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Rows of a rejected household that have nothing wrong themselves say why they are out."""
    bad = set(report.bad_rows.get(no, ()))  # indexed: scanning every rejection per household was quadratic
    listed = "、".join(str(n) for n in sorted(bad))
    for n, _values in rows:
        if n not in bad:
            report.add(n, no, "household_rejected", f"本行无误，但同户第{listed}行有错误，整户未导入",
                       f"this row is fine, but rows {listed.replace('、', ', ')} of the same household have errors, "
                       "so the household is not imported")


def _household(no: str, rows: list[tuple[int, dict[str, Any]]], reg: Registry, report: Report) -> Household | None:
    first = rows[0][0]
    if no in reg.numbers:
        report.add(first, no, "household_exists", "该户编号已在县里的登记中（修改请在该户上进行）",
                   "this household number is already in the county's registry (edit that household instead)", "household_no")
    values = _household_values(no, rows, report)
    village = _village(no, first, values, reg, report)
    members = [m for m in (_member(n, no, v, report) for n, v in rows) if m is not None]
    heads = [m for m in members if m.relation == "02"]
    relations_ok = len(members) == len(rows)
    if relations_ok and not heads:
        report.add(first, no, "missing_head", "该户没有户主（与户主关系为“户主”的一行）",
                   "the household has no head (a row whose relationship is 'head of household')", "relation")
    elif len(heads) > 1:
        report.add(first, no, "several_heads", f"该户有{len(heads)}位户主", f"the household has {len(heads)} heads", "relation")
    if village is None or len(members) != len(rows) or no in report.rejected_households:
        return None
    household = Household(household_no=no, division_code=village, group=values.get("group") or None,
                          phone=values.get("phone") or None, poverty_category=values.get("poverty_category"),
                          status=values.get("status") or "not_exited", household_type=values.get("household_type"),
                          members=members)
    for problem in validate_household(household):
        if problem.level == ERROR:
            row = rows[problem.member_index - 1][0] if problem.member_index else first
            msg = problem.message()
            report.add(row, no, "invalid_record", msg.zh, msg.en, problem.field)
    return None if no in report.rejected_households else household


def _household_values(no: str, rows: list[tuple[int, dict[str, Any]]], report: Report) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in FIELDS:
        if not f.household_level or f.key == "household_no":
            continue
        for n, values in rows:
            raw = text(values.get(f.key))
            if not raw:
                continue
            value = _code(f.key, raw, n, no, report) if f.code_list else raw
            if value is None:
                continue
            if f.key in out and out[f.key] != value:
                report.add(n, no, "inconsistent_household", f"{f.zh}与同户前面的行不一致",
                           f"{f.en} differs from earlier rows of the household", f.key)
            out.setdefault(f.key, value)
    return out


def _village(no: str, row: int, values: dict[str, str], reg: Registry, report: Report) -> DivisionCode | None:
    raw = values.get("division_code", "")
    if raw:
        try:
            code = DivisionCode.parse(raw)
        except UserError as e:
            report.add(row, no, "bad_division_code", f"行政区划代码：{e.text.zh}", f"division code: {e.text.en}", "division_code")
            return None
        if code.level != "village" or code.county != reg.county or code.value not in reg.villages:
            report.add(row, no, "unknown_village", "本县没有这个村（行政区划代码不认识）",
                       "the county has no such village (unknown division code)", "division_code")
            return None
        return code
    name = values.get("village", "")
    matches = [c for c, n in reg.villages.items() if n == name]
    if len(matches) != 1:
        report.add(row, no, "unknown_village", "本县没有这个村名（或有重名，请用行政区划代码）" if not matches else
                   "村名在本县有重名，请用行政区划代码", "the county has no village of that name (or several; use the division code)",
                   "village")
        return None
    return DivisionCode.parse(matches[0])


def _member(n: int, no: str, values: dict[str, Any], report: Report) -> Member | None:
    ok = True

    def bad(code: str, zh: str, en: str, column: str) -> None:
        nonlocal ok
        ok = False
        report.add(n, no, code, zh, en, column)

    relation = _code("relation", text(values.get("relation")), n, no, report) if text(values.get("relation")) else None
    if not text(values.get("relation")):
        bad("bad_relation", "与户主关系为空", "the relationship to the head is empty", "relation")
    elif relation is None:
        ok = False
    name = text(values.get("name")) or (text(values.get("head_name")) if relation == "02" else "")
    if not name:
        bad("missing_name", "姓名为空", "the name is empty", "name")
    elif relation == "02" and text(values.get("head_name")) and text(values.get("name")) and text(values.get("head_name")) != name:
        bad("head_name_mismatch", "户主姓名与本行姓名不一致", "the head's name differs from this row's name", "head_name")
    raw_id = values.get("id_number")
    info = None
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        bad("bad_id_number", "证件号码在 Excel 中被存成了数字，末几位已丢失；请把该列设为文本",
            "the ID number was stored as a number in Excel and lost digits; format the column as text", "id_number")
    elif not text(raw_id):
        bad("bad_id_number", "证件号码为空", "the ID number is empty", "id_number")
    else:
        try:
            info = parse_id_number(text(raw_id))
        except IdNumberError as e:
            bad("bad_id_number", f"证件号码无效：{e.text.zh}", f"invalid ID number: {e.text.en}", "id_number")
    coded = {k: (_code(k, text(values.get(k)), n, no, report) if text(values.get(k)) else None)
             for k in ("sex", "ethnicity", "education", "schooling", "health", "labour_capacity")}
    if any(text(values.get(k)) and v is None for k, v in coded.items()):
        ok = False
    birth = to_date(values.get("birth_date")) if text(values.get("birth_date")) else None
    if text(values.get("birth_date")) and birth is None:
        bad("bad_birth_date", "出生日期无法识别（应为 YYYY-MM-DD）", "the birth date is not understood (use YYYY-MM-DD)", "birth_date")
    if info is not None:
        if coded["sex"] and coded["sex"] != info.sex:
            bad("sex_mismatch", "性别与证件号码不一致", "the sex does not match the ID number", "sex")
        if birth and birth != info.birth_date:
            bad("birth_mismatch", "出生日期与证件号码不一致", "the birth date does not match the ID number", "birth_date")
        for warning in info.warnings():  # stored in its 18-character form; an area to check
            legacy = warning == LEGACY_15
            report.warn(n, no, "legacy_id_number" if legacy else "unknown_area_code",
                        Text("15位旧证件号码已换为对应的18位号码", "the legacy 15-digit ID number was replaced by its 18-character form")
                        if legacy else Text(f"证件号码{warning.zh}", f"ID number: {warning.en}"), "id_number")
    if not ok or info is None or relation is None:
        return None
    return Member(name=name, id_number=info.id_number, relation=relation, sex=info.sex, birth_date=info.birth_date,
                  ethnicity=coded["ethnicity"] or "01", education=coded["education"], schooling=coded["schooling"],
                  health=coded["health"], labour_capacity=coded["labour_capacity"])


def _code(key: str, raw: str, n: int, no: str, report: Report) -> str | None:
    """A code from its code, its Chinese label or its English label."""
    f = FIELD_BY_KEY[key]
    assert f.code_list is not None
    codes = code_list(f.code_list)
    if raw in codes:
        return raw
    if raw.isdigit() and len(raw) == 1 and "0" + raw in codes:
        return "0" + raw  # Excel drops the leading zero of "02"
    found = codes.code_for_label(raw)
    if found is not None:
        return found
    if key == "relation" and raw.startswith("之") and len(raw) > 1:  # "之子", "之女" as some exports write them
        return _code(key, raw[1:], n, no, report)
    code = "bad_relation" if key == "relation" else "bad_code"
    report.add(n, no, code, f"{f.zh}不在代码表中", f"{f.en} is not in the code list", key)
    return None


def import_workbook(sd: Any, who: Principal, source: Path | bytes, sheet: str | None, mapping: dict[str, int],
                    progress: Progress | None = None) -> dict[str, Any]:
    """Check again and, when no row is rejected, write every household in one transaction."""
    with sd.transaction() as s:
        seq = SeqAllocator(s)  # taken first: no other writer changes the registry while we check
        report = check_workbook(source, sheet, mapping, load_registry(s), progress)
        if report.rejected:
            n = len({r["row"] for r in report.rejected})
            raise StatusError(Text(f"有{n}行不能导入，未导入任何数据", f"{n} rows cannot be imported; nothing was imported"),
                              "roster_rejected", 422, report=report.to_dict())
        policy, today = load_policy(), date.today()
        records = [household_to_dict(h) for h in report.good]
        derived = {r["household_id"]: assessment_columns(r, today, policy) for r in records}
        for start in range(0, len(records), 500):
            registry.insert_households(s, records[start : start + 500], seq, derived)
        log = ProvenanceLog(s)  # each household noted as this county user's import
        origin = county_source(IMPORTED, datetime.now(UTC), user_id=who.user_id, username=who.username)
        for r in records:
            log.whole("household", r["household_id"], r["household_id"], origin)
        log.flush()
        seq.finish()
        digest = hashlib.sha256(source if isinstance(source, bytes) else source.read_bytes()).hexdigest()
        counts = {"households": len(records), "members": sum(len(r["members"]) for r in records), "rows": report.rows}
        audit.append(s, sd.keys.signing, actor=who.actor, action="roster_imported", subject=f"xlsx:{digest[:16]}",
                     details={**counts, "sha256": digest, "format": "xlsx"})
    return {**counts, "ok": True}
