"""When the county takes a village away from this device's user: erase its households here.

Every feed page names the villages it was computed for (``villages`` in its header; null for the
whole county). After a sync — which first sends everything pending, then downloads — the client
compares them with what the store holds: the households of any other village are erased, with
their members, helpers, measures, incomes, visits (drafts too), member changes, outbox rows and
the county's notices about them, and no sent batch keeps a copy of their records. A laptop must
not keep the ids and personal data of people in villages it no longer serves.

What was still waiting for those households at that point could not be delivered (the county
refuses changes to a village the user no longer has), so it is erased with them and counted;
the secretary reads one sentence saying which villages went, how many households, and how many
unsent records. Deleting runs with SQLite's ``secure_delete`` (freed pages are zeroed) and the
write-ahead log is checkpointed afterwards, so no old page keeps the data either.
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
    """What one sync erased: the villages it no longer serves, their households, unsent records."""

    villages: tuple[tuple[str, str], ...]  # (code, name)
    households: int
    unsent: int

    def sentence(self) -> Text:
        names_zh = "、".join(name or code for code, name in self.villages)
        names_en = ", ".join(f"{name} ({code})" if name else code for code, name in self.villages)
        zh = f"县里已不再把{names_zh}分配给您:本机已删除这些村的{self.households}户及其成员、走访等全部资料。"
        en = (f"The county no longer assigns you {names_en}: this laptop erased their {self.households} households "
              "with their members, visits and everything else recorded about them.")
        if self.unsent:
            zh += f"其中{self.unsent}条记录县里尚未接收,因县里已不接受您修改这些村,未能上传,已一并删除。"
            en += (f" {self.unsent} records the county had not received could not be sent (the county no longer accepts "
                   "changes to these villages from you) and were erased with them.")
        else:
            zh += "这些村没有待上传的记录。"
            en += " Nothing for these villages was waiting to be sent."
        return Text(zh, en)

    def to_dict(self) -> dict[str, Any]:
        return {"villages": [code for code, _name in self.villages], "households": self.households, "unsent": self.unsent}


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
        unsent += _count(session, select(func.count()).select_from(VisitRow)
                         .where(VisitRow.household_id.in_(ids), VisitRow.synced.is_(False)))
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


def forget_other_villages(store: Any, villages: list[str] | None) -> Forgotten | None:
    """Keep only the households of ``villages`` (None: the whole county, nothing to erase).

    Records the villages in the enrollment, erases the rest in one transaction and leaves a
    notice for the secretary; returns what went, or None when nothing did.
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
            forgotten = Forgotten(tuple((code, names.get(code, "")) for code in codes), len(rows), unsent)
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
