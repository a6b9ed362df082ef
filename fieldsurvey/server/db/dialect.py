"""Dialect-aware statements the ingest needs on both SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, TypeDecorator, cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from fieldsurvey.server.db.sealed_columns import seal_text


def insert_ignore(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row.

    Used for batch ids, visits and member changes instead of select-then-insert, which races
    when a device retries while its first attempt is still being applied.
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    pk = list(table.primary_key.columns)[0]
    stmt = module.insert(table).values(**values).on_conflict_do_nothing().returning(pk)
    return session.execute(stmt).first() is not None


class _JsonbText(TypeDecorator[str]):
    """JSON already written as text, into a PostgreSQL jsonb column (the server parses it)."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, JSONB)


@cache
def _json_text_table(table: Table, dialect: str) -> Table:
    """``table`` with its ``data`` column taking JSON text instead of a value to serialise.

    SQLite keeps JSON columns as text anyway; PostgreSQL casts the text to jsonb.
    """
    text_type: Any = _JsonbText() if dialect == "postgresql" else Text()
    return Table(
        table.name,
        MetaData(),
        *(
            Column(c.name, text_type if c.name == "data" else c.type, primary_key=c.primary_key)
            for c in table.columns
        ),
    )


def insert_ignore_many(
    session: Session, model: type, rows: list[dict[str, Any]], *, json_text: bool = False
) -> set[str]:
    """INSERT … ON CONFLICT DO NOTHING for many rows; returns the primary keys this call inserted.

    One executemany: SQLAlchemy sends it as multi-row INSERTs with RETURNING in pages that fit
    each database's parameter limit ("insertmanyvalues"), and the statement is compiled once and
    cached rather than once per batch size as ``.values(rows)`` would be. Rows need the same keys.
    ``json_text``: each row's ``data`` is JSON text already (a visit's, serialised once for its
    hash and its column) rather than a value to serialise; it is sealed here, as the column's type
    would seal a value, with the row's primary key as its record id.
    """
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    if json_text:
        where = (
            table.c.data.type.where
        )  # a sealed column: seal the text as it is, so it still matches its hash
        pk_name = list(table.primary_key.columns)[0].name
        bind_dialect = session.get_bind().dialect
        rows = [
            {**row, "data": seal_text(bind_dialect, where, str(row[pk_name]), row["data"])}
            for row in rows
        ]
        table = _json_text_table(table, dialect)
    pk = list(table.primary_key.columns)[0]
    stmt = module.insert(table).on_conflict_do_nothing().returning(pk)
    return {str(v) for v in session.execute(stmt, rows).scalars()}


def upsert_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (primary key) DO UPDATE for many rows, in one executemany.

    The last writer wins (provenance rows: who last changed a field). Rows need the same keys
    and distinct primary keys (PostgreSQL refuses to update one row twice in one statement).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    keys = [c.name for c in table.primary_key.columns]
    stmt = module.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
    )
    session.execute(stmt, rows)
