"""Village isolation on writes: a device's batch may touch only records of its user's villages.

Every case is an attack an enrolled, honest-looking device can send — an ordinary signed batch
naming its own household beside another village's record, reusing another village's ids or
household numbers — and each is refused whole, with the record's position and kind, recorded in
the rejections table and the audit log, and leaves every row of the county as it was. The county
runs in process on SQLite and on PostgreSQL (``BACKENDS``); the property test at the end sends
random batches mixing a device's own ids with everyone else's and compares the rows of the other
villages before and after each one.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.visit import FINALIZED, Visit
from fieldsurvey.server.auth.identity import principal_of
from fieldsurvey.server.batches.checks import Refused, kind_label
from fieldsurvey.server.batches.ingest import IngestResult, ingest
from fieldsurvey.server.conflicts import queries
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    AuditEntry,
    ConflictRow,
    Device,
    HouseholdRow,
    MemberChangeRow,
    MemberRow,
    PartRow,
    Rejection,
    Tombstone,
    User,
    VisitRow,
)
from fieldsurvey.server.feed import pages as feed
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from tests.support.factories import household
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    VILLAGE_B,
    database,
    enroll_secretary,
    init_county,
    roster_of,
    township,
)

VILLAGE_C = "610728101003"
VILLAGES = (VILLAGE_A, VILLAGE_B, VILLAGE_C)


def carried_visit(household_id: str, day: date, findings: str, **more: Any) -> dict[str, Any]:
    """A finalized visit as a roster or a batch carries it (without the laptop's own fields)."""
    visit = Visit(
        household_id,
        day,
        "书记",
        "household_visit",
        "1",
        {"food_secure": True},
        status=FINALIZED,
        findings=findings,
        assessment={"flags": []},
        **more,
    )
    d = visit_to_dict(visit)
    for name in ("cursor", "review_status", "review_comment"):
        d.pop(name, None)
    return d


def isolation_roster() -> dict[str, Any]:
    """Three households in each of three villages; every person distinct, with past visits."""
    households, visits = [], []
    for v, village in enumerate(VILLAGES):
        for k in range(1, 4):
            h = household(no=f"{village}{v}{10 * v + k:03d}", village=village)
            households.append(household_to_dict(h))
            visits.append(carried_visit(h.household_id, date(2025, 3, k), "入户核实"))
    divisions = township(dict(zip(VILLAGES, "甲乙丙", strict=True)))
    return roster_of(households, divisions=divisions, visits=visits)


@dataclass
class County:
    sd: ServerDir
    roster: dict[str, Any]
    ac: Identity  # a secretary of villages A and C
    b: Identity  # a secretary of village B

    def households(self, village: str) -> list[dict[str, Any]]:
        return [h for h in self.roster["households"] if h["division_code"] == village]

    def visit_of(self, household_id: str) -> dict[str, Any]:
        return next(v for v in self.roster["visits"] if v["household_id"] == household_id)


@contextlib.contextmanager
def isolation_county(tmp: Path, backend: str) -> Iterator[County]:
    """The county of ``isolation_roster`` on ``backend``, with its two secretaries' devices."""
    with database(backend) as url:
        sd = init_county(tmp / "county", url)
        try:
            data = isolation_roster()
            import_roster(sd, "test", data)
            county = County(
                sd,
                data,
                enroll_secretary(sd, "sec_ac", [VILLAGE_A, VILLAGE_C]),
                enroll_secretary(sd, "sec_b", [VILLAGE_B]),
            )
            b1 = county.households(VILLAGE_B)[0]
            send(
                county, county.b, [member_change(b1, b1["members"][3], "death")]
            )  # village B has a member change too
            yield county
        finally:
            sd.close()


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    with isolation_county(
        tmp_path_factory.mktemp(f"isolation-{request.param}"), request.param
    ) as c:
        yield c


# -- batches ---------------------------------------------------------------------------------------
def send(
    county: County, who: Identity, records: list[dict[str, Any]], batch_id: str | None = None
) -> IngestResult:
    payload = batch_payload(who, records, base_cursor=None, batch_id=batch_id)
    return ingest(county.sd, seal_batch(who, payload), via="http")


# What of each registry table is compared: (kind, model, columns); ``data`` is compared as JSON.
REGISTRY: list[tuple[str, Any, tuple[str, ...]]] = [
    ("household", HouseholdRow,
     ("household_id", "village_code", "household_no", "revision", "seq", "deleted", "data")),
    ("member", MemberRow,
     ("member_id", "household_id", "village_code", "revision", "seq", "deleted", "present", "data")),
    ("part", PartRow,
     ("household_id", "part_type", "part_id", "village_code", "revision", "seq", "deleted", "data")),
    ("visit", VisitRow, ("visit_id", "household_id", "village_code", "content_sha256", "seq")),
    ("member_change", MemberChangeRow, ("change_id", "household_id", "village_code", "seq", "data")),
    ("conflict", ConflictRow, ("conflict_id", "household_id", "village_code", "record_id", "field")),
    ("tombstone", Tombstone, ("record_type", "record_id", "household_id", "village_code", "seq")),
]  # fmt: skip


def registry_rows(sd: ServerDir, except_in: tuple[str, ...] | None = None) -> set[tuple[Any, ...]]:
    """Every row of the registry, comparable; with ``except_in``, only the rows outside those villages
    (a row counts as outside when it, or the household it belongs to, is in another village)."""

    def value(row: Any, column: str) -> Any:
        v = getattr(row, column)
        return (
            json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
            if column == "data"
            else v
        )

    rows: set[tuple[Any, ...]] = set()
    with sd.transaction() as s:
        homes = {h.household_id: h.village_code for h in s.execute(select(HouseholdRow)).scalars()}

        def keep(household_id: str, village: str) -> bool:
            return (
                except_in is None
                or village not in except_in
                or homes.get(household_id, village) not in except_in
            )

        for kind, model, columns in REGISTRY:
            for row in s.execute(select(model)).scalars():
                if keep(row.household_id, row.village_code):
                    rows.add((kind, *(value(row, c) for c in columns)))
    return rows


def personal_values(county: County) -> list[str]:
    return [
        str(m[k])
        for h in county.roster["households"]
        for m in h["members"]
        for k in ("name", "id_number")
    ]


def refused(
    county: County, who: Identity, records: list[dict[str, Any]], code: str, record: int, kind: str
) -> Refused:
    """Send the attack; assert it is refused whole, named, recorded and audited, and changed nothing."""
    before = registry_rows(county.sd)
    with county.sd.transaction() as s:
        rejections = s.execute(select(func.count()).select_from(Rejection)).scalar_one()
    payload = batch_payload(who, records, base_cursor=None)
    with pytest.raises(Refused) as e:
        ingest(county.sd, seal_batch(who, payload), via="http")
    error = e.value
    assert error.code == code, error.text.en
    assert (error.extra.get("record"), error.extra.get("kind")) == (record, kind)
    label = kind_label(kind)  # the record's kind as people name it, not its code
    assert (
        f"record {record} ({label.en})" in error.text.en
        and f"第{record}条记录（{label.zh}）" in error.text.zh
    )
    assert kind not in error.text.zh
    assert not any(
        value in error.text.en or value in error.text.zh for value in personal_values(county)
    )
    assert registry_rows(county.sd) == before  # nothing of the batch was applied
    with county.sd.transaction() as s:
        assert s.execute(select(func.count()).select_from(Rejection)).scalar_one() == rejections + 1
        rejection = s.execute(
            select(Rejection).order_by(Rejection.rejection_id.desc()).limit(1)
        ).scalar_one()
        assert (rejection.batch_id, rejection.reason_code) == (payload["header"]["batch_id"], code)
        entry = s.execute(
            select(AuditEntry).order_by(AuditEntry.entry_no.desc()).limit(1)
        ).scalar_one()
        assert (entry.action, entry.subject) == ("batch_refused", payload["header"]["batch_id"])
        assert (
            json.loads(entry.details)["code"] == code
            and json.loads(entry.details)["record"] == record
        )
    return error


def update(
    record_type: str, record_id: str, household_id: str, changes: dict[str, tuple[Any, Any]]
) -> dict[str, Any]:
    return {
        "kind": "record.update",
        "record_type": record_type,
        "record_id": record_id,
        "household_id": household_id,
        "base_revision": 1,
        "changes": [{"field": f, "base": b, "value": v} for f, (b, v) in changes.items()],
    }


def delete(record_type: str, record_id: str, household_id: str) -> dict[str, Any]:
    return {
        "kind": "record.delete",
        "record_type": record_type,
        "record_id": record_id,
        "household_id": household_id,
        "base_revision": 1,
    }


def create(record_type: str, household_id: str, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "record.create",
        "record_type": record_type,
        "household_id": household_id,
        "record": record,
    }


def member_change(
    h: dict[str, Any], member: dict[str, Any], reason: str, change_id: str | None = None
) -> dict[str, Any]:
    return {
        "kind": "member_change",
        "change": {
            "household_id": h["household_id"],
            "member_id": member["member_id"],
            "reason": reason,
            "change_date": "2025-04-01",
            "change_id": change_id or str(uuid.uuid4()),
            "note": None,
        },
    }


def visit_record(household_id: str, visit_id: str | None = None, day: int = 6) -> dict[str, Any]:
    visit_id = visit_id or str(uuid.uuid4())
    return {
        "kind": "visit",
        "visit": carried_visit(household_id, date(2025, 5, day), "正常", visit_id=visit_id),
    }


_numbers = iter(range(500, 999))


def new_household(village: str, **changes: Any) -> dict[str, Any]:
    """A household made on a laptop: fresh ids, a fresh number, people nobody else has."""
    n = next(_numbers)
    h = household_to_dict(household(no=f"{village}9{n:03d}", village=village, person_index=n))
    h.update(changes)
    return h


def same_person(member: dict[str, Any]) -> dict[str, Any]:
    """The fields that say who a member is: copied onto another member, they make the same person."""
    return {k: member[k] for k in ("id_number", "birth_date", "sex")}


def feed_household_ids(county: County, who: Identity) -> set[str]:
    with county.sd.transaction() as s:
        device = s.get(Device, who.device_id)
        assert device is not None
        user = s.get(User, device.user_id)
        assert user is not None
        page = feed.build_feed(s, principal_of(s, user, who.device_id), None)
    return {str(i["record"]["household_id"]) for i in page["items"] if i["type"] == "household"} | {
        str(i["household_id"])
        for i in page["items"]
        if i["type"] in ("member", "helper", "measure", "income")
    }


# -- households --------------------------------------------------------------------------------------
def test_a_create_reusing_another_villages_household_id_is_refused_and_takes_nothing_over(
    county: County,
) -> None:
    b1 = county.households(VILLAGE_B)[0]
    takeover = new_household(VILLAGE_A, household_id=b1["household_id"])
    refused(
        county,
        county.ac,
        [{"kind": "household.create", "household": takeover}],
        "household_exists",
        1,
        "household.create",
    )
    with county.sd.transaction() as s:
        row = s.get(HouseholdRow, b1["household_id"])
        assert row is not None and row.village_code == VILLAGE_B and row.revision == 1
    assert b1["household_id"] not in feed_household_ids(
        county, county.ac
    )  # its people are not served to the attacker


def test_a_create_in_a_village_the_device_does_not_serve_is_refused(county: County) -> None:
    records = [
        {"kind": "household.create", "household": new_household(VILLAGE_A)},
        {"kind": "household.create", "household": new_household(VILLAGE_B)},
    ]
    refused(county, county.ac, records, "village_not_assigned", 2, "household.create")


def test_a_create_reusing_a_household_number_of_any_village_is_refused(county: County) -> None:
    for village in (VILLAGE_B, VILLAGE_A):  # another village's number, and one of its own
        taken = county.households(village)[1]["household_no"]
        refused(
            county,
            county.ac,
            [
                {
                    "kind": "household.create",
                    "household": new_household(VILLAGE_A, household_no=taken),
                }
            ],
            "household_no_exists",
            1,
            "household.create",
        )


def test_a_create_reusing_an_own_village_household_it_did_not_create_is_refused(
    county: County,
) -> None:
    a1 = county.households(VILLAGE_A)[0]  # in its own village, but from the county's roster
    refused(
        county,
        county.ac,
        [{"kind": "household.create", "household": dict(a1, phone="13900000000")}],
        "household_exists",
        1,
        "household.create",
    )


def test_a_batch_creating_one_household_twice_is_refused(county: County) -> None:
    h = new_household(VILLAGE_A)
    twice = [
        {"kind": "household.create", "household": h},
        {"kind": "household.create", "household": dict(h)},
    ]
    refused(county, county.ac, twice, "duplicate_create", 2, "household.create")


def test_a_resend_of_its_own_create_is_merged_but_cannot_move_it(county: County) -> None:
    h = new_household(VILLAGE_A)
    first = send(county, county.ac, [{"kind": "household.create", "household": h}])
    assert [o["outcome"] for o in first.outcomes] == ["created"]
    # The answer was lost; the laptop sends the create again in a new batch, with a new member.
    extra_member = dict(new_household(VILLAGE_A)["members"][1], relation="99")
    again = dict(h, phone="13912345678", members=[*h["members"], extra_member])
    second = send(county, county.ac, [{"kind": "household.create", "household": again}])
    assert second.status == "merged"
    with county.sd.transaction() as s:
        row = s.get(HouseholdRow, h["household_id"])
        assert (
            row is not None and row.village_code == VILLAGE_A and row.data["phone"] == "13912345678"
        )
        assert s.get(MemberRow, extra_member["member_id"]) is not None
    # A resend that names another of its own villages would move the household: refused.
    refused(
        county,
        county.ac,
        [{"kind": "household.create", "household": dict(h, division_code=VILLAGE_C)}],
        "household_exists",
        1,
        "household.create",
    )
    # And another user of the same village may not resend it as if it were theirs.
    other = enroll_secretary(county.sd, f"sec_a_{uuid.uuid4().hex[:6]}", [VILLAGE_A])
    refused(
        county,
        other,
        [{"kind": "household.create", "household": h}],
        "household_exists",
        1,
        "household.create",
    )


def test_a_household_update_naming_its_own_household_beside_another_villages_id_is_refused(
    county: County,
) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    edit = update(
        "household", b1["household_id"], a1["household_id"], {"address": (b1["address"], "篡改")}
    )
    refused(county, county.ac, [edit], "record_mismatch", 1, "record.update")
    edit = update(
        "household", b1["household_id"], b1["household_id"], {"address": (b1["address"], "篡改")}
    )
    refused(county, county.ac, [edit], "village_not_assigned", 1, "record.update")


def test_no_batch_moves_a_household_or_renumbers_it(county: County) -> None:
    a2 = county.households(VILLAGE_A)[1]
    for name, value in (
        ("division_code", VILLAGE_C),
        ("division_code", VILLAGE_B),
        ("household_no", f"{VILLAGE_C}9999"),
    ):
        with pytest.raises(Refused) as e:
            send(
                county,
                county.ac,
                [
                    update(
                        "household",
                        a2["household_id"],
                        a2["household_id"],
                        {name: (a2[name], value)},
                    )
                ],
            )
        assert e.value.code == "bad_record" and name in e.value.text.en
    with county.sd.transaction() as s:
        row = s.get(HouseholdRow, a2["household_id"])
        assert row is not None and (row.village_code, row.household_no) == (
            VILLAGE_A,
            a2["household_no"],
        )


# -- members and parts -------------------------------------------------------------------------------
def test_a_member_update_or_delete_naming_its_own_household_is_judged_by_the_members_own_row(
    county: County,
) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    theirs = b1["members"][0]
    refused(
        county,
        county.ac,
        [update("member", theirs["member_id"], a1["household_id"], {"work_months": (None, 12)})],
        "village_not_assigned",
        1,
        "record.update",
    )
    refused(
        county,
        county.ac,
        [delete("member", theirs["member_id"], a1["household_id"])],
        "village_not_assigned",
        1,
        "record.delete",
    )
    a2 = county.households(VILLAGE_A)[1]
    mine_elsewhere = a2["members"][0]  # its own village, but another household than the one named
    refused(
        county,
        county.ac,
        [
            update(
                "member",
                mine_elsewhere["member_id"],
                a1["household_id"],
                {"work_months": (None, 3)},
            )
        ],
        "record_mismatch",
        1,
        "record.update",
    )


def test_a_new_member_reusing_another_households_member_id_is_refused(county: County) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    fresh = new_household(VILLAGE_A)["members"][1]
    hijack = dict(fresh, member_id=b1["members"][1]["member_id"])
    refused(
        county,
        county.ac,
        [create("member", a1["household_id"], hijack)],
        "village_not_assigned",
        1,
        "record.create",
    )
    inside = dict(fresh, member_id=county.households(VILLAGE_A)[2]["members"][1]["member_id"])
    refused(
        county,
        county.ac,
        [create("member", a1["household_id"], inside)],
        "record_exists",
        1,
        "record.create",
    )
    in_new = new_household(VILLAGE_A)
    in_new["members"][2] = dict(in_new["members"][2], member_id=b1["members"][2]["member_id"])
    refused(
        county,
        county.ac,
        [{"kind": "household.create", "household": in_new}],
        "village_not_assigned",
        1,
        "household.create",
    )


def test_parts_of_another_village_cannot_be_edited_deleted_or_added(county: County) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    helper = b1["helpers"][0]
    refused(
        county,
        county.ac,
        [
            update(
                "helper", helper["helper_id"], a1["household_id"], {"unit": (helper["unit"], "x")}
            )
        ],
        "unknown_record",
        1,
        "record.update",
    )
    refused(
        county,
        county.ac,
        [
            update(
                "helper", helper["helper_id"], b1["household_id"], {"unit": (helper["unit"], "x")}
            )
        ],
        "village_not_assigned",
        1,
        "record.update",
    )
    refused(
        county,
        county.ac,
        [delete("measure", b1["measures"][0]["measure_id"], b1["household_id"])],
        "village_not_assigned",
        1,
        "record.delete",
    )
    refused(
        county,
        county.ac,
        [create("helper", b1["household_id"], dict(helper, helper_id=str(uuid.uuid4())))],
        "village_not_assigned",
        1,
        "record.create",
    )


# -- visits and member changes ------------------------------------------------------------------------
def test_a_visit_is_judged_by_its_own_row_and_its_household(county: County) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    theirs = county.visit_of(b1["household_id"])["visit_id"]
    refused(
        county,
        county.ac,
        [visit_record(a1["household_id"], visit_id=theirs)],
        "village_not_assigned",
        1,
        "visit",
    )
    refused(
        county,
        county.ac,
        [visit_record(a1["household_id"]), visit_record(b1["household_id"])],
        "village_not_assigned",
        2,
        "visit",
    )
    own_elsewhere = county.visit_of(county.households(VILLAGE_A)[1]["household_id"])["visit_id"]
    refused(
        county,
        county.ac,
        [visit_record(a1["household_id"], visit_id=own_elsewhere)],
        "record_exists",
        1,
        "visit",
    )


def test_a_member_change_is_judged_by_its_member_and_its_own_row(county: County) -> None:
    a1, b1 = county.households(VILLAGE_A)[0], county.households(VILLAGE_B)[0]
    refused(
        county,
        county.ac,
        [member_change(a1, b1["members"][1], "emigrated")],
        "village_not_assigned",
        1,
        "member_change",
    )
    with county.sd.transaction() as s:
        theirs = s.execute(
            select(MemberChangeRow.change_id).where(
                MemberChangeRow.household_id == b1["household_id"]
            )
        ).scalar_one()
    refused(
        county,
        county.ac,
        [member_change(a1, a1["members"][1], "emigrated", change_id=theirs)],
        "village_not_assigned",
        1,
        "member_change",
    )
    refused(
        county,
        county.ac,
        [member_change(a1, county.households(VILLAGE_A)[1]["members"][1], "emigrated")],
        "record_mismatch",
        1,
        "member_change",
    )


def test_a_refusal_names_the_bad_record_after_good_ones(county: County) -> None:
    a3, b2 = county.households(VILLAGE_A)[2], county.households(VILLAGE_B)[1]
    records = [
        update("household", a3["household_id"], a3["household_id"], {"hamlet": (None, "上湾")}),
        visit_record(a3["household_id"]),
        update(
            "member", b2["members"][0]["member_id"], a3["household_id"], {"work_months": (None, 1)}
        ),
    ]
    refused(
        county, county.ac, records, "village_not_assigned", 3, "record.update"
    )  # the first two are not applied either


# -- conflicts -----------------------------------------------------------------------------------------
def test_a_conflict_is_filed_with_the_households_village_and_shown_only_to_who_may_see_it(
    county: County,
) -> None:
    c1 = county.households(VILLAGE_C)[0]
    other = enroll_secretary(county.sd, f"sec_c_{uuid.uuid4().hex[:6]}", [VILLAGE_C])
    send(
        county,
        other,
        [
            update(
                "household",
                c1["household_id"],
                c1["household_id"],
                {"water_source": (c1["water_source"], "rainwater")},
            )
        ],
    )
    result = send(
        county,
        county.ac,
        [
            update(
                "household",
                c1["household_id"],
                c1["household_id"],
                {"water_source": (c1["water_source"], "protected_well")},
            )
        ],
    )
    assert result.conflicts == 1
    with county.sd.transaction() as s:
        [conflict] = (
            s.execute(select(ConflictRow).where(ConflictRow.household_id == c1["household_id"]))
            .scalars()
            .all()
        )
        assert conflict.village_code == VILLAGE_C
        office_c = principal_of(
            s, s.execute(select(User).where(User.username == "sec_ac")).scalar_one()
        )
        office_b = principal_of(
            s, s.execute(select(User).where(User.username == "sec_b")).scalar_one()
        )
        seen_c = queries.conflict_queue(
            s, office_c, status="open", scope=None, after=None, limit=100
        )["items"]
        seen_b = queries.conflict_queue(
            s, office_b, status="open", scope=None, after=None, limit=100
        )["items"]
    assert conflict.conflict_id in {c["conflict_id"] for c in seen_c}
    assert conflict.conflict_id not in {c["conflict_id"] for c in seen_b}
    notices = feed_notices(county, county.ac)
    assert any(n["kind"] == "conflict" and n["household_id"] == c1["household_id"] for n in notices)
    # Once the user no longer serves village C, the device no longer hears about that household.
    accounts.assign(county.sd, "test", username="sec_ac", villages=[VILLAGE_C], remove=True)
    try:
        assert not any(
            n.get("household_id") == c1["household_id"] for n in feed_notices(county, county.ac)
        )
    finally:
        accounts.assign(county.sd, "test", username="sec_ac", villages=[VILLAGE_C])


def feed_notices(county: County, who: Identity) -> list[dict[str, Any]]:
    with county.sd.transaction() as s:
        device = s.get(Device, who.device_id)
        assert device is not None
        user = s.get(User, device.user_id)
        assert user is not None
        page = feed.build_feed(s, principal_of(s, user, who.device_id), None)
    return [i for i in page["items"] if i["type"] == "notice"]


# -- one person, one household --------------------------------------------------------------------------
def test_a_person_already_in_another_household_is_refused(county: County) -> None:
    b1 = county.households(VILLAGE_B)[0]
    h = new_household(VILLAGE_A)
    h["members"][1] = dict(
        h["members"][1], **same_person(b1["members"][1])
    )  # the same person, another village
    refused(
        county,
        county.ac,
        [{"kind": "household.create", "household": h}],
        "duplicate_person",
        1,
        "household.create",
    )
    a1 = county.households(VILLAGE_A)[0]
    joiner = dict(new_household(VILLAGE_A)["members"][1], **same_person(a1["members"][1]))
    refused(
        county,
        county.ac,
        [create("member", county.households(VILLAGE_A)[1]["household_id"], joiner)],
        "duplicate_person",
        1,
        "record.create",
    )


def test_the_same_person_in_two_new_households_of_one_batch_is_refused(county: County) -> None:
    one, two = new_household(VILLAGE_A), new_household(VILLAGE_C)
    two["members"][2] = dict(two["members"][2], **same_person(one["members"][2]))
    refused(
        county,
        county.ac,
        [
            {"kind": "household.create", "household": one},
            {"kind": "household.create", "household": two},
        ],
        "duplicate_person",
        1,
        "household.create",
    )


def test_a_person_who_moves_between_households_in_one_batch_is_accepted(county: County) -> None:
    home, target = new_household(VILLAGE_A), new_household(VILLAGE_A)
    send(
        county,
        county.ac,
        [
            {"kind": "household.create", "household": home},
            {"kind": "household.create", "household": target},
        ],
    )
    mover = home["members"][1]
    moved = dict(mover, member_id=str(uuid.uuid4()), relation="99")
    result = send(
        county,
        county.ac,
        [
            create(
                "member", target["household_id"], moved
            ),  # added before leaving: order does not matter
            update("member", mover["member_id"], home["household_id"], {"present": (True, False)}),
            member_change(home, mover, "other_out"),
        ],
    )
    assert result.status == "merged"


# -- refusals are recorded ------------------------------------------------------------------------------
def test_a_batch_id_reused_for_other_content_is_recorded_and_audited(county: County) -> None:
    a2 = county.households(VILLAGE_A)[1]
    batch_id = str(uuid.uuid4())
    send(
        county,
        county.ac,
        [update("household", a2["household_id"], a2["household_id"], {"hamlet": (None, "一")})],
        batch_id,
    )
    with pytest.raises(Refused) as e:
        send(
            county,
            county.ac,
            [update("household", a2["household_id"], a2["household_id"], {"hamlet": (None, "二")})],
            batch_id,
        )
    assert e.value.code == "batch_id_reused"
    with county.sd.transaction() as s:
        rejection = s.execute(select(Rejection).where(Rejection.batch_id == batch_id)).scalar_one()
        assert rejection.reason_code == "batch_id_reused"
        entry = s.execute(
            select(AuditEntry).where(
                AuditEntry.subject == batch_id, AuditEntry.action == "batch_refused"
            )
        ).scalar_one()
        assert json.loads(entry.details)["code"] == "batch_id_reused"


# -- the property ------------------------------------------------------------------------------------------
def _ids(county: County) -> dict[str, list[Any]]:
    """Ids of every kind, from every village, for random batches to mix."""
    hs = county.roster["households"]
    with county.sd.transaction() as s:
        changes = list(
            s.execute(select(MemberChangeRow.change_id, MemberChangeRow.household_id)).all()
        )
    return {
        "households": hs,
        "members": [(h, m) for h in hs for m in h["members"]],
        "helpers": [(h, p) for h in hs for p in h["helpers"]],
        "visits": list(county.roster["visits"]),
        "changes": changes,
    }


@st.composite
def attack_records(draw: st.DrawFn, county: County) -> list[dict[str, Any]]:
    ids = _ids(county)
    hs = ids["households"]
    pick_h = st.sampled_from(hs)
    records: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 5))):
        shape = draw(
            st.sampled_from(
                [
                    "update_household",
                    "update_member",
                    "delete_member",
                    "create_member",
                    "update_helper",
                    "delete_helper",
                    "visit",
                    "visit_reuse",
                    "change",
                    "change_reuse",
                    "create_reuse_id",
                    "create_reuse_no",
                    "create_new",
                    "create_reuse_member",
                ]
            )
        )
        named, own = draw(pick_h), draw(pick_h)  # the household the batch names, and another one
        if shape == "update_household":
            records.append(
                update(
                    "household",
                    own["household_id"],
                    named["household_id"],
                    {"address": (own["address"], draw(st.text(max_size=8)))},
                )
            )
        elif shape in ("update_member", "delete_member"):
            h, m = draw(st.sampled_from(ids["members"]))
            records.append(
                update(
                    "member",
                    m["member_id"],
                    named["household_id"],
                    {"work_months": (None, draw(st.integers(0, 12)))},
                )
                if shape == "update_member"
                else delete("member", m["member_id"], named["household_id"])
            )
        elif shape == "create_member":
            _h, m = draw(st.sampled_from(ids["members"]))
            records.append(
                create("member", named["household_id"], dict(m, name="新成员", relation="99"))
            )
        elif shape in ("update_helper", "delete_helper"):
            h, p = draw(st.sampled_from(ids["helpers"]))
            records.append(
                update("helper", p["helper_id"], named["household_id"], {"unit": (p["unit"], "改")})
                if shape == "update_helper"
                else delete("helper", p["helper_id"], named["household_id"])
            )
        elif shape == "visit":
            records.append(visit_record(named["household_id"], day=draw(st.integers(1, 28))))
        elif shape == "visit_reuse":
            records.append(
                visit_record(
                    named["household_id"], visit_id=draw(st.sampled_from(ids["visits"]))["visit_id"]
                )
            )
        elif shape == "change":
            _h, m = draw(st.sampled_from(ids["members"]))
            records.append(member_change(named, m, "other_out"))
        elif shape == "change_reuse" and ids["changes"]:
            cid, _hid = draw(st.sampled_from(ids["changes"]))
            records.append(member_change(named, named["members"][0], "other_out", change_id=cid))
        elif shape == "create_reuse_id":
            village = draw(st.sampled_from(VILLAGES))
            records.append(
                {
                    "kind": "household.create",
                    "household": new_household(village, household_id=own["household_id"]),
                }
            )
        elif shape == "create_reuse_no":
            village = draw(st.sampled_from(VILLAGES))
            records.append(
                {
                    "kind": "household.create",
                    "household": new_household(village, household_no=own["household_no"]),
                }
            )
        elif shape == "create_new":
            records.append(
                {
                    "kind": "household.create",
                    "household": new_household(draw(st.sampled_from((VILLAGE_A, VILLAGE_C)))),
                }
            )
        elif shape == "create_reuse_member":
            h = new_household(VILLAGE_A)
            _o, m = draw(st.sampled_from(ids["members"]))
            h["members"][1] = dict(h["members"][1], member_id=m["member_id"])
            records.append({"kind": "household.create", "household": h})
    return records


