"""Visits as staff read them: a summary row, and the one list of them.

``visit_queue`` adds the household number, village, findings and assessment, newest first,
keyset-paged, limited to the villages the caller may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.server import paging
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
    HouseholdRow,
    VisitRow,
)
from fieldsurvey.server.households.filters import division_names, in_scope, scope_prefix


def visit_summary(v: VisitRow) -> dict[str, Any]:
    return {
        "visit_id": v.visit_id,
        "household_id": v.household_id,
        "village_code": v.village_code,
        "visit_date": v.visit_date.isoformat(),
        "form_id": v.form_id,
        "form_version": v.form_version,
        "batch_id": v.batch_id,
        "review_status": v.review_status,
        "review_comment": v.review_comment,
    }


def visit_queue(
    s: Session,
    who: Principal,
    *,
    review_status: str | None,
    scope: str | None,
    household_id: str | None,
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    stmt = select(VisitRow, HouseholdRow.household_no).join(
        HouseholdRow, HouseholdRow.household_id == VisitRow.household_id
    )
    stmt = stmt.where(*in_scope(VisitRow.village_code, who.villages, scope_prefix(scope)))
    if review_status == "unreviewed":
        stmt = stmt.where(VisitRow.review_status.is_(None))
    elif review_status:
        stmt = stmt.where(VisitRow.review_status == review_status)
    if household_id:
        stmt = stmt.where(VisitRow.household_id == household_id)
    page = paging.newest_first(
        s,
        stmt,
        VisitRow.visit_date,
        VisitRow.visit_id,
        after=after,
        limit=limit,
        parse=paging.cursor_day,
    )
    names = division_names(s)
    items = []
    for v, household_no in page.rows:
        d = v.data
        items.append(
            {
                "visit_id": v.visit_id,
                "household_id": v.household_id,
                "household_no": household_no,
                "village_code": v.village_code,
                "village": names.get(v.village_code, v.village_code),
                "visit_date": v.visit_date.isoformat(),
                "visitor": d.get("visitor"),
                "findings": d.get("findings"),
                "amends": d.get("amends"),
                "amendment_reason": d.get("amendment_reason"),
                "form_id": v.form_id,
                "form_version": v.form_version,
                "review_status": v.review_status,
                "review_comment": v.review_comment,
                "reviewed_by": v.reviewed_by,
                "assessment": d.get("assessment"),
                "answers": d.get("answers"),
            }
        )
    last = page.last[0] if page.last else None
    return {
        "total": page.total,
        "items": items,
        "next": paging.encode(last.visit_date.isoformat(), last.visit_id) if last else None,
    }
