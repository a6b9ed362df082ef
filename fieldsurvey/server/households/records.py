"""Rows of the county registry ↔ the dict shapes of ``core.records``.

Ingest, roster import, conflict resolution and the feed all read and write households and their
parts through these functions, so derived columns (village, status, flags, member count) are
computed in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from fieldsurvey.core.records import NESTED
from fieldsurvey.server.db.models import (
    ConflictRow,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    PartRow,
    Tombstone,
    VisitRow,
)
from fieldsurvey.server.db.sealed_columns import cipher_of
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households.flags import ALL_UNKNOWN, flags_of
from fieldsurvey.sync.recordtypes import NESTED_OF, RECORD_TYPES

MONITORED_TYPES = ("unstable", "edge", "sudden_hardship")
RecordRow = HouseholdRow | MemberRow | PartRow
# Columns a new household has before any visit or assessment (overridden by ``derived``).
DERIVED_DEFAULTS: dict[str, Any] = {
    "flag_bits": 0,
    "last_visit_date": None,
    "fail_bits": 0,
    "unknown_bits": ALL_UNKNOWN,
    "assessed_on": None,
}


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


def insert_households(
    session: Session,
    households: list[dict[str, Any]],
    seq: SeqAllocator,
    derived: dict[str, dict[str, Any]] | None = None,
) -> None:
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
    part_keys = [
        (record_type, key, RECORD_TYPES[record_type].id_field)
        for record_type, key in NESTED_OF.items()
        if record_type != "member"
    ]
    for data in households:
        s = seq.next()
        village = str(data["division_code"])
        hid = data["household_id"]
        household_members = data.get("members") or []
        present = sum(1 for m in household_members if m.get("present", True))
        rows.append(
            {
                "household_id": hid,
                "revision": 1,
                "seq": s,
                "deleted": False,
                "member_count": present,
                "data": _scalar_fields("household", data),
                **household_columns(data),
                **DERIVED_DEFAULTS,
                **derived.get(hid, {}),
            }
        )
        for position, m in enumerate(household_members):
            members.append(
                {
                    "member_id": m["member_id"],
                    "household_id": hid,
                    "village_code": village,
                    "deleted": False,
                    "present": bool(m.get("present", True)),
                    "revision": 1,
                    "seq": s,
                    "position": position,
                    "data": _scalar_fields("member", m),
                    "id_index": m.get("id_number"),
                }
            )  # hashed by its type
        for record_type, key, id_field in part_keys:
            for position, part in enumerate(data.get(key) or []):
                parts.append(
                    {
                        "household_id": hid,
                        "part_type": record_type,
                        "part_id": str(part.get(id_field)),
                        "village_code": village,
                        "revision": 1,
                        "seq": s,
                        "deleted": False,
                        "position": position,
                        "data": _scalar_fields(record_type, part),
                    }
                )
    for model, values in ((HouseholdRow, rows), (MemberRow, members), (PartRow, parts)):
        if values:
            session.execute(insert(model.__table__), values)


def _next_position(session: Session, household_id: str, record_type: str) -> int:
    """After the household's last member (or part of this kind), as a laptop appends a new one."""
    if record_type == "member":
        stmt = select(func.max(MemberRow.position)).where(MemberRow.household_id == household_id)
    else:
        stmt = select(func.max(PartRow.position)).where(
            PartRow.household_id == household_id, PartRow.part_type == record_type
        )
    last = session.execute(stmt).scalar()
    return 0 if last is None else int(last) + 1


def insert_part(
    session: Session, household: HouseholdRow, record_type: str, record: dict[str, Any], s: int
) -> RecordRow:
    data = _scalar_fields(record_type, record)
    session.flush()  # parts added earlier in this batch count for the position
    position = _next_position(session, household.household_id, record_type)
    if record_type == "member":
        part: RecordRow = MemberRow(
            member_id=record["member_id"],
            household_id=household.household_id,
            village_code=household.village_code,
            present=bool(data.get("present", True)),
            revision=1,
            seq=s,
            deleted=False,
            position=position,
            data=data,
        )
    else:
        part = PartRow(
            household_id=household.household_id,
            part_type=record_type,
            part_id=record_id_of(record_type, record),
            village_code=household.village_code,
            revision=1,
            seq=s,
            deleted=False,
            position=position,
            data=data,
        )
    session.add(part)
    return part


def get_record(
    session: Session, record_type: str, household_id: str, record_id: str
) -> RecordRow | None:
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
        old_village = row.village_code
        refresh_household_columns(row)
        if row.village_code != old_village:
            _moved(session, row, old_village, s)
    elif isinstance(row, MemberRow):
        row.present = bool(data.get("present", True))
        if "present" in values:
            recount_members(session, row.household_id)


