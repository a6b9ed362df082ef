"""The outbox: local changes waiting to reach the county server.

Edits are recorded per field with the value this device last knew (the base) and the new value,
so the server can merge field by field and put a real clash in its conflict queue instead of
overwriting anything. Repeated edits of one field coalesce: the first base, the latest value.
An edit that returns a field to its base cancels itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fieldsurvey.core.records import encode_value
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.store.mapping import member_change_from_row, visit_from_row
from fieldsurvey.store.models import MemberChangeRow, PendingEditRow, VisitRow

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
WHOLE_RECORD = "*"


@dataclass(frozen=True, slots=True)
class PendingEdit:
    edit_id: int
    record_type: str  # "household" | "member" | "helper" | "measure" | "income"
    record_id: str
    household_id: str
    op: str  # CREATE | UPDATE | DELETE
    field: str  # WHOLE_RECORD for create and delete
    base_value: Any
    new_value: Any
    base_revision: int


def track(
    session: Session,
    *,
    record_type: str,
    record_id: str,
    household_id: str,
    op: str,
    field: str = WHOLE_RECORD,
    base_value: Any = None,
    new_value: Any = None,
    base_revision: int = 0,
) -> None:
    """Record one local change in the outbox, coalescing with what is already there."""
    now = datetime.now()
    base_value, new_value = encode_value(base_value), encode_value(new_value)
    existing = session.execute(
        select(PendingEditRow).where(
            PendingEditRow.record_type == record_type,
            PendingEditRow.record_id == record_id,
            PendingEditRow.field == field,
        )
    ).scalar_one_or_none()
    if op == UPDATE and _record_created_locally(session, record_type, record_id):
        # Not on the server yet: fold the edit into the pending create.
        create = session.execute(
            select(PendingEditRow).where(
                PendingEditRow.record_type == record_type,
                PendingEditRow.record_id == record_id,
                PendingEditRow.field == WHOLE_RECORD,
            )
        ).scalar_one()
        create.new_value = {**create.new_value, field: new_value}
        create.updated_at = now
        return
    if existing is None:
        if op == UPDATE and base_value == new_value:
            return
        session.add(
            PendingEditRow(
                record_type=record_type,
                record_id=record_id,
                household_id=household_id,
                op=op,
                field=field,
                base_value=base_value,
                new_value=new_value,
                base_revision=base_revision,
                created_at=now,
                updated_at=now,
            )
        )
        return
    if op == UPDATE and existing.base_value == new_value:
        session.delete(existing)  # edited back to what the server has: nothing to send
        return
    existing.new_value = new_value
    existing.updated_at = now


def _record_created_locally(session: Session, record_type: str, record_id: str) -> bool:
    return (
        session.execute(
            select(PendingEditRow.edit_id).where(
                PendingEditRow.record_type == record_type,
                PendingEditRow.record_id == record_id,
                PendingEditRow.op == CREATE,
            )
        ).first()
        is not None
    )


class Outbox:
    def __init__(self, store: Any) -> None:
        self._store = store

    def pending_edits(self) -> list[PendingEdit]:
        with self._store.session() as s:
            rows = s.execute(select(PendingEditRow).order_by(PendingEditRow.edit_id)).scalars()
            return [
                PendingEdit(
                    r.edit_id,
                    r.record_type,
                    r.record_id,
                    r.household_id,
                    r.op,
                    r.field,
                    r.base_value,
                    r.new_value,
                    r.base_revision,
                )
                for r in rows
            ]

    def pending_visits(self) -> list[Visit]:
        with self._store.session() as s:
            rows = s.execute(
                select(VisitRow)
                .where(VisitRow.status == "finalized", VisitRow.synced.is_(False))
                .order_by(VisitRow.finalized_at)
            ).scalars()
            return [visit_from_row(r) for r in rows]

    def pending_member_changes(self) -> list[MemberChange]:
        with self._store.session() as s:
            rows = s.execute(
                select(MemberChangeRow).where(MemberChangeRow.synced.is_(False))
            ).scalars()
            return [member_change_from_row(r) for r in rows]

    def count(self) -> dict[str, int]:
        return {
            "edits": len(self.pending_edits()),
            "visits": len(self.pending_visits()),
            "member_changes": len(self.pending_member_changes()),
        }

    def acknowledge(
        self,
        edit_ids: list[int] = (),  # type: ignore[assignment]
        visit_ids: list[str] = (),  # type: ignore[assignment]
        change_ids: list[str] = (),  # type: ignore[assignment]
    ) -> None:
        """The server has the changes: drop them from the outbox in one transaction."""
        with self._store.session() as s:
            if edit_ids:
                s.execute(delete(PendingEditRow).where(PendingEditRow.edit_id.in_(list(edit_ids))))
            if visit_ids:
                s.execute(
                    update(VisitRow)
                    .where(VisitRow.visit_id.in_(list(visit_ids)))
                    .values(synced=True)
                )
            if change_ids:
                s.execute(
                    update(MemberChangeRow)
                    .where(MemberChangeRow.change_id.in_(list(change_ids)))
                    .values(synced=True)
                )
