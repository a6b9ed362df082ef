"""Rows of the county registry ↔ the dict shapes of ``core.records``.

Ingest, roster import, conflict resolution and the feed all read and write households and their
parts through these functions, so derived columns (village, status, flags, member count) are
computed in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from fieldsurvey.core.records import NESTED
from fieldsurvey.sync.recordtypes import NESTED_OF, RECORD_TYPES
from fieldsurvey.sync.server.flags import ALL_UNKNOWN
from fieldsurvey.sync.server.models import HouseholdRow, MemberRow, PartRow, Tombstone
from fieldsurvey.sync.server.seq import SeqAllocator

MONITORED_TYPES = ("unstable", "edge", "sudden_hardship")
RecordRow = HouseholdRow | MemberRow | PartRow
# Columns a new household has before any visit or assessment (overridden by ``derived``).
DERIVED_DEFAULTS: dict[str, Any] = {"flag_bits": 0, "last_visit_date": None, "fail_bits": 0, "unknown_bits": ALL_UNKNOWN,
                                    "assessed_on": None}


def record_id_of(record_type: str, record: dict[str, Any]) -> str:
    return str(record.get(RECORD_TYPES[record_type].id_field))


_SKIP = {"household": frozenset({"revision", *NESTED})}
_SKIP_REVISION = frozenset({"revision"})


def _scalar_fields(record_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the JSON column keeps: the record without its revision (a household without its parts).

    A part without a revision key (as devices send new ones) is returned as is rather than
    copied: record dicts are never changed in place here (``set_fields`` writes a new dict).
    """
    skip = _SKIP.get(record_type, _SKIP_REVISION)
    if skip is _SKIP_REVISION and "revision" not in data:
        return data
    return {k: v for k, v in data.items() if k not in skip}


def household_columns(d: dict[str, Any]) -> dict[str, Any]:
    """The indexed columns a household's record implies (one place for ORM and bulk writes)."""
    household_type = d.get("household_type")
    return {
        "village_code": str(d.get("division_code")),
        "household_no": str(d.get("household_no")),
        "status": d.get("status"),
        "household_type": household_type,
        "poverty_category": d.get("poverty_category"),
        "registered_poor": bool(d.get("registered_poor", True)),
        "monitored": household_type in MONITORED_TYPES and not d.get("risk_cleared"),
        "updated_at": datetime.now(UTC),
    }


def refresh_household_columns(row: HouseholdRow) -> None:
    for name, value in household_columns(row.data).items():
        setattr(row, name, value)


def insert_households(session: Session, households: list[dict[str, Any]], seq: SeqAllocator,
                      derived: dict[str, dict[str, Any]] | None = None) -> None:
    """New households with their members, helpers, measures and incomes, all at revision 1.

    Written with one Core executemany per table (the ORM's bulk path costs more than the rows):
    a batch of 200 households is ~1,000 rows. ``derived`` gives columns known up front (last
    visit date, flags and assessment bits from visits in the same batch or from an import), so a
    new household is not updated right after it is written. Every row has the same keys, as
    executemany needs; the defaults are the columns' own.
    """
    derived = derived or {}
    rows: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    part_keys = [(record_type, key, RECORD_TYPES[record_type].id_field) for record_type, key in NESTED_OF.items() if record_type != "member"]
    for data in households:
        s = seq.next()
        village = str(data["division_code"])
        hid = data["household_id"]
        household_members = data.get("members") or []
        present = sum(1 for m in household_members if m.get("present", True))
        rows.append({"household_id": hid, "revision": 1, "seq": s, "deleted": False, "member_count": present,
                     "data": _scalar_fields("household", data), **household_columns(data), **DERIVED_DEFAULTS,
                     **derived.get(hid, {})})
        for position, m in enumerate(household_members):
            members.append({"member_id": m["member_id"], "household_id": hid, "village_code": village, "deleted": False,
                            "present": bool(m.get("present", True)), "revision": 1, "seq": s, "position": position,
                            "data": _scalar_fields("member", m), "id_index": m.get("id_number")})  # hashed by its type
        for record_type, key, id_field in part_keys:
            for position, part in enumerate(data.get(key) or []):
                parts.append({"household_id": hid, "part_type": record_type, "part_id": str(part.get(id_field)),
                              "village_code": village, "revision": 1, "seq": s, "deleted": False, "position": position,
                              "data": _scalar_fields(record_type, part)})
    for model, values in ((HouseholdRow, rows), (MemberRow, members), (PartRow, parts)):
        if values:
            session.execute(insert(model.__table__), values)


