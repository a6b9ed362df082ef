"""Reading a county household roster (CSV or Excel) into households, with a report per row.

Headless (no Qt), so it is tested and reused by the command line; the import page only draws
its report. ``read_roster`` checks a file against the store, ``import_roster`` loads it. A roster has a header row and one row per member:

====================  =================  ====================================================
header (zh / en)      required           value
====================  =================  ====================================================
户编号 household_no     yes                the national platform number; rows sharing it form
                                         one household
行政区划代码              yes                12-digit village code (GB/T 2260 + township +
division_code                            village)
乡镇 township           no                 township name (for the village filter)
行政村 village          no                 village name
村民小组 group          no                 group name, e.g. 三组
姓名 name               yes
证件号码 id_number      yes                18-character ID number (15-digit old ones are
                                         converted)
与户主关系 relation     yes                GB/T 4761 code (02) or its label (户主)
性别 sex / 出生日期      no                 checked against the ID number when given
birth_date
民族 ethnicity,         no                 code or label of the code list
文化程度 education,
在校生状况 schooling,
健康状况 health,
劳动能力 labour_capacity
贫困户属性 poverty_category, 脱贫状态 status, 户类型 household_type, 联系电话 phone:
                        no                 household values; the same on every row of the
                                         household (or only on the head's row)
====================  =================  ====================================================

Nothing is dropped silently: a household with any error is not imported, and the report lists
each bad row with its reason and each household left out because of it. Texts name rows and
fields, never the people in them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey.app.changes import Changes, WithChanges
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import Division, DivisionCode, county_name
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.ids import LEGACY_15, IdNumberError, normalise_id_text, parse_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR, WARNING, validate_household
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook

if TYPE_CHECKING:
    from fieldsurvey.store import Store

MAX_ROWS = 200_000
MAX_COLUMNS = 256  # a roster has about twenty
MAX_FILE = 64 * MIB
XLSX_LIMITS = WorkbookLimits(file=MAX_FILE, sheet=128 * MIB, part=32 * MIB, total=256 * MIB, rows=MAX_ROWS + 1)
ROSTER_FILE = Text("花名册文件", "roster file")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    code_list: str | None = None
    household_level: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("household_no", "户编号", "household_no", required=True),
    Column("division_code", "行政区划代码", "division_code", required=True),
    Column("township", "乡镇", "township"),
    Column("village", "行政村", "village"),
    Column("group", "村民小组", "group", household_level=True),
    Column("name", "姓名", "name", required=True),
    Column("id_number", "证件号码", "id_number", required=True),
    Column("relation", "与户主关系", "relation", required=True, code_list="relation"),
    Column("sex", "性别", "sex", code_list="sex"),
    Column("birth_date", "出生日期", "birth_date"),
    Column("ethnicity", "民族", "ethnicity", code_list="ethnicity"),
    Column("education", "文化程度", "education", code_list="education"),
    Column("schooling", "在校生状况", "schooling", code_list="schooling"),
    Column("health", "健康状况", "health", code_list="health"),
    Column("labour_capacity", "劳动能力", "labour_capacity", code_list="labour_capacity"),
    Column("poverty_category", "贫困户属性", "poverty_category", code_list="poverty_category", household_level=True),
    Column("status", "脱贫状态", "status", code_list="status", household_level=True),
    Column("household_type", "户类型", "household_type", code_list="household_type", household_level=True),
    Column("phone", "联系电话", "phone", household_level=True),
)
_BY_HEADER = {h.strip().lower(): c for c in COLUMNS for h in (c.zh, c.en, c.key)}


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    household_no: str
    level: str  # ERROR or WARNING
    text: Text
    column: str | None = None  # header key


@dataclass
class RosterReport:
    """What a roster holds and what is wrong with it, row by row."""

    households: list[Household] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: dict[str, list[int]] = field(default_factory=dict)  # household_no -> its rows
    rows_read: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    error_rows: dict[str, set[int]] = field(default_factory=dict)  # household_no -> rows with errors

    def add(self, problem: RowProblem) -> None:
        self.problems.append(problem)
        if problem.level == ERROR:
            self.error_rows.setdefault(problem.household_no, set()).add(problem.row)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def member_count(self) -> int:
        return sum(len(h.members) for h in self.households)

    @property
    def county(self) -> tuple[str, str] | None:
        if not self.households:
            return None
        code = self.households[0].division_code.county
        return code, county_name(code) or ""


class RosterFileError(UserError):
    def __init__(self, text: Text) -> None:
        super().__init__(text, code="bad_roster")


# -- reading files ---------------------------------------------------------------------------
def read_table(path: Path) -> list[list[Any]]:
    """All rows of a CSV (UTF-8 or GB18030, as Excel saves it in China) or an .xlsx sheet.

    Bounded whatever the file: at most ``MAX_FILE`` bytes of a regular file, an .xlsx checked by
    ``core.xlsx_guard`` before openpyxl opens it, at most ``MAX_ROWS`` rows and ``MAX_COLUMNS``
    columns read (docs/security.md, "Exports, imports and resource limits").
    """
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        if suffix in (".csv", ".txt"):
            return _read_csv(read_limited(path, MAX_FILE, ROSTER_FILE))
    except OSError:
        raise RosterFileError(Text("无法读取该文件", "the file cannot be read")) from None
    raise RosterFileError(Text("只支持 CSV 或 Excel(.xlsx)花名册", "only CSV or Excel (.xlsx) rosters are supported"))


def _read_csv(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        rows: list[list[Any]] = []
        try:
            for row in csv.reader(io.StringIO(text, newline="")):
                rows.append(row[:MAX_COLUMNS])
                if len(rows) > MAX_ROWS + 1:
                    break
        except csv.Error:  # a field beyond csv.field_size_limit (128 KiB), or a NUL
            raise RosterFileError(Text("CSV 文件格式不对（某个单元格过长或含有空字符）",
                                       "the CSV file is malformed (a cell is too long or holds a NUL)")) from None
        return rows
    raise RosterFileError(Text("文件编码无法识别（请另存为 UTF-8 CSV）", "unknown text encoding (save it as UTF-8 CSV)"))


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    check_workbook(path, XLSX_LIMITS, Text("Excel(.xlsx)花名册", "Excel (.xlsx) roster"))
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise RosterFileError(Text("不是有效的 Excel 文件", "not a valid Excel file")) from None
    try:
        ws = wb.worksheets[0]
        if (ws.max_row or 0) > MAX_ROWS + 1 or (ws.max_column or 0) > MAX_COLUMNS:
            ws.reset_dimensions()  # openpyxl would pad every row (and add empty ones) up to what it declares
        header = list(next(ws.iter_rows(max_row=1, max_col=min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS), values_only=True), ()))
        while header and _blank(header[-1]):
            header.pop()  # columns without a header are not read (parse_roster ignores them)
        rows: list[list[Any]] = [header]
        for values in ws.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


# -- parsing ---------------------------------------------------------------------------------
Progress = Callable[[int, int], None]


def parse_roster(
    rows: list[list[Any]],
    existing_numbers: Iterable[str] = (),
    progress: Progress | None = None,
) -> RosterReport:
    report = RosterReport()
    if not rows:
        raise RosterFileError(Text("文件是空的", "the file is empty"))
    if len(rows) > MAX_ROWS + 1:
        raise RosterFileError(Text(f"行数过多（最多{MAX_ROWS}行）", f"too many rows (at most {MAX_ROWS})"))
    columns = _header(rows[0], report)
    existing = set(existing_numbers)
    groups: dict[str, list[tuple[int, dict[str, str | Any]]]] = {}
    seen_ids: dict[str, int] = {}
    total = len(rows) - 1
    for n, raw in enumerate(rows[1:], start=2):
        if progress and n % 500 == 0:
            progress(n - 1, total)
        if all(_blank(v) for v in raw):
            continue
        report.rows_read += 1
        values = {key: raw[i] if i < len(raw) else None for i, key in columns.items()}
        no = _text(values.get("household_no"))
        if not no:
            report.add(RowProblem(n, "", ERROR, Text("户编号为空，该行未导入", "household number is empty; row not imported"), "household_no"))
            continue
        id_number = values.get("id_number")
        if isinstance(id_number, (int, float)) and not isinstance(id_number, bool):
            values["id_number"] = None
            values["id_lost"] = True
            report.add(RowProblem(n, no, ERROR, Text("证件号码在 Excel 中被存成了数字，末几位已丢失；请把该列设为文本后重新填写", "the ID number was stored as a number in Excel and lost digits; format the column as text and enter it again"), "id_number"))
        key = normalise_id_text(_text(values.get("id_number")))  # １２３…Ｘ is the same person
        if key:
            if key in seen_ids:
                report.add(RowProblem(n, no, ERROR, Text(f"证件号码与第{seen_ids[key]}行重复", f"ID number repeats row {seen_ids[key]}"), "id_number"))
            else:
                seen_ids[key] = n
        groups.setdefault(no, []).append((n, values))
    divisions: dict[str, Division] = {}
    for no, members in groups.items():
        if no in existing:
            _reject(report, no, members, Text("该户编号已在本机数据中，未导入（如需更新请用同步）", "this household number is already on this computer; not imported (updates come by sync)"))
            continue
        household = _household(no, members, report, divisions)
        if household is None:
            report.rejected[no] = [n for n, _ in members]
            continue
        report.households.append(household)
    if progress:
        progress(total, total)
    report.divisions = sorted(divisions.values(), key=lambda d: d.code.value)
    return report


def _header(row: list[Any], report: RosterReport) -> dict[int, str]:
    columns: dict[int, str] = {}
    for i, value in enumerate(row):
        name = _text(value)
        if not name:
            continue
        col = _BY_HEADER.get(name.lower())
        if col is None:
            report.ignored_columns.append(name)
        elif col.key not in columns.values():
            columns[i] = col.key
    missing = [c for c in COLUMNS if c.required and c.key not in columns.values()]
    if missing:
        names_zh = "、".join(c.zh for c in missing)
        names_en = ", ".join(c.en for c in missing)
        raise RosterFileError(Text(f"表头缺少必需的列：{names_zh}", f"the header lacks required columns: {names_en}"))
    return columns


def _reject(report: RosterReport, no: str, members: list[tuple[int, dict[str, Any]]], why: Text) -> None:
    for n, _ in members:
        report.add(RowProblem(n, no, ERROR, why))
    report.rejected[no] = [n for n, _ in members]


def _household(no: str, members: list[tuple[int, dict[str, Any]]], report: RosterReport, divisions: dict[str, Division]) -> Household | None:
    first_row = members[0][0]
    try:
        code = DivisionCode.parse(_text(members[0][1].get("division_code")))
        if code.level != "village":
            raise UserError(Text("应为村级代码（末三位不为000）", "must be a village code"))
    except UserError as e:
        report.add(RowProblem(first_row, no, ERROR, Text(f"行政区划代码：{e.text.zh}", f"division code: {e.text.en}"), "division_code"))
        code = None
    household_values = _household_values(no, members, report)
    parsed: list[tuple[int, Member]] = []
    for n, values in members:
        if code is not None and _text(values.get("division_code")) not in ("", code.value):
            report.add(RowProblem(n, no, ERROR, Text("同一户的行政区划代码不一致", "division code differs within the household"), "division_code"))
        member = _member(n, no, values, report)
        if member is not None:
            parsed.append((n, member))
    if code is None or _has_errors(report, no):
        _note_rejected(report, no, members)
        return None
    household = Household(
        household_no=no,
        division_code=code,
        group=household_values.get("group") or None,
        phone=household_values.get("phone") or None,
        poverty_category=household_values.get("poverty_category") or None,
        status=household_values.get("status") or "not_exited",
        household_type=household_values.get("household_type") or None,
        members=[m for _, m in parsed],
    )
    for problem in validate_household(household):
        row = parsed[problem.member_index - 1][0] if problem.member_index else first_row
        report.add(RowProblem(row, no, problem.level, problem.message(), problem.field))
    if _has_errors(report, no):
        _note_rejected(report, no, members)
        return None
    _add_divisions(code, members[0][1], divisions)
    return household


def _has_errors(report: RosterReport, no: str) -> bool:
    """Errors found for any row of this household, in the first pass (duplicates) or now."""
    return bool(report.error_rows.get(no))


def _note_rejected(report: RosterReport, no: str, members: list[tuple[int, dict[str, Any]]]) -> None:
    """Every row of a rejected household appears in the report, the good ones saying why."""
    bad = sorted(report.error_rows.get(no, ()))
    rows_zh = "、".join(str(n) for n in bad)
    rows_en = ", ".join(str(n) for n in bad)
    for n, _ in members:
        if n not in bad:
            report.add(RowProblem(n, no, ERROR, Text(
                f"本行无误，但同户第{rows_zh}行有错误，整户未导入",
                f"this row is fine, but rows {rows_en} of the same household have errors, so the household was not imported",
            )))
    if bad:
        report.add(RowProblem(bad[0], no, ERROR, Text("因此整户未导入，改正后请重新导入", "so the household was not imported; correct it and import again")))


def _household_values(no: str, members: list[tuple[int, dict[str, Any]]], report: RosterReport) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for col in COLUMNS:
        if not col.household_level:
            continue
        for n, values in members:
            raw = _text(values.get(col.key))
            if not raw:
                continue
            value = _code(col, raw, n, no, report) if col.code_list else raw
            if value is None:
                continue
            if col.key in out and out[col.key] != value:
                report.add(RowProblem(n, no, ERROR, Text(f"{col.zh}与本户前面的行不一致", f"{col.en} differs from earlier rows of the household"), col.key))
            out.setdefault(col.key, value)
    return out


def _member(n: int, no: str, values: dict[str, Any], report: RosterReport) -> Member | None:
    def problem(col: str, text: Text, level: str = ERROR) -> None:
        report.add(RowProblem(n, no, level, text, col))

    name = _text(values.get("name"))
    if not name:
        problem("name", Text("姓名为空", "name is empty"))
    raw_id = _text(values.get("id_number"))
    info = None
    if not raw_id:
        if not values.get("id_lost"):
            problem("id_number", Text("证件号码为空", "ID number is empty"))
    else:
        try:
            info = parse_id_number(raw_id)
        except IdNumberError as e:
            problem("id_number", Text(f"证件号码：{e.text.zh}", f"ID number: {e.text.en}"))
    relation = _code(_col("relation"), _text(values.get("relation")), n, no, report)
    if not _text(values.get("relation")):
        problem("relation", Text("与户主关系为空", "relationship to head is empty"))
    coded: dict[str, str | None] = {}
    for key in ("sex", "ethnicity", "education", "schooling", "health", "labour_capacity"):
        raw = _text(values.get(key))
        coded[key] = _code(_col(key), raw, n, no, report) if raw else None
    birth = _date(values.get("birth_date"))
    if _text(values.get("birth_date")) and birth is None:
        problem("birth_date", Text("出生日期无法识别（应为 YYYY-MM-DD）", "birth date not understood (use YYYY-MM-DD)"))
    if info is not None:
        if coded["sex"] and coded["sex"] != info.sex:
            problem("sex", Text("性别与证件号码不一致", "sex does not match the ID number"))
        if birth and birth != info.birth_date:
            problem("birth_date", Text("出生日期与证件号码不一致", "birth date does not match the ID number"))
        for warning in info.warnings():  # stored in its 18-character form; an area to check
            if warning == LEGACY_15:
                warning = Text("15位旧证件号码已换为对应的18位号码", "the legacy 15-digit ID number was replaced by its 18-character form")
            else:
                warning = Text(f"证件号码{warning.zh}", f"ID number: {warning.en}")
            problem("id_number", warning, WARNING)
    if not name or info is None or relation is None:
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


def _col(key: str) -> Column:
    return next(c for c in COLUMNS if c.key == key)


def _code(col: Column, raw: str, n: int, no: str, report: RosterReport) -> str | None:
    """A code from its code, its Chinese label or its English label."""
    if not raw:
        return None
    assert col.code_list is not None
    codes = code_list(col.code_list)
    wanted = raw.strip()
    if wanted in codes:
        return wanted
    if wanted.isdigit() and len(wanted) == 1 and "0" + wanted in codes:
        return "0" + wanted  # Excel drops the leading zero of "02"
    found = codes.code_for_label(wanted)
    if found is not None:
        return found
    report.add(
        RowProblem(n, no, ERROR, Text(f"{col.zh}“{wanted}”不在代码表中", f"{col.en} '{wanted}' is not in the code list"), col.key)
    )
    return None


def _add_divisions(code: DivisionCode, values: dict[str, Any], divisions: dict[str, Division]) -> None:
    county = code.county + "000000"
    township = code.township + "000"
    if county not in divisions:
        divisions[county] = Division(DivisionCode(county), county_name(code.county) or code.county, None)
    township_name = _text(values.get("township"))
    if township not in divisions or (township_name and divisions[township].name == township):
        divisions[township] = Division(DivisionCode(township), township_name or township, county)
    village_name = _text(values.get("village"))
    if code.value not in divisions or (village_name and divisions[code.value].name == code.value):
        divisions[code.value] = Division(code, village_name or code.value, township)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def template_rows() -> list[list[str]]:
    """The header of a roster (Chinese names), for the "save an empty template" button."""
    return [[c.zh for c in COLUMNS]]


# -- against the store -----------------------------------------------------------------------
IMPORT_CHUNK = 500


def read_roster(store: Store, path: Path, progress: Progress | None = None) -> RosterReport:
    """Read and check a roster file; numbers already in the store are reported, not imported."""
    rows = read_table(path)
    existing = {s.household_no for s in store.households.summaries()}
    return parse_roster(rows, existing, progress=progress)


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    cancelled: bool


def import_roster(store: Store, report: RosterReport, *, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> WithChanges:
    """Load the roster's valid households in chunks; cancelling keeps the chunks already in."""
    county = report.county
    if county and not store.county()[0]:
        store.set_county(*county)
    store.divisions.add_many(report.divisions)
    total = len(report.households)
    done = 0
    stopped = False
    for start in range(0, total, IMPORT_CHUNK):
        if cancelled is not None and cancelled():
            stopped = True
            break
        if progress is not None:
            progress(done, total)
        done += store.households.add_many(report.households[start:start + IMPORT_CHUNK])
    return WithChanges(ImportResult(done, stopped), Changes(household_list=True))
