"""Visits on the device: drafts that autosave, finalized visits that never change.

A draft is saved on every change (the laptop may die at any moment). Finalizing is one
transaction: the visit becomes read-only with its assessment, the household registry takes the
visit's facts (each changed field goes to the outbox), and the household's list columns (flags,
last visit) follow. A correction is a new draft that ``amends`` the finalized one, with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import DRAFT, FINALIZED, MemberChange, Visit
from fieldsurvey.store.mapping import column_values, visit_from_row, visit_row_values
from fieldsurvey.store.models import MemberChangeRow, VisitRow
from fieldsurvey.store.photos import PhotoRepo

FINALIZED_IS_READ_ONLY = Text(
    "该走访已提交，不能再修改；如需更正请新建更正记录",
    "this visit is finalized and cannot change; make an amendment instead",
)
VISIT_NOT_FOUND = Text("找不到该走访记录", "visit not found")


class VisitRepo:
    def __init__(self, store: Any) -> None:
        self._store = store

    def save_draft(self, visit: Visit) -> Visit:
        """Insert or update a draft; refuses to touch a finalized visit."""
        now = datetime.now()
        with self._store.session() as s:
            row = s.get(VisitRow, visit.visit_id)
            if row is not None and row.status == FINALIZED:
                raise UserError(FINALIZED_IS_READ_ONLY, code="finalized")
            visit.status = DRAFT
            visit.created_at = visit.created_at or (row.created_at if row else now)
            visit.updated_at = now
            values = visit_row_values(visit)
            if row is None:
                s.add(VisitRow(**values, synced=False))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
            PhotoRepo.link(s, visit.visit_id, visit.household_id, visit.answers, finalized=False)
        return visit

    def finalize(
        self,
        visit: Visit,
        household: Household | None,
        assessment: dict[str, Any] | None,
        member_changes: Sequence[MemberChange] = (),
    ) -> Visit:
        """Make the visit read-only, apply its facts to the registry, record the assessment
        and the member changes the visit recorded, all in one transaction."""
        now = datetime.now()
        with self._store.session() as s:
            row = s.get(VisitRow, visit.visit_id)
            if row is not None and row.status == FINALIZED:
                raise UserError(FINALIZED_IS_READ_ONLY, code="finalized")
            visit.status = FINALIZED
            visit.created_at = visit.created_at or now
            visit.updated_at = now
            visit.finalized_at = now
            visit.assessment = assessment
            visit.cursor = None
            values = visit_row_values(visit)
            if row is None:
                s.add(VisitRow(**values, synced=False))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
            PhotoRepo.link(s, visit.visit_id, visit.household_id, visit.answers, finalized=True)
            if household is not None:
                self._store.households.update_in(s, household)
            for change in member_changes:
                s.add(MemberChangeRow(**column_values(change), synced=False))
            self._store.households.set_assessment(
                s, visit.household_id, assessment, visit.visit_date
            )
        return visit

    def add_history(self, visits: list[Visit]) -> int:
        """Bulk load finalized visits the county already has (roster, demo): not pending sync."""
        rows = [{**visit_row_values(v), "synced": True} for v in visits]
        if rows:
            with self._store.session() as s:
                s.execute(insert(VisitRow.__table__), rows)
                for v in visits:
                    if "photo" in repr(v.answers):  # cheap pre-check: most past visits have none
                        PhotoRepo.link(s, v.visit_id, v.household_id, v.answers, finalized=True)
        return len(rows)

    def history(self) -> list[Visit]:
        """Finalized visits the county already has (synced), oldest first."""
        with self._store.session() as s:
            rows = s.execute(
                select(VisitRow)
                .where(VisitRow.status == FINALIZED, VisitRow.synced.is_(True))
                .order_by(VisitRow.visit_date)
            ).scalars()
            return [visit_from_row(r) for r in rows]

    def amend(
        self, original_id: str, reason: str, visitor: str, form_version: str | None = None
    ) -> Visit:
        """A new draft correcting a finalized visit, starting from its answers."""
        original = self.get(original_id)
        if original is None:
            raise UserError(VISIT_NOT_FOUND, code="not_found")
        if not original.finalized:
            raise UserError(
                Text("只能更正已提交的走访", "only a finalized visit can be amended"),
                code="not_finalized",
            )
        if not reason.strip():
            raise UserError(
                Text("请填写更正原因", "give the reason for the amendment"), code="reason_required"
            )
        draft = Visit(
            household_id=original.household_id,
            visit_date=original.visit_date,
            visitor=visitor,
            form_id=original.form_id,
            form_version=form_version or original.form_version,
            answers=dict(original.answers),
            amends=original.visit_id,
            amendment_reason=reason,
            findings=original.findings,
        )
        return self.save_draft(draft)

    def delete_draft(self, visit_id: str) -> None:
        with self._store.session() as s:
            row = s.get(VisitRow, visit_id)
            if row is None:
                return
            if row.status == FINALIZED:
                raise UserError(FINALIZED_IS_READ_ONLY, code="finalized")
            s.delete(row)
            PhotoRepo.unlink(s, visit_id=visit_id)

    def set_review(self, visit_id: str, review_status: str | None, comment: str | None) -> None:
        """County staff's "has issues" note, arriving by sync; the visit's content stays as it was."""
        with self._store.session() as s:
            row = s.get(VisitRow, visit_id)
            if row is None:
                raise UserError(VISIT_NOT_FOUND, code="not_found")
            row.review_status = review_status
            row.review_comment = comment

    def get(self, visit_id: str) -> Visit | None:
        with self._store.session() as s:
            row = s.get(VisitRow, visit_id)
            return visit_from_row(row) if row else None

    def for_household(self, household_id: str) -> list[Visit]:
        """Newest first, drafts included."""
        with self._store.session() as s:
            rows = s.execute(
                select(VisitRow)
                .where(VisitRow.household_id == household_id)
                .order_by(VisitRow.visit_date.desc(), VisitRow.created_at.desc())
            ).scalars()
            return [visit_from_row(r) for r in rows]

    def drafts(self, household_id: str | None = None) -> list[Visit]:
        with self._store.session() as s:
            q = select(VisitRow).where(VisitRow.status == DRAFT)
            if household_id:
                q = q.where(VisitRow.household_id == household_id)
            return [
                visit_from_row(r)
                for r in s.execute(q.order_by(VisitRow.updated_at.desc())).scalars()
            ]

    def latest_finalized(self, household_id: str) -> Visit | None:
        return next((v for v in self.for_household(household_id) if v.finalized), None)

    def count(self, status: str | None = None) -> int:
        with self._store.session() as s:
            q = select(VisitRow.visit_id)
            if status:
                q = q.where(VisitRow.status == status)
            return len(s.execute(q).all())
