"""Reading the audit log for staff screens (writing and verifying it is ``audit.py``)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldsurvey.server.db.models import AuditEntry


def entries(
    s: Session, *, action: str | None, subject: str | None, offset: int, limit: int
) -> dict[str, Any]:
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject:
        stmt = stmt.where(AuditEntry.subject == subject)
    total = int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())
    rows = s.execute(
        stmt.order_by(AuditEntry.entry_no.desc()).offset(offset).limit(limit)
    ).scalars()
    return {
        "total": total,
        "items": [
            {
                "entry_no": e.entry_no,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "details": json.loads(e.details),
                "entry_hash": e.entry_hash,
            }
            for e in rows
        ],
    }
