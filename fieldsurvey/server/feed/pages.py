"""The change feed: what a device downloads, from its cursor, for its villages only.

``limit`` counts items: an incremental page holds at most that many (fewer, to end on a change),
unless one change alone has more, which then comes whole; a snapshot page holds
max(1, limit // 10) whole households. Every page's header says ``first`` (the first page of a full
resync, the one with the live household ids, divisions and recent notices) and ``full``.

A cursor is ``EPOCH:SEQ:SCOPE`` — the database's epoch (a new county database has a new one),
the last change number the device has applied, and a short hash of the villages it was computed
for. Incremental pages end on a change-number boundary, so a page never splits one change.

A cursor from another epoch, from the future, or for another set of villages is unknown, and the
device gets a full resync: a snapshot taken household by household (each page holds whole
households with all their parts and visits, so nothing arrives before the household it belongs
to), with the cursor ``EPOCH:SEQ:SCOPE:AFTER`` while it lasts — SEQ the change number when the
snapshot began, AFTER the last household id sent. The first page also carries the list of live
household ids (the device drops what the county no longer has, keeping its own unsent work), the
divisions, and the device's recent notices. When the snapshot is done the feed continues
incrementally from SEQ. Each page is applied on the device in one transaction with its cursor.

Every page's header names the villages it was computed for, so a device learns when the county
took one away (it then erases that village's households: ``sync/villages.py``).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
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
from fieldsurvey.server.db.seq import current_seq

PAGE = 2000
# One snapshot for the whole page on PostgreSQL (SQLite transactions are serializable anyway).
SNAPSHOT = {"isolation_level": "REPEATABLE READ"}
FEED_MODELS: tuple[tuple[str, Any], ...] = (
    ("household", HouseholdRow),
    ("member", MemberRow),
    ("part", PartRow),
    ("visit", VisitRow),
    ("member_change", MemberChangeRow),
    ("tombstone", Tombstone),
)


def scope_hash(villages: frozenset[str] | None) -> str:
    text = "*" if villages is None else ",".join(sorted(villages))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def epoch(session: Session) -> str:
    row = session.get(Meta, "epoch")
    return str(row.value) if row else "0"


def parse_cursor(
    session: Session, cursor: str | None, villages: frozenset[str] | None
) -> tuple[int, str | None] | None:
    """(change number, snapshot position or None) to continue from; None starts a full resync."""
    if not cursor:
        return None
    parts = cursor.split(":")
    if (
        len(parts) not in (3, 4)
        or parts[0] != epoch(session)
        or parts[2] != scope_hash(villages)
        or not parts[1].isdigit()
    ):
        return None
    since = int(parts[1])
    if since > current_seq(session):
        return None
    return since, (parts[3] if len(parts) == 4 else None)


def make_cursor(session: Session, seq: int, villages: frozenset[str] | None) -> str:
    return f"{epoch(session)}:{seq}:{scope_hash(villages)}"


def _scoped(stmt: Select[Any], model: Any, villages: frozenset[str] | None) -> Select[Any]:
    return stmt if villages is None else stmt.where(model.village_code.in_(sorted(villages)))


def _item(kind: str, row: Any) -> dict[str, Any]:
    if kind == "household":
        return {
            "type": "household",
            "record": dict(row.data, revision=row.revision),
            "deleted": row.deleted,
        }
    if kind == "member":
        return {
            "type": "member",
            "household_id": row.household_id,
            "record": dict(row.data, revision=row.revision),
            "deleted": row.deleted,
        }
    if kind == "part":
        return {
            "type": row.part_type,
            "household_id": row.household_id,
            "record_id": row.part_id,
            "record": dict(row.data),
            "revision": row.revision,
            "deleted": row.deleted,
        }
    if kind == "visit":
        return {
            "type": "visit",
            "record": dict(
                row.data, review_status=row.review_status, review_comment=row.review_comment
            ),
        }
    if kind == "member_change":
        return {"type": "member_change", "record": dict(row.data)}
    if kind == "tombstone":
        return {
            "type": "tombstone",
            "record_type": row.record_type,
            "record_id": row.record_id,
            "household_id": row.household_id,
        }
    return {
        "type": "notice",
        "notice_id": row.notice_id,
        "kind": row.kind,
        "household_id": row.household_id,
        "ref": row.ref,
        "text": {"zh": row.text_zh, "en": row.text_en},
        "data": row.data,
        "created_at": row.created_at.isoformat(),
    }


def build_feed(
    session: Session, principal: Principal, cursor: str | None, limit: int = PAGE
) -> dict[str, Any]:
    """One page of the feed as a payload (the caller seals it to the device)."""
    villages = principal.villages
    position = parse_cursor(session, cursor, villages)
    if position is None:
        return _snapshot_page(session, principal, cursor, current_seq(session), "", limit)
    since, after = position
    if after is not None:
        return _snapshot_page(session, principal, cursor, since, after, limit)
    return _changes_page(session, principal, cursor, since, limit)


def _header(
    session: Session,
    principal: Principal,
    cursor: str | None,
    to_cursor: str,
    *,
    full: bool,
    more: bool,
    count: int,
) -> dict[str, Any]:
    return {
        "schema": 1,
        "feed_id": str(uuid.uuid4()),
        "device_id": principal.device_id or "",
        "user": principal.username,
        "created_at": datetime.now(UTC).isoformat(),
        "from_cursor": cursor or "",
        "to_cursor": to_cursor,
        "full": full,
        "first": False,
        "more": more,
        "count": count,
        "villages": None if principal.villages is None else sorted(principal.villages),
    }


def _notices(principal: Principal) -> Select[Any]:
    """The device's own notices and its villages' ones; a notice about a household (a conflict, its
    resolution) only while that household is in the device's villages."""
    own = Notice.device_id == principal.device_id
    if principal.villages is None:
        return select(Notice).where(or_(own, Notice.device_id.is_(None)))
    villages = sorted(principal.villages)
    in_scope = select(HouseholdRow.household_id).where(HouseholdRow.village_code.in_(villages))
    about_its_households = or_(Notice.household_id.is_(None), Notice.household_id.in_(in_scope))
    return select(Notice).where(
        or_(
            own & about_its_households,
            Notice.device_id.is_(None) & Notice.village_code.in_(villages),
        )
    )


