"""The batch inbox: every batch received, merged or refused, with what a person needs to read a row.

Accepted batches and refusals live in two tables; ``inbox`` merges them by time, newest first,
with the secretary, the device's label, the record counts and villages, a refusal's reason, and
pages by keyset, so the ten-thousandth batch of a busy county is as quick to reach as the first.
``batch_detail`` is one batch with the outcome of each record, or why it was refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    false,
    or_,
    select,
)
from sqlalchemy.orm import Session

from fieldsurvey.server import paging
from fieldsurvey.server.db.models import (
    BatchRow,
    Device,
    Rejection,
    User,
)


def batch_detail(s: Session, batch_id: str) -> dict[str, Any] | None:
    row = s.get(BatchRow, batch_id)
    if row is not None:
        return {
            "batch_id": row.batch_id,
            "device_id": row.device_id,
            "received_at": row.received_at.isoformat(),
            "created_at": row.created_at,
            "via": row.via,
            "size": row.size,
            "villages": row.villages,
            "counts": row.counts,
            "status": row.status,
            "conflicts": row.conflict_count,
            "signature_verified": True,
            "outcomes": row.result.get("outcomes", []),
        }
    rej = (
        s.execute(
            select(Rejection)
            .where(Rejection.batch_id == batch_id)
            .order_by(Rejection.rejection_id.desc())
        )
        .scalars()
        .first()
    )
    if rej is None:
        return None
    return {
        "batch_id": batch_id,
        "device_id": rej.device_id,
        "received_at": rej.received_at.isoformat(),
        "via": rej.via,
        "size": rej.size,
        "status": "refused",
        "reason": {"code": rej.reason_code, "zh": rej.reason_zh, "en": rej.reason_en},
    }


SIGNATURE_UNCHECKED = (
    "bad_signature",
    "not_an_envelope",
    "bad_frame",
    "bad_header",
    "unsupported_format",
    "unknown_device",
)


def inbox(
    s: Session,
    *,
    status: str | None,
    device_id: str | None,
    username: str | None,
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    """Accepted and refused batches, newest first; ``total`` on the first page."""
    users = {u.user_id: (u.username, u.display_name) for u in s.execute(select(User)).scalars()}
    devices = {d.device_id: (d.label, d.user_id) for d in s.execute(select(Device)).scalars()}
    user_id = (
        next((uid for uid, (name, _d) in users.items() if name == username), "-")
        if username
        else None
    )
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
    total = paging.count(s, accepted) + paging.count(s, refused) if not after else None
    if after:
        when, kind, key = paging.decode(after, 3)
        at = paging.cursor_time(when)
        same_accepted = (
            (BatchRow.received_at == at) & (BatchRow.batch_id < str(key)) if kind == "a" else None
        )
        accepted = accepted.where(
            or_(BatchRow.received_at < at, same_accepted)
            if same_accepted is not None
            else BatchRow.received_at < at
        )
        same_refused = (
            (Rejection.received_at == at)
            if kind == "a"
            else ((Rejection.received_at == at) & (Rejection.rejection_id < paging.cursor_int(key)))
        )
        refused = refused.where(or_(Rejection.received_at < at, same_refused))
    rows: list[tuple[datetime, str, str, dict[str, Any]]] = []
    for b in s.execute(
        accepted.order_by(BatchRow.received_at.desc(), BatchRow.batch_id.desc()).limit(limit)
    ).scalars():
        name, display = users.get(b.user_id, (None, None))
        rows.append(
            (
                b.received_at,
                "a",
                b.batch_id,
                {
                    "batch_id": b.batch_id,
                    "device_id": b.device_id,
                    "device": devices.get(b.device_id, (None, None))[0],
                    "user": name,
                    "display_name": display,
                    "villages": b.villages,
                    "received_at": b.received_at.isoformat(),
                    "created_at": b.created_at,
                    "via": b.via,
                    "size": b.size,
                    "counts": b.counts,
                    "records": sum(int(v) for v in b.counts.values()),
                    "status": b.status,
                    "conflicts": b.conflict_count,
                    "signature_verified": True,
                    "reason": None,
                },
            )
        )
    for r in s.execute(
        refused.order_by(Rejection.received_at.desc(), Rejection.rejection_id.desc()).limit(limit)
    ).scalars():
        label, uid = devices.get(r.device_id or "", (None, None))
        name, display = users.get(uid or "", (None, None))
        rows.append(
            (
                r.received_at,
                "r",
                str(r.rejection_id),
                {
                    "batch_id": r.batch_id,
                    "device_id": r.device_id,
                    "device": label,
                    "user": name,
                    "display_name": display,
                    "villages": [],
                    "received_at": r.received_at.isoformat(),
                    "created_at": None,
                    "via": r.via,
                    "size": r.size,
                    "counts": {},
                    "records": None,
                    "status": "refused",
                    "conflicts": 0,
                    "signature_verified": r.reason_code not in SIGNATURE_UNCHECKED,
                    "reason": {"code": r.reason_code, "zh": r.reason_zh, "en": r.reason_en},
                },
            )
        )
    # newest first; at the same instant accepted before refused, then by key descending
    rows.sort(key=lambda x: (x[0], x[1] == "a", x[2] if x[1] == "a" else int(x[2])), reverse=True)
    page = rows[:limit]
    more = len(rows) > limit
    nxt = (
        paging.encode(page[-1][0].isoformat(), page[-1][1], page[-1][2]) if more and page else None
    )
    return {"total": total, "items": [r[3] for r in page], "next": nxt}
