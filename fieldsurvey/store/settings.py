"""Small settings and reference data kept inside the encrypted database.

Anything that could identify a county's people or a device's keys lives here rather than in a
plain config file next to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldsurvey.core.divisions import Division, DivisionCode
from fieldsurvey.store.models import DivisionRow, Meta


class Settings:
    def __init__(self, store: Any) -> None:
        self._store = store

    def get(self, key: str, default: Any = None) -> Any:
        with self._store.session() as s:
            row = s.get(Meta, key)
            return default if row is None else row.value

    def set(self, key: str, value: Any) -> None:
        with self._store.session() as s:
            s.execute(
                sqlite_insert(Meta)
                .values(key=key, value=value)
                .on_conflict_do_update(index_elements=["key"], set_={"value": value})
            )


class DivisionRepo:
    def __init__(self, store: Any) -> None:
        self._store = store

    def add_many(self, divisions: Iterable[Division]) -> None:
        rows = [
            {"code": d.code.value, "name": d.name, "parent": d.parent, "level": d.code.level}
            for d in divisions
        ]
        if not rows:
            return
        with self._store.session() as s:
            stmt = sqlite_insert(DivisionRow)
            s.execute(
                stmt.on_conflict_do_update(
                    index_elements=["code"],
                    set_={
                        "name": stmt.excluded.name,
                        "parent": stmt.excluded.parent,
                        "level": stmt.excluded.level,
                    },
                ),
                rows,
            )

    def all(self) -> list[Division]:
        with self._store.session() as s:
            rows = s.execute(select(DivisionRow).order_by(DivisionRow.code)).scalars()
            return [Division(DivisionCode(r.code), r.name, r.parent) for r in rows]

    def villages(self) -> list[Division]:
        return [d for d in self.all() if d.code.level == "village"]

    def name(self, code: str) -> str | None:
        with self._store.session() as s:
            row = s.get(DivisionRow, code)
            return row.name if row else None

    def path(self, village_code: str) -> dict[str, str | None]:
        """County, township and village names of a village, for ledgers and headers."""
        code = DivisionCode(village_code)
        return {
            "county": self.name(code.county + "000000"),
            "township": self.name(code.township + "000"),
            "village": self.name(code.value),
        }
