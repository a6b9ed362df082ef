"""A laptop that loses a village: it sends what is pending, then erases that village's households.

The county's API runs in process (its FastAPI app behind Starlette's test client, on SQLite and on
PostgreSQL); the laptop is a real encrypted store with the real sync client. After the county
takes a village from the secretary, one sync sends everything pending — the county still accepts
this device's updates to the lost village until it has downloaded a feed without it (the drain
window, ``server/drain.py``) — learns the villages from the feed, erases every row about the
lost village's households (a scan of every table of the store finds none of their ids, numbers or
ID numbers) and leaves the secretary one sentence counting what went up and what the county
refused. A household made on the laptop in the lost village is refused; the village's updates go
up without it. A household the county moves to another village leaves the old village's laptops.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import MetaData, select

from fieldsurvey.core.visit import MemberChange
from fieldsurvey.server.app import create_app
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    AuditEntry,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    VillageDrain,
    VisitRow,
)
from fieldsurvey.server.devices import enrollment as server_enrollment
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.store import Store
from fieldsurvey.store.sync_state import Enrollment, SentBatch
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy
from fieldsurvey.sync.villages import pending_by_village
from tests.server.test_server_isolation import VILLAGE_C, isolation_roster
from tests.support.common import FAST_KDF
from tests.support.factories import household
from tests.support.laptop import edit_household, finalized_visit
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    VILLAGE_B,
    app_client,
    database,
    init_county,
    roster_of,
)

PASSPHRASE = "山路弯弯-测试-2025"


@dataclass
class County:
    sd: ServerDir
    roster: dict[str, Any]
    http: Callable[[], httpx.Client]

    def households(self, village: str) -> list[dict[str, Any]]:
        return [h for h in self.roster["households"] if h["division_code"] == village]


@pytest.fixture(params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[County]:
    with database(request.param) as url:
        sd = init_county(tmp_path / "county", url)
        try:
            data = isolation_roster()
            import_roster(sd, "test", data)
            app = create_app(sd)
            yield County(sd, data, lambda: app_client(app))
        finally:
            sd.close()


def laptop(
    county: County, tmp: Path, username: str, villages: list[str]
) -> tuple[Store, SyncClient]:
    accounts.add_user(
        county.sd,
        "test",
        username=username,
        role="secretary",
        display_name=f"{username}书记",
        password=None,
    )
    accounts.assign(county.sd, "test", username=username, villages=villages)
    store, _recovery = Store.create(tmp, PASSPHRASE, kdf=FAST_KDF)
    client = SyncClient(store, policy=RetryPolicy(attempts=2, base=0.01), http=county.http)
    code, _ = server_enrollment.new_enroll_code(county.sd, "test", username=username)
    client.enroll("http://localhost", code, label=username)
    return store, client


def store_text(store: Store) -> str:
    """Every row of every table of the store, as text (what someone holding the passphrase reads)."""
    out: list[str] = []
    with store.engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                out.append(
                    json.dumps(
                        [str(v) if isinstance(v, bytes) else v for v in row],
                        ensure_ascii=False,
                        default=str,
                    )
                )
    return "\n".join(out)


def traces(household: dict[str, Any]) -> list[str]:
    """What identifies a household and its people (the synthetic families share their names)."""
    values = [household["household_id"], household["household_no"]]
    for m in household["members"]:
        values += [m["member_id"], m["id_number"]]
    for key, id_field in (("helpers", "helper_id"), ("measures", "measure_id")):
        values += [p[id_field] for p in household[key]]
    return values


def test_a_lost_village_is_sent_first_then_erased_and_the_secretary_is_told(
    county: County, tmp_path: Path
) -> None:
    store, client = laptop(county, tmp_path / "laptop", "sec_ac", [VILLAGE_A, VILLAGE_C])
    with store:
        first = client.sync()
        assert first.downloaded.forgotten is None
        assert store.households.count() == len(county.households(VILLAGE_A)) + len(
            county.households(VILLAGE_C)
        )
        a1, c1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_C)[0]
        # Work waiting for both villages: an edit in A; an edit, a visit and a member change in C.
        edit_household(store, a1["household_id"], phone="13811112222")
        c = edit_household(store, c1["household_id"], hamlet="后山")
        visit = finalized_visit(store, c.household_id, date(2025, 5, 6), "书记", "正常")
        store.households.record_member_change(
            c, MemberChange(c.household_id, c.members[3].member_id, "death", date(2025, 5, 1))
        )

        accounts.assign(
            county.sd, "test", username="sec_ac", villages=[VILLAGE_C], remove=True
        )  # the county takes village C away
        waiting = pending_by_village(store)
        assert waiting[VILLAGE_C] >= 3 and waiting[VILLAGE_A] == 1
        report = client.sync()

        # Everything pending went up in one batch, village C's work too (the drain window) …
        assert report.refused == [] and [b["status"] for b in report.sent_batches] == ["merged"]
        with county.sd.transaction() as s:
            row = s.get(HouseholdRow, a1["household_id"])
            assert row is not None and row.data["phone"] == "13811112222"
            kept = s.get(HouseholdRow, c1["household_id"])
            assert kept is not None and kept.data.get("hamlet") == "后山"
            assert s.get(VisitRow, visit.visit_id) is not None
            assert (
                s.execute(
                    select(MemberChangeRow).where(
                        MemberChangeRow.household_id == c1["household_id"]
                    )
                ).first()
                is not None
            )
            entry = s.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "batch_accepted")
                .order_by(AuditEntry.entry_no.desc())
                .limit(1)
            ).scalar_one()
            assert json.loads(entry.details)["drained_villages"] == [
                VILLAGE_C
            ]  # the drained acceptance is audited
            assert [
                (d.village_code, d.device_id) for d in s.execute(select(VillageDrain)).scalars()
            ] == [(VILLAGE_C, client.enrollment().device_id)]  # type: ignore[union-attr]
        # … then village C's households and every trace of them left the laptop …
        forgotten = report.downloaded.forgotten
        assert forgotten is not None
        assert forgotten.to_dict() == {
            "villages": [VILLAGE_C],
            "households": 3,
            "uploaded": waiting[VILLAGE_C],
            "refused": 0,
        }
        assert store.households.count() == len(county.households(VILLAGE_A))
        text = store_text(store)
        for household in county.households(VILLAGE_C):
            found = [
                line
                for line in text.splitlines()
                if any(value in line for value in traces(household))
            ]
            assert found == [], found[:3]
        for batch in _batches(store):  # no copy in a sent batch either
            assert (batch.status, batch.data, batch.edits, batch.visit_ids) == (
                "accepted",
                b"",
                [],
                [],
            )
        assert store.outbox.count() == {"edits": 0, "visits": 0, "member_changes": 0}
        # … and the secretary reads one sentence, in the report and among the messages.
        sentence = forgotten.sentence()
        assert (
            "丙" in sentence.zh
            and "3户" in sentence.zh
            and f"{waiting[VILLAGE_C]}条记录上传到了县里" in sentence.zh
        )
        assert "拒收" not in sentence.zh
        assert (
            VILLAGE_C in sentence.en
            and f"first uploaded the {waiting[VILLAGE_C]} records" in sentence.en
        )
        assert sentence in report.lines()
        assert [n.text_en for n in client.notices() if n.kind == "villages_removed"] == [
            sentence.en
        ]
        assert report.to_dict()["erased"]["villages"] == [VILLAGE_C]
        with store.session() as s:
            enrollment = s.get(Enrollment, 1)
            assert enrollment is not None and enrollment.villages == [VILLAGE_A]

        again = client.sync()  # nothing more to erase, nothing refused
        assert (
            again.downloaded.forgotten is None and again.refused == [] and again.sent_batches == []
        )
        assert store.households.count() == len(county.households(VILLAGE_A))


def test_a_new_household_in_a_lost_village_is_refused_but_the_villages_updates_still_go_up(
    county: County, tmp_path: Path
) -> None:
    store, client = laptop(county, tmp_path / "laptop", "sec_ac2", [VILLAGE_A, VILLAGE_C])
    with store:
        client.sync()
        made_here = household(no=f"{VILLAGE_C}9777", village=VILLAGE_C, person_index=777)
        store.households.add(made_here)  # a household made on the laptop in C, never sent
        c1, a1 = county.households(VILLAGE_C)[0], county.households(VILLAGE_A)[0]
        visit = finalized_visit(store, c1["household_id"], date(2025, 5, 7), "书记", "正常")
        edit_household(store, a1["household_id"], phone="13911112222")
        accounts.assign(county.sd, "test", username="sec_ac2", villages=[VILLAGE_C], remove=True)
        waiting = pending_by_village(store)
        report = client.sync()

        # the batch with the new household was refused (no new household in a village being drained) …
        assert [(r["code"], r.get("kind")) for r in report.refused] == [
            ("village_not_assigned", "household.create")
        ]
        # … the updates went up alone before the download: C's visit and A's edit are on the county
        assert [b["status"] for b in report.sent_batches] == ["merged"]
        with county.sd.transaction() as s:
            assert s.get(VisitRow, visit.visit_id) is not None
            assert s.get(HouseholdRow, made_here.household_id) is None
            row = s.get(HouseholdRow, a1["household_id"])
            assert row is not None and row.data["phone"] == "13911112222"
        forgotten = report.downloaded.forgotten
        assert forgotten is not None
        assert forgotten.to_dict() == {
            "villages": [VILLAGE_C],
            "households": 4,
            "uploaded": 1,
            "refused": waiting[VILLAGE_C] - 1,
        }
        sentence = forgotten.sentence()
        assert (
            "1条记录上传到了县里" in sentence.zh
            and "县里拒收" in sentence.zh
            and "refused by the county" in sentence.en
        )
        assert store.households.get(made_here.household_id) is None
        assert not any(
            value in store_text(store) for value in [made_here.household_id, made_here.household_no]
        )
        assert store.outbox.count() == {"edits": 0, "visits": 0, "member_changes": 0}


def test_a_village_lost_with_nothing_pending_is_erased_on_the_next_sync(
    county: County, tmp_path: Path
) -> None:
    store, client = laptop(county, tmp_path / "laptop", "sec_bc", [VILLAGE_B, VILLAGE_C])
    with store:
        client.sync()
        accounts.assign(county.sd, "test", username="sec_bc", villages=[VILLAGE_B], remove=True)
        report = client.sync()
        assert report.refused == [] and report.downloaded.forgotten is not None
        assert report.downloaded.forgotten.to_dict() == {
            "villages": [VILLAGE_B],
            "households": 3,
            "uploaded": 0,
            "refused": 0,
        }
        assert "没有待上传的记录" in report.downloaded.forgotten.sentence().zh
        text = store_text(store)
        for household in county.households(VILLAGE_B):
            assert not any(value in text for value in traces(household))
        assert store.households.count() == len(county.households(VILLAGE_C))


def test_a_household_the_county_moves_away_leaves_the_old_villages_laptops(
    county: County, tmp_path: Path
) -> None:
    a_store, a_client = laptop(county, tmp_path / "a", "sec_a", [VILLAGE_A])
    b_store, b_client = laptop(county, tmp_path / "b", "sec_b", [VILLAGE_B])
    with a_store, b_store:
        a_client.sync()
        b_client.sync()
        moving = dict(county.households(VILLAGE_A)[2], division_code=VILLAGE_B)
        import_roster(county.sd, "test", roster_of([moving]))
        with county.sd.transaction() as s:  # everything that belongs to the household followed it
            villages = {
                m.village_code
                for m in s.execute(
                    select(MemberRow).where(MemberRow.household_id == moving["household_id"])
                ).scalars()
            }
            villages |= {
                v.village_code
                for v in s.execute(
                    select(VisitRow).where(VisitRow.household_id == moving["household_id"])
                ).scalars()
            }
            assert villages == {VILLAGE_B}
            assert registry.households_of_people(s, {moving["members"][0]["id_number"]}) == {
                moving["members"][0]["id_number"].upper(): {moving["household_id"]}
            }
        a_report = a_client.sync()
        assert (
            a_report.downloaded.deleted == 1
            and a_store.households.get(moving["household_id"]) is None
        )
        assert not any(value in store_text(a_store) for value in traces(moving))
        b_client.sync()
        moved = b_store.households.get(moving["household_id"])
        assert (
            moved is not None and str(moved.division_code) == VILLAGE_B and len(moved.members) == 4
        )
        # the new village's secretary may now edit its people; the old one may not
        moved.members[0].work_months = 7
        b_store.households.update(moved)
        assert b_client.sync().sent_batches[0]["status"] == "merged"


def _batches(store: Store) -> list[SentBatch]:
    with store.session() as s:
        rows = list(s.execute(select(SentBatch)).scalars())
        for r in rows:
            s.expunge(r)
        return rows
