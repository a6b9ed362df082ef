"""Which household and village every record of a batch belongs to, decided from the county's rows.

A batch names, beside each record, the household it belongs to. That is the sender's claim, not
a fact: a member id, a helper, a visit id or a household id may already be on the county under
another household, in a village the sending device is not assigned to. So each record is judged
by its *own* current row on the county — the member's household, the visit's household, the
household's village — and the batch is refused, whole, when any record:

- belongs (by its own row) to a village the device's user may not touch — except an update (any
  record but a ``household.create``) to a village the county took from the user and this device
  has not yet drained (``drain.py``): the laptop's work from before it heard of the removal;
- is on the county under another household than the one the batch names beside it;
- creates a household whose id or household number the county already has, in any village —
  except a resend of a household this same user created, in the same village, with the same
  number (a laptop resends a create when the answer to its first upload was lost);
- creates a record whose id the batch or the county already holds under another household.

Records created earlier in the same batch count as the county's own rows for the records after
them (a new household's visit, a new member's member change). Moving a household between
villages is refused elsewhere: ``division_code`` and ``household_no`` are locked fields.

Refusals name the record by position and kind and say why; never a value, never the village or
household the record really belongs to (that would tell the sender where a person lives).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from fieldsurvey.core.text import Text
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import (
    BatchRow,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    PartRow,
    VisitRow,
)
from fieldsurvey.sync.recordtypes import NESTED_OF, RECORD_TYPES
from fieldsurvey.sync.schema import (
    BatchPayload,
    HouseholdCreate,
    MemberChangeRecord,
    RecordCreate,
    RecordDelete,
    RecordUpdate,
    VisitRecord,
)

CHUNK = 500  # ids per IN (…) list
Placed = dict[str, tuple[str, str]]  # a member's, visit's or change's id → (household, village)


class RecordRefused(Exception):
    """One record may not be applied: (position from 0, kind, code, HTTP status, reason)."""

    def __init__(self, i: int, kind: str, code: str, status: int, why: Text) -> None:
        super().__init__(why.en)
        self.i, self.kind, self.code, self.status, self.why = i, kind, code, status, why


NOT_ASSIGNED = Text(
    "该记录在县里属于本设备未负责的村",
    "on the county the record belongs to a village this device is not assigned to",
)
NOT_THERE = Text(
    "该记录在县里不属于批次所写的户",
    "on the county the record does not belong to the household the batch names",
)
NOT_ON_COUNTY = Text("修改的对象在县里不存在", "the record it edits is not on the county")
VISIT_TAKEN = Text(
    "县里已有这个走访编码，属于另一户",
    "the county already has this visit id, for another household",
)
CHANGE_TAKEN = Text(
    "县里已有这个人员变更编码，属于另一户",
    "the county already has this member change id, for another household",
)


@dataclass
class Owners:
    """What the checks learned, for the apply step."""

    households: dict[str, HouseholdRow] = field(
        default_factory=dict
    )  # existing households the batch names
    village_of: dict[str, str] = field(
        default_factory=dict
    )  # household id → village (existing or created here)
    resent: set[str] = field(
        default_factory=set
    )  # creates that are resends of this user's own households
    drained: set[str] = field(
        default_factory=set
    )  # removed villages the batch delivers updates to (drain.py)


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _part_key(record_type: str, household_id: str, record: dict[str, Any]) -> tuple[str, str, str]:
    return household_id, record_type, str(record.get(RECORD_TYPES[record_type].id_field))


def _nested(household: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The records a new household carries under ``key`` (members, helpers …).

    Ownership is decided before each record's own checks, so a malformed household (``members``
    a number, ``true``, a string) must pass through here untouched and be refused by those
    checks, not crash the ingest (a 500 over HTTP).
    """
    value = household.get(key)
    return [part for part in value if isinstance(part, dict)] if isinstance(value, list) else []