def _moved(session: Session, row: HouseholdRow, old_village: str, s: int) -> None:
    """A household the county moved to another village (only county staff can: a device may not edit
    ``division_code``). Everything that belongs to it follows, with this change number, so the new
    village's devices receive it whole; the old village's devices receive a household tombstone
    and erase their copy, since who may see a household is decided by its village."""
    hid, village = row.household_id, row.village_code
    for model in (MemberRow, PartRow, VisitRow, MemberChangeRow):
        session.execute(
            update(model).where(model.household_id == hid).values(village_code=village, seq=s)
        )
    for model in (Tombstone, ConflictRow):
        session.execute(update(model).where(model.household_id == hid).values(village_code=village))
    session.add(
        Tombstone(
            record_type="household",
            record_id=hid,
            household_id=hid,
            village_code=old_village,
            seq=s,
            deleted_at=datetime.now(UTC),
        )
    )


def recount_members(session: Session, household_id: str) -> None:
    session.flush()
    household = session.get(HouseholdRow, household_id)
    if household is not None:
        household.member_count = session.execute(
            select(func.count())
            .select_from(MemberRow)
            .where(
                MemberRow.household_id == household_id,
                MemberRow.present,
                MemberRow.deleted.is_(False),
            )
        ).scalar_one()


def delete_part(session: Session, row: MemberRow | PartRow, s: int) -> None:
    """Hide a member, helper, measure or income and leave a tombstone for the devices."""
    row.deleted = True
    row.revision += 1
    row.seq = s
    record_type, record_id = (
        ("member", row.member_id) if isinstance(row, MemberRow) else (row.part_type, row.part_id)
    )
    session.add(
        Tombstone(
            record_type=record_type,
            record_id=record_id,
            household_id=row.household_id,
            village_code=row.village_code,
            seq=s,
            deleted_at=datetime.now(UTC),
        )
    )
    if isinstance(row, MemberRow):
        row.present = False
        recount_members(session, row.household_id)


def _people_query() -> Any:
    """Present members of live households, by the keyed index of their ID numbers (a member who
    left does not count). The ID numbers themselves are sealed with the record: never read here."""
    return (
        select(MemberRow.id_index, MemberRow.household_id)
        .join(HouseholdRow, HouseholdRow.household_id == MemberRow.household_id)
        .where(
            MemberRow.present,
            MemberRow.deleted.is_(False),
            HouseholdRow.deleted.is_(False),
            MemberRow.id_index.is_not(None),
        )
    )


def id_index_of(session: Session) -> Callable[[str], str]:
    """The county's keyed index of an ID number (case and full-width forms normalised)."""
    return cipher_of(session.get_bind().dialect).index


def people_homes(session: Session) -> dict[str, str]:
    """Every person in the county: the index of their ID number (``id_index_of``) → a household
    where they are present.

    One pass over the members' index column, for an import that checks thousands of people at once.
    """
    homes: dict[str, str] = {}
    for index, household_id in session.execute(_people_query()):
        homes.setdefault(str(index), household_id)
    return homes


def households_of_people(session: Session, id_numbers: set[str]) -> dict[str, set[str]]:
    """ID number (as given) → the live households where a present member carries it.

    A person is in one household at a time: a member who left (``present`` false) or was removed
    as a mistake no longer counts, so a move between households is allowed. Looked up through the
    index (the ``BlindIndex`` type hashes the numbers bound to the query), so nothing is decrypted.
    """
    index = id_index_of(session)
    number_of: dict[str, list[str]] = {}
    for number in id_numbers:
        number_of.setdefault(index(number), []).append(number)
    homes: dict[str, set[str]] = {}
    wanted = sorted(id_numbers)
    for start in range(0, len(wanted), 500):
        query = _people_query().where(MemberRow.id_index.in_(wanted[start : start + 500]))
        for found, household_id in session.execute(query):
            for number in number_of.get(str(found), ()):
                homes.setdefault(number, set()).add(household_id)
    return homes


def full_household(session: Session, row: HouseholdRow) -> dict[str, Any]:
    """The household in ``core.records`` shape, members and parts inline (for staff screens)."""
    data = dict(row.data)
    data["revision"] = row.revision
    members = session.execute(
        select(MemberRow)
        .where(MemberRow.household_id == row.household_id, MemberRow.deleted.is_(False))
        .order_by(MemberRow.position, MemberRow.member_id)
    ).scalars()
    data["members"] = [dict(m.data, revision=m.revision) for m in members]
    parts = session.execute(
        select(PartRow)
        .where(PartRow.household_id == row.household_id, PartRow.deleted.is_(False))
        .order_by(PartRow.part_type, PartRow.position, PartRow.part_id)
    ).scalars()
    for key in ("helpers", "measures", "incomes"):
        data[key] = []
    for p in parts:
        data[NESTED_OF[p.part_type]].append(dict(p.data))
    return data


def household_summary(r: HouseholdRow) -> dict[str, Any]:
    """The household's indexed columns, as the household route shows them beside the full record."""
    return {
        "household_id": r.household_id,
        "household_no": r.household_no,
        "village_code": r.village_code,
        "status": r.status,
        "household_type": r.household_type,
        "poverty_category": r.poverty_category,
        "monitored": r.monitored,
        "flags": flags_of(r.flag_bits),
        "last_visit_date": r.last_visit_date.isoformat() if r.last_visit_date else None,
        "member_count": r.member_count,
        "revision": r.revision,
    }
