"""Bulk loading of whole households (county roster, demo county) at database speed.

SQLAlchemy's executemany spends most of its time per row building parameter dicts; a roster of
100,000 households is a million rows. Here each table's INSERT is compiled once, each record is
read with one ``attrgetter`` call in column order, and only the columns whose type needs it
(dates, JSON) go through SQLAlchemy's own bind processors for the store's dialect — the values
stored are exactly what the ORM would store, in a fraction of the time. Used for loads that are
not local edits; local edits go through the repositories so the outbox sees them.

Building rows (``HouseholdRows``) needs no connection, only the dialect, so a producer process
can build them while this one writes (``TableRows`` are plain tuples: cheap to pickle).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table
from sqlalchemy.dialects.sqlite import pysqlcipher
from sqlalchemy.engine import Dialect

from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.store.mapping import NESTED, household_derived
from fieldsurvey.store.models import HelperRow, HouseholdRow, IncomeRow, MeasureRow, MemberRow

# Columns filled from the parent household rather than from the record itself.
PARENT_COLUMNS = ("household_id", "position")
DERIVED_COLUMNS = ("head_name", "head_id_number", "head_initials", "member_count")
# What JSON serialises empty lists and dicts to; most list columns of a household are empty.
EMPTY_JSON = {list: "[]", dict: "{}"}

# One table's rows: its INSERT statement and the parameter tuples, in column order.
TableRows = tuple[str, list[tuple[Any, ...]]]


class TableLoader:
    """One table: the INSERT, a getter for the record's fields, the bind processors, the rows."""

    def __init__(
        self,
        dialect: Dialect,
        table: Table,
        record_type: type,
        extra: tuple[str, ...],
        converters: dict[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        fields = [
            f.name
            for f in dataclasses.fields(record_type)
            if f.name not in NESTED and f.name in table.c
        ]
        self.columns = fields + [c for c in extra if c in table.c and c not in fields]
        missing = [c.name for c in table.columns if c.name not in self.columns]
        self.defaults = tuple(_default_of(table.c[name]) for name in missing)
        self.columns += missing
        self._get = attrgetter(*fields)
        processors = [
            (converters or {}).get(name) or _processor(table.c[name], dialect)
            for name in self.columns
        ]
        self._processed = [(i, p) for i, p in enumerate(processors) if p is not None]
        quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in self.columns)
        self.sql = (
            f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' for _ in self.columns)})"
        )
        self.rows: list[tuple[Any, ...]] = []

    def add(self, record: Any, *extra: Any) -> None:
        values = [*self._get(record), *extra, *self.defaults]
        for i, process in self._processed:
            value = values[i]
            if value is not None:
                values[i] = process(value)
        self.rows.append(tuple(values))

    def take(self) -> TableRows:
        """The rows built so far (and forget them)."""
        rows, self.rows = self.rows, []
        return self.sql, rows


def _processor(column: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's bind processor for this dialect, or a faster one that writes the same text.

    Booleans need none (the driver stores 1/0). A date becomes its ISO form, as SQLAlchemy's
    SQLite DATE writes it, by the C method. JSON with SQLAlchemy's default serialiser
    (``json.dumps``) is the default encoder's ``encode``, without ``dumps``' wrapper, and empty
    lists and dicts — most of a household's list columns — need no encoder at all.
    """
    kind = column.type
    if isinstance(kind, Boolean):
        return None
    if type(kind) is Date:
        return date.isoformat
    if isinstance(kind, JSON) and getattr(dialect, "_json_serializer", None) is None:
        return _json
    return kind.dialect_impl(dialect).bind_processor(dialect)


_ENCODE = json.JSONEncoder().encode  # json.dumps(value) with its defaults, as SQLAlchemy calls it


def _json(value: Any) -> str:
    if not value:
        empty = EMPTY_JSON.get(type(value))
        if empty is not None:
            return empty
    return _ENCODE(value)


def _default_of(column: Any) -> Any:
    default = column.default
    if default is None or not getattr(default, "is_scalar", False):
        return [] if column.name in ("flags",) else 0 if column.name == "flag_bits" else None
    return default.arg


def store_dialect() -> Dialect:
    """The dialect of the store's engine (``sqlite+pysqlcipher``), without a connection."""
    return pysqlcipher.dialect()


class HouseholdRows:
    """Builds the rows of whole households, table by table; needs no database."""

    def __init__(self, dialect: Dialect | None = None, now: datetime | None = None) -> None:
        dialect = dialect or store_dialect()
        self.households = TableLoader(
            dialect,
            HouseholdRow.__table__,  # type: ignore[arg-type]
            Household,
            (*DERIVED_COLUMNS, "updated_at"),
            converters={"division_code": lambda code: code.value},
        )
        self.members = TableLoader(dialect, MemberRow.__table__, Member, PARENT_COLUMNS)  # type: ignore[arg-type]
        self.helpers = TableLoader(dialect, HelperRow.__table__, Helper, PARENT_COLUMNS)  # type: ignore[arg-type]
        self.measures = TableLoader(
            dialect,
            MeasureRow.__table__,  # type: ignore[arg-type]
            AssistanceMeasure,
            PARENT_COLUMNS,
        )
        self.incomes = TableLoader(dialect, IncomeRow.__table__, IncomeRecord, ("household_id",))  # type: ignore[arg-type]
        self._tables = (self.households, self.members, self.helpers, self.measures, self.incomes)
        self._now = now or datetime.now()

    def add(self, h: Household) -> None:
        derived = household_derived(h)
        self.households.add(h, *(derived[name] for name in DERIVED_COLUMNS), self._now)
        hid = h.household_id
        add_member, add_helper, add_measure, add_income = (
            self.members.add,
            self.helpers.add,
            self.measures.add,
            self.incomes.add,
        )
        for i, m in enumerate(h.members):
            add_member(m, hid, i)
        for i, x in enumerate(h.helpers):
            add_helper(x, hid, i)
        for i, x in enumerate(h.measures):
            add_measure(x, hid, i)
        for x in h.incomes:
            add_income(x, hid)

    def take(self) -> list[TableRows]:
        """Every table's rows so far, parents first (the order foreign keys need)."""
        return [t.take() for t in self._tables]


def insert_rows(conn: Connection, tables: Iterable[TableRows]) -> None:
    for sql, rows in tables:
        if rows:
            conn.exec_driver_sql(sql, rows)


def load_households(
    session_factory: Callable[[], Any], households: Iterable[Household], batch_size: int
) -> int:
    """Insert in transactions of ``batch_size`` households; returns how many were loaded."""
    count = 0
    builder = HouseholdRows()
    stream = iter(households)
    while chunk := list(islice(stream, batch_size)):
        for h in chunk:
            builder.add(h)
        with session_factory() as session:
            insert_rows(session.connection(), builder.take())
        count += len(chunk)
    return count
