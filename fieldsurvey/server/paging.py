"""Paging shared by the staff lists: the villages filter, counts, and keyset cursors.

Every list caps ``limit`` at ``MAX_LIMIT``. The lists of batches, conflicts, visits and
households hand out an opaque ``next`` cursor — the sort key of the page's last row, JSON in
URL-safe base64 — so the ten-thousandth page is as quick as the first. A cursor that does not
decode is the caller's mistake (``bad_cursor``), never a 500.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.auth.identity import Principal

MAX_LIMIT = 500
BAD_CURSOR = Text("翻页位置无效，请刷新列表", "the page position is invalid; refresh the list")


def in_villages(stmt: Select[Any], column: Any, who: Principal) -> Select[Any]:
    """``stmt`` limited to the caller's villages (all of them for county staff and admins)."""
    return stmt if who.villages is None else stmt.where(column.in_(sorted(who.villages)))


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
