"""The staff API's household list (offset-paged, filtered on indexed columns) and its summary row."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.server import paging
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
    HouseholdRow,
)
from fieldsurvey.server.households.flags import FLAG_ORDER, flags_of


def household_page(s: Session, who: Principal, *, village: str | None, status: str | None, household_type: str | None,
               flag: str | None, monitored: bool | None, visited_before: date | None, household_no: str | None,
               offset: int, limit: int) -> dict[str, Any]:
    stmt = paging.in_villages(select(HouseholdRow).where(HouseholdRow.deleted.is_(False)), HouseholdRow.village_code, who)
    if village:
        stmt = stmt.where(HouseholdRow.village_code.startswith(village))
    if status:
        stmt = stmt.where(HouseholdRow.status == status)
    if household_type:
        stmt = stmt.where(HouseholdRow.household_type == household_type)
    if flag in FLAG_ORDER:
        stmt = stmt.where(HouseholdRow.flag_bits.op("&")(1 << FLAG_ORDER.index(flag)) != 0)
    if monitored is not None:
        stmt = stmt.where(HouseholdRow.monitored.is_(monitored))
    if visited_before:
        stmt = stmt.where((HouseholdRow.last_visit_date < visited_before) | HouseholdRow.last_visit_date.is_(None))
    if household_no:
        stmt = stmt.where(HouseholdRow.household_no == household_no)
    total = paging.count(s, stmt)
    rows = s.execute(stmt.order_by(HouseholdRow.village_code, HouseholdRow.household_no).offset(offset).limit(min(limit, paging.MAX_LIMIT))).scalars()
    return {"total": total, "items": [household_summary(r) for r in rows]}


def household_summary(r: HouseholdRow) -> dict[str, Any]:
    return {"household_id": r.household_id, "household_no": r.household_no, "village_code": r.village_code, "status": r.status,
            "household_type": r.household_type, "poverty_category": r.poverty_category, "monitored": r.monitored,
            "flags": flags_of(r.flag_bits), "last_visit_date": r.last_visit_date.isoformat() if r.last_visit_date else None,
            "member_count": r.member_count, "revision": r.revision}
