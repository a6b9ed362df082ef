"""Applying a checked batch's records to the county registry, inside ingest's one transaction.

Records are applied in batch order: a new household (with its members and parts), a part
created, updated or deleted, a member change, a visit. Updates merge field by field against the
county's current value (``sync.merge``); a field changed on both sides becomes a conflict (the
county's value stays, the device hears of it), a locked field is refused. Who changed what is
noted for provenance, each record gets an outcome, and at the end every person the batch adds or
changes is checked against the county: one person (ID number) is in one household only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import FIELD_LABELS
from fieldsurvey.server.batches.checks import (
    CheckedBatch,
    refuse,
    refused_record,
)
from fieldsurvey.server.batches.ownership import RecordRefused
from fieldsurvey.server.db.dialect import insert_ignore, insert_ignore_many
from fieldsurvey.server.db.models import (
    ConflictRow,
    HouseholdRow,
    MemberChangeRow,
    Notice,
    VisitRow,
)
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.flags import apply_visit_to_household, visit_columns
from fieldsurvey.server.households.provenance import (
    CREATED,
    DELETED,
    EDITED,
    ProvenanceLog,
    Source,
    file_with,
)
from fieldsurvey.sync.merge import FieldEdit, merge_fields
from fieldsurvey.sync.recordtypes import LOCKED_FIELDS
from fieldsurvey.sync.schema import (
    HouseholdCreate,
    MemberChangeRecord,
    RecordCreate,
    RecordDelete,
    RecordUpdate,
    VisitRecord,
)

DUPLICATE_PERSON = Text(
    "此人（证件号码）已在县里的另一户中登记，同一人不能同时在两户",
    "this person's ID number is already registered in another household of the county; "
    "one person cannot be in two households",
)


class RecordApplier:
    """One batch's records applied in order; ``outcomes`` and ``audit_changes`` say what happened."""

    def __init__(
        self, session: Session, checked: CheckedBatch, seq: SeqAllocator, now: datetime
    ) -> None:
        self.s, self.c, self.seq, self.now = session, checked, seq, now
        self.outcomes: list[dict[str, Any]] = []
        self.audit_changes: list[list[Any]] = []
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.pending_visits: list[tuple[int, dict[str, Any]]] = []
        self.derived: dict[
            str, dict[str, Any]
        ] = {}  # new household id → columns from its visits here
        self.existing_ids: set[str] = set()
        # (position, kind, household id, member record) of every member this batch adds or
        # whose ID number or presence it changes: checked against the county after applying.
        self.people: list[tuple[int, str, str, dict[str, Any]]] = []
        # Who changed what: this device, its user and this batch, received now (``provenance.py``).
        self.provenance = ProvenanceLog(session)
        self.origin = {
            change: Source(
                change,
                now,
                checked.device.device_id,
                checked.principal.user_id,
                None,
                checked.payload.header.batch_id,
            )
            for change in (CREATED, EDITED, DELETED)
        }

    def apply(self, i: int, record: Any) -> None:
        if isinstance(record, HouseholdCreate):
            self._create_household(i, record.household)
            return
        if isinstance(record, VisitRecord):
            self.pending_visits.append((i, record.visit))
            return
        self.flush()
        if isinstance(record, RecordCreate):
            self._create_part(i, record)
        elif isinstance(record, RecordUpdate):
            self._update(
                i,
                record.record_type,
                record.household_id,
                record.record_id,
                record.base_revision,
                [FieldEdit(c.field, c.base, c.value) for c in record.changes],
            )
        elif isinstance(record, RecordDelete):
            self._delete(i, record)
        elif isinstance(record, MemberChangeRecord):
            self._member_change(i, record.change)

    def _outcome(
        self, i: int, kind: str, record_type: str, record_id: str, outcome: str, **extra: Any
    ) -> None:
        self.outcomes.append(
            {
                "i": i,
                "kind": kind,
                "record_type": record_type,
                "record_id": record_id,
                "outcome": outcome,
                **extra,
            }
        )
        if outcome != "unchanged":
            self.audit_changes.append([record_type, record_id, outcome, extra.get("fields", [])])

    def _household(self, household_id: str) -> HouseholdRow:
        row = self.c.households.get(household_id) or self.s.get(HouseholdRow, household_id)
        assert row is not None  # checked before
        self.c.households[household_id] = row
        return row

    def prepare(self) -> None:
        """The created households the county already has: the checks allowed them as resends of this user's own."""
        self.existing_ids.update(self.c.resent)

    def flush(self) -> None:
        self.flush_creates()
        self.flush_visits()

    def flush_creates(self) -> None:
        """Write buffered new households in one multi-row insert per table."""
        if self.pending:
            new_ids = {str(data["household_id"]) for _i, data in self.pending}
            for _i, visit in self.pending_visits:  # visits of these households in this batch
                hid = str(visit.get("household_id"))
                if hid in new_ids:
                    self.derived[hid] = visit_columns(
                        self.derived.get(hid, {"last_visit_date": None, "flag_bits": 0}), visit
                    )
            registry.insert_households(
                self.s, [data for _i, data in self.pending], self.seq, self.derived
            )
            for i, data in self.pending:
                hid = str(data["household_id"])
                self.provenance.whole(
                    "household", hid, hid, self.origin[CREATED]
                )  # with its members and parts
                for member in data.get("members") or []:
                    self.people.append((i, "household.create", hid, member))
                self._outcome(i, "household.create", "household", hid, "created", conflicts=[])
            self.pending = []

    def _create_household(self, i: int, data: dict[str, Any]) -> None:
        hid = str(data["household_id"])
        if hid not in self.existing_ids:
            self.pending.append((i, data))
            self.existing_ids.add(hid)
            return
        self.flush_creates()
        # A resend of this user's own create (the checks allowed nothing else): merge as edits.
        # Village and number are the county's already (checked) and are never edited this way.
        existing = self._household(hid)
        fields = {
            k: v
            for k, v in data.items()
            if k not in ("household_id", "revision", "members", "helpers", "measures", "incomes")
            and ("household", k) not in LOCKED_FIELDS
        }
        self._update(
            i,
            "household",
            hid,
            hid,
            1,
            [
                FieldEdit(k, existing.data.get(k) if existing.revision == 1 else None, v)
                for k, v in fields.items()
            ],
        )
        for record_type, key in (
            ("member", "members"),
            ("helper", "helpers"),
            ("measure", "measures"),
            ("income", "incomes"),
        ):
            for part in data.get(key) or []:
                self._create_part(
                    i,
                    RecordCreate(
                        kind="record.create", record_type=record_type, household_id=hid, record=part
                    ),
                    "household.create",
                )

    def _create_part(self, i: int, record: RecordCreate, kind: str = "record.create") -> None:
        rid = registry.record_id_of(record.record_type, record.record)
        existing = registry.get_record(self.s, record.record_type, record.household_id, rid)
        if existing is not None:
            fields = {k: v for k, v in record.record.items() if k != "revision"}
            base_known = existing.revision == 1
            self._update(
                i,
                record.record_type,
                record.household_id,
                rid,
                1,
                [
                    FieldEdit(k, existing.data.get(k) if base_known else None, v)
                    for k, v in fields.items()
                ],
            )
            return
        household = self._household(record.household_id)
        registry.insert_part(self.s, household, record.record_type, record.record, self.seq.next())
        self.provenance.whole(record.record_type, household.household_id, rid, self.origin[CREATED])
        if record.record_type == "member":
            registry.recount_members(self.s, household.household_id)
            self.people.append((i, kind, household.household_id, record.record))
        self._outcome(i, "record.create", record.record_type, rid, "created")

    def _update(
        self,
        i: int,
        record_type: str,
        household_id: str,
        record_id: str,
        base_revision: int,
        edits: list[FieldEdit],
    ) -> None:
        row = registry.get_record(self.s, record_type, household_id, record_id)
        if row is None:
            raise refuse(
                "unknown_record",
                f"第{i + 1}条记录修改的对象在县里不存在",
                f"record {i + 1} edits a record the county does not have",
            )
        if registry.is_deleted(row):
            ids = [
                self._conflict(
                    "deleted",
                    record_type,
                    record_id,
                    household_id,
                    e.field,
                    e.base,
                    e.value,
                    None,
                    base_revision,
                )
                for e in edits
            ]
            self._outcome(
                i,
                "record.update",
                record_type,
                record_id,
                "conflict",
                conflicts=ids,
                fields=[e.field for e in edits],
            )
            return
        result = merge_fields(row.data, edits)
        if result.applied:
            registry.set_fields(self.s, row, result.applied, self.seq.next())
            self.provenance.note(
                record_type, household_id, record_id, result.applied, self.origin[EDITED]
            )
            if record_type == "member" and {"id_number", "present"} & set(result.applied):
                self.people.append((i, "record.update", household_id, row.data))
        ids = [
            self._conflict(
                "field",
                record_type,
                record_id,
                household_id,
                c.field,
                c.base,
                c.device,
                c.server,
                base_revision,
            )
            for c in result.conflicts
        ]
        self._outcome(
            i,
            "record.update",
            record_type,
            record_id,
            result.outcome,
            fields=sorted(result.applied),
            conflicts=ids,
        )

    def _delete(self, i: int, record: RecordDelete) -> None:
        row = registry.get_record(self.s, record.record_type, record.household_id, record.record_id)
        if row is None or registry.is_deleted(row):
            self._outcome(i, "record.delete", record.record_type, record.record_id, "unchanged")
            return
        if row.revision > max(
            record.base_revision, 1
        ):  # changed at the county since the device saw it
            cid = self._conflict(
                "delete",
                record.record_type,
                record.record_id,
                record.household_id,
                "*",
                None,
                None,
                row.data,
                record.base_revision,
            )
            self._outcome(
                i,
                "record.delete",
                record.record_type,
                record.record_id,
                "conflict",
                conflicts=[cid],
            )
            return
        registry.delete_part(self.s, row, self.seq.next())  # type: ignore[arg-type]
        self.provenance.whole(
            record.record_type, record.household_id, record.record_id, self.origin[DELETED]
        )
        self._outcome(i, "record.delete", record.record_type, record.record_id, "deleted")

    def flush_visits(self) -> None:
        """Insert buffered visits in one statement (on conflict do nothing) and update their households."""
        if not self.pending_visits:
            return
        self.flush_creates()
        rows = []
        for _i, visit in self.pending_visits:
            vid = str(visit["visit_id"])
            rows.append(
                dict(
                    visit_id=vid,
                    household_id=str(visit["household_id"]),
                    village_code=self.c.village_of[str(visit["household_id"])],
                    visit_date=date.fromisoformat(visit["visit_date"]),
                    form_id=visit["form_id"],
                    form_version=visit["form_version"],
                    batch_id=self.c.payload.header.batch_id,
                    device_id=self.c.device.device_id,
                    content_sha256=self.c.visit_hashes[vid],
                    review_status=None,
                    review_comment=None,
                    reviewed_by=None,
                    reviewed_at=None,
                    seq=self.seq.next(),
                    data=self.c.visit_texts[vid],  # the JSON text the checks hashed
                )
            )
        inserted = insert_ignore_many(self.s, VisitRow, rows, json_text=True)
        existing = {
            str(v["household_id"])
            for _i, v in self.pending_visits
            if str(v["visit_id"]) in inserted and str(v["household_id"]) not in self.derived
        }
        if existing:
            households = {
                h.household_id: h
                for h in self.s.execute(
                    select(HouseholdRow).where(HouseholdRow.household_id.in_(sorted(existing)))
                ).scalars()
            }
            for _i, visit in self.pending_visits:
                if str(visit["visit_id"]) in inserted and str(visit["household_id"]) in households:
                    apply_visit_to_household(households[str(visit["household_id"])], visit)
        for i, visit in self.pending_visits:
            vid = str(visit["visit_id"])
            self._outcome(i, "visit", "visit", vid, "created" if vid in inserted else "unchanged")
        self.pending_visits = []

    def _member_change(self, i: int, change: dict[str, Any]) -> None:
        household = self._household(str(change["household_id"]))
        inserted = insert_ignore(
            self.s,
            MemberChangeRow,
            dict(
                change_id=str(change["change_id"]),
                household_id=household.household_id,
                village_code=household.village_code,
                batch_id=self.c.payload.header.batch_id,
                seq=self.seq.next(),
                data=change,
            ),
        )
        self._outcome(
            i,
            "member_change",
            "member_change",
            str(change["change_id"]),
            "created" if inserted else "unchanged",
        )

    def check_people(self) -> None:
        """Refuse the batch when it leaves one person (ID number) present in two households.

        Checked on the county's state after the batch, inside its transaction, so a person who
        moves — marked not present in one household and added to another in the same batch —
        passes, whatever the order of the two records. Only numbers the batch added or changed
        are looked up, so a visits-only batch costs nothing here.
        """
        wanted: dict[str, tuple[int, str]] = {}
        for i, kind, _hid, member in self.people:
            number = member.get("id_number")
            if (
                isinstance(number, str)
                and number
                and member.get("present", True) is not False
                and not member.get("deleted")
            ):
                wanted.setdefault(number.upper(), (i, kind))
        if not wanted:
            return
        homes = registry.households_of_people(self.s, set(wanted))
        for number, (i, kind) in sorted(wanted.items(), key=lambda item: item[1][0]):
            if len(homes.get(number, ())) > 1:
                raise refused_record(
                    RecordRefused(i, kind, "duplicate_person", 409, DUPLICATE_PERSON)
                )

    def _conflict(
        self,
        kind: str,
        record_type: str,
        record_id: str,
        household_id: str,
        field_name: str,
        base: Any,
        device_value: Any,
        server_value: Any,
        base_revision: int,
    ) -> str:
        cid = str(uuid.uuid4())
        household = self._household(household_id)
        conflict = ConflictRow(
            conflict_id=cid,
            kind=kind,
            batch_id=self.c.payload.header.batch_id,
            device_id=self.c.device.device_id,
            user_id=self.c.principal.user_id,
            record_type=record_type,
            record_id=record_id,
            household_id=household_id,
            village_code=household.village_code,
            field=field_name,
            base_value=base,
            device_value=device_value,
            server_value=server_value,
            base_revision=base_revision,
            status="open",
            created_at=self.now,
        )
        source = self.provenance.source_of(kind, record_type, household_id, record_id, field_name)
        file_with(conflict, source)
        self.s.add(conflict)
        label = FIELD_LABELS.get(field_name, Text(field_name, field_name))
        # Say who else changed it when the server knows: another laptop's sync is not "the county".
        elsewhere = (
            Text("另一台笔记本同步的修改", "another laptop's sync")
            if source is not None
            and source.device_id
            and source.device_id != self.c.device.device_id
            else Text("县里的修改", "the county")
        )
        self.s.add(
            Notice(
                seq=self.seq.next(),
                device_id=self.c.device.device_id,
                village_code=None,
                kind="conflict",
                household_id=household_id,
                ref=cid,
                created_at=self.now,
                text_zh=f"户{household.household_no}的“{label.zh}”与{elsewhere.zh}冲突，两边的值都已保留，等待县里处理",
                text_en=f"household {household.household_no}: '{label.en}' was also changed by "
                f"{elsewhere.en}; both values are kept for the county to resolve",
                data={
                    "conflict_id": cid,
                    "record_type": record_type,
                    "record_id": record_id,
                    "field": field_name,
                    "kind": kind,
                },
            )
        )
        return cid
