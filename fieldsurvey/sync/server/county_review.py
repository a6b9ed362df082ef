"""The county's work queues as staff read them: batch inbox, conflicts and visits, keyset-paged.

The staff API's own lists (``queries.py``) answer with ids; these add what a person needs to
read a row — the household number and village, the secretary and the device's label, the
record counts and villages of a batch, a refusal's reason — and page by keyset (newest first),
so the ten-thousandth batch of a busy county is as quick to reach as the first. The batch
inbox merges accepted batches and refusals, which live in two tables, by time.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.server.auth import Principal
from fieldsurvey.sync.server.county_lists import division_names, prefix_condition, scope_prefix
from fieldsurvey.sync.server.models import (
    BatchRow,
    ConflictRow,
    Device,
    HouseholdRow,
    MemberRow,
    PartRow,
    Rejection,
    User,
    VisitRow,
)
from fieldsurvey.sync.server.queries import conflict_dict

SIGNATURE_UNCHECKED = ("bad_signature", "not_an_envelope", "bad_frame", "bad_header", "unsupported_format", "unknown_device")


def _encode(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(parts, list) and len(parts) == n:
            return parts
    except (ValueError, TypeError):
        pass
    raise UserError(Text("翻页位置无效，请刷新列表", "the page position is invalid; refresh the list"), code="bad_cursor")


def _iso(value: datetime) -> str:
    return value.isoformat()


def _when(raw: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError as e:
        raise UserError(Text("翻页位置无效，请刷新列表", "the page position is invalid; refresh the list"), code="bad_cursor") from e


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError) as e:
        raise UserError(Text("翻页位置无效，请刷新列表", "the page position is invalid; refresh the list"), code="bad_cursor") from e


def _count(s: Session, stmt: Select[Any]) -> int:
    return int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


# -- batch inbox -----------------------------------------------------------------------------
def inbox(s: Session, *, status: str | None, device_id: str | None, username: str | None, after: str | None,
          limit: int) -> dict[str, Any]:
    """Accepted and refused batches, newest first; ``total`` on the first page."""
    users = {u.user_id: (u.username, u.display_name) for u in s.execute(select(User)).scalars()}
    devices = {d.device_id: (d.label, d.user_id) for d in s.execute(select(Device)).scalars()}
    user_id = next((uid for uid, (name, _d) in users.items() if name == username), "-") if username else None
    accepted = select(BatchRow)
    refused = select(Rejection)
    if status in ("merged", "has_conflicts"):
        accepted = accepted.where(BatchRow.status == status)
        refused = refused.where(false())
    elif status == "refused":
        accepted = accepted.where(false())
    if device_id:
        accepted = accepted.where(BatchRow.device_id == device_id)
        refused = refused.where(Rejection.device_id == device_id)
    if user_id is not None:
        accepted = accepted.where(BatchRow.user_id == user_id)
        owned = [d for d, (_label, uid) in devices.items() if uid == user_id]
        refused = refused.where(Rejection.device_id.in_(owned))
    total = _count(s, accepted) + _count(s, refused) if not after else None
    if after:
        when, kind, key = _decode(after, 3)
        at = _when(when)
        same_accepted = (BatchRow.received_at == at) & (BatchRow.batch_id < str(key)) if kind == "a" else None
        accepted = accepted.where(or_(BatchRow.received_at < at, same_accepted) if same_accepted is not None
                                  else BatchRow.received_at < at)
        same_refused = (Rejection.received_at == at) if kind == "a" else (
            (Rejection.received_at == at) & (Rejection.rejection_id < _int(key)))
        refused = refused.where(or_(Rejection.received_at < at, same_refused))
    rows: list[tuple[datetime, str, str, dict[str, Any]]] = []
    for b in s.execute(accepted.order_by(BatchRow.received_at.desc(), BatchRow.batch_id.desc()).limit(limit)).scalars():
        name, display = users.get(b.user_id, (None, None))
        rows.append((b.received_at, "a", b.batch_id, {
            "batch_id": b.batch_id, "device_id": b.device_id, "device": devices.get(b.device_id, (None, None))[0],
            "user": name, "display_name": display, "villages": b.villages, "received_at": _iso(b.received_at),
            "created_at": b.created_at, "via": b.via, "size": b.size, "counts": b.counts,
            "records": sum(int(v) for v in b.counts.values()), "status": b.status, "conflicts": b.conflict_count,
            "signature_verified": True, "reason": None}))
    for r in s.execute(refused.order_by(Rejection.received_at.desc(), Rejection.rejection_id.desc()).limit(limit)).scalars():
        label, uid = devices.get(r.device_id or "", (None, None))
        name, display = users.get(uid or "", (None, None))
        rows.append((r.received_at, "r", str(r.rejection_id), {
            "batch_id": r.batch_id, "device_id": r.device_id, "device": label, "user": name, "display_name": display,
            "villages": [], "received_at": _iso(r.received_at), "created_at": None, "via": r.via, "size": r.size,
            "counts": {}, "records": None, "status": "refused", "conflicts": 0,
            "signature_verified": r.reason_code not in SIGNATURE_UNCHECKED,
            "reason": {"code": r.reason_code, "zh": r.reason_zh, "en": r.reason_en}}))
    # newest first; at the same instant accepted before refused, then by key descending
    rows.sort(key=lambda x: (x[0], x[1] == "a", x[2] if x[1] == "a" else int(x[2])), reverse=True)
    page = rows[:limit]
    more = len(rows) > limit
    nxt = _encode(_iso(page[-1][0]), page[-1][1], page[-1][2]) if more and page else None
    return {"total": total, "items": [r[3] for r in page], "next": nxt}


# -- conflicts -------------------------------------------------------------------------------
def conflicts(s: Session, who: Principal, *, status: str | None, scope: str | None, after: str | None,
              limit: int) -> dict[str, Any]:
    stmt = select(ConflictRow, HouseholdRow.household_no).join(HouseholdRow, HouseholdRow.household_id == ConflictRow.household_id)
    if who.villages is not None:
        stmt = stmt.where(ConflictRow.village_code.in_(sorted(who.villages)))
    prefix = scope_prefix(scope)
    if prefix:
        stmt = stmt.where(prefix_condition(ConflictRow.village_code, prefix))
    if status:
        stmt = stmt.where(ConflictRow.status == status)
    total = _count(s, stmt) if not after else None
    if after:
        when, key = _decode(after, 2)
        at = _when(str(when))
        stmt = stmt.where(or_(ConflictRow.created_at < at, (ConflictRow.created_at == at) & (ConflictRow.conflict_id < str(key))))
    rows = s.execute(stmt.order_by(ConflictRow.created_at.desc(), ConflictRow.conflict_id.desc()).limit(limit + 1)).all()
    names = division_names(s)
    devices = {d.device_id: d.label for d in s.execute(select(Device)).scalars()}
    users = {u.user_id: (u.username, u.display_name) for u in s.execute(select(User)).scalars()}
    labels = record_labels(s, [c for c, _no in rows[:limit]])
    items = []
    for c, household_no in rows[:limit]:
        username, display = users.get(c.user_id, (None, None))
        item = conflict_dict(c)
        source = item["server_source"]
        if source is not None:  # named as the laptop side is: the device's label, the user's names
            known = users.get(source["user_id"] or "")
            source.update(device=devices.get(source["device_id"] or ""),
                          username=known[0] if known else source["username"], display_name=known[1] if known else None)
        items.append({**item, "household_no": household_no, "village": names.get(c.village_code, c.village_code),
                      "device": devices.get(c.device_id), "user": username, "display_name": display,
                      "record_label": labels.get((c.record_type, c.record_id))})
    last = rows[limit - 1][0] if len(rows) > limit else None
    return {"total": total, "items": items, "next": _encode(_iso(last.created_at), last.conflict_id) if last else None}


def record_labels(s: Session, conflicts: list[ConflictRow]) -> dict[tuple[str, str], str]:
    """Which member, helper, measure or income a conflict is about, as people name it."""
    out: dict[tuple[str, str], str] = {}
    members = [c.record_id for c in conflicts if c.record_type == "member"]
    if members:
        for member_id, data in s.execute(select(MemberRow.member_id, MemberRow.data).where(MemberRow.member_id.in_(members))):
            out[("member", member_id)] = str(data.get("name") or "")
    for c in conflicts:
        if c.record_type in ("helper", "measure", "income"):
            part = s.get(PartRow, (c.household_id, c.record_type, c.record_id))
            if part is not None:
                data = part.data
                out[(c.record_type, c.record_id)] = str(data.get("name") or data.get("project") or data.get("year") or c.record_id)
    return out


# -- visits ----------------------------------------------------------------------------------
def visits(s: Session, who: Principal, *, review_status: str | None, scope: str | None, household_id: str | None,
           after: str | None, limit: int) -> dict[str, Any]:
    stmt = select(VisitRow, HouseholdRow.household_no).join(HouseholdRow, HouseholdRow.household_id == VisitRow.household_id)
    if who.villages is not None:
        stmt = stmt.where(VisitRow.village_code.in_(sorted(who.villages)))
    prefix = scope_prefix(scope)
    if prefix:
        stmt = stmt.where(prefix_condition(VisitRow.village_code, prefix))
    if review_status == "unreviewed":
        stmt = stmt.where(VisitRow.review_status.is_(None))
    elif review_status:
        stmt = stmt.where(VisitRow.review_status == review_status)
    if household_id:
        stmt = stmt.where(VisitRow.household_id == household_id)
    total = _count(s, stmt) if not after else None
    if after:
        day, key = _decode(after, 2)
        on = _when(str(day)).date()
        stmt = stmt.where(or_(VisitRow.visit_date < on, (VisitRow.visit_date == on) & (VisitRow.visit_id < str(key))))
    rows = s.execute(stmt.order_by(VisitRow.visit_date.desc(), VisitRow.visit_id.desc()).limit(limit + 1)).all()
    names = division_names(s)
    items = []
    for v, household_no in rows[:limit]:
        d = v.data
        items.append({"visit_id": v.visit_id, "household_id": v.household_id, "household_no": household_no,
                      "village_code": v.village_code, "village": names.get(v.village_code, v.village_code),
                      "visit_date": v.visit_date.isoformat(), "visitor": d.get("visitor"), "findings": d.get("findings"),
                      "amends": d.get("amends"), "amendment_reason": d.get("amendment_reason"), "form_id": v.form_id,
                      "form_version": v.form_version, "review_status": v.review_status, "review_comment": v.review_comment,
                      "reviewed_by": v.reviewed_by, "assessment": d.get("assessment"), "answers": d.get("answers")})
    last = rows[limit - 1][0] if len(rows) > limit else None
    return {"total": total, "items": items, "next": _encode(last.visit_date.isoformat(), last.visit_id) if last else None}
