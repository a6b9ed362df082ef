"""Bulk loading of whole households (county roster, demo county) at database speed.

SQLAlchemy's executemany spends most of its time per row building parameter dicts; a roster of
100,000 households is a million rows. Here each table's INSERT is compiled once, each record is
read with one ``attrgetter`` call in column order, and only the columns whose type needs it
(dates, JSON) go through SQLAlchemy's own bind processors — the values stored are exactly what
the ORM would store, in a fraction of the time. Used for loads that are not local edits; local
edits go through the repositories so the outbox sees them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice
from operator import attrgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Table

from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.store.mapping import NESTED, household_derived
from fieldsurvey.store.models import HelperRow, HouseholdRow, IncomeRow, MeasureRow, MemberRow

# Columns filled from the parent household rather than from the record itself.
PARENT_COLUMNS = ("household_id", "position")


class TableLoader:
    """One table: the compiled INSERT, a getter for the record's fields, the bind processors."""

    def __init__(
        self,
        conn: Connection,
        table: Table,
        record_type: type,
        extra: tuple[str, ...],
        converters: dict[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        fields = [f.name for f in dataclasses.fields(record_type) if f.name not in NESTED and f.name in table.c]
        self.columns = fields + [c for c in extra if c in table.c and c not in fields]
        missing = [c.name for c in table.columns if c.name not in self.columns]
        self.defaults = tuple(_default_of(table.c[name]) for name in missing)
        self.columns += missing
        self._get = attrgetter(*fields)
        self._n_extra = len(self.columns) - len(fields) - len(missing)
        dialect = conn.dialect
        processors = [(converters or {}).get(name) or _processor(table.c[name], dialect) for name in self.columns]
        self._processed = [(i, p) for i, p in enumerate(processors) if p is not None]
        quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in self.columns)
        self.sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' for _ in self.columns)})"
        self.rows: list[tuple[Any, ...]] = []

    def add(self, record: Any, *extra: Any) -> None:
        values = list(self._get(record))
        values.extend(extra)
        values.extend(self.defaults)
        for i, process in self._processed:
            if values[i] is not None:
                values[i] = process(values[i])
        self.rows.append(tuple(values))

    def flush(self, conn: Connection) -> None:
        if self.rows:
            conn.exec_driver_sql(self.sql, self.rows)
            self.rows = []


def _processor(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """SQLAlchemy's bind processor, except for booleans: sqlite3 stores True/False as 1/0 itself."""
    if isinstance(column.type, Boolean):
        return None
    return column.type.bind_processor(dialect)


def _default_of(column: Any) -> Any:
    default = column.default
    if default is None or not getattr(default, "is_scalar", False):
        return [] if column.name in ("flags",) else 0 if column.name == "flag_bits" else None
    return default.arg


class HouseholdLoader:
    """Adds households with their members, helpers, measures and incomes, table by table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        derived = tuple(household_derived_columns())
        self.households = TableLoader(
            conn, HouseholdRow.__table__, Household, (*derived, "updated_at"),  # type: ignore[arg-type]
            converters={"division_code": lambda code: code.value},
        )
        self._derived_names = derived
        self.members = TableLoader(conn, MemberRow.__table__, Member, PARENT_COLUMNS)  # type: ignore[arg-type]
        self.helpers = TableLoader(conn, HelperRow.__table__, Helper, PARENT_COLUMNS)  # type: ignore[arg-type]
        self.measures = TableLoader(conn, MeasureRow.__table__, AssistanceMeasure, PARENT_COLUMNS)  # type: ignore[arg-type]
        self.incomes = TableLoader(conn, IncomeRow.__table__, IncomeRecord, ("household_id",))  # type: ignore[arg-type]
        self._now = datetime.now()

    def add(self, h: Household) -> None:
        derived = household_derived(h)
        self.households.add(h, *(derived[name] for name in self._derived_names), self._now)
        hid = h.household_id
        add_member, add_helper, add_measure, add_income = self.members.add, self.helpers.add, self.measures.add, self.incomes.add
        for i, m in enumerate(h.members):
            add_member(m, hid, i)
        for i, x in enumerate(h.helpers):
            add_helper(x, hid, i)
        for i, x in enumerate(h.measures):
            add_measure(x, hid, i)
        for x in h.incomes:
            add_income(x, hid)

    def flush(self) -> None:
        for loader in (self.households, self.members, self.helpers, self.measures, self.incomes):
            loader.flush(self.conn)


def household_derived_columns() -> Iterable[str]:
    return ("head_name", "head_id_number", "head_initials", "member_count")


def load_households(session_factory: Callable[[], Any], households: Iterable[Household], batch_size: int) -> int:
    """Insert in transactions of ``batch_size`` households; returns how many were loaded."""
    count = 0
    stream = iter(households)
    while chunk := list(islice(stream, batch_size)):
        with session_factory() as session:
            loader = HouseholdLoader(session.connection())
            for h in chunk:
                loader.add(h)
            loader.flush()
        count += len(chunk)
    return count
