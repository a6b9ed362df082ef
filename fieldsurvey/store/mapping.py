"""Moving records between core dataclasses and ORM rows, by matching field names.

Columns are named like the dataclass fields, so one generic copy serves every table; the only
special cases are the division code (a value object in core, a string in the database) and the
nested collections of a household, which live in their own tables.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fieldsurvey.core.assessment_result import FLAG_LABELS
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.records import field_names
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.store.models import (
    HelperRow,
    HouseholdRow,
    IncomeRow,
    MeasureRow,
    MemberChangeRow,
    MemberRow,
    VisitRow,
)

T = TypeVar("T")

NESTED = ("members", "helpers", "measures", "incomes")
FLAG_ORDER = tuple(FLAG_LABELS)  # bit i = flag i; FLAG_LABELS is append-only


HOUSEHOLD_COLUMNS = [f for f in field_names(Household) if f not in NESTED]


def column_values(obj: Any) -> dict[str, Any]:
    """A record's own fields as column values (nested collections excluded)."""
    values = {name: getattr(obj, name) for name in field_names(type(obj)) if name not in NESTED}
    if isinstance(obj, Household):
        values["division_code"] = obj.division_code.value
    return values


def flag_bits(flags: list[str] | tuple[str, ...]) -> int:
    return sum(1 << i for i, name in enumerate(FLAG_ORDER) if name in flags)


# Surnames read differently from the character's everyday reading (曾 zēng, not céng).
SURNAME_INITIALS = {
    "曾": "z",
    "单": "s",
    "解": "x",
    "仇": "q",
    "查": "z",
    "朴": "p",
    "区": "o",
    "缪": "m",
    "覃": "q",
    "尉": "y",
    "盖": "g",
    "乐": "y",
    "翟": "z",
    "秘": "b",
    "种": "c",
    "句": "g",
    "员": "y",
    "繁": "p",
    "折": "s",
    "沈": "s",
    "长": "c",
    "隗": "w",
    "召": "s",
    "冼": "x",
    "教": "j",
}
_INITIALS: dict[str, str] = {}


def _char_initial(char: str) -> str:
    initial = _INITIALS.get(char)
    if initial is None:
        from pypinyin import Style, lazy_pinyin  # 0.4 s of dictionaries: only when writing

        reading = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
        initial = _INITIALS[char] = reading[0].lower() if reading else ""
    return initial


def name_initials(name: str) -> str:
    """Pinyin initials of a Chinese name (张三 → "zs", 曾国藩 → "zgf"), for search as typed.

    Character by character, cached: names draw on a few thousand characters, and a roster of
    100,000 households would otherwise spend most of its load time segmenting names.
    """
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0]) or _char_initial(name[0])
    return (first + "".join(_char_initial(c) for c in name[1:]))[:16]


def household_derived(h: Household) -> dict[str, Any]:
    """Columns the list screens use, recomputed on every write so they can never drift."""
    head = h.head
    return {
        "head_name": head.name if head else None,
        "head_id_number": head.id_number if head else None,
        "head_initials": name_initials(head.name) if head else None,
        "member_count": h.size,
    }


def household_row_values(h: Household) -> dict[str, Any]:
    return {**column_values(h), **household_derived(h)}


def member_row_values(m: Member, household_id: str, position: int) -> dict[str, Any]:
    return {**column_values(m), "household_id": household_id, "position": position}


def helper_row_values(x: Helper, household_id: str, position: int) -> dict[str, Any]:
    return {**column_values(x), "household_id": household_id, "position": position}


def measure_row_values(x: AssistanceMeasure, household_id: str, position: int) -> dict[str, Any]:
    return {**column_values(x), "household_id": household_id, "position": position}


def income_row_values(x: IncomeRecord, household_id: str) -> dict[str, Any]:
    return {**column_values(x), "household_id": household_id}


def _from_row(cls: type[T], row: Any) -> T:
    return cls(**{name: getattr(row, name) for name in field_names(cls) if name not in NESTED})


def household_from_rows(
    row: HouseholdRow,
    members: list[MemberRow],
    helpers: list[HelperRow],
    measures: list[MeasureRow],
    incomes: list[IncomeRow],
) -> Household:
    values = {name: getattr(row, name) for name in HOUSEHOLD_COLUMNS}
    values["division_code"] = DivisionCode(row.division_code)
    values["other_poverty_causes"] = list(row.other_poverty_causes or [])
    values["risks"] = list(row.risks or [])
    h = Household(**values)
    h.members = [_from_row(Member, r) for r in sorted(members, key=lambda r: r.position)]
    h.helpers = [_from_row(Helper, r) for r in sorted(helpers, key=lambda r: r.position)]
    h.measures = [
        _from_row(AssistanceMeasure, r) for r in sorted(measures, key=lambda r: r.position)
    ]
    h.incomes = [_income_from_row(r) for r in sorted(incomes, key=lambda r: r.year)]
    return h


def _income_from_row(r: IncomeRow) -> IncomeRecord:
    rec = _from_row(IncomeRecord, r)
    rec.items = {k: float(v) for k, v in (r.items or {}).items()}
    rec.expenses = {k: float(v) for k, v in (r.expenses or {}).items()}
    rec.medical_costs = {
        member: {k: float(v) for k, v in (costs or {}).items()}
        for member, costs in (r.medical_costs or {}).items()
    }
    return rec


def visit_from_row(row: VisitRow) -> Visit:
    v = _from_row(Visit, row)
    v.answers = dict(row.answers or {})
    return v


def visit_row_values(v: Visit) -> dict[str, Any]:
    return column_values(v)


def member_change_from_row(row: MemberChangeRow) -> MemberChange:
    return _from_row(MemberChange, row)
