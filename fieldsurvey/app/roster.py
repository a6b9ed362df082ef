"""Reading a county household roster (CSV or Excel) into households, with a report per row.

Headless (no Qt), so it is tested and reused by the command line; the import page only draws
its report. ``read_roster`` checks a file against the store, ``import_roster`` loads it. A roster
has a header row and one row per member:

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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey.app.changes import Changes, WithChanges
from fieldsurvey.core.divisions import Division, DivisionCode, county_name
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.household import Household
from fieldsurvey.core.roster import (
    FIELD_BY_KEY,
    Field,
    Problem,
    Registry,
    blank,
    check_rows,
    field_of_header,
    text,
)
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook

if TYPE_CHECKING:
    from fieldsurvey.store import Store

MAX_ROWS = 200_000
MAX_COLUMNS = 256  # a roster has about twenty
MAX_FILE = 64 * MIB
XLSX_LIMITS = WorkbookLimits(
    file=MAX_FILE, sheet=128 * MIB, part=32 * MIB, total=256 * MIB, rows=MAX_ROWS + 1
)
ROSTER_FILE = Text("花名册文件", "roster file")


# The columns of the laptop's template, and those a laptop roster must have (the checks and the
# other column names are core/roster.py's, shared with the county server).
COLUMNS: tuple[Field, ...] = tuple(
    FIELD_BY_KEY[k]
    for k in (
        "household_no",
        "division_code",
        "township",
        "village",
        "group",
        "name",
        "id_number",
        "relation",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "schooling",
        "health",
        "labour_capacity",
        "poverty_category",
        "status",
        "household_type",
        "phone",
    )
)
REQUIRED = ("household_no", "division_code", "name", "id_number", "relation")
NUMBER_HERE = Text(
    "该户编号已在本机数据中，未导入（如需更新请用同步）",
    "this household number is already on this computer; not imported (updates come by sync)",
)
RowProblem = Problem


@dataclass
class RosterReport:
    """What a roster holds and what is wrong with it, row by row."""

    households: list[Household] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: dict[str, list[int]] = field(default_factory=dict)  # household_no -> its rows
    rows_read: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    error_rows: dict[str, set[int]] = field(
        default_factory=dict
    )  # household_no -> rows with errors

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
    raise RosterFileError(
        Text("只支持 CSV 或 Excel(.xlsx)花名册", "only CSV or Excel (.xlsx) rosters are supported")
    )


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
            raise RosterFileError(
                Text(
                    "CSV 文件格式不对（某个单元格过长或含有空字符）",
                    "the CSV file is malformed (a cell is too long or holds a NUL)",
                )
            ) from None
        return rows
    raise RosterFileError(
        Text(
            "文件编码无法识别（请另存为 UTF-8 CSV）", "unknown text encoding (save it as UTF-8 CSV)"
        )
    )


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    check_workbook(path, XLSX_LIMITS, Text("Excel(.xlsx)花名册", "Excel (.xlsx) roster"))
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:
        raise RosterFileError(Text("不是有效的 Excel 文件", "not a valid Excel file")) from None
    try:
        ws = wb.worksheets[0]
        if (ws.max_row or 0) > MAX_ROWS + 1 or (ws.max_column or 0) > MAX_COLUMNS:
            ws.reset_dimensions()  # openpyxl would pad every row (and add empty ones) up to what it declares
        header = list(
            next(
                ws.iter_rows(
                    max_row=1,
                    max_col=min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS),
                    values_only=True,
                ),
                (),
            )
        )
        while header and blank(header[-1]):
            header.pop()  # columns without a header are not read (parse_roster ignores them)
        rows: list[list[Any]] = [header]
        for values in ws.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


# -- checking --------------------------------------------------------------------------------
Progress = Callable[[int, int], None]


def parse_roster(
    rows: list[list[Any]],
    existing_numbers: Iterable[str] = (),
    progress: Progress | None = None,
    *,
    registry: Registry | None = None,
) -> RosterReport:
    """Check a roster's rows (the header first) with the county's rules (``core/roster.py``).

    ``registry`` says what this laptop holds (its county, who is registered where); without one,
    only ``existing_numbers`` are known.
    """
    if not rows:
        raise RosterFileError(Text("文件是空的", "the file is empty"))
    if len(rows) > MAX_ROWS + 1:
        raise RosterFileError(
            Text(f"行数过多（最多{MAX_ROWS}行）", f"too many rows (at most {MAX_ROWS})")
        )
    report = RosterReport()
    columns = _header(rows[0], report)
    if registry is None:
        registry = Registry(numbers=set(existing_numbers), number_taken=NUMBER_HERE)
    total = len(rows) - 1
    body = (
        (n, {key: raw[i] if i < len(raw) else None for i, key in columns.items()})
        for n, raw in enumerate(rows[1:], start=2)
        if not all(blank(v) for v in raw)
    )
    checked = check_rows(body, registry, (lambda done: progress(done, total)) if progress else None)
    report.households = checked.households
    report.problems = checked.problems
    report.rejected = checked.rejected
    report.error_rows = checked.error_rows
    report.rows_read = checked.rows
    divisions: dict[str, Division] = {}
    for h in checked.households:
        _add_divisions(h.division_code, checked.first_values[h.household_no], divisions)
    report.divisions = sorted(divisions.values(), key=lambda d: d.code.value)
    if progress:
        progress(total, total)
    return report


def _header(row: list[Any], report: RosterReport) -> dict[int, str]:
    columns: dict[int, str] = {}
    for i, value in enumerate(row):
        name = text(value)
        if not name:
            continue
        key = field_of_header(name)
        if key is None:
            report.ignored_columns.append(name)
        elif key not in columns.values():
            columns[i] = key
    missing = [FIELD_BY_KEY[k] for k in REQUIRED if k not in columns.values()]
    if missing:
        names_zh = "、".join(c.zh for c in missing)
        names_en = ", ".join(c.en for c in missing)
        raise RosterFileError(
            Text(f"表头缺少必需的列：{names_zh}", f"the header lacks required columns: {names_en}")
        )
    return columns


def _add_divisions(
    code: DivisionCode, values: dict[str, Any], divisions: dict[str, Division]
) -> None:
    county = code.county + "000000"
    township = code.township + "000"
    if county not in divisions:
        divisions[county] = Division(
            DivisionCode(county), county_name(code.county) or code.county, None
        )
    township_name = text(values.get("township"))
    if township not in divisions or (township_name and divisions[township].name == township):
        divisions[township] = Division(DivisionCode(township), township_name or township, county)
    village_name = text(values.get("village"))
    if code.value not in divisions or (village_name and divisions[code.value].name == code.value):
        divisions[code.value] = Division(code, village_name or code.value, township)


def template_rows() -> list[list[str]]:
    """The header of a roster (Chinese names), for the "save an empty template" button."""
    return [[c.zh for c in COLUMNS]]


# -- against the store -----------------------------------------------------------------------
IMPORT_CHUNK = 500


def registry_of(store: Store) -> Registry:
    """What this laptop holds, as a roster is checked against it: its county (once it has one),
    its household numbers and who is registered where."""
    county = store.county()[0] or None
    people = store.households.registered_people()
    return Registry(
        county=county,
        numbers={s.household_no for s in store.households.summaries()},
        household_of=people.get,
        number_taken=NUMBER_HERE,
    )


def read_roster(store: Store, path: Path, progress: Progress | None = None) -> RosterReport:
    """Read and check a roster file against the store; what the store has is reported, not imported."""
    return parse_roster(read_table(path), progress=progress, registry=registry_of(store))


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    cancelled: bool


def import_roster(
    store: Store,
    report: RosterReport,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> WithChanges:
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
        done += store.households.add_many(report.households[start : start + IMPORT_CHUNK])
    return WithChanges(ImportResult(done, stopped), Changes(household_list=True))