def test_random_batches_never_change_a_household_outside_the_devices_villages(
    county: County,
) -> None:
    own = (VILLAGE_A, VILLAGE_C)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(records=attack_records(county))
    def attack(records: list[dict[str, Any]]) -> None:
        before = registry_rows(county.sd, except_in=own)
        with contextlib.suppress(Refused):
            send(county, county.ac, records)
        assert registry_rows(county.sd, except_in=own) == before
        with county.sd.transaction() as s:  # and nothing of its villages left them
            mine = {
                h.household_id: h.village_code for h in s.execute(select(HouseholdRow)).scalars()
            }
        for h in county.roster["households"]:
            assert mine[h["household_id"]] == h["division_code"]

    attack()


def test_a_json_roster_with_one_person_in_two_households_is_refused_whole(county: County) -> None:
    from fieldsurvey.core.errors import UserError

    one, two = new_household(VILLAGE_B), new_household(VILLAGE_C)
    two["members"][3] = dict(two["members"][3], **same_person(one["members"][3]))
    known = new_household(VILLAGE_B)
    # Someone the county holds now, present and not removed: the random batches above may have
    # removed the roster's people of village A or marked them as having left.
    with county.sd.transaction() as s:
        registered = (
            s.execute(
                select(MemberRow)
                .where(MemberRow.village_code == VILLAGE_A, MemberRow.present, ~MemberRow.deleted)
                .order_by(MemberRow.member_id)
            )
            .scalars()
            .first()
        )
        assert registered is not None
        person = same_person(registered.data)
    known["members"][2] = dict(known["members"][2], **person)
    left = new_household(
        VILLAGE_C
    )  # the same person, but marked as having left the household: allowed
    left["members"][1] = dict(
        left["members"][1],
        **same_person(county.households(VILLAGE_A)[2]["members"][1]),
        present=False,
    )
    before = registry_rows(county.sd)
    for households, where in (
        ([one, two], "household 2, member 4"),
        ([known], "household 1, member 3"),
    ):
        with pytest.raises(UserError) as e:
            import_roster(county.sd, "test", roster_of(households))
        assert e.value.code == "duplicate_person" and where in e.value.text.en
        assert not any(
            value in e.value.text.en or value in e.value.text.zh
            for value in personal_values(county)
        )
        assert registry_rows(county.sd) == before
    counts = import_roster(county.sd, "test", roster_of([left]))
    assert counts["created"] == 1
    again = import_roster(
        county.sd, "test", roster_of(county.roster["households"])
    )  # a re-import is no duplicate
    assert again["created"] == 0
