"""The drain window: a device delivers its updates for a village the county just took away, then no more.

The county runs in process on SQLite and on PostgreSQL. A secretary of villages A and C has two
devices; the county takes village C away (through ``accounts.assign``, which the command line, the
API route and county mode's administration page all use). Each device may still deliver updates
to C's existing records — field edits, visits, member changes, new members — until it has
downloaded a feed page computed without C (over HTTP through the real route, or as a USB update
file); never a new household. After that, and for every device 30 days after the removal, C is
refused as before. Giving C back ends the removal. Every drained acceptance is audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy import update as sql_update

from fieldsurvey.server import drain
from fieldsurvey.server.app import create_app
from fieldsurvey.server.db.models import (
    AuditEntry,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    VillageDrain,
    VillageRemoval,
    VisitRow,
)
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.feed.update_file import export_feed
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.batch import Identity, open_feed
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.server.test_server_isolation import (
    VILLAGE_C,
    County,
    create,
    isolation_county,
    member_change,
    new_household,
    refused,
    send,
    update,
    visit_record,
)
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    VILLAGE_B,
    app_client,
)


@pytest.fixture(params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[County]:
    with isolation_county(tmp_path, request.param) as c:
        yield c


def second_device(county: County, username: str) -> Identity:
    """Another laptop of the same secretary."""
    code, _ = enrollment.new_enroll_code(county.sd, "test", username=username)
    keys = KeyPair.generate()
    signing, encryption = keys.public_b64()
    info = enrollment.enroll(
        county.sd, code=code, signing_key=signing, encryption_key=encryption, label=f"{username}-2"
    )
    c = info["county"]
    return Identity(
        info["device_id"], username, c["code"], keys, c["signing_key"], c["encryption_key"]
    )


def download(county: County, who: Identity) -> dict[str, Any]:
    """One feed page through the real route, as the laptop's sync fetches it."""
    client = app_client(create_app(county.sd))
    t = Transport(
        "http://localhost", identity=who, policy=RetryPolicy(attempts=1, base=0.01), client=client
    )
    try:
        return open_feed(who, t.feed_page(None))
    finally:
        t.close()


def take_c(county: County) -> None:
    accounts.assign(county.sd, "test", username="sec_ac", villages=[VILLAGE_C], remove=True)


def hamlet(county: County, k: int, value: str) -> dict[str, Any]:
    h = county.households(VILLAGE_C)[k]
    return update("household", h["household_id"], h["household_id"], {"hamlet": (None, value)})


def last_audit(county: County, action: str) -> dict[str, Any]:
    with county.sd.transaction() as s:
        entry = s.execute(
            select(AuditEntry)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.entry_no.desc())
            .limit(1)
        ).scalar_one()
        return {"actor": entry.actor, "subject": entry.subject, **json.loads(entry.details)}


def test_during_the_drain_updates_to_the_lost_villages_records_are_accepted_and_audited(
    county: County,
) -> None:
    c1, c2 = county.households(VILLAGE_C)[0], county.households(VILLAGE_C)[1]
    take_c(county)
    with county.sd.transaction() as s:
        [removal] = s.execute(select(VillageRemoval)).scalars().all()
        assert removal.village_code == VILLAGE_C
    member = dict(
        new_household(VILLAGE_C)["members"][2], member_id=str(uuid.uuid4()), relation="99"
    )  # someone new joins
    visit = visit_record(c1["household_id"])
    change = member_change(c1, c1["members"][3], "death")
    result = send(
        county,
        county.ac,
        [
            hamlet(county, 0, "后山"),
            update(
                "member",
                c1["members"][0]["member_id"],
                c1["household_id"],
                {"work_months": (c1["members"][0]["work_months"], 9)},
            ),
            visit,
            change,
            create("member", c2["household_id"], member),
        ],
    )
    assert result.status == "merged" and {o["outcome"] for o in result.outcomes} == {
        "applied",
        "created",
    }
    with county.sd.transaction() as s:
        row = s.get(HouseholdRow, c1["household_id"])
        assert row is not None and row.data["hamlet"] == "后山" and row.village_code == VILLAGE_C
        assert s.get(VisitRow, visit["visit"]["visit_id"]) is not None
        assert s.get(MemberChangeRow, change["change"]["change_id"]) is not None
        new = s.execute(
            select(MemberRow).where(MemberRow.member_id == member["member_id"])
        ).scalar_one()
        assert (new.household_id, new.village_code) == (c2["household_id"], VILLAGE_C)
    entry = last_audit(county, "batch_accepted")
    assert entry["actor"] == f"device:{county.ac.device_id}" and entry["drained_villages"] == [
        VILLAGE_C
    ]
    removed = last_audit(county, "villages_removed")
    assert removed["villages"] == [VILLAGE_C] and removed["drain_until_days"] == drain.DRAIN_DAYS
    # an ordinary batch of the user's own village says nothing about a drain
    a1 = county.households(VILLAGE_A)[0]
    send(
        county,
        county.ac,
        [update("household", a1["household_id"], a1["household_id"], {"hamlet": (None, "前村")})],
    )
    assert "drained_villages" not in last_audit(county, "batch_accepted")


def test_no_new_household_goes_into_a_village_being_drained(county: County) -> None:
    take_c(county)
    refused(
        county,
        county.ac,
        [create_household(VILLAGE_C)],
        "village_not_assigned",
        1,
        "household.create",
    )
    # nor beside an update the drain allows: the batch is refused whole
    refused(
        county,
        county.ac,
        [hamlet(county, 0, "后山"), create_household(VILLAGE_C)],
        "village_not_assigned",
        2,
        "household.create",
    )


