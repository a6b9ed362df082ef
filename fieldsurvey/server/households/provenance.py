"""Who last changed each field of the county's records: a laptop's sync, or someone at the county.

The merge is field by field (``sync/merge.py``), so a conflict's server-side value is the last
write of that one field. Every write to the registry notes its source here — the device, its
user and the batch for a sync; the county user for a resolution or a roster import — keyed by
record and field. A record created whole (a new household with its members and parts, a part
added later, a household imported) gets one row under the field ``*`` instead of one per field:
a 200-household batch adds 200 rows, not 20,000. Removing a part overwrites its ``*`` row.

When a conflict is filed, ``source_of`` answers where the server's value came from and the
conflict keeps a copy (``conflicts.server_*``), so the review can say "synced from 王书记's
laptop at 14:05" rather than "the county's value". Writes are buffered and sent in one upsert
per transaction (``flush``); lookups see the buffer first. Values never go in this table: only
record ids, field names, device and user ids and names, batch ids and times (no personal data on
PostgreSQL beyond what the existing columns hold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.server.db.dialect import upsert_many
from fieldsurvey.server.db.models import ConflictRow, RecordProvenance

WHOLE = "*"  # the whole record: created (or removed) at once
CREATED, EDITED, DELETED, RESOLVED, IMPORTED = (
    "created",
    "edited",
    "deleted",
    "resolved",
    "imported",
)

Key = tuple[str, str, str, str]  # record type, household id, record id, field


@dataclass(frozen=True, slots=True)
class Source:
    """One write's origin. A sync has ``device_id`` (and the device's user and batch); a county
    change has no device and names the county user (``username``, and ``user_id`` when the
    change came through a signed-in account rather than the server's command line)."""

    change: str
    at: datetime
    device_id: str | None = None
    user_id: str | None = None
    username: str | None = None
    batch_id: str | None = None

    @property
    def source(self) -> str:
        return "device" if self.device_id else "county"


def _from_row(r: RecordProvenance) -> Source:
    return Source(r.change, _utc(r.changed_at), r.device_id, r.user_id, r.username, r.batch_id)


class ProvenanceLog:
    """The writes of one transaction, noted as they happen and upserted together by ``flush``."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.pending: dict[Key, Source] = {}

    def note(
        self,
        record_type: str,
        household_id: str,
        record_id: str,
        fields: Iterable[str],
        source: Source,
    ) -> None:
        for name in fields:
            self.pending[(record_type, household_id, record_id, name)] = source

    def whole(self, record_type: str, household_id: str, record_id: str, source: Source) -> None:
        """A record created (or removed) at once: one row stands for every field it had then."""
        self.note(record_type, household_id, record_id, [WHOLE], source)

    def _load(self, keys: list[Key]) -> dict[Key, Source]:
        found = {k: self.pending[k] for k in keys if k in self.pending}
        wanted = [k for k in keys if k not in found]
        if wanted:
            t = RecordProvenance
            stmt = select(t).where(
                or_(
                    *(
                        and_(
                            t.record_type == k[0],
                            t.household_id == k[1],
                            t.record_id == k[2],
                            t.field == k[3],
                        )
                        for k in wanted
                    )
                )
            )
            for r in self.s.execute(stmt).scalars():
                found[(r.record_type, r.household_id, r.record_id, r.field)] = _from_row(r)
        return found

    def source_of(
        self, kind: str, record_type: str, household_id: str, record_id: str, field: str
    ) -> Source | None:
        """Where the server's side of a conflict of ``kind`` came from; None when nobody recorded it
        (the record's last write predates provenance, migration 0008)."""
        record = (record_type, household_id, record_id)
        if kind == "deleted":  # the record was removed: who removed it
            return self._load([(*record, WHOLE)]).get((*record, WHOLE))
        if kind == "delete":  # the record changed since the device saw it: its latest write
            return self._latest(record)
        keys: list[Key] = [(*record, field), (*record, WHOLE)]
        if record_type != "household":  # a part created with its household has no row of its own
            keys.append(("household", household_id, household_id, WHOLE))
        found = self._load(keys)
        return next((found[k] for k in keys if k in found), None)

    def _latest(self, record: tuple[str, str, str]) -> Source | None:
        t = RecordProvenance
        rows = [
            _from_row(r)
            for r in self.s.execute(
                select(t).where(
                    t.record_type == record[0],
                    t.household_id == record[1],
                    t.record_id == record[2],
                )
            ).scalars()
        ]
        rows += [v for k, v in self.pending.items() if k[:3] == record]
        return max(rows, key=lambda v: v.at, default=None)

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [
            {
                "record_type": k[0],
                "household_id": k[1],
                "record_id": k[2],
                "field": k[3],
                "change": v.change,
                "device_id": v.device_id,
                "user_id": v.user_id,
                "username": v.username,
                "batch_id": v.batch_id,
                "changed_at": v.at,
            }
            for k, v in self.pending.items()
        ]
        upsert_many(self.s, RecordProvenance, rows)
        self.pending = {}


def file_with(conflict: ConflictRow, source: Source | None) -> None:
    """Keep the server value's origin with the conflict: the review reads it after later writes."""
    if source is None:
        return
    conflict.server_change, conflict.server_changed_at = source.change, source.at
    conflict.server_device_id, conflict.server_user_id = source.device_id, source.user_id
    conflict.server_username, conflict.server_batch_id = source.username, source.batch_id


def conflict_source(c: ConflictRow) -> dict[str, Any] | None:
    """The origin of a conflict's server value as the API gives it; None when unknown (filed
    before migration 0008, or the value's last write predates it)."""
    if c.server_change is None or c.server_changed_at is None:
        return None
    return {
        "source": "device" if c.server_device_id else "county",
        "change": c.server_change,
        "device_id": c.server_device_id,
        "user_id": c.server_user_id,
        "username": c.server_username,
        "batch_id": c.server_batch_id,
        "at": _utc(c.server_changed_at).isoformat(),
    }


def _utc(at: datetime) -> datetime:
    """SQLite gives back naive times (stored as UTC): the API says so with an offset either way."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def county_source(change: str, at: datetime, *, user_id: str | None, username: str) -> Source:
    return Source(change, at, None, user_id, username[:64], None)
