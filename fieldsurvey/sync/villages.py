"""When the county takes a village away from this device's user: erase its households here.

Every feed page names the villages it was computed for (``villages`` in its header; null for the
whole county). After a sync — which first sends everything pending, then downloads — the client
compares them with what the store holds: the households of any other village are erased, with
their members, helpers, measures, incomes, visits (drafts too), member changes, outbox rows and
the county's notices about them, and no sent batch keeps a copy of their records. A laptop must
not keep the ids and personal data of people in villages it no longer serves.

What was still waiting for those households went up first: the county keeps a drain window for
a village it takes away (``server/drain.py``) in which this device may still deliver its
updates to the village's records, until it has downloaded a feed without the village — which is
the download that leads here. So the pending records are normally on the county before the
erase; only what the county refused (a new household in that village, work sent after the drain
closed or after ``DRAIN_DAYS``) is erased unsent, and counted. The secretary reads one sentence
saying which villages went, how many households, how many records were uploaded first and how
many the county refused. Deleting runs with SQLite's ``secure_delete`` (freed pages are zeroed)
and the write-ahead log is checkpointed afterwards, so no old page keeps the data either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, text
from sqlalchemy.orm import Session

from fieldsurvey.core.text import Text
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
from fieldsurvey.store.photos import PhotoRepo
from fieldsurvey.store.sync_state import Enrollment, SentBatch, SyncNotice
from fieldsurvey.sync.outgoing import PENDING

CHUNK = 500
NOTICE_KIND = "villages_removed"


@dataclass(frozen=True)
class Forgotten:
    """What one sync erased: the villages it no longer serves, their households, and the records
    that were waiting for them — ``uploaded`` to the county before the erase, ``refused`` by it
    (erased unsent). ``uploaded`` is None when unknown (an update file brought by USB stick)."""

    villages: tuple[tuple[str, str], ...]  # (code, name)
    households: int
    refused: int
    uploaded: int | None = None

    def sentence(self) -> Text:
        names_zh = "、".join(name or code for code, name in self.villages)
        names_en = ", ".join(f"{name} ({code})" if name else code for code, name in self.villages)
        zh = f"县里已不再把{names_zh}分配给您。"
        en = f"The county no longer assigns you {names_en}."
        if self.uploaded:
            zh += f"本机先把这些村待上传的{self.uploaded}条记录上传到了县里，然后"
            en += f" This laptop first uploaded the {self.uploaded} records waiting for them to the county, then"
        else:
            zh += "本机"
            en += " This laptop"
        zh += f"删除了这些村的{self.households}户及其成员、走访等全部资料。"
        en += f" erased their {self.households} households with their members, visits and everything else recorded about them."
        if self.refused and self.uploaded is None:  # an update file: what its batch file carried is unknown here
            zh += f"其中{self.refused}条记录县里尚未确认接收，已一并删除。"
            en += f" {self.refused} records the county had not confirmed receiving were erased with them."
        elif self.refused:
            zh += f"另有{self.refused}条记录县里拒收（您已不再负责这些村），未能上传，已一并删除。"
            en += (f" {self.refused} records were refused by the county (these villages are no longer yours) and were "
                   "erased unsent.")
        elif not self.uploaded:
            zh += "这些村没有待上传的记录。"
            en += " Nothing for these villages was waiting to be sent."
        return Text(zh, en)

    def to_dict(self) -> dict[str, Any]:
        return {"villages": [code for code, _name in self.villages], "households": self.households,
                "uploaded": self.uploaded, "refused": self.refused}


def pending_by_village(store: Any) -> dict[str, int]:
    """How many outbox records wait for each village (taken before a sync sends them).

    Counted as ``erase_households`` counts unsent ones — a field edit, a create or a delete, a
    finalized visit not yet sent, an unsent member change — so the two can be subtracted.
    """
    counts: dict[str, int] = {}
    with store.session() as s:
        village = select(HouseholdRow.household_id, HouseholdRow.division_code).subquery()
        for model, only_unsent in ((PendingEditRow, False), (VisitRow, True), (MemberChangeRow, True)):
            stmt = (select(village.c.division_code, func.count()).select_from(model)
                    .join(village, village.c.household_id == model.household_id).group_by(village.c.division_code))
            if only_unsent:
                stmt = stmt.where(model.synced.is_(False))  # type: ignore[attr-defined]
            if model is VisitRow:
                stmt = stmt.where(VisitRow.status == "finalized")
            for code, n in s.execute(stmt):
                counts[str(code)] = counts.get(str(code), 0) + int(n)
    return counts


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.execute(stmt).scalar_one())


def erase_households(session: Session, household_ids: list[str]) -> int:
    """Delete these households and everything about them; returns how many unsent records went too."""
    unsent = 0
    edit_ids: set[int] = set()
    visit_ids: set[str] = set()
    change_ids: set[str] = set()
    for ids in _chunks(household_ids):
        edit_ids.update(session.execute(select(PendingEditRow.edit_id).where(PendingEditRow.household_id.in_(ids))).scalars())
        visit_ids.update(session.execute(select(VisitRow.visit_id).where(VisitRow.household_id.in_(ids))).scalars())
        change_ids.update(session.execute(select(MemberChangeRow.change_id).where(MemberChangeRow.household_id.in_(ids))).scalars())
        unsent += _count(session, select(func.count()).select_from(VisitRow)  # a draft was never going to be sent
                         .where(VisitRow.household_id.in_(ids), VisitRow.status == "finalized", VisitRow.synced.is_(False)))
        unsent += _count(session, select(func.count()).select_from(MemberChangeRow)
                         .where(MemberChangeRow.household_id.in_(ids), MemberChangeRow.synced.is_(False)))
        for model in (PendingEditRow, SyncNotice, VisitRow, MemberChangeRow, MemberRow, HelperRow, MeasureRow, IncomeRow, HouseholdRow):
            session.execute(delete(model).where(model.household_id.in_(ids)))  # type: ignore[attr-defined]
        PhotoRepo.unlink(session, household_ids=ids)
    PhotoRepo.prune_in(session)  # their pictures go with them (unless another household's visit names one)
    unsent += len(edit_ids)
    _redact_batches(session, edit_ids, visit_ids, change_ids)
    return unsent


def _redact_batches(session: Session, edit_ids: set[int], visit_ids: set[str], change_ids: set[str]) -> None:
    """Sent batches keep no copy of erased records.

    An accepted or refused batch is history: its sealed bytes and its snapshot of the outbox rows
    it carried (which hold values) are emptied, its counts and result stay. A batch still waiting
    for the county that carried erased records would only be refused now: it becomes refused.
    """
    for batch in session.execute(select(SentBatch)).scalars():
        carried = (any(int(e["edit_id"]) in edit_ids for e in batch.edits) or bool(set(batch.visit_ids) & visit_ids)
                   or bool(set(batch.change_ids) & change_ids))
        if batch.status == PENDING and not carried:
            continue
        if batch.status == PENDING:
            batch.status = "refused"
            batch.result = {"code": "villages_removed", "zh": "所属的村已不再由您负责", "en": "its villages are no longer yours"}
        if batch.data or batch.edits or batch.visit_ids or batch.change_ids:
            batch.data, batch.edits, batch.visit_ids, batch.change_ids = b"", [], [], []
            batch.updated_at = datetime.now(UTC).replace(tzinfo=None)


def forget_other_villages(store: Any, villages: list[str] | None, pending_before: dict[str, int] | None = None) -> Forgotten | None:
    """Keep only the households of ``villages`` (None: the whole county, nothing to erase).

    Records the villages in the enrollment, erases the rest in one transaction and leaves a
    notice for the secretary; returns what went, or None when nothing did. ``pending_before``
    (``pending_by_village`` before the sync sent anything) tells how many of the erased
    villages' records were uploaded first: those pending then and not pending now.
    """
    with store.session() as s:
        enrollment = s.get(Enrollment, 1)
        if enrollment is not None and enrollment.villages != villages:
            enrollment.villages = villages
    if villages is None:
        return None
    keep = sorted(set(villages))
    with store.session() as s:
        rows = s.execute(select(HouseholdRow.household_id, HouseholdRow.division_code)
                         .where(HouseholdRow.division_code.not_in(keep))).all()
        if not rows:
            return None
        s.execute(text("PRAGMA secure_delete=ON"))  # freed pages are zeroed, not left for recovery
        try:
            codes = sorted({code for _hid, code in rows})
            names = dict(s.execute(select(DivisionRow.code, DivisionRow.name).where(DivisionRow.code.in_(codes))).all())
            unsent = erase_households(s, [hid for hid, _code in rows])
            uploaded = None if pending_before is None else max(0, sum(pending_before.get(c, 0) for c in codes) - unsent)
            forgotten = Forgotten(tuple((code, names.get(code, "")) for code in codes), len(rows), unsent, uploaded)
            sentence = forgotten.sentence()
            lowest = s.execute(select(func.min(SyncNotice.notice_id))).scalar() or 0
            s.add(SyncNotice(notice_id=min(lowest, 0) - 1, kind=NOTICE_KIND, household_id=None, ref=None,  # below the county's ids
                             text_zh=sentence.zh, text_en=sentence.en, data=forgotten.to_dict(),
                             created_at=datetime.now(UTC).isoformat(), received_at=datetime.now(UTC).replace(tzinfo=None), read=False))
            s.flush()
        finally:
            s.execute(text("PRAGMA secure_delete=OFF"))
    store.checkpoint()  # the write-ahead log holds the old pages until then
    return forgotten