def _next_position(session: Session, household_id: str, record_type: str) -> int:
    """After the household's last member (or part of this kind), as a laptop appends a new one."""
    if record_type == "member":
        stmt = select(func.max(MemberRow.position)).where(MemberRow.household_id == household_id)
    else:
        stmt = select(func.max(PartRow.position)).where(PartRow.household_id == household_id, PartRow.part_type == record_type)
    last = session.execute(stmt).scalar()
    return 0 if last is None else int(last) + 1


def insert_part(session: Session, household: HouseholdRow, record_type: str, record: dict[str, Any], s: int) -> RecordRow:
    data = _scalar_fields(record_type, record)
    session.flush()  # parts added earlier in this batch count for the position
    position = _next_position(session, household.household_id, record_type)
    if record_type == "member":
        part: RecordRow = MemberRow(
            member_id=record["member_id"], household_id=household.household_id, village_code=household.village_code,
            present=bool(data.get("present", True)), revision=1, seq=s, deleted=False, position=position, data=data,
        )
    else:
        part = PartRow(
            household_id=household.household_id, part_type=record_type, part_id=record_id_of(record_type, record),
            village_code=household.village_code, revision=1, seq=s, deleted=False, position=position, data=data,
        )
    session.add(part)
    return part


def get_record(session: Session, record_type: str, household_id: str, record_id: str) -> RecordRow | None:
    if record_type == "household":
        return session.get(HouseholdRow, record_id)
    if record_type == "member":
        row = session.get(MemberRow, record_id)
        return row if row is not None and row.household_id == household_id else None
    return session.get(PartRow, (household_id, record_type, record_id))


def is_deleted(row: RecordRow) -> bool:
    return bool(getattr(row, "deleted", False))


def set_fields(session: Session, row: RecordRow, values: dict[str, Any], s: int) -> None:
    """Write changed fields, bump the revision, give the row a new change number."""
    data = dict(row.data)
    data.update(values)
    row.data = data
    row.revision += 1
    row.seq = s
    if isinstance(row, HouseholdRow):
        refresh_household_columns(row)
    elif isinstance(row, MemberRow):
        row.present = bool(data.get("present", True))
        if "present" in values:
            recount_members(session, row.household_id)


def recount_members(session: Session, household_id: str) -> None:
    session.flush()
    household = session.get(HouseholdRow, household_id)
    if household is not None:
        household.member_count = session.execute(
            select(func.count()).select_from(MemberRow).where(
                MemberRow.household_id == household_id, MemberRow.present, MemberRow.deleted.is_(False))
        ).scalar_one()


def delete_part(session: Session, row: MemberRow | PartRow, s: int) -> None:
    """Hide a member, helper, measure or income and leave a tombstone for the devices."""
    row.deleted = True
    row.revision += 1
    row.seq = s
    record_type, record_id = ("member", row.member_id) if isinstance(row, MemberRow) else (row.part_type, row.part_id)
    session.add(
        Tombstone(record_type=record_type, record_id=record_id, household_id=row.household_id,
                  village_code=row.village_code, seq=s, deleted_at=datetime.now(UTC))
    )
    if isinstance(row, MemberRow):
        row.present = False
        recount_members(session, row.household_id)


def full_household(session: Session, row: HouseholdRow) -> dict[str, Any]:
    """The household in ``core.records`` shape, members and parts inline (for staff screens)."""
    data = dict(row.data)
    data["revision"] = row.revision
    members = session.execute(
        select(MemberRow).where(MemberRow.household_id == row.household_id, MemberRow.deleted.is_(False))
        .order_by(MemberRow.position, MemberRow.member_id)
    ).scalars()
    data["members"] = [dict(m.data, revision=m.revision) for m in members]
    parts = session.execute(
        select(PartRow).where(PartRow.household_id == row.household_id, PartRow.deleted.is_(False))
        .order_by(PartRow.part_type, PartRow.position, PartRow.part_id)
    ).scalars()
    for key in ("helpers", "measures", "incomes"):
        data[key] = []
    for p in parts:
        data[NESTED_OF[p.part_type]].append(dict(p.data))
    return data