def create_household(village: str) -> dict[str, Any]:
    return {"kind": "household.create", "household": new_household(village)}


def test_the_drain_is_only_for_the_user_who_lost_the_village_and_only_for_that_village(
    county: County,
) -> None:
    take_c(county)
    refused(
        county, county.b, [hamlet(county, 0, "后山")], "village_not_assigned", 1, "record.update"
    )  # sec_b never had C
    b1 = county.households(VILLAGE_B)[1]
    refused(
        county,
        county.ac,
        [update("household", b1["household_id"], b1["household_id"], {"hamlet": (None, "x")})],
        "village_not_assigned",
        1,
        "record.update",
    )  # sec_ac never had B


def test_a_device_that_downloaded_a_feed_without_the_village_is_refused_afterwards(
    county: County,
) -> None:
    other = second_device(county, "sec_ac")
    before = download(county, county.ac)  # before the removal: a page with C drains nothing
    assert before["header"]["villages"] == [VILLAGE_A, VILLAGE_C]
    take_c(county)
    page = download(county, county.ac)
    assert page["header"]["villages"] == [VILLAGE_A]
    audit = last_audit(county, "villages_drained")
    assert (audit["device"], audit["villages"]) == (county.ac.device_id, [VILLAGE_C])
    # the first laptop has had its page without C: it has sent what it had, and erases C now
    refused(
        county, county.ac, [hamlet(county, 0, "后山")], "village_not_assigned", 1, "record.update"
    )
    refused(
        county,
        county.ac,
        [visit_record(county.households(VILLAGE_C)[0]["household_id"])],
        "village_not_assigned",
        1,
        "visit",
    )
    # the second laptop of the same secretary has not: its pending work still goes up
    assert send(county, other, [hamlet(county, 1, "河边")]).status == "merged"
    download(county, other)
    refused(county, other, [hamlet(county, 2, "坡上")], "village_not_assigned", 1, "record.update")
    with county.sd.transaction() as s:
        drains = {(d.device_id, d.village_code) for d in s.execute(select(VillageDrain)).scalars()}
    assert drains == {(county.ac.device_id, VILLAGE_C), (other.device_id, VILLAGE_C)}


def test_an_update_file_for_usb_ends_the_drain_as_a_download_does(county: County) -> None:
    take_c(county)
    assert send(county, county.ac, [hamlet(county, 0, "后山")]).status == "merged"
    data, _items = export_feed(county.sd, county.ac.device_id)
    assert open_feed(county.ac, data)["header"]["villages"] == [VILLAGE_A]
    refused(
        county, county.ac, [hamlet(county, 1, "河边")], "village_not_assigned", 1, "record.update"
    )


def test_thirty_days_after_the_removal_the_drain_ends_for_every_device(county: County) -> None:
    take_c(county)

    def removed_days_ago(days: float) -> None:
        with county.sd.transaction() as s:
            s.execute(
                sql_update(VillageRemoval).values(
                    removed_at=datetime.now(UTC) - timedelta(days=days)
                )
            )

    removed_days_ago(drain.DRAIN_DAYS - 1)
    assert (
        send(county, county.ac, [hamlet(county, 0, "后山")]).status == "merged"
    )  # a day left: not yet drained, accepted
    removed_days_ago(drain.DRAIN_DAYS + 0.01)
    refused(
        county, county.ac, [hamlet(county, 1, "河边")], "village_not_assigned", 1, "record.update"
    )


def test_giving_the_village_back_ends_the_removal_and_a_new_removal_starts_afresh(
    county: County,
) -> None:
    take_c(county)
    download(county, county.ac)
    refused(
        county, county.ac, [hamlet(county, 0, "后山")], "village_not_assigned", 1, "record.update"
    )
    accounts.assign(
        county.sd, "test", username="sec_ac", villages=[VILLAGE_C]
    )  # C is the secretary's again
    with county.sd.transaction() as s:
        assert (
            s.execute(select(VillageRemoval)).first() is None
            and s.execute(select(VillageDrain)).first() is None
        )
    send(county, county.ac, [hamlet(county, 0, "后山")])
    assert "drained_villages" not in last_audit(
        county, "batch_accepted"
    )  # an own village, not a drain
    download(county, county.ac)
    take_c(county)  # taken again: this device's work since is delivered once more before it drains
    assert send(county, county.ac, [hamlet(county, 1, "河边")]).status == "merged"
    assert last_audit(county, "batch_accepted")["drained_villages"] == [VILLAGE_C]


def test_removing_a_village_through_the_api_opens_the_drain_and_assigning_closes_it(
    county: County,
) -> None:
    client = app_client(create_app(county.sd))
    token = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": "admin-pass-123"}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    r = client.put(
        "/api/v1/admin/users/sec_ac/villages",
        json={"villages": [VILLAGE_C], "remove": True},
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["villages"] == [VILLAGE_A]
    with county.sd.transaction() as s:
        assert [
            (v.village_code, v.removed_at is not None)
            for v in s.execute(select(VillageRemoval)).scalars()
        ] == [(VILLAGE_C, True)]
    r = client.put(
        "/api/v1/admin/users/sec_ac/villages", json={"villages": [VILLAGE_C]}, headers=headers
    )
    assert r.status_code == 200 and r.json()["villages"] == [VILLAGE_A, VILLAGE_C]
    with county.sd.transaction() as s:
        assert s.execute(select(VillageRemoval)).first() is None
    # removing a village the user does not have opens nothing
    client.put(
        "/api/v1/admin/users/sec_ac/villages",
        json={"villages": [VILLAGE_B], "remove": True},
        headers=headers,
    )
    with county.sd.transaction() as s:
        assert s.execute(select(VillageRemoval)).first() is None