class _County:
    """The county's rows for every id a batch names, read in a few queries."""

    def __init__(self, session: Session, payload: BatchPayload) -> None:
        household_ids: set[str] = set()
        numbers: set[str] = set()
        member_ids: set[str] = set()
        part_keys: set[tuple[str, str, str]] = set()
        visit_ids: set[str] = set()
        change_ids: set[str] = set()
        for r in payload.records:
            if isinstance(r, HouseholdCreate):
                hid = str(r.household.get("household_id"))
                household_ids.add(hid)
                numbers.add(str(r.household.get("household_no")))
                member_ids.update(str(m.get("member_id")) for m in _nested(r.household, "members"))
            elif isinstance(r, RecordCreate | RecordUpdate | RecordDelete):
                household_ids.add(r.household_id)
                rid = (
                    r.record.get(RECORD_TYPES[r.record_type].id_field)
                    if isinstance(r, RecordCreate)
                    else r.record_id
                )
                if r.record_type == "household":
                    household_ids.add(str(rid))
                elif r.record_type == "member":
                    member_ids.add(str(rid))
                else:
                    part_keys.add((r.household_id, r.record_type, str(rid)))
            elif isinstance(r, VisitRecord):
                household_ids.add(str(r.visit.get("household_id")))
                visit_ids.add(str(r.visit.get("visit_id")))
            elif isinstance(r, MemberChangeRecord):
                household_ids.add(str(r.change.get("household_id")))
                member_ids.add(str(r.change.get("member_id")))
                change_ids.add(str(r.change.get("change_id")))
        self.households: dict[str, HouseholdRow] = {}
        for ids in _chunks(household_ids):
            self.households.update(
                (h.household_id, h)
                for h in session.execute(
                    select(HouseholdRow).where(HouseholdRow.household_id.in_(ids))
                ).scalars()
            )
        self.numbered: dict[str, set[str]] = {}  # household number → ids of households holding it
        for nos in _chunks(numbers):
            for no, hid in session.execute(
                select(HouseholdRow.household_no, HouseholdRow.household_id).where(
                    HouseholdRow.household_no.in_(nos)
                )
            ):
                self.numbered.setdefault(no, set()).add(hid)
        self.members = _placed(session, MemberRow, MemberRow.member_id, member_ids)
        self.parts: dict[tuple[str, str, str], str] = {}  # (household id, type, id) → village
        for keys in _chunks(part_keys):
            for hid, ptype, pid, village in session.execute(
                select(
                    PartRow.household_id, PartRow.part_type, PartRow.part_id, PartRow.village_code
                ).where(tuple_(PartRow.household_id, PartRow.part_type, PartRow.part_id).in_(keys))
            ):
                self.parts[(hid, ptype, pid)] = village
        self.visits = _placed(session, VisitRow, VisitRow.visit_id, visit_ids)
        self.changes = _placed(session, MemberChangeRow, MemberChangeRow.change_id, change_ids)


def _placed(session: Session, model: Any, key: Any, ids: set[str]) -> Placed:
    """Where the county's rows with these ids are: id → (household id, village), in chunks."""
    out: Placed = {}
    for chunk in _chunks(ids):
        for rid, hid, village in session.execute(
            select(key, model.household_id, model.village_code).where(key.in_(chunk))
        ):
            out[rid] = (hid, village)
    return out


def created_by(session: Session, user_id: str, household_ids: set[str]) -> set[str]:
    """Which of these households a batch of this user created on the county (from the batch rows).

    Read only when a create names a household the county already has, which for an honest laptop
    is a resend after a lost answer: rare, and bounded by the user's own batches.
    """
    found: set[str] = set()
    rows = session.execute(
        select(BatchRow.result).where(BatchRow.user_id == user_id, BatchRow.status != "applying")
    )
    for (result,) in rows:
        for o in (result or {}).get("outcomes", []):
            if (
                o.get("kind") == "household.create"
                and o.get("outcome") == "created"
                and o.get("record_id") in household_ids
            ):
                found.add(str(o["record_id"]))
        if found == household_ids:
            break
    return found


def check_ownership(session: Session, payload: BatchPayload, who: Principal, county: str) -> Owners:
    """Judge every record by its own row on the county; raises ``RecordRefused`` at the first bad one."""
    rows = _County(session, payload)
    judge = _Judge(rows, who, county)
    for i, r in enumerate(payload.records):
        judge.record(i, r)
    if (
        judge.collisions
    ):  # creates of households the county has: allowed only as this user's own resends
        mine = created_by(session, who.user_id, set(judge.collisions))
        for hid, (i, kind) in judge.collisions.items():
            if hid not in mine:
                raise RecordRefused(i, kind, "household_exists", 409, HOUSEHOLD_EXISTS)
    owners = Owners(
        households={hid: row for hid, row in rows.households.items()}, resent=set(judge.collisions)
    )
    owners.village_of.update({hid: row.village_code for hid, row in rows.households.items()})
    owners.village_of.update(judge.created)
    owners.drained.update(judge.drained)
    return owners


