"""The household registry on the device: read, write and list households.

Writes go through ``add`` and ``update`` so that every local change lands in the outbox with the
value it replaced; bulk loads (``add_many``) come from the county (roster, demo) and are not
local edits. List screens read ``HouseholdSummary`` rows, a handful of indexed columns, so a
list of 20,000 households costs one query and no decryption of members.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.records import to_dict
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.store import mapping
from fieldsurvey.store.models import (
    HelperRow,
    HouseholdRow,
    IncomeRow,
    MeasureRow,
    MemberChangeRow,
    MemberRow,
)
from fieldsurvey.store.outbox import CREATE, DELETE, UPDATE, track

if TYPE_CHECKING:
    from fieldsurvey.store.bulk import TableRows

CHILD_TABLES = {
    "members": (MemberRow, "member_id", "member"),
    "helpers": (HelperRow, "helper_id", "helper"),
    "measures": (MeasureRow, "measure_id", "measure"),
}


@dataclass(frozen=True, slots=True)
class HouseholdSummary:
    household_id: str
    household_no: str
    division_code: str
    group: str | None
    head_name: str | None
    head_id_number: str | None
    head_initials: str | None
    member_count: int
    status: str
    poverty_category: str | None
    household_type: str | None
    flags: tuple[str, ...]
    flag_bits: int
    last_visit_date: date | None


SUMMARY_COLUMNS = (
    HouseholdRow.household_id,
    HouseholdRow.household_no,
    HouseholdRow.division_code,
    HouseholdRow.group,
    HouseholdRow.head_name,
    HouseholdRow.head_id_number,
    HouseholdRow.head_initials,
    HouseholdRow.member_count,
    HouseholdRow.status,
    HouseholdRow.poverty_category,
    HouseholdRow.household_type,
    HouseholdRow.flags,
    HouseholdRow.flag_bits,
    HouseholdRow.last_visit_date,
)

NOT_FOUND = Text("找不到该户", "household not found")


def _child_rows(h: Household) -> dict[str, list[dict[str, Any]]]:
    hid = h.household_id
    return {
        "members": [mapping.member_row_values(m, hid, i) for i, m in enumerate(h.members)],
        "helpers": [mapping.helper_row_values(x, hid, i) for i, x in enumerate(h.helpers)],
        "measures": [mapping.measure_row_values(x, hid, i) for i, x in enumerate(h.measures)],
        "incomes": [mapping.income_row_values(x, hid) for x in h.incomes],
    }


def _insert_household(session: Session, h: Household, extra: dict[str, Any] | None = None) -> None:
    values = {**mapping.household_row_values(h), "updated_at": datetime.now(), **(extra or {})}
    session.execute(insert(HouseholdRow.__table__), [values])
    _insert_children(session, h)


def _insert_children(session: Session, h: Household) -> None:
    rows = _child_rows(h)
    for key, table in (
        ("members", MemberRow),
        ("helpers", HelperRow),
        ("measures", MeasureRow),
        ("incomes", IncomeRow),
    ):
        if rows[key]:
            session.execute(insert(table.__table__), rows[key])


def _delete_children(session: Session, household_id: str) -> None:
    for table in (MemberRow, HelperRow, MeasureRow, IncomeRow):
        session.execute(delete(table).where(table.household_id == household_id))


def load_household(session: Session, household_id: str) -> Household | None:
    row = session.get(HouseholdRow, household_id)
    if row is None or row.deleted:
        return None
    return _assemble(session, [row])[0]


def _assemble(session: Session, rows: list[HouseholdRow]) -> list[Household]:
    ids = [r.household_id for r in rows]
    children: dict[str, dict[str, list[Any]]] = {
        i: {"members": [], "helpers": [], "measures": [], "incomes": []} for i in ids
    }
    for key, table in (
        ("members", MemberRow),
        ("helpers", HelperRow),
        ("measures", MeasureRow),
        ("incomes", IncomeRow),
    ):
        # Core rows, not ORM instances: a third of the cost, and attribute access works the same.
        t = table.__table__
        for child in session.execute(select(t).where(t.c.household_id.in_(ids))):
            children[child.household_id][key].append(child)
    return [
        mapping.household_from_rows(r, **children[r.household_id])  # type: ignore[arg-type]
        for r in rows
    ]


def _track_changes(session: Session, old: Household, new: Household) -> None:
    hid = new.household_id
    for name in mapping.HOUSEHOLD_COLUMNS:
        if name == "revision":
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            track(
                session,
                record_type="household",
                record_id=hid,
                household_id=hid,
                op=UPDATE,
                field=name,
                base_value=before,
                new_value=after,
                base_revision=old.revision,
            )
    for key, (_table, id_name, record_type) in CHILD_TABLES.items():
        olds = {getattr(x, id_name): x for x in getattr(old, key)}
        news = {getattr(x, id_name): x for x in getattr(new, key)}
        _track_collection(session, hid, record_type, olds, news)
    olds = {f"{hid}:{r.year}": r for r in old.incomes}
    news = {f"{hid}:{r.year}": r for r in new.incomes}
    _track_collection(session, hid, "income", olds, news)


def _track_collection(
    session: Session, hid: str, record_type: str, olds: dict[str, Any], news: dict[str, Any]
) -> None:
    for rid, item in news.items():
        before = olds.get(rid)
        if before is None:
            track(
                session,
                record_type=record_type,
                record_id=rid,
                household_id=hid,
                op=CREATE,
                new_value=to_dict(item),
            )
            continue
        base_revision = getattr(before, "revision", 0)
        for name, value in mapping.column_values(item).items():
            if name == "revision":
                continue
            if getattr(before, name) != value:
                track(
                    session,
                    record_type=record_type,
                    record_id=rid,
                    household_id=hid,
                    op=UPDATE,
                    field=name,
                    base_value=getattr(before, name),
                    new_value=value,
                    base_revision=base_revision,
                )
    for rid, item in olds.items():
        if rid not in news:
            track(
                session,
                record_type=record_type,
                record_id=rid,
                household_id=hid,
                op=DELETE,
                base_value=to_dict(item),
            )


class HouseholdRepo:
    def __init__(self, store: Any) -> None:
        self._store = store

    # -- writes -----------------------------------------------------------------------------
    def add(self, household: Household) -> None:
        """A household created on this device (new household form): goes to the outbox."""
        with self._store.session() as s:
            _insert_household(s, household)
            hid = household.household_id
            track(
                s,
                record_type="household",
                record_id=hid,
                household_id=hid,
                op=CREATE,
                new_value=to_dict(household),
            )

    def add_many(self, households: Iterable[Household], batch_size: int = 2000) -> int:
        """Bulk load from the county roster or the demo generator; not local edits."""
        from fieldsurvey.store.bulk import load_households

        return load_households(self._store.session, households, batch_size)

    def add_rows(self, tables: list[TableRows]) -> None:
        """Bulk load rows already built by ``bulk.HouseholdRows`` (the demo's producer), in one transaction."""
        from fieldsurvey.store.bulk import insert_rows

        with self._store.session() as s:
            insert_rows(s.connection(), tables)

    def update(self, household: Household) -> None:
        """Save a changed household; each changed field is recorded in the outbox."""
        with self._store.session() as s:
            self.update_in(s, household)

    def update_in(
        self, session: Session, household: Household, *, track_changes: bool = True
    ) -> None:
        old = load_household(session, household.household_id)
        if old is None:
            raise UserError(NOT_FOUND, code="not_found")
        if track_changes:
            _track_changes(session, old, household)
        row = session.get(HouseholdRow, household.household_id)
        assert row is not None
        for name, value in mapping.household_row_values(household).items():
            setattr(row, name, value)
        row.updated_at = datetime.now()
        _delete_children(session, household.household_id)
        session.flush()
        _insert_children(session, household)

    def replace_from_server(self, session: Session, household: Household) -> None:
        """Apply the county's copy (sync download): overwrite without touching the outbox."""
        row = session.get(HouseholdRow, household.household_id)
        if row is None:
            _insert_household(session, household)
            return
        for name, value in mapping.household_row_values(household).items():
            setattr(row, name, value)
        row.deleted = False
        row.updated_at = datetime.now()
        _delete_children(session, household.household_id)
        session.flush()
        _insert_children(session, household)

    def mark_deleted(self, session: Session, household_id: str) -> None:
        """A tombstone from the server: hide the household, keep its visits for the record."""
        row = session.get(HouseholdRow, household_id)
        if row is not None:
            row.deleted = True

    def set_assessment(
        self,
        session: Session,
        household_id: str,
        assessment: dict[str, Any] | None,
        visit_date: date | None,
    ) -> None:
        row = session.get(HouseholdRow, household_id)
        if row is None:
            raise UserError(NOT_FOUND, code="not_found")
        if assessment is not None:
            row.latest_assessment = assessment
            row.flags = list(assessment.get("flags", []))
            row.flag_bits = mapping.flag_bits(row.flags)
        if visit_date and (row.last_visit_date is None or visit_date > row.last_visit_date):
            row.last_visit_date = visit_date

    def record_member_change(self, household: Household, change: MemberChange) -> None:
        """A member joined or left: the household (tracked edits) and the change, one transaction."""
        with self._store.session() as s:
            self.update_in(s, household)
            s.add(MemberChangeRow(**mapping.column_values(change), synced=False))

    def set_assessments(self, items: Iterable[tuple[str, dict[str, Any], date | None]]) -> None:
        """Bulk form of ``set_assessment`` (re-assessment, history loads): one executemany.

        Items are (household id, assessment, visit date or None); the last visit date only ever
        moves forward, as in ``set_assessment``.
        """
        t = HouseholdRow.__table__
        rows = [
            {
                "hid": hid,
                "a": a,
                "f": list(a.get("flags", [])),
                "b": mapping.flag_bits(a.get("flags", [])),
                "d": d,
            }
            for hid, a, d in items
        ]
        if not rows:
            return
        last = func.coalesce(
            func.max(t.c.last_visit_date, bindparam("d")), bindparam("d"), t.c.last_visit_date
        )
        stmt = (
            update(t)
            .where(t.c.household_id == bindparam("hid"))
            .values(
                latest_assessment=bindparam("a"),
                flags=bindparam("f"),
                flag_bits=bindparam("b"),
                last_visit_date=last,
            )
        )
        with self._store.session() as s:
            s.connection().execute(stmt, rows)

    # -- reads ------------------------------------------------------------------------------
    def get(self, household_id: str) -> Household | None:
        with self._store.session() as s:
            return load_household(s, household_id)

    def member_changes(self, household_id: str) -> list[MemberChange]:
        """The household's dated 人员变更, oldest first: the assessment reads each year's size."""
        return self.member_changes_of([household_id]).get(household_id, [])

    def member_changes_of(self, household_ids: list[str]) -> dict[str, list[MemberChange]]:
        """``member_changes`` for many households in one query (bulk re-assessment)."""
        found: dict[str, list[MemberChange]] = {}
        with self._store.session() as s:
            rows = s.execute(
                select(MemberChangeRow)
                .where(MemberChangeRow.household_id.in_(household_ids))
                .order_by(MemberChangeRow.change_date)
            ).scalars()
            for r in rows:
                found.setdefault(r.household_id, []).append(mapping.member_change_from_row(r))
        return found

    def get_by_no(self, household_no: str) -> Household | None:
        with self._store.session() as s:
            row = s.execute(
                select(HouseholdRow).where(
                    HouseholdRow.household_no == household_no, HouseholdRow.deleted.is_(False)
                )
            ).scalar_one_or_none()
            return _assemble(s, [row])[0] if row else None

    def get_many(self, household_ids: list[str]) -> list[Household]:
        with self._store.session() as s:
            rows = list(
                s.execute(
                    select(HouseholdRow).where(HouseholdRow.household_id.in_(household_ids))
                ).scalars()
            )
            by_id = {h.household_id: h for h in _assemble(s, rows)} if rows else {}
            return [by_id[i] for i in household_ids if i in by_id]

    def iter_households(self, village: str | None = None, chunk: int = 500) -> Iterator[Household]:
        """Stream whole households in household-number order, ``chunk`` at a time."""
        last = ""
        while True:
            with self._store.session() as s:
                q = select(HouseholdRow).where(
                    HouseholdRow.deleted.is_(False), HouseholdRow.household_no > last
                )
                if village:
                    q = q.where(HouseholdRow.division_code == village)
                rows = list(s.execute(q.order_by(HouseholdRow.household_no).limit(chunk)).scalars())
                if not rows:
                    return
                households = _assemble(s, rows)
            yield from households
            last = rows[-1].household_no

    def summaries(self, village: str | None = None) -> list[HouseholdSummary]:
        with self._store.session() as s:
            q = select(*SUMMARY_COLUMNS).where(HouseholdRow.deleted.is_(False))
            if village:
                q = q.where(HouseholdRow.division_code == village)
            q = q.order_by(HouseholdRow.household_no)
            return [
                HouseholdSummary(*r[:11], tuple(r[11] or ()), r[12], r[13])  # type: ignore[arg-type]
                for r in s.execute(q)
            ]

    def count(self, village: str | None = None) -> int:
        with self._store.session() as s:
            q = (
                select(func.count())
                .select_from(HouseholdRow)
                .where(HouseholdRow.deleted.is_(False))
            )
            if village:
                q = q.where(HouseholdRow.division_code == village)
            return int(s.execute(q).scalar_one())

    def registered_people(self) -> dict[str, str]:
        """ID number → household number of every member present in a live household (a roster
        check refuses a person registered in another household)."""
        with self._store.session() as s:
            q = (
                select(MemberRow.id_number, HouseholdRow.household_no)
                .join(HouseholdRow, HouseholdRow.household_id == MemberRow.household_id)
                .where(HouseholdRow.deleted.is_(False), MemberRow.present.is_(True))
            )
            return {str(i): str(no) for i, no in s.execute(q)}

    def member_count(self) -> int:
        with self._store.session() as s:
            return int(
                s.execute(
                    select(func.count()).select_from(MemberRow).where(MemberRow.present.is_(True))
                ).scalar_one()
            )
