"""The county's headline counts: households, members, visits, batches, open conflicts, devices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    select,
)
from sqlalchemy.orm import Session

from fieldsurvey.server import paging
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
    BatchRow,
    ConflictRow,
    Device,
    HouseholdRow,
    MemberRow,
    Meta,
    Rejection,
    VisitRow,
)


def status_counts(s: Session, who: Principal | None = None) -> dict[str, Any]:
    def scoped(stmt: Select[Any], column: Any) -> Select[Any]:
        return stmt if who is None else paging.in_villages(stmt, column, who)

    meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
    return {
        "county": meta.get("county"),
        "county_name": meta.get("county_name"),
        "households": paging.count(
            s,
            scoped(
                select(HouseholdRow.household_id).where(HouseholdRow.deleted.is_(False)),
                HouseholdRow.village_code,
            ),
        ),
        "members": paging.count(
            s, scoped(select(MemberRow.member_id).where(MemberRow.present), MemberRow.village_code)
        ),
        "visits": paging.count(s, scoped(select(VisitRow.visit_id), VisitRow.village_code)),
        "batches_received": paging.count(s, select(BatchRow.batch_id)),
        "batches_refused": paging.count(s, select(Rejection.rejection_id)),
        "open_conflicts": paging.count(
            s,
            scoped(
                select(ConflictRow.conflict_id).where(ConflictRow.status == "open"),
                ConflictRow.village_code,
            ),
        ),
        "devices": paging.count(s, select(Device.device_id).where(Device.revoked_at.is_(None))),
    }
