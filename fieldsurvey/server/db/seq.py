"""Change numbers: every change a device may download gets the next ``seq``.

A transaction takes the ``seq`` counter row with an UPDATE (a row lock on PostgreSQL, the write
lock on SQLite) before it writes anything, and stores the last number it used when it commits.
Writers therefore commit in ``seq`` order, and a feed that has seen ``seq`` N has seen every
change numbered up to N — the property the device cursor relies on.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldsurvey.server.db.models import Counter


class SeqAllocator:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._last = session.execute(
            update(Counter)
            .where(Counter.name == "seq")
            .values(value=Counter.value)
            .returning(Counter.value)
        ).scalar_one()
        self._start = self._last

    def next(self) -> int:
        self._last += 1
        return self._last

    def finish(self) -> None:
        """Store the last number used; call before commit."""
        if self._last != self._start:
            self._session.execute(
                update(Counter).where(Counter.name == "seq").values(value=self._last)
            )


def current_seq(session: Session) -> int:
    return int(session.execute(select(Counter.value).where(Counter.name == "seq")).scalar_one())
