"""Read-only queries behind the county screens: counts, batch inbox, conflicts, households, visits.

All lists are paged on the server (``offset``/``limit``) and filtered by indexed columns, and
every query is limited to the villages the caller may see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, String, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from fieldsurvey.sync.server.auth import Principal
from fieldsurvey.sync.server.flags import FLAG_ORDER, flags_of
from fieldsurvey.sync.server.models import (
    BatchRow,
    ConflictRow,
    Device,
    HouseholdRow,
    MemberRow,
    Meta,
    Rejection,
    User,
    VisitRow,
)
from fieldsurvey.sync.server.provenance import conflict_source

MAX_LIMIT = 500


def _scope(stmt: Select[Any], column: Any, who: Principal) -> Select[Any]:
    return stmt if who.villages is None else stmt.where(column.in_(sorted(who.villages)))


def _count(s: Session, stmt: Select[Any]) -> int:
    return int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def status_counts(s: Session, who: Principal | None = None) -> dict[str, Any]:
    def scoped(stmt: Select[Any], column: Any) -> Select[Any]:
        return stmt if who is None else _scope(stmt, column, who)

    meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
    return {
        "county": meta.get("county"),
        "county_name": meta.get("county_name"),
        "households": _count(s, scoped(select(HouseholdRow.household_id).where(HouseholdRow.deleted.is_(False)), HouseholdRow.village_code)),
        "members": _count(s, scoped(select(MemberRow.member_id).where(MemberRow.present), MemberRow.village_code)),
        "visits": _count(s, scoped(select(VisitRow.visit_id), VisitRow.village_code)),
        "batches_received": _count(s, select(BatchRow.batch_id)),
        "batches_refused": _count(s, select(Rejection.rejection_id)),
        "open_conflicts": _count(s, scoped(select(ConflictRow.conflict_id).where(ConflictRow.status == "open"), ConflictRow.village_code)),
        "devices": _count(s, select(Device.device_id).where(Device.revoked_at.is_(None))),
    }


def batch_inbox(s: Session, *, status: str | None, device_id: str | None, offset: int, limit: int) -> dict[str, Any]:
    """Accepted and refused batches in one list, newest first (county staff only)."""
    accepted = select(
        BatchRow.batch_id.label("batch_id"), BatchRow.device_id.label("device_id"), BatchRow.received_at.label("received_at"),
        BatchRow.status.label("status"), BatchRow.via.label("via"), BatchRow.size.label("size"), BatchRow.user_id.label("user_id"),
        BatchRow.conflict_count.label("conflicts"), cast(null(), String(48)).label("reason_code"),
    )
    refused = select(
        Rejection.batch_id, Rejection.device_id, Rejection.received_at, literal("refused", String(16)),
        Rejection.via, Rejection.size, cast(null(), String(36)), literal(0, Integer),
        Rejection.reason_code,
    )
    both = union_all(accepted, refused).subquery()
    stmt = select(both)
    if status:
        stmt = stmt.where(both.c.status == status)
    if device_id:
        stmt = stmt.where(both.c.device_id == device_id)
    total = _count(s, stmt)
    rows = s.execute(stmt.order_by(both.c.received_at.desc()).offset(offset).limit(min(limit, MAX_LIMIT))).mappings().all()
    users = {u.user_id: u.username for u in s.execute(select(User)).scalars()}
    items = []
    for r in rows:
        item = dict(r)
        item["received_at"] = r["received_at"].isoformat()
        item["user"] = users.get(r["user_id"]) if r["user_id"] else None
        item.pop("user_id")
        item["signature_verified"] = r["status"] != "refused" or r["reason_code"] not in ("bad_signature", "not_an_envelope", "bad_frame")
        items.append(item)
    return {"total": total, "items": items}


def batch_detail(s: Session, batch_id: str) -> dict[str, Any] | None:
    row = s.get(BatchRow, batch_id)
    if row is not None:
        return {"batch_id": row.batch_id, "device_id": row.device_id, "received_at": row.received_at.isoformat(),
                "created_at": row.created_at, "via": row.via, "size": row.size, "villages": row.villages, "counts": row.counts,
                "status": row.status, "conflicts": row.conflict_count, "signature_verified": True, "outcomes": row.result.get("outcomes", [])}
    rej = s.execute(select(Rejection).where(Rejection.batch_id == batch_id).order_by(Rejection.rejection_id.desc())).scalars().first()
    if rej is None:
        return None
    return {"batch_id": batch_id, "device_id": rej.device_id, "received_at": rej.received_at.isoformat(), "via": rej.via,
            "size": rej.size, "status": "refused", "reason": {"code": rej.reason_code, "zh": rej.reason_zh, "en": rej.reason_en}}


def conflict_dict(c: ConflictRow) -> dict[str, Any]:
    return {"conflict_id": c.conflict_id, "kind": c.kind, "batch_id": c.batch_id, "device_id": c.device_id, "record_type": c.record_type,
            "record_id": c.record_id, "household_id": c.household_id, "village_code": c.village_code, "field": c.field,
            "base_value": c.base_value, "device_value": c.device_value, "server_value": c.server_value, "base_revision": c.base_revision,
            "status": c.status, "created_at": c.created_at.isoformat(), "resolved_value": c.resolved_value, "resolved_by": c.resolved_by,
            "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None, "note": c.note,
            "server_source": conflict_source(c)}


def conflicts(s: Session, who: Principal, *, status: str | None, household_id: str | None, offset: int, limit: int) -> dict[str, Any]:
    stmt = _scope(select(ConflictRow), ConflictRow.village_code, who)
    if status:
        stmt = stmt.where(ConflictRow.status == status)
    if household_id:
        stmt = stmt.where(ConflictRow.household_id == household_id)
    total = _count(s, stmt)
    rows = s.execute(stmt.order_by(ConflictRow.created_at, ConflictRow.conflict_id).offset(offset).limit(min(limit, MAX_LIMIT))).scalars()
    return {"total": total, "items": [conflict_dict(c) for c in rows]}


def households(s: Session, who: Principal, *, village: str | None, status: str | None, household_type: str | None,
               flag: str | None, monitored: bool | None, visited_before: date | None, household_no: str | None,
               offset: int, limit: int) -> dict[str, Any]:
    stmt = _scope(select(HouseholdRow).where(HouseholdRow.deleted.is_(False)), HouseholdRow.village_code, who)
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
    total = _count(s, stmt)
    rows = s.execute(stmt.order_by(HouseholdRow.village_code, HouseholdRow.household_no).offset(offset).limit(min(limit, MAX_LIMIT))).scalars()
    return {"total": total, "items": [household_summary(r) for r in rows]}


def household_summary(r: HouseholdRow) -> dict[str, Any]:
    return {"household_id": r.household_id, "household_no": r.household_no, "village_code": r.village_code, "status": r.status,
            "household_type": r.household_type, "poverty_category": r.poverty_category, "monitored": r.monitored,
            "flags": flags_of(r.flag_bits), "last_visit_date": r.last_visit_date.isoformat() if r.last_visit_date else None,
            "member_count": r.member_count, "revision": r.revision}


def visits(s: Session, who: Principal, *, household_id: str | None, review_status: str | None, offset: int, limit: int) -> dict[str, Any]:
    stmt = _scope(select(VisitRow), VisitRow.village_code, who)
    if household_id:
        stmt = stmt.where(VisitRow.household_id == household_id)
    if review_status:
        stmt = stmt.where(VisitRow.review_status == review_status)
    total = _count(s, stmt)
    rows = s.execute(stmt.order_by(VisitRow.visit_date.desc(), VisitRow.visit_id).offset(offset).limit(min(limit, MAX_LIMIT))).scalars()
    return {"total": total, "items": [visit_summary(v) for v in rows]}


def visit_summary(v: VisitRow) -> dict[str, Any]:
    return {"visit_id": v.visit_id, "household_id": v.household_id, "village_code": v.village_code, "visit_date": v.visit_date.isoformat(),
            "form_id": v.form_id, "form_version": v.form_version, "batch_id": v.batch_id, "review_status": v.review_status,
            "review_comment": v.review_comment}
