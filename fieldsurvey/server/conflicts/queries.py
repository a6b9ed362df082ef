"""The conflict queue: one conflict as the API shows it, and the one list of them.

``conflict_queue`` adds to each conflict the household number, village, device, secretary and
the record's name, newest first, keyset-paged, limited to the villages the caller may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.server import paging
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
    ConflictRow,
    Device,
    HouseholdRow,
    MemberRow,
    PartRow,
    User,
)
from fieldsurvey.server.households.filters import division_names, in_scope, scope_prefix
from fieldsurvey.server.households.provenance import conflict_source


def conflict_dict(c: ConflictRow) -> dict[str, Any]:
    return {
        "conflict_id": c.conflict_id,
        "kind": c.kind,
        "batch_id": c.batch_id,
        "device_id": c.device_id,
        "record_type": c.record_type,
        "record_id": c.record_id,
        "household_id": c.household_id,
        "village_code": c.village_code,
        "field": c.field,
        "base_value": c.base_value,
        "device_value": c.device_value,
        "server_value": c.server_value,
        "base_revision": c.base_revision,
        "status": c.status,
        "created_at": c.created_at.isoformat(),
        "resolved_value": c.resolved_value,
        "resolved_by": c.resolved_by,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "note": c.note,
        "server_source": conflict_source(c),
    }


def conflict_queue(
    s: Session,
    who: Principal,
    *,
    status: str | None,
    scope: str | None,
    after: str | None,
    limit: int,
    household_id: str | None = None,
) -> dict[str, Any]:
    """Conflicts newest first, keyset-paged; ``total`` on the first page."""
    stmt = select(ConflictRow, HouseholdRow.household_no).join(
        HouseholdRow, HouseholdRow.household_id == ConflictRow.household_id
    )
    stmt = stmt.where(*in_scope(ConflictRow.village_code, who.villages, scope_prefix(scope)))
    if status:
        stmt = stmt.where(ConflictRow.status == status)
    if household_id:
        stmt = stmt.where(ConflictRow.household_id == household_id)
    page = paging.newest_first(
        s, stmt, ConflictRow.created_at, ConflictRow.conflict_id, after=after, limit=limit
    )
    names = division_names(s)
    devices = {d.device_id: d.label for d in s.execute(select(Device)).scalars()}
    users = {u.user_id: (u.username, u.display_name) for u in s.execute(select(User)).scalars()}
    labels = record_labels(s, [c for c, _no in page.rows])
    items = []
    for c, household_no in page.rows:
        username, display = users.get(c.user_id, (None, None))
        item = conflict_dict(c)
        source = item["server_source"]
        if source is not None:  # named as the laptop side is: the device's label, the user's names
            known = users.get(source["user_id"] or "")
            source.update(
                device=devices.get(source["device_id"] or ""),
                username=known[0] if known else source["username"],
                display_name=known[1] if known else None,
            )
        items.append(
            {
                **item,
                "household_no": household_no,
                "village": names.get(c.village_code, c.village_code),
                "device": devices.get(c.device_id),
                "user": username,
                "display_name": display,
                "record_label": labels.get((c.record_type, c.record_id)),
            }
        )
    last = page.last[0] if page.last else None
    return {
        "total": page.total,
        "items": items,
        "next": paging.encode(last.created_at.isoformat(), last.conflict_id) if last else None,
    }


def record_labels(s: Session, conflicts: list[ConflictRow]) -> dict[tuple[str, str], str]:
    """Which member, helper, measure or income a conflict is about, as people name it."""
    out: dict[tuple[str, str], str] = {}
    members = [c.record_id for c in conflicts if c.record_type == "member"]
    if members:
        for member_id, data in s.execute(
            select(MemberRow.member_id, MemberRow.data).where(MemberRow.member_id.in_(members))
        ):
            out[("member", member_id)] = str(data.get("name") or "")
    for c in conflicts:
        if c.record_type in ("helper", "measure", "income"):
            part = s.get(PartRow, (c.household_id, c.record_type, c.record_id))
            if part is not None:
                data = part.data
                out[(c.record_type, c.record_id)] = str(
                    data.get("name") or data.get("project") or data.get("year") or c.record_id
                )
    return out
