"""The sync client's reads and writes of the store: batches, notices, audit heads, feed pages.

The client (``fieldsurvey.sync``) decides what a batch carries, what a feed page means and
whether a signed head verifies; this module is where those decisions touch rows, so the client
holds no session and writes no SQL. ``SyncStateRepo`` (``store.sync_state``) answers single
calls, each its own transaction; ``SyncStateRepo.transaction()`` hands out a ``SyncWriter`` for
work that must land together — a feed page and its new cursor, an upload's confirmation and its
audit head, the erasing of villages no longer served.

Rows come back detached (the store's sessions do not expire on commit): the caller may read
them after the transaction; changes it makes to them are saved only through these methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldsurvey.core.household import Household
from fieldsurvey.core.json_values import same
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.store.households import load_household
from fieldsurvey.store.mapping import visit_row_values
from fieldsurvey.store.models import (
    DivisionRow,
    HelperRow,
    HouseholdRow,
    IncomeRow,
    MeasureRow,
    MemberChangeRow,
    MemberRow,
    PendingEditRow,
    VisitRow,
)
from fieldsurvey.store.outbox import CREATE
from fieldsurvey.store.photos import PhotoRepo
from fieldsurvey.store.sync_state import Enrollment, KeptAuditHead, SentBatch, SyncNotice

if TYPE_CHECKING:
    from fieldsurvey.store.store import Store

PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"
CHUNK = 500  # household ids per IN (...) when erasing
NESTED = ("members", "helpers", "measures", "incomes", "revision")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SyncStateRepo:
    """``store.sync_state``: the enrollment, sent batches, notices and kept audit heads."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @contextmanager
    def transaction(self) -> Iterator[SyncWriter]:
        """One transaction for work that lands together or not at all."""
        with self._store.session() as s:
            yield SyncWriter(s, self._store)

    # -- enrollment ---------------------------------------------------------------------------
    def enrollment(self) -> Enrollment | None:
        with self._store.session() as s:
            return s.get(Enrollment, 1)

    def enroll(self, row: Enrollment) -> None:
        """Record this device's enrollment (the one row)."""
        with self._store.session() as s:
            s.add(row)

    # -- batches ------------------------------------------------------------------------------
    def pending_batches(self) -> list[SentBatch]:
        """Sealed batches the county has not confirmed, oldest first."""
        with self._store.session() as s:
            stmt = (
                select(SentBatch).where(SentBatch.status == PENDING).order_by(SentBatch.created_at)
            )
            return list(s.execute(stmt).scalars())

    def add_batch(self, row: SentBatch) -> None:
        with self._store.session() as s:
            s.add(row)

    def refuse_batch(self, batch_id: str, reason: dict[str, Any]) -> None:
        with self._store.session() as s:
            row = s.get(SentBatch, batch_id)
            if row is not None:
                row.status, row.result = REFUSED, reason

    def mark_exported(self, batch_id: str, path: str) -> None:
        """The batch left on a USB stick at ``path``."""
        with self._store.session() as s:
            row = s.get(SentBatch, batch_id)
            if row is not None:
                row.exported_to = path

    # -- notices and heads --------------------------------------------------------------------
    def notices(self, unread_only: bool = True) -> list[SyncNotice]:
        """What the county told the secretary (batch receipts left out), oldest first."""
        with self._store.session() as s:
            q = (
                select(SyncNotice)
                .where(SyncNotice.kind != "batch_accepted")
                .order_by(SyncNotice.notice_id)
            )
            if unread_only:
                q = q.where(SyncNotice.read.is_(False))
            return list(s.execute(q).scalars())

    def mark_read(self, notice_ids: list[int]) -> None:
        with self._store.session() as s:
            s.execute(
                update(SyncNotice).where(SyncNotice.notice_id.in_(notice_ids)).values(read=True)
            )

    def kept_heads(self) -> list[KeptAuditHead]:
        with self._store.session() as s:
            return list(
                s.execute(
                    select(KeptAuditHead).order_by(KeptAuditHead.entry_no, KeptAuditHead.signed_at)
                ).scalars()
            )

    # -- outbox by village --------------------------------------------------------------------
    def pending_by_village(self) -> dict[str, int]:
        """How many outbox records wait for each village: a field edit, a create or a delete, a
        finalized visit not yet sent, an unsent member change (as ``erase_households`` counts)."""
        counts: dict[str, int] = {}
        with self._store.session() as s:
            village = select(HouseholdRow.household_id, HouseholdRow.division_code).subquery()
            for model, only_unsent in (
                (PendingEditRow, False),
                (VisitRow, True),
                (MemberChangeRow, True),
            ):
                stmt = (
                    select(village.c.division_code, func.count())
                    .select_from(model)
                    .join(village, village.c.household_id == model.household_id)
                    .group_by(village.c.division_code)
                )
                if only_unsent:
                    stmt = stmt.where(model.synced.is_(False))  # type: ignore[union-attr]
                if model is VisitRow:
                    stmt = stmt.where(VisitRow.status == "finalized")
                for code, n in s.execute(stmt):
                    counts[str(code)] = counts.get(str(code), 0) + int(n)
        return counts


