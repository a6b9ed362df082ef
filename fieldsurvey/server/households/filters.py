"""The county's household list: one filter vocabulary for lists, counts and dashboard numbers.

Every number on a dashboard is a count under a ``HouseholdFilter``, and the list behind it is
the same filter — built by the same functions below — so a click on "37 fail housing" lists
exactly those 37 households. Lists page by keyset on (village, household number, id), which the
index ``ix_households_village_no`` serves, so page 2,000 of 100,000 households is as quick as
page 1. Village prefixes are ranges (``code >= '610728101' AND code < '61072810:'``), which
SQLite and PostgreSQL both answer from the index (``LIKE 'x%'`` is not indexed on SQLite).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.ids import mask_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.server import paging
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import Division, HouseholdRow, MemberRow
from fieldsurvey.server.households.flags import ALL_UNKNOWN, FLAG_ORDER, flags_of

POOR_STATUSES = ("not_exited", "relapsed")
H = HouseholdRow


@dataclass(frozen=True, slots=True)
class HouseholdFilter:
    """What a list shows; None means "any". Also what each dashboard number stands for."""

    scope: str | None = (
        None  # division code prefix: 6 (county), 9 (township) or 12 digits (village)
    )
    status: str | None = None
    household_type: str | None = None
    monitored: bool | None = None
    poor: bool | None = None  # status not exited or relapsed (poverty incidence)
    fails: str | None = None  # a dimension not met in the latest assessment
    unknown: str | None = None  # a dimension unknown in the latest assessment
    not_assessed: bool | None = None
    not_visited_days: int | None = None  # last visit before today − days, or never
    flag: str | None = None
    household_no: str | None = None  # a prefix of the household number

    def as_params(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def scope_prefix(code: str | None) -> str | None:
    """A county, township or village code (6, 9 or 12 digits, or 12 with zeros) → its prefix."""
    if not code:
        return None
    code = code.strip()
    if len(code) == 12 and code.isdigit():
        if code.endswith("000000"):
            return code[:6]
        if code.endswith("000"):
            return code[:9]
        return code
    if len(code) in (6, 9) and code.isdigit():
        return code
    raise UserError(
        Text("范围应为县、乡镇或村的区划代码", "the scope is a county, township or village code"),
        code="bad_scope",
    )


def starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` begins with ``prefix``, as an indexable range."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def prefix_condition(column: Any, prefix: str) -> ColumnElement[bool]:
    return column == prefix if len(prefix) == 12 else starts_with(column, prefix)  # type: ignore[no-any-return]


def in_scope(
    column: Any, villages: Collection[str] | None, prefix: str | None
) -> list[ColumnElement[bool]]:
    """The caller's villages and, within them, the county, township or village a list asks for.

    The one village filter of the household, conflict and visit lists and of re-assessing.
    """
    out = paging.village_conditions(column, villages)
    if prefix:
        out.append(prefix_condition(column, prefix))
    return out


def dimension_bit(dimension: str) -> int:
    if dimension not in DIMENSIONS:
        raise UserError(
            Text("未知的评估维度", "unknown assessment dimension"), code="bad_dimension"
        )
    return 1 << DIMENSIONS.index(dimension)


def flag_bit(flag: str) -> int:
    if flag not in FLAG_ORDER:
        raise UserError(Text("未知的问题标记", "unknown problem flag"), code="bad_flag")
    return 1 << FLAG_ORDER.index(flag)


def fails_condition(dimension: str) -> ColumnElement[bool]:
    return H.fail_bits.op("&")(dimension_bit(dimension)) != 0


def unknown_condition(dimension: str) -> ColumnElement[bool]:
    return H.unknown_bits.op("&")(dimension_bit(dimension)) != 0


def not_assessed_condition() -> ColumnElement[bool]:
    return H.assessed_on.is_(None)


def not_visited_condition(days: int, today: date | None = None) -> ColumnElement[bool]:
    cutoff = (today or date.today()) - timedelta(days=days)
    return or_(H.last_visit_date < cutoff, H.last_visit_date.is_(None))


def poor_condition() -> ColumnElement[bool]:
    return H.status.in_(POOR_STATUSES)


def monitored_condition() -> ColumnElement[bool]:
    return H.monitored.is_(True)


def check_filter(f: HouseholdFilter) -> None:
    """Raise the ``UserError`` that ``conditions`` would, without a caller."""
    scope_prefix(f.scope)
    for dimension in (f.fails, f.unknown):
        if dimension:
            dimension_bit(dimension)
    if f.flag:
        flag_bit(f.flag)


def conditions(
    f: HouseholdFilter, who: Principal, today: date | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``f`` for ``who`` (always live households in the caller's villages)."""
    out: list[ColumnElement[bool]] = [
        H.deleted.is_(False),
        *in_scope(H.village_code, who.villages, scope_prefix(f.scope)),
    ]
    if f.status:
        out.append(H.status == f.status)
    if f.household_type:
        out.append(H.household_type == f.household_type)
    if f.monitored is not None:
        out.append(monitored_condition() if f.monitored else H.monitored.is_(False))
    if f.poor:
        out.append(poor_condition())
    if f.fails:
        out.append(fails_condition(f.fails))
    if f.unknown:
        out.append(unknown_condition(f.unknown))
    if f.not_assessed:
        out.append(not_assessed_condition())
    if f.not_visited_days is not None:
        out.append(not_visited_condition(f.not_visited_days, today))
    if f.flag:
        out.append(H.flag_bits.op("&")(flag_bit(f.flag)) != 0)
    if f.household_no:
        out.append(starts_with(H.household_no, f.household_no))
    return out