HOUSEHOLD_EXISTS = Text(
    "县里已有这个户（户的编码相同），不能再新建；修改请在该户上进行",
    "the county already has a household with this id; a new household needs a new id",
)


class _Judge:
    def __init__(self, rows: _County, who: Principal, county: str) -> None:
        self.rows, self.who, self.county = rows, who, county
        self.created: dict[str, str] = {}  # household id → village, created earlier in this batch
        self.created_numbers: set[str] = set()
        self.created_members: dict[str, str] = {}  # member id → household id, created in this batch
        self.created_parts: set[tuple[str, str, str]] = set()
        self.created_visits: dict[str, str] = {}  # visit id → household id
        self.created_changes: dict[str, str] = {}  # change id → household id
        self.collisions: dict[
            str, tuple[int, str]
        ] = {}  # household id → (position, kind) of a possible resend
        self.may_drain = (
            False  # the record at hand is an update a draining device may still deliver
        )
        self.drained: set[str] = (
            set()
        )  # removed villages whose records the batch updates (drain.py)

    # -- helpers -------------------------------------------------------------------------------
    def _refuse(self, i: int, kind: str, code: str, status: int, why: Text) -> RecordRefused:
        return RecordRefused(i, kind, code, status, why)

    def _touchable(self, i: int, kind: str, village: str) -> None:
        if self.who.may_touch(village):
            return
        if self.may_drain and self.who.may_drain(
            village
        ):  # pending work for a village just taken away
            self.drained.add(village)
            return
        raise self._refuse(i, kind, "village_not_assigned", 403, NOT_ASSIGNED)

    def _household_village(self, i: int, kind: str, household_id: str) -> str:
        """The village of the household a record names: its own row, or its create earlier in the batch."""
        if household_id in self.created:
            return self.created[household_id]
        row = self.rows.households.get(household_id)
        if row is None:
            raise self._refuse(
                i,
                kind,
                "unknown_household",
                422,
                Text(
                    "批次引用了县里没有的户",
                    "the batch refers to a household the county does not have",
                ),
            )
        self._touchable(i, kind, row.village_code)
        return row.village_code

    def _member_home(self, i: int, kind: str, member_id: str) -> str | None:
        """The household a member belongs to on the county (or in this batch); None when unknown."""
        if member_id in self.created_members:
            return self.created_members[member_id]
        known = self.rows.members.get(member_id)
        if known is None:
            return None
        home, village = known
        self._touchable(i, kind, village)
        home_row = self.rows.households.get(home)
        if home_row is not None:
            self._touchable(i, kind, home_row.village_code)
        else:  # not named by the batch: its village is the member row's (checked above)
            pass
        return home

    def _claim(
        self, i: int, kind: str, rid: str, hid: str, rows: Placed, batch: dict[str, str], why: Text
    ) -> None:
        """A visit or member change id ``rid`` for household ``hid``: where the county has the id,
        its own row's village must be one the caller may touch and its household ``hid``; where an
        earlier record of the batch used it, the same household. Otherwise ``why`` refuses it."""
        known = rows.get(rid)
        home = batch.get(rid)
        if known is not None:
            self._touchable(i, kind, known[1])
            home = known[0]
        if home is not None and home != hid:
            raise self._refuse(i, kind, "record_exists", 409, why)
        batch[rid] = hid

    # -- records ---------------------------------------------------------------------------------
    def record(self, i: int, r: Any) -> None:
        # During a drain a device delivers updates to what the county has: never a new household
        # (nor, through one, anything else), so a removed village gains nothing but that work.
        self.may_drain = not isinstance(r, HouseholdCreate)
        if isinstance(r, HouseholdCreate):
            self._household_create(i, r.household)
        elif isinstance(r, RecordCreate):
            self._record_create(i, r)
        elif isinstance(r, RecordUpdate | RecordDelete):
            self._record_change(i, r)
        elif isinstance(r, VisitRecord):
            self._visit(i, r.visit)
        elif isinstance(r, MemberChangeRecord):
            self._member_change(i, r.change)

    def _household_create(self, i: int, h: dict[str, Any]) -> None:
        kind = "household.create"
        hid, village, no = (
            str(h.get("household_id")),
            str(h.get("division_code")),
            str(h.get("household_no")),
        )
        if not village.startswith(self.county) or len(village) != 12:
            raise self._refuse(
                i,
                kind,
                "bad_village",
                422,
                Text("行政区划不属于本县", "the village is not in this county"),
            )
        self._touchable(i, kind, village)
        if hid in self.created or no in self.created_numbers:
            raise self._refuse(
                i,
                kind,
                "duplicate_create",
                422,
                Text(
                    "批次把同一户（同一编码或户编号）新建了两次",
                    "the batch creates the same household (id or number) twice",
                ),
            )
        existing = self.rows.households.get(hid)
        if existing is not None:
            # Only a resend of this user's own create: same village (one it may touch), same number.
            if (
                existing.village_code != village
                or existing.household_no != no
                or not self.who.may_touch(existing.village_code)
            ):
                raise self._refuse(i, kind, "household_exists", 409, HOUSEHOLD_EXISTS)
            self.collisions[hid] = (i, kind)
        if self.rows.numbered.get(no, set()) - {hid}:
            raise self._refuse(
                i,
                kind,
                "household_no_exists",
                409,
                Text(
                    "县里已有这个户编号的户，不能再新建",
                    "the county already has a household with this number",
                ),
            )
        for record_type, key in NESTED_OF.items():
            for part in _nested(h, key):
                self._new_part(i, kind, record_type, hid, part)
        self.created[hid] = village
        self.created_numbers.add(no)

    def _new_part(
        self, i: int, kind: str, record_type: str, household_id: str, record: dict[str, Any]
    ) -> None:
        """A member, helper, measure or income created in ``household_id`` (new, or resent there)."""
        if record_type == "member":
            mid = str(record.get("member_id"))
            home = self._member_home(i, kind, mid)
            if home is not None and home != household_id:
                raise self._refuse(
                    i,
                    kind,
                    "record_exists",
                    409,
                    Text(
                        "县里已有这个成员编码，属于另一户",
                        "the county already has this member id, in another household",
                    ),
                )
            self.created_members[mid] = household_id
            return
        key = _part_key(record_type, household_id, record)
        if key in self.rows.parts:
            self._touchable(i, kind, self.rows.parts[key])
        self.created_parts.add(key)

    def _record_create(self, i: int, r: RecordCreate) -> None:
        self._household_village(i, r.kind, r.household_id)
        self._new_part(i, r.kind, r.record_type, r.household_id, r.record)

    def _record_change(self, i: int, r: RecordUpdate | RecordDelete) -> None:
        kind = r.kind
        if r.record_type == "household":
            if r.record_id != r.household_id:
                raise self._refuse(i, kind, "record_mismatch", 422, NOT_THERE)
            village = self._household_village(i, kind, r.record_id)
            self._touchable(i, kind, village)
            return
        self._household_village(i, kind, r.household_id)
        if r.record_type == "member":
            home = self._member_home(i, kind, r.record_id)
            if home is None:
                if isinstance(r, RecordUpdate):
                    raise self._refuse(i, kind, "unknown_record", 422, NOT_ON_COUNTY)
                return  # deleting what the county never had: nothing to do (see ingest)
            if home != r.household_id:
                raise self._refuse(i, kind, "record_mismatch", 422, NOT_THERE)
            return
        key = (r.household_id, r.record_type, r.record_id)
        if key in self.rows.parts:
            self._touchable(i, kind, self.rows.parts[key])
        elif key not in self.created_parts and isinstance(r, RecordUpdate):
            raise self._refuse(i, kind, "unknown_record", 422, NOT_ON_COUNTY)

    def _visit(self, i: int, visit: dict[str, Any]) -> None:
        kind = "visit"
        hid, vid = str(visit.get("household_id")), str(visit.get("visit_id"))
        self._household_village(i, kind, hid)
        self._claim(i, kind, vid, hid, self.rows.visits, self.created_visits, VISIT_TAKEN)

    def _member_change(self, i: int, change: dict[str, Any]) -> None:
        kind = "member_change"
        hid, mid, cid = (
            str(change.get("household_id")),
            str(change.get("member_id")),
            str(change.get("change_id")),
        )
        self._household_village(i, kind, hid)
        home = self._member_home(i, kind, mid)
        if home is None:
            raise self._refuse(
                i,
                kind,
                "unknown_record",
                422,
                Text(
                    "人员变更所指的成员在县里不存在",
                    "the member the change is about is not on the county",
                ),
            )
        if home != hid:
            raise self._refuse(i, kind, "record_mismatch", 422, NOT_THERE)
        self._claim(i, kind, cid, hid, self.rows.changes, self.created_changes, CHANGE_TAKEN)