class SyncWriter:
    """The rows one sync step touches, inside one transaction (``SyncStateRepo.transaction``)."""

    def __init__(self, session: Session, store: Store) -> None:
        self._s = session
        self._store = store

    # -- enrollment ---------------------------------------------------------------------------
    def enrollment(self) -> Enrollment | None:
        return self._s.get(Enrollment, 1)

    def set_cursor(self, cursor: str) -> None:
        """The feed position this page brings the device to, written with the page."""
        row = self._s.get(Enrollment, 1)
        if row is not None:
            row.cursor = cursor
            row.last_sync_at = _now()

    def set_villages(self, villages: list[str] | None) -> None:
        row = self._s.get(Enrollment, 1)
        if row is not None and row.villages != villages:
            row.villages = villages

    # -- batches ------------------------------------------------------------------------------
    def confirm_batch(self, batch_id: str, result: dict[str, Any] | None) -> None:
        """The county has this batch: clear exactly what it carried from the outbox.

        An outbox row edited again after sealing stays, with the sent value as its new base (a
        created record edited again becomes field edits against what was sent).
        """
        s = self._s
        batch = s.get(SentBatch, batch_id)
        if batch is None or batch.status == ACCEPTED:
            return
        for snap in batch.edits:
            row = s.get(PendingEditRow, int(snap["edit_id"]))
            if row is None:
                continue
            if same(row.new_value, snap["new_value"]):
                s.delete(row)
            elif row.op == CREATE:  # edited again after sealing: the rest travels as field edits
                sent = snap["new_value"] or {}
                for name, value in (row.new_value or {}).items():
                    if name not in NESTED and not same(sent.get(name), value):
                        s.add(
                            PendingEditRow(
                                record_type=row.record_type,
                                record_id=row.record_id,
                                household_id=row.household_id,
                                op="update",
                                field=name,
                                base_value=sent.get(name),
                                new_value=value,
                                base_revision=1,
                                created_at=row.created_at,
                                updated_at=row.updated_at,
                            )
                        )
                s.delete(row)
            else:
                row.base_value = snap["new_value"]
        if batch.visit_ids:
            s.execute(
                update(VisitRow).where(VisitRow.visit_id.in_(batch.visit_ids)).values(synced=True)
            )
        if batch.change_ids:
            s.execute(
                update(MemberChangeRow)
                .where(MemberChangeRow.change_id.in_(batch.change_ids))
                .values(synced=True)
            )
        batch.status = ACCEPTED
        batch.result = result
        batch.updated_at = _now()

    def refuse_pending_batch(self, batch_id: str, reason: dict[str, Any]) -> None:
        """A batch still waiting that the county says it refused."""
        batch = self._s.get(SentBatch, batch_id)
        if batch is not None and batch.status == PENDING:
            batch.status, batch.result = REFUSED, reason

    # -- notices and heads --------------------------------------------------------------------
    def has_notice(self, notice_id: int) -> bool:
        return self._s.get(SyncNotice, notice_id) is not None

    def add_notice(self, notice: SyncNotice) -> None:
        self._s.add(notice)

    def add_local_notice(
        self, *, kind: str, text_zh: str, text_en: str, data: dict[str, Any]
    ) -> None:
        """A notice made on this laptop: numbered below the county's ids, which are positive."""
        lowest = self._s.execute(select(func.min(SyncNotice.notice_id))).scalar() or 0
        self._s.add(
            SyncNotice(
                notice_id=min(lowest, 0) - 1,
                kind=kind,
                household_id=None,
                ref=None,
                text_zh=text_zh,
                text_en=text_en,
                data=data,
                created_at=datetime.now(UTC).isoformat(),
                received_at=_now(),
                read=False,
            )
        )
        self._s.flush()

    def has_head(self, entry_no: int, entry_hash: str) -> bool:
        return self._s.get(KeptAuditHead, (entry_no, entry_hash)) is not None

    def head_summaries(self) -> list[tuple[str, int, str, str]]:
        """(county, entry_no, entry_hash, signed_at) of every kept head."""
        columns = (
            KeptAuditHead.county,
            KeptAuditHead.entry_no,
            KeptAuditHead.entry_hash,
            KeptAuditHead.signed_at,
        )
        return [(c, int(n), h, at) for c, n, h, at in self._s.execute(select(*columns))]

    def keep_head(self, row: KeptAuditHead, *, keep_newest: int) -> None:
        """Store a verified head and drop all but the newest ``keep_newest`` entries."""
        s = self._s
        s.add(row)
        s.flush()
        cutoff = s.execute(
            select(KeptAuditHead.entry_no)
            .order_by(KeptAuditHead.entry_no.desc())
            .offset(keep_newest - 1)
            .limit(1)
        ).scalar_one_or_none()
        if cutoff is not None:
            s.execute(delete(KeptAuditHead).where(KeptAuditHead.entry_no < cutoff))

    # -- households from the feed -------------------------------------------------------------
    def has_household(self, household_id: str) -> bool:
        return self._s.get(HouseholdRow, household_id) is not None

    def household(self, household_id: str) -> Household | None:
        return load_household(self._s, household_id)

    def pending_edits_of(self, household_id: str) -> list[PendingEditRow]:
        """This device's unsent edits of one household, oldest first."""
        stmt = (
            select(PendingEditRow)
            .where(PendingEditRow.household_id == household_id)
            .order_by(PendingEditRow.edit_id)
        )
        return list(self._s.execute(stmt).scalars())

    def replace_household(self, household: Household) -> None:
        self._store.households.replace_from_server(self._s, household)

    def mark_household_deleted(self, household_id: str) -> None:
        self._store.households.mark_deleted(self._s, household_id)

    def live_household_ids(self) -> list[str]:
        return list(
            self._s.execute(
                select(HouseholdRow.household_id).where(HouseholdRow.deleted.is_(False))
            ).scalars()
        )

    def households_created_here(self) -> set[str]:
        """Households made on this laptop whose creation has not been sent yet."""
        return set(
            self._s.execute(
                select(PendingEditRow.record_id).where(
                    PendingEditRow.record_type == "household", PendingEditRow.op == CREATE
                )
            ).scalars()
        )

    def upsert_divisions(self, divisions: Iterable[dict[str, Any]]) -> None:
        for d in divisions:
            stmt = sqlite_insert(DivisionRow).values(
                code=d["code"],
                name=d["name"],
                parent=d.get("parent"),
                level=d.get("level", "village"),
            )
            self._s.execute(
                stmt.on_conflict_do_update(
                    index_elements=["code"], set_={"name": d["name"], "parent": d.get("parent")}
                )
            )

    def add_visit_from_server(self, visit: Visit, review: tuple[str | None, str | None]) -> bool:
        """A finalized visit from another device, or the county's review of one already here
        (only ``review`` is taken then). False when nothing was added."""
        s = self._s
        row = s.get(VisitRow, visit.visit_id)
        if row is not None:
            row.review_status, row.review_comment = review
            return False
        if s.get(HouseholdRow, visit.household_id) is None:
            return False
        s.add(VisitRow(**visit_row_values(visit), synced=True))
        PhotoRepo.link(s, visit.visit_id, visit.household_id, visit.answers, finalized=True)
        s.flush()
        when = visit.visit_date if isinstance(visit.visit_date, date) else None
        self._store.households.set_assessment(s, visit.household_id, visit.assessment, when)
        return True

    def add_member_change_from_server(self, change: MemberChange) -> None:
        s = self._s
        if (
            s.get(HouseholdRow, change.household_id) is None
            or s.get(MemberChangeRow, change.change_id) is not None
        ):
            return
        s.add(
            MemberChangeRow(
                change_id=change.change_id,
                household_id=change.household_id,
                member_id=change.member_id,
                reason=change.reason,
                change_date=change.change_date,
                note=change.note,
                synced=True,
            )
        )

    # -- erasing villages no longer served ----------------------------------------------------
    def households_outside(self, villages: list[str]) -> list[tuple[str, str]]:
        """(household id, village code) of every household not in ``villages``."""
        stmt = select(HouseholdRow.household_id, HouseholdRow.division_code).where(
            HouseholdRow.division_code.not_in(villages)
        )
        return [(str(h), str(c)) for h, c in self._s.execute(stmt).all()]

    def division_names(self, codes: list[str]) -> dict[str, str]:
        return {
            str(c): str(n)
            for c, n in self._s.execute(
                select(DivisionRow.code, DivisionRow.name).where(DivisionRow.code.in_(codes))
            )
        }

    @contextmanager
    def secure_delete(self) -> Iterator[None]:
        """Freed pages are zeroed while this lasts, not left for recovery."""
        self._s.execute(text("PRAGMA secure_delete=ON"))
        try:
            yield
        finally:
            self._s.execute(text("PRAGMA secure_delete=OFF"))

    def erase_households(self, household_ids: list[str]) -> int:
        """Delete these households and everything about them; returns how many unsent records went too."""
        s = self._s
        unsent = 0
        edit_ids: set[int] = set()
        visit_ids: set[str] = set()
        change_ids: set[str] = set()
        for i in range(0, len(household_ids), CHUNK):
            ids = household_ids[i : i + CHUNK]
            edit_ids.update(
                s.execute(
                    select(PendingEditRow.edit_id).where(PendingEditRow.household_id.in_(ids))
                ).scalars()
            )
            visit_ids.update(
                s.execute(select(VisitRow.visit_id).where(VisitRow.household_id.in_(ids))).scalars()
            )
            change_ids.update(
                s.execute(
                    select(MemberChangeRow.change_id).where(MemberChangeRow.household_id.in_(ids))
                ).scalars()
            )
            unsent += int(
                s.execute(
                    select(func.count())
                    .select_from(VisitRow)  # a draft was never going to be sent
                    .where(
                        VisitRow.household_id.in_(ids),
                        VisitRow.status == "finalized",
                        VisitRow.synced.is_(False),
                    )
                ).scalar_one()
            )
            unsent += int(
                s.execute(
                    select(func.count())
                    .select_from(MemberChangeRow)
                    .where(MemberChangeRow.household_id.in_(ids), MemberChangeRow.synced.is_(False))
                ).scalar_one()
            )
            for model in (
                PendingEditRow,
                SyncNotice,
                VisitRow,
                MemberChangeRow,
                MemberRow,
                HelperRow,
                MeasureRow,
                IncomeRow,
                HouseholdRow,
            ):
                s.execute(delete(model).where(model.household_id.in_(ids)))
            PhotoRepo.unlink(s, household_ids=ids)
        PhotoRepo.prune_in(
            s
        )  # their pictures go with them (unless another household's visit names one)
        unsent += len(edit_ids)
        self._redact_batches(edit_ids, visit_ids, change_ids)
        return unsent

    def _redact_batches(
        self, edit_ids: set[int], visit_ids: set[str], change_ids: set[str]
    ) -> None:
        """Sent batches keep no copy of erased records.

        An accepted or refused batch is history: its sealed bytes and its snapshot of the outbox
        rows it carried (which hold values) are emptied, its counts and result stay. A batch
        still waiting for the county that carried erased records would only be refused now: it
        becomes refused.
        """
        for batch in self._s.execute(select(SentBatch)).scalars():
            carried = (
                any(int(e["edit_id"]) in edit_ids for e in batch.edits)
                or bool(set(batch.visit_ids) & visit_ids)
                or bool(set(batch.change_ids) & change_ids)
            )
            if batch.status == PENDING and not carried:
                continue
            if batch.status == PENDING:
                batch.status = REFUSED
                batch.result = {
                    "code": "villages_removed",
                    "zh": "所属的村已不再由您负责",
                    "en": "its villages are no longer yours",
                }
            if batch.data or batch.edits or batch.visit_ids or batch.change_ids:
                batch.data, batch.edits, batch.visit_ids, batch.change_ids = b"", [], [], []
                batch.updated_at = _now()
