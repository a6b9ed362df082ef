"""Checking a household roster row by row: the one set of rules the laptop and the county share.

A roster has one row per member; rows sharing a household number form one household. The
county server (an uploaded Excel file checked against its registry) and the laptop (a CSV or
Excel file checked against its store) both hand their rows here, as ``(row number, values by
field key)``, with a ``Registry`` saying what is there already: the county, its villages when
known, the household numbers and who is registered where. Each bad row comes back with its
reasons (a code the server's API reports and a sentence in both languages); a household with any
bad row is left out whole and its other rows say why, so nothing is dropped silently.

Reasons name rows and columns, never the people in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.ids import LEGACY_15, IdNumberError, normalise_id_text, parse_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR, WARNING, validate_household

PROGRESS_EVERY = 500  # rows


@dataclass(frozen=True, slots=True)
class Field:
    """A field a roster column can hold, with the header names it is known by."""

    key: str
    zh: str
    en: str
    headers: tuple[str, ...]
    required: bool = False
    code_list: str | None = None
    household_level: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "household_no",
        "户编号",
        "household number",
        ("户编号", "户号", "家庭编号", "household_no", "household number"),
        required=True,
        household_level=True,
    ),
    Field(
        "division_code",
        "行政区划代码",
        "division code",
        ("行政区划代码", "村代码", "区划代码", "行政区划", "division_code"),
        household_level=True,
    ),
    Field("township", "乡镇", "township", ("乡镇", "乡镇（街道）", "township")),
    Field(
        "village",
        "行政村",
        "village name",
        ("行政村", "村", "所在村", "村名", "village"),
        household_level=True,
    ),
    Field(
        "group",
        "村民小组",
        "village group",
        ("村民小组", "组", "小组", "group"),
        household_level=True,
    ),
    Field("head_name", "户主姓名", "head's name", ("户主姓名", "户主", "head_name", "head")),
    Field("name", "姓名", "name", ("姓名", "成员姓名", "家庭成员姓名", "name", "member name")),
    Field(
        "id_number",
        "证件号码",
        "ID number",
        (
            "证件号码",
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "成员证件号码",
            "id_number",
            "id number",
        ),
        required=True,
    ),
    Field(
        "relation",
        "与户主关系",
        "relationship to head",
        ("与户主关系", "与户主的关系", "relation", "relationship"),
        required=True,
        code_list="relation",
    ),
    Field("sex", "性别", "sex", ("性别", "sex"), code_list="sex"),
    Field(
        "birth_date",
        "出生日期",
        "birth date",
        ("出生日期", "出生年月", "birth_date", "date of birth"),
    ),
    Field("ethnicity", "民族", "ethnic group", ("民族", "ethnicity"), code_list="ethnicity"),
    Field("education", "文化程度", "education", ("文化程度", "education"), code_list="education"),
    Field(
        "schooling",
        "在校生状况",
        "schooling",
        ("在校生状况", "在校生情况", "schooling"),
        code_list="schooling",
    ),
    Field("health", "健康状况", "health", ("健康状况", "health"), code_list="health"),
    Field(
        "labour_capacity",
        "劳动能力",
        "labour capacity",
        ("劳动能力", "劳动技能", "labour_capacity"),
        code_list="labour_capacity",
    ),
    Field(
        "phone",
        "联系电话",
        "phone",
        ("联系电话", "电话", "手机号码", "phone"),
        household_level=True,
    ),
    Field(
        "poverty_category",
        "贫困户属性",
        "poverty category",
        ("贫困户属性", "poverty_category"),
        code_list="poverty_category",
        household_level=True,
    ),
    Field(
        "status",
        "脱贫状态",
        "status",
        ("脱贫状态", "脱贫标志", "status"),
        code_list="status",
        household_level=True,
    ),
    Field(
        "household_type",
        "户类型",
        "household type",
        ("户类型", "监测对象类别", "监测类型", "household_type"),
        code_list="household_type",
        household_level=True,
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
MEMBER_CODES = ("sex", "ethnicity", "education", "schooling", "health", "labour_capacity")


def normal_header(header: Any) -> str:
    """A header as compared: no spaces, underscores, brackets, colons or stars; lower case."""
    return re.sub(r"[\s_()（）:：*]+", "", str(header or "")).lower()


_SYNONYMS = {normal_header(h): f.key for f in FIELDS for h in (*f.headers, f.zh, f.en)}


def field_of_header(header: Any) -> str | None:
    """The field a header names (Chinese or English, as county exports write them), if any."""
    return _SYNONYMS.get(normal_header(header))


def suggest_mapping(headers: list[str]) -> dict[str, int]:
    """Field key → column index, from the header names; the first column naming a field wins."""
    out: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = field_of_header(h)
        if key and key not in out:
            out[key] = i
    return out


# -- cell values -----------------------------------------------------------------------------
def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: Excel's 3.0 for 3 becomes "3", a date "YYYY-MM-DD"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


# -- what is there already -------------------------------------------------------------------
@dataclass
class Registry:
    """What the roster is checked against.

    ``county`` None: any county (a laptop before its first roster); ``villages`` None: any
    village of the county (a laptop learns its villages from the roster). ``household_of``
    finds the household number a person (by ID number) is registered in.
    """

    county: str | None = None
    villages: dict[str, str] | None = None  # code → name
    numbers: Collection[str] = ()
    household_of: Callable[[str], str | None] = lambda _id: None
    number_taken: Text = Text("该户编号已在登记中", "this household number is already registered")


# -- the check ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    household_no: str
    level: str  # ERROR or WARNING
    code: str  # the server's reason code (missing_head, duplicate_person …)
    text: Text
    column: str | None = None  # field key


@dataclass
class Checked:
    """The households that pass, and every problem, row by row."""

    households: list[Household] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: dict[str, list[int]] = field(default_factory=dict)  # household number → its rows
    error_rows: dict[str, set[int]] = field(
        default_factory=dict
    )  # household number → rows with errors
    first_values: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # household number → its first row
    rows: int = 0
    groups: int = 0  # households in the file, good or bad

    def add(
        self,
        row: int,
        no: str,
        code: str,
        message: Text,
        column: str | None = None,
        level: str = ERROR,
    ) -> None:
        self.problems.append(Problem(row, no, level, code, message, column))
        if level == ERROR:
            self.error_rows.setdefault(no, set()).add(row)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]


def check_rows(
    rows: Iterable[tuple[int, dict[str, Any]]],
    registry: Registry,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row (``(row number, values by field key)``, blank rows left out) and every
    household they form against ``registry``."""
    out = Checked()
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    seen_ids: dict[str, int] = {}
    for n, values in rows:
        out.rows += 1
        if progress and out.rows % PROGRESS_EVERY == 0:
            progress(out.rows)
        no = text(values.get("household_no"))
        if not no:
            out.add(
                n,
                "",
                "missing_household_no",
                Text("户编号为空，该行未导入", "household number is empty; row not imported"),
                "household_no",
            )
            continue
        key = _id_key(values.get("id_number"))
        if key:
            if key in seen_ids:
                out.add(
                    n,
                    no,
                    "duplicate_person",
                    Text(
                        f"证件号码与第{seen_ids[key]}行重复",
                        f"ID number repeats row {seen_ids[key]}",
                    ),
                    "id_number",
                )
            else:
                seen_ids[key] = n
                holder = registry.household_of(key)
                if holder is not None and holder != no:
                    out.add(
                        n,
                        no,
                        "duplicate_person",
                        Text(
                            f"此人已在户{holder}中登记",
                            f"this person is already registered in household {holder}",
                        ),
                        "id_number",
                    )
        groups.setdefault(no, []).append((n, values))
    out.groups = len(groups)
    numbers = set(registry.numbers)
    for no, members in groups.items():
        out.first_values[no] = members[0][1]
        household = _household(no, members, registry, no in numbers, out)
        if household is None or out.error_rows.get(no):
            out.rejected[no] = [n for n, _ in members]
            _explain(out, no, members)
        else:
            out.households.append(household)
    if progress:
        progress(out.rows)
    return out