def _changes_page(
    session: Session, principal: Principal, cursor: str | None, start: int, limit: int
) -> dict[str, Any]:
    villages = principal.villages
    top = current_seq(session)
    queries: list[tuple[str, Select[Any]]] = []
    for kind, model in FEED_MODELS:
        queries.append(
            (
                kind,
                _scoped(select(model).where(model.seq > start, model.seq <= top), model, villages),
            )
        )
    queries.append(("notice", _notices(principal).where(Notice.seq > start, Notice.seq <= top)))
    rows: list[tuple[int, str, Any]] = []
    safe = top
    for kind, stmt in queries:
        model = stmt.column_descriptions[0]["entity"]
        got = session.execute(stmt.order_by(model.seq).limit(limit)).scalars().all()
        rows.extend((r.seq, kind, r) for r in got)
        if len(got) == limit:
            safe = min(safe, got[-1].seq - 1)
    taken = sorted(r[0] for r in rows if r[0] <= safe)
    if (
        len(taken) > limit
    ):  # ``limit`` counts the page's items: end before the change that would pass it
        safe = min(safe, taken[limit] - 1)
    if safe <= start and rows:  # one change bigger than a page: take that change whole
        safe = min(
            r[0] for r in rows
        )  # the next change in scope (start + 1 may be another village's)
        for kind, stmt in queries:
            model = stmt.column_descriptions[0]["entity"]
            extra = session.execute(stmt.where(model.seq == safe)).scalars().all()
            rows = [r for r in rows if (r[0], r[1]) != (safe, kind)] + [
                (r.seq, kind, r) for r in extra
            ]
    rows = sorted((r for r in rows if r[0] <= safe), key=lambda r: (r[0], r[1]))
    items = [_item(kind, row) for _, kind, row in rows]
    header = _header(
        session,
        principal,
        cursor,
        make_cursor(session, safe, villages),
        full=False,
        more=safe < top,
        count=len(items),
    )
    return {"header": header, "items": items}


def _snapshot_page(
    session: Session, principal: Principal, cursor: str | None, top: int, after: str, limit: int
) -> dict[str, Any]:
    """Whole households, in id order, with everything that belongs to them."""
    villages = principal.villages
    per_page = max(1, limit // 10)  # a household is ten rows or so with its parts and visits
    stmt = select(HouseholdRow).where(
        HouseholdRow.deleted.is_(False), HouseholdRow.household_id > after
    )
    households = (
        session.execute(
            _scoped(stmt, HouseholdRow, villages)
            .order_by(HouseholdRow.household_id)
            .limit(per_page)
        )
        .scalars()
        .all()
    )
    ids = [h.household_id for h in households]
    items = [_item("household", h) for h in households]
    if ids:
        for kind, model in (
            ("member", MemberRow),
            ("part", PartRow),
            ("visit", VisitRow),
            ("member_change", MemberChangeRow),
        ):
            stmt = select(model).where(model.household_id.in_(ids))
            if kind in ("member", "part"):  # in the household's order, which the laptop keeps
                stmt = stmt.where(model.deleted.is_(False)).order_by(
                    model.household_id, model.position
                )
            items.extend(_item(kind, r) for r in session.execute(stmt).scalars())
    more = len(households) == per_page
    to_cursor = make_cursor(session, top, villages) + (f":{ids[-1]}" if more else "")
    payload: dict[str, Any] = {"header": {}, "items": items}
    if not after:
        live = select(HouseholdRow.household_id).where(HouseholdRow.deleted.is_(False))
        payload["live_households"] = sorted(
            session.execute(_scoped(live, HouseholdRow, villages)).scalars()
        )
        payload["divisions"] = divisions_for(session, villages)
        recent = (
            session.execute(
                _notices(principal).where(Notice.seq <= top).order_by(Notice.seq.desc()).limit(200)
            )
            .scalars()
            .all()
        )
        items.extend(_item("notice", n) for n in reversed(recent))
    payload["header"] = _header(
        session, principal, cursor, to_cursor, full=True, more=more, count=len(items)
    )
    payload["header"]["first"] = not after
    return payload


def divisions_for(session: Session, villages: frozenset[str] | None) -> list[dict[str, Any]]:
    rows = session.execute(select(Division)).scalars().all()
    if villages is not None:
        keep = set(villages) | {v[:9] + "000" for v in villages}
        rows = [r for r in rows if r.code in keep or r.level not in ("village", "township")]
    return [{"code": r.code, "name": r.name, "parent": r.parent, "level": r.level} for r in rows]
