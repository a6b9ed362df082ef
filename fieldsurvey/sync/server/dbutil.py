"""Dialect-aware statements the ingest needs on both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


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


def insert_ignore_many(session: Session, model: type, rows: list[dict[str, Any]]) -> set[str]:
    """Multi-row INSERT … ON CONFLICT DO NOTHING; returns the primary keys this call inserted."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    pk = list(table.primary_key.columns)[0]
    inserted: set[str] = set()
    for start in range(0, len(rows), 500):  # keeps SQLite under its bound-parameter limit
        stmt = module.insert(table).values(rows[start : start + 500]).on_conflict_do_nothing().returning(pk)
        inserted.update(str(v) for v in session.execute(stmt).scalars())
    return inserted
