"""The keyset paging the conflict and visit queues share (``server/paging.newest_first``):
every row once, newest first, ties broken by key, the total on the first page only, and a cursor
that is not one of ours refused as ``bad_cursor``."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Date, DateTime, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from fieldsurvey.core.errors import UserError
from fieldsurvey.server import paging


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    day: Mapped[date] = mapped_column(Date)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    rnd = random.Random(1)
    with Session(engine) as s:
        for i in range(57):  # few distinct times and days: many ties for the key to break
            at = datetime(2026, 1, 1) + timedelta(hours=rnd.randint(0, 5))
            s.add(Row(key=f"k{i:03d}", at=at, day=at.date() + timedelta(days=rnd.randint(0, 3))))
        s.commit()
        yield s
    engine.dispose()


@pytest.mark.parametrize(
    ("column", "parse", "value"),
    [
        (Row.at, paging.cursor_time, lambda r: r.at),
        (Row.day, paging.cursor_day, lambda r: r.day),
    ],
    ids=["by time", "by day"],
)
def test_pages_hold_every_row_once_newest_first(
    session: Session, column: Any, parse: Callable[[str], Any], value: Callable[[Row], Any]
) -> None:
    want = sorted(session.scalars(select(Row)), key=lambda r: (value(r), r.key), reverse=True)
    got: list[Row] = []
    after: str | None = None
    totals = []
    while True:
        page = paging.newest_first(
            session, select(Row), column, Row.key, after=after, limit=5, parse=parse
        )
        totals.append(page.total)
        got += [r[0] for r in page.rows]
        if not page.last:
            break
        last = page.last[0]
        after = paging.encode(value(last).isoformat(), last.key)
    assert [r.key for r in got] == [r.key for r in want]
    assert totals[0] == 57 and set(totals[1:]) == {None} and len(totals) == 12


@pytest.mark.parametrize(
    "cursor",
    ["zz", paging.encode("not-a-time", "k001"), paging.encode(1)],
    ids=["not base64 json", "not a time", "one part"],
)
def test_a_cursor_that_is_not_ours_is_refused(session: Session, cursor: str) -> None:
    with pytest.raises(UserError) as refused:
        paging.newest_first(session, select(Row), Row.at, Row.key, after=cursor, limit=5)
    assert refused.value.code == "bad_cursor"
