"""The county's JSON roster import: streamed a chunk at a time, yet all or nothing.

Real county database (SQLite file) under a temporary server directory; households from the
demo generator; past visits from the demo history. ``CHUNK`` is made small so a few hundred
households span several chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.demo.history import history_for
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import AuditEntry, HouseholdRow, MemberRow, VisitRow
from fieldsurvey.server.roster import json_import as roster
from tests.support.server import init_county

HOUSEHOLDS = 230
CHUNK = 50


@pytest.fixture()
def county(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ServerDir, str, list[Any]]]:
    monkeypatch.setattr(roster, "CHUNK", CHUNK)
    generated = generate_county(seed=5, households=HOUSEHOLDS)
    sd = init_county(tmp_path / "county", county=generated.county_code)
    yield sd, generated.county_code, list(iter_households(generated, HOUSEHOLDS, seed=5))
    sd.close()


class Counted:
    """An iterable that counts how many records the importer has pulled from it."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.records = records
        self.pulled = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for r in self.records:
            self.pulled += 1
            yield r


def roster_of(
    county: str, households: Iterable[dict[str, Any]], visits: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    return {
        "format": roster.FORMAT,
        "version": 1,
        "county": county,
        "households": households,
        "visits": visits,
    }


def counts_in(sd: ServerDir) -> tuple[int, int, int, int]:
    with sd.transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(HouseholdRow)) or 0,
            s.scalar(select(func.count()).select_from(MemberRow)) or 0,
            s.scalar(select(func.count()).select_from(VisitRow)) or 0,
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "roster_imported")
            )
            or 0,
        )


def test_a_streamed_roster_spanning_chunks_imports_whole_and_reimports_as_unchanged(
    county: tuple[ServerDir, str, list[Any]],
) -> None:
    sd, code, households = county
    stream = Counted(household_to_dict(h) for h in households)
    counts = roster.import_roster(sd, "test", roster_of(code, stream))
    assert stream.pulled == HOUSEHOLDS
    assert counts["created"] == HOUSEHOLDS and counts["updated"] == 0 and counts["unchanged"] == 0
    assert counts_in(sd) == (HOUSEHOLDS, sum(len(h.members) for h in households), 0, 1)
    with sd.transaction() as s:  # members keep the roster's order, across chunk boundaries too
        last = households[-1]
        ids = s.scalars(
            select(MemberRow.member_id)
            .where(MemberRow.household_id == last.household_id)
            .order_by(MemberRow.position)
        ).all()
    assert ids == [m.member_id for m in last.members]

    again = [household_to_dict(h) for h in households]
    again[CHUNK + 3]["phone"] = "13900000000"  # in the second chunk
    counts = roster.import_roster(sd, "test", roster_of(code, iter(again)))
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 1, HOUSEHOLDS - 1)
    with sd.transaction() as s:
        row = s.get(HouseholdRow, households[CHUNK + 3].household_id)
        assert row is not None and row.data["phone"] == "13900000000" and row.revision == 2


def test_a_bad_household_late_in_the_stream_leaves_the_county_as_it_was(
    county: tuple[ServerDir, str, list[Any]],
) -> None:
    sd, code, households = county
    records = [household_to_dict(h) for h in households]
    bad = 3 * CHUNK + 7  # in the fourth chunk: three chunks are written before it is read
    records[bad]["members"][0]["id_number"] = "110101199001011234"  # wrong check character
    stream = Counted(records)
    with pytest.raises(UserError) as caught:
        roster.import_roster(sd, "test", roster_of(code, stream))
    assert caught.value.code == "bad_roster"
    assert (
        f"household {bad + 1}" in caught.value.text.en and f"第{bad + 1}户" in caught.value.text.zh
    )
    assert stream.pulled == 4 * CHUNK  # read a chunk at a time: nothing after the failing chunk
    assert counts_in(sd) == (0, 0, 0, 0)


def test_a_roster_of_another_county_is_refused(county: tuple[ServerDir, str, list[Any]]) -> None:
    sd, _code, households = county
    with pytest.raises(UserError) as caught:
        roster.import_roster(sd, "test", roster_of("110101", [household_to_dict(households[0])]))
    assert caught.value.code == "wrong_county"
    assert counts_in(sd) == (0, 0, 0, 0)


def test_past_visits_stream_in_once_and_a_bad_one_undoes_the_whole_import(
    county: tuple[ServerDir, str, list[Any]],
) -> None:
    sd, code, households = county
    visits = [
        visit_to_dict(v)
        for _, item in history_for(households[:80], today=date(2026, 11, 1), seed=5)
        for v in item.visits
    ]
    assert len(visits) > CHUNK  # several visit chunks

    spoilt = [dict(v) for v in visits]
    spoilt[-1]["household_id"] = "no-such-household"
    with pytest.raises(UserError) as caught:
        roster.import_roster(
            sd, "test", roster_of(code, (household_to_dict(h) for h in households), iter(spoilt))
        )
    assert caught.value.code == "bad_roster" and f"visit {len(visits)}" in caught.value.text.en
    assert counts_in(sd) == (0, 0, 0, 0)  # the households written before the bad visit are gone too

    counts = roster.import_roster(
        sd, "test", roster_of(code, (household_to_dict(h) for h in households), iter(visits))
    )
    assert counts["visits"] == len(visits)
    again = roster.import_roster(
        sd, "test", roster_of(code, (household_to_dict(h) for h in households), iter(visits))
    )
    assert again["visits"] == 0 and again["unchanged"] == HOUSEHOLDS
    assert counts_in(sd)[2:] == (len(visits), 2)
    with sd.transaction() as s:
        visited = s.get(HouseholdRow, visits[0]["household_id"])
        assert visited is not None and visited.last_visit_date is not None


def test_a_member_with_a_legacy_15_digit_number_imports(
    county: tuple[ServerDir, str, list[Any]],
) -> None:
    """A 15-digit number is still its holder's number: a warning to replace it, never a refusal."""
    sd, code, households = county
    records = [household_to_dict(h) for h in households[:3]]
    member = next(m for m in records[1]["members"] if m["birth_date"][:2] == "19")
    member["id_number"] = member["id_number"][:6] + member["id_number"][8:17]
    counts = roster.import_roster(sd, "test", roster_of(code, iter(records)))
    assert counts["created"] == 3
    with sd.transaction() as s:
        row = s.get(MemberRow, member["member_id"])
        assert row is not None and len(row.data["id_number"]) == 15