def count(s: Session, f: HouseholdFilter, who: Principal) -> int:
    return int(
        s.execute(select(func.count()).select_from(H).where(*conditions(f, who))).scalar_one()
    )


# -- keyset pages -----------------------------------------------------------------------------
def _keyset_rows(
    s: Session, f: HouseholdFilter, who: Principal, *, after: str | None, limit: int
) -> tuple[list[Any], bool]:
    """The filter's households after the cursor, in list order, and whether more follow.

    The summary page and the whole-record page walk the same keyset, so a cursor from one is
    valid in the other.
    """
    stmt: Select[Any] = select(H).where(*conditions(f, who))
    if after:
        stmt = stmt.where(
            tuple_(H.village_code, H.household_no, H.household_id)
            > tuple_(*(str(part) for part in paging.decode(after, 3)))
        )
    rows = list(
        s.execute(
            stmt.order_by(H.village_code, H.household_no, H.household_id).limit(limit + 1)
        ).scalars()
    )
    return rows[:limit], len(rows) > limit


def page(
    s: Session, f: HouseholdFilter, who: Principal, *, after: str | None, limit: int
) -> dict[str, Any]:
    """One page of households, the list's summary of each."""
    rows, more = _keyset_rows(s, f, who, after=after, limit=limit)
    heads = head_members(s, [r.household_id for r in rows])
    names = division_names(s)
    items = [list_item(r, heads.get(r.household_id), names) for r in rows]
    return _answer(s, f, who, items, rows, more=more, after=after)


def _answer(
    s: Session,
    f: HouseholdFilter,
    who: Principal,
    items: list[dict[str, Any]],
    rows: list[HouseholdRow],
    *,
    more: bool,
    after: str | None,
) -> dict[str, Any]:
    """The summary and whole-record pages' answer: ``next`` when more follow, ``total`` only on
    the first page (counting again is wasted work)."""
    last = rows[-1] if more and rows else None
    out: dict[str, Any] = {
        "items": items,
        "next": paging.encode(last.village_code, last.household_no, last.household_id)
        if last
        else None,
    }
    if not after:
        out["total"] = count(s, f, who)
    return out


def head_members(s: Session, household_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The present head of each household (relation 02), one query for the page."""
    if not household_ids:
        return {}
    out: dict[str, dict[str, Any]] = {}
    rows = s.execute(
        select(MemberRow.household_id, MemberRow.data).where(
            MemberRow.household_id.in_(household_ids),
            MemberRow.deleted.is_(False),
            MemberRow.present.is_(True),
        )
    )
    for hid, data in rows:
        if data.get("relation") == "02":
            out[hid] = data
    return out


def division_names(s: Session) -> dict[str, str]:
    return {code: name for code, name in s.execute(select(Division.code, Division.name))}


def place_names(names: dict[str, str], village_code: str) -> tuple[str, str]:
    """(township name, village name) of a village code, falling back to the codes."""
    return names.get(village_code[:9] + "000", village_code[:9]), names.get(
        village_code, village_code
    )


def list_item(
    r: HouseholdRow, head: dict[str, Any] | None, names: dict[str, str]
) -> dict[str, Any]:
    township, village = place_names(names, r.village_code)
    failing = [d for d in DIMENSIONS if r.fail_bits & dimension_bit(d)]
    return {
        "household_id": r.household_id,
        "household_no": r.household_no,
        "village_code": r.village_code,
        "village": village,
        "township": township,
        "group": r.data.get("group"),
        "head_name": head.get("name") if head else None,
        "head_id_number": mask_id_number(str(head.get("id_number") or "")) if head else None,
        "member_count": r.member_count,
        "status": r.status,
        "household_type": r.household_type,
        "poverty_category": r.poverty_category,
        "monitored": r.monitored,
        "flags": flags_of(r.flag_bits),
        "failing": failing,
        "assessed": r.unknown_bits != ALL_UNKNOWN or r.assessed_on is not None,
        "assessed_on": r.assessed_on.isoformat() if r.assessed_on else None,
        "last_visit_date": r.last_visit_date.isoformat() if r.last_visit_date else None,
        "revision": r.revision,
    }


def records_page(
    s: Session, f: HouseholdFilter, who: Principal, *, after: str | None, limit: int
) -> dict[str, Any]:
    """Whole households (``core.records`` shape) with their visits, for printing ledgers in bulk."""
    from fieldsurvey.server.dashboard.assessments import full_records
    from fieldsurvey.server.db.models import VisitRow

    rows, more = _keyset_rows(s, f, who, after=after, limit=limit)
    records = full_records(s, rows)
    visits: dict[str, list[dict[str, Any]]] = {r.household_id: [] for r in rows}
    if rows:
        for v in s.execute(
            select(VisitRow)
            .where(VisitRow.household_id.in_(list(visits)))
            .order_by(VisitRow.visit_date, VisitRow.visit_id)
        ).scalars():
            visits[v.household_id].append(
                dict(v.data, review_status=v.review_status, review_comment=v.review_comment)
            )
    items = [{"record": records[r.household_id], "visits": visits[r.household_id]} for r in rows]
    return _answer(s, f, who, items, rows, more=more, after=after)
