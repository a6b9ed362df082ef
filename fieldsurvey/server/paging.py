"""Paging shared by the staff lists: the villages filter, counts, and keyset cursors.

Every list caps ``limit`` at ``MAX_LIMIT``. The lists of batches, conflicts, visits and
households hand out an opaque ``next`` cursor — the sort key of the page's last row, JSON in
URL-safe base64 — so the ten-thousandth page is as quick as the first. A cursor that does not
decode is the caller's mistake (``bad_cursor``), never a 500. The conflict and visit queues walk
the same newest-first keyset (``newest_first``), so a fix to its paging is made once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.auth.identity import Principal

MAX_LIMIT = 500
BAD_CURSOR = Text("翻页位置无效，请刷新列表", "the page position is invalid; refresh the list")


def village_conditions(column: Any, villages: Collection[str] | None) -> list[ColumnElement[bool]]:
    """The WHERE clause keeping rows to the caller's villages; none for county staff and admins.

    Every village-limited list and count filters through here, so each is exactly as strict.
    """
    return [] if villages is None else [column.in_(sorted(villages))]


def in_villages(stmt: Select[Any], column: Any, who: Principal) -> Select[Any]:
    """``stmt`` limited to the caller's villages (all of them for county staff and admins)."""
    return stmt.where(*village_conditions(column, who.villages))


def count(s: Session, stmt: Select[Any]) -> int:
    return int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def encode(*parts: Any) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode(cursor: str, n: int) -> list[Any]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(parts, list) and len(parts) == n:
            return parts
    except (ValueError, TypeError):
        pass
    raise UserError(BAD_CURSOR, code="bad_cursor")


def cursor_time(raw: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError as e:
        raise UserError(BAD_CURSOR, code="bad_cursor") from e


def cursor_int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError) as e:
        raise UserError(BAD_CURSOR, code="bad_cursor") from e


def cursor_day(raw: str) -> date:
    return cursor_time(raw).date()


class Keyset(NamedTuple):
    rows: Sequence[Any]  # the page: at most ``limit`` rows
    total: int | None  # on the first page only (counting again is wasted work)
    last: Any  # the page's last row when more follow (what ``next`` encodes), else None


def newest_first(
    s: Session,
    stmt: Select[Any],
    when: Any,
    key: Any,
    *,
    after: str | None,
    limit: int,
    parse: Callable[[str], Any] = cursor_time,
) -> Keyset:
    """The page of ``stmt`` after the cursor ``after``, newest first by (``when``, ``key``).

    The cursor is ``encode(when, key)`` of the previous page's last row; ``parse`` reads its
    ``when`` back (a time, or a day with ``cursor_day``).
    """
    total = count(s, stmt) if not after else None
    if after:
        raw_when, raw_key = decode(after, 2)
        at = parse(str(raw_when))
        stmt = stmt.where(or_(when < at, (when == at) & (key < str(raw_key))))
    rows = s.execute(stmt.order_by(when.desc(), key.desc()).limit(limit + 1)).all()
    return Keyset(rows[:limit], total, rows[limit - 1] if len(rows) > limit else None)