def _id_key(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ""  # digits lost in Excel: reported by the member check
    return normalise_id_text(text(value))  # １２３…Ｘ is the same person


def _explain(out: Checked, no: str, members: list[tuple[int, dict[str, Any]]]) -> None:
    """Every row of a rejected household appears in the report, the good ones saying why."""
    bad = sorted(out.error_rows.get(no, ()))
    rows_zh = "、".join(str(n) for n in bad)
    rows_en = ", ".join(str(n) for n in bad)
    for n, _ in members:
        if n not in bad:
            out.add(
                n,
                no,
                "household_rejected",
                Text(
                    f"本行无误，但同户第{rows_zh}行有错误，整户未导入",
                    f"this row is fine, but rows {rows_en} of the same household have errors, so "
                    "the household was not imported",
                ),
            )
    if bad:
        out.add(
            bad[0],
            no,
            "household_rejected",
            Text(
                "因此整户未导入，改正后请重新导入",
                "so the household was not imported; correct it and import again",
            ),
        )


def _household(
    no: str,
    members: list[tuple[int, dict[str, Any]]],
    registry: Registry,
    taken: bool,
    out: Checked,
) -> Household | None:
    first = members[0][0]
    if taken:
        out.add(first, no, "household_exists", registry.number_taken, "household_no")
    values = _household_values(no, members, out)
    village = _village(no, first, values, registry, out)
    parsed = [(n, m) for n, m in ((n, _member(n, no, v, out)) for n, v in members) if m is not None]
    heads = [m for _, m in parsed if m.relation == "02"]
    if len(parsed) == len(members) and not heads:
        out.add(
            first,
            no,
            "missing_head",
            Text(
                "该户没有户主（与户主关系为“户主”的一行）",
                "the household has no head (a row whose relationship is 'head of household')",
            ),
            "relation",
        )
    elif len(heads) > 1:
        out.add(
            first,
            no,
            "several_heads",
            Text(f"该户有{len(heads)}位户主", f"the household has {len(heads)} heads"),
            "relation",
        )
    if village is None or len(parsed) != len(members) or out.error_rows.get(no):
        return None
    household = Household(
        household_no=no,
        division_code=village,
        group=values.get("group") or None,
        phone=values.get("phone") or None,
        poverty_category=values.get("poverty_category") or None,
        status=values.get("status") or "not_exited",
        household_type=values.get("household_type") or None,
        members=[m for _, m in parsed],
    )
    for problem in validate_household(household):
        row = parsed[problem.member_index - 1][0] if problem.member_index else first
        out.add(row, no, "invalid_record", problem.message(), problem.field, problem.level)
    return household


def _household_values(
    no: str, members: list[tuple[int, dict[str, Any]]], out: Checked
) -> dict[str, str]:
    """The household's own fields: the same on every row that gives them."""
    values: dict[str, str] = {}
    for f in FIELDS:
        if not f.household_level or f.key == "household_no":
            continue
        for n, row in members:
            raw = text(row.get(f.key))
            if not raw:
                continue
            value = _code(f.key, raw, n, no, out) if f.code_list else raw
            if value is None:
                continue
            if f.key in values and values[f.key] != value:
                out.add(
                    n,
                    no,
                    "inconsistent_household",
                    Text(
                        f"{f.zh}与本户前面的行不一致",
                        f"{f.en} differs from earlier rows of the household",
                    ),
                    f.key,
                )
            values.setdefault(f.key, value)
    return values


def _village(
    no: str, row: int, values: dict[str, str], registry: Registry, out: Checked
) -> DivisionCode | None:
    raw = values.get("division_code", "")
    if raw:
        try:
            code = DivisionCode.parse(raw)
            if code.level != "village":
                raise UserError(Text("应为村级代码（末三位不为000）", "must be a village code"))
        except UserError as e:
            out.add(
                row,
                no,
                "bad_division_code",
                Text(f"行政区划代码：{e.text.zh}", f"division code: {e.text.en}"),
                "division_code",
            )
            return None
        outside = registry.county is not None and code.county != registry.county
        if outside or (registry.villages is not None and code.value not in registry.villages):
            out.add(
                row,
                no,
                "unknown_village",
                Text(
                    "本县没有这个村（行政区划代码不认识）",
                    "the county has no such village (unknown division code)",
                ),
                "division_code",
            )
            return None
        return code
    name = values.get("village", "")
    matches = [c for c, n in (registry.villages or {}).items() if n == name] if name else []
    if len(matches) != 1:
        if registry.villages is None:
            out.add(
                row,
                no,
                "bad_division_code",
                Text("行政区划代码为空", "the division code is empty"),
                "division_code",
            )
        else:
            out.add(
                row,
                no,
                "unknown_village",
                Text(
                    "本县没有这个村名（或有重名，请用行政区划代码）",
                    "the county has no village of that name (or several; use the division code)",
                ),
                "village",
            )
        return None
    return DivisionCode.parse(matches[0])


def _member(n: int, no: str, values: dict[str, Any], out: Checked) -> Member | None:
    ok = True

    def bad(code: str, message: Text, column: str) -> None:
        nonlocal ok
        ok = False
        out.add(n, no, code, message, column)

    raw_relation = text(values.get("relation"))
    relation = _code("relation", raw_relation, n, no, out) if raw_relation else None
    if not raw_relation:
        bad("bad_relation", Text("与户主关系为空", "relationship to head is empty"), "relation")
    elif relation is None:
        ok = False
    head_name = text(values.get("head_name"))
    name = text(values.get("name")) or (head_name if relation == "02" else "")
    if not name:
        bad("missing_name", Text("姓名为空", "name is empty"), "name")
    elif relation == "02" and head_name and text(values.get("name")) and head_name != name:
        bad(
            "head_name_mismatch",
            Text("户主姓名与本行姓名不一致", "the head's name differs from this row's name"),
            "head_name",
        )
    raw_id = values.get("id_number")
    info = None
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        bad(
            "bad_id_number",
            Text(
                "证件号码在 Excel 中被存成了数字，末几位已丢失；请把该列设为文本后重新填写",
                "the ID number was stored as a number in Excel and lost digits; format the column "
                "as text and enter it again",
            ),
            "id_number",
        )
    elif not text(raw_id):
        bad("bad_id_number", Text("证件号码为空", "ID number is empty"), "id_number")
    else:
        try:
            info = parse_id_number(text(raw_id))
        except IdNumberError as e:
            bad(
                "bad_id_number",
                Text(f"证件号码：{e.text.zh}", f"ID number: {e.text.en}"),
                "id_number",
            )
    coded = {
        k: (_code(k, text(values.get(k)), n, no, out) if text(values.get(k)) else None)
        for k in MEMBER_CODES
    }
    if any(text(values.get(k)) and v is None for k, v in coded.items()):
        ok = False
    birth = to_date(values.get("birth_date"))
    if text(values.get("birth_date")) and birth is None:
        bad(
            "bad_birth_date",
            Text(
                "出生日期无法识别（应为 YYYY-MM-DD）", "birth date not understood (use YYYY-MM-DD)"
            ),
            "birth_date",
        )
    if info is not None:
        if coded["sex"] and coded["sex"] != info.sex:
            bad(
                "sex_mismatch",
                Text("性别与证件号码不一致", "sex does not match the ID number"),
                "sex",
            )
        if birth and birth != info.birth_date:
            bad(
                "birth_mismatch",
                Text("出生日期与证件号码不一致", "birth date does not match the ID number"),
                "birth_date",
            )
        for warning in info.warnings():  # stored in its 18-character form; an area to check
            legacy = warning == LEGACY_15
            message = (
                Text(
                    "15位旧证件号码已换为对应的18位号码",
                    "the legacy 15-digit ID number was replaced by its 18-character form",
                )
                if legacy
                else Text(f"证件号码{warning.zh}", f"ID number: {warning.en}")
            )
            out.add(
                n,
                no,
                "legacy_id_number" if legacy else "unknown_area_code",
                message,
                "id_number",
                WARNING,
            )
    if not ok or info is None or relation is None:
        return None
    return Member(
        name=name,
        id_number=info.id_number,
        relation=relation,
        sex=info.sex,
        birth_date=info.birth_date,
        ethnicity=coded["ethnicity"] or "01",
        education=coded["education"],
        schooling=coded["schooling"],
        health=coded["health"],
        labour_capacity=coded["labour_capacity"],
    )


def _code(key: str, raw: str, n: int, no: str, out: Checked) -> str | None:
    """A code from its code, its Chinese label or its English label."""
    f = FIELD_BY_KEY[key]
    assert f.code_list is not None
    codes = code_list(f.code_list)
    wanted = raw.strip()
    if wanted in codes:
        return wanted
    if wanted.isdigit() and len(wanted) == 1 and "0" + wanted in codes:
        return "0" + wanted  # Excel drops the leading zero of "02"
    found = codes.code_for_label(wanted)
    if found is not None:
        return found
    if (
        key == "relation" and wanted.startswith("之") and len(wanted) > 1
    ):  # "之子", "之女" as some exports write them
        return _code(key, wanted[1:], n, no, out)
    code = "bad_relation" if key == "relation" else "bad_code"
    out.add(
        n,
        no,
        code,
        Text(f"{f.zh}“{wanted}”不在代码表中", f"{f.en} '{wanted}' is not in the code list"),
        key,
    )
    return None
