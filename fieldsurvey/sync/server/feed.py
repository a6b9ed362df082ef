"""The change feed: what a device downloads, from its cursor, for its villages only.

A cursor is ``EPOCH:SEQ:SCOPE`` — the database's epoch (a new county database has a new one),
the last change number the device has applied, and a short hash of the villages it was computed
for. A cursor from another epoch, from the future, or for another set of villages is unknown,
and the device gets a full resync: every live record of its villages, plus the list of live
household ids so it can drop what the county no longer has (it keeps its own unsent work).
Pages end on a change-number boundary, so a page never splits one change; each page is applied
on the device in one transaction together with its new cursor.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.sync.server.auth import Principal
from fieldsurvey.sync.server.models import (
    Division,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    Meta,
    Notice,
    PartRow,
    Tombstone,
    VisitRow,
)
from fieldsurvey.sync.server.seq import current_seq

PAGE = 2000
# One snapshot for the whole page on PostgreSQL (SQLite transactions are serializable anyway).
SNAPSHOT = {"isolation_level": "REPEATABLE READ"}
FEED_MODELS: tuple[tuple[str, Any], ...] = (
    ("household", HouseholdRow), ("member", MemberRow), ("part", PartRow), ("visit", VisitRow),
    ("member_change", MemberChangeRow), ("tombstone", Tombstone),
)


def scope_hash(villages: frozenset[str] | None) -> str:
    text = "*" if villages is None else ",".join(sorted(villages))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def epoch(session: Session) -> str:
    row = session.get(Meta, "epoch")
    return str(row.value) if row else "0"


def parse_cursor(session: Session, cursor: str | None, villages: frozenset[str] | None) -> int | None:
    """The change number to continue from, or None when the cursor is unknown (full resync)."""
    if not cursor:
        return None
    parts = cursor.split(":")
    if len(parts) != 3 or parts[0] != epoch(session) or parts[2] != scope_hash(villages) or not parts[1].isdigit():
        return None
    since = int(parts[1])
    return since if since <= current_seq(session) else None


def make_cursor(session: Session, seq: int, villages: frozenset[str] | None) -> str:
    return f"{epoch(session)}:{seq}:{scope_hash(villages)}"


def _scoped(stmt: Select[Any], model: Any, villages: frozenset[str] | None) -> Select[Any]:
    return stmt if villages is None else stmt.where(model.village_code.in_(sorted(villages)))


def _item(kind: str, row: Any) -> dict[str, Any]:
    if kind == "household":
        return {"type": "household", "record": dict(row.data, revision=row.revision), "deleted": row.deleted}
    if kind == "member":
        return {"type": "member", "household_id": row.household_id, "record": dict(row.data, revision=row.revision),
                "deleted": row.deleted}
    if kind == "part":
        return {"type": row.part_type, "household_id": row.household_id, "record_id": row.part_id,
                "record": dict(row.data), "revision": row.revision, "deleted": row.deleted}
    if kind == "visit":
        return {"type": "visit", "record": dict(row.data, review_status=row.review_status, review_comment=row.review_comment)}
    if kind == "member_change":
        return {"type": "member_change", "record": dict(row.data)}
    if kind == "tombstone":
        return {"type": "tombstone", "record_type": row.record_type, "record_id": row.record_id, "household_id": row.household_id}
    return {"type": "notice", "notice_id": row.notice_id, "kind": row.kind, "household_id": row.household_id, "ref": row.ref,
            "text": {"zh": row.text_zh, "en": row.text_en}, "data": row.data, "created_at": row.created_at.isoformat()}


def build_feed(session: Session, principal: Principal, cursor: str | None, limit: int = PAGE) -> dict[str, Any]:
    """One page of the feed as a payload (the caller seals it to the device)."""
    villages = principal.villages
    since = parse_cursor(session, cursor, villages)
    full = since is None
    start = since or 0
    top = current_seq(session)
    queries: list[tuple[str, Select[Any]]] = []
    for kind, model in FEED_MODELS:
        stmt = select(model).where(model.seq > start, model.seq <= top)
        queries.append((kind, _scoped(stmt, model, villages)))
    notice_stmt = select(Notice).where(Notice.seq > start, Notice.seq <= top)
    own = Notice.device_id == principal.device_id
    if villages is None:
        notice_stmt = notice_stmt.where(or_(own, Notice.device_id.is_(None)))
    else:
        notice_stmt = notice_stmt.where(or_(own, Notice.device_id.is_(None) & Notice.village_code.in_(sorted(villages))))
    queries.append(("notice", notice_stmt))

    rows: list[tuple[int, str, Any]] = []
    safe = top
    for kind, stmt in queries:
        model = stmt.column_descriptions[0]["entity"]
        got = session.execute(stmt.order_by(model.seq).limit(limit)).scalars().all()
        rows.extend((r.seq, kind, r) for r in got)
        if len(got) == limit:
            safe = min(safe, got[-1].seq - 1)
    if safe <= start:  # one change bigger than a page: take that change whole
        safe = start + 1
        for kind, stmt in queries:
            model = stmt.column_descriptions[0]["entity"]
            extra = session.execute(stmt.where(model.seq == safe)).scalars().all()
            rows = [r for r in rows if r[0] != safe] + [(r.seq, kind, r) for r in extra]
    rows = sorted((r for r in rows if r[0] <= safe), key=lambda r: (r[0], r[1]))
    items = [_item(kind, row) for _, kind, row in rows]
    payload: dict[str, Any] = {
        "header": {
            "schema": 1, "feed_id": str(uuid.uuid4()), "device_id": principal.device_id or "", "user": principal.username,
            "created_at": datetime.now(UTC).isoformat(), "from_cursor": cursor or "", "to_cursor": make_cursor(session, safe, villages),
            "full": full and start == 0, "more": safe < top, "count": len(items),
        },
        "items": items,
    }
    if full:
        live = select(HouseholdRow.household_id).where(HouseholdRow.deleted.is_(False))
        payload["live_households"] = sorted(session.execute(_scoped(live, HouseholdRow, villages)).scalars())
        payload["divisions"] = divisions_for(session, villages)
    return payload


def divisions_for(session: Session, villages: frozenset[str] | None) -> list[dict[str, Any]]:
    rows = session.execute(select(Division)).scalars().all()
    if villages is not None:
        keep = set(villages) | {v[:9] + "000" for v in villages}
        rows = [r for r in rows if r.code in keep or r.level not in ("village", "township")]
    return [{"code": r.code, "name": r.name, "parent": r.parent, "level": r.level} for r in rows]
