"""Conflict review names where the county's value came from: which laptop and user and when, or the county.

Against a real county server process on SQLite and on PostgreSQL: two laptops edit the same
field and the second upload's conflict names the first laptop's device, user, batch and time; a
county resolution and then a laptop's stale edit names the county user; a field untouched since
the roster import names the import; a conflict filed before provenance was kept says unknown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from fieldsurvey.server.db.models import ConflictRow
from fieldsurvey.server.households.provenance import (
    CREATED,
    DELETED,
    EDITED,
    RESOLVED,
    ProvenanceLog,
    Source,
    county_source,
)
from tests.support.server import (
    VILLAGE_A,
    County,
    Device,
    enroll_device,
    init_county,
)


@pytest.fixture(scope="module")
def laptops(county: County) -> tuple[Device, Device]:
    wang, li = (
        enroll_device(county.server, "sec_a", "王书记的笔记本"),
        enroll_device(county.server, "sec_a2", "工作队笔记本"),
    )
    for d in (wang, li):
        d.pull()
    return wang, li


def staff(county: County, method: str, path: str, **kwargs: Any) -> Any:
    r = county.server.api(method, path, county.server.token("staff", "staff-pass-123"), **kwargs)
    assert r.status_code == 200, r.text
    return r.json()


def listed(county: County, household_id: str, status: str = "open") -> list[dict[str, Any]]:
    items = staff(county, "GET", "/county/conflicts", params={"status": status, "limit": 500})[
        "items"
    ]
    return [c for c in items if c["household_id"] == household_id]


def test_the_second_laptops_conflict_names_the_first_laptop_its_user_and_when(
    county: County, laptops: tuple[Device, Device]
) -> None:
    wang, li = laptops
    h = county.households_in(VILLAGE_A)[0]
    hid = h["household_id"]
    before = datetime.now(UTC)
    first = wang.upload([wang.edit(hid, {"phone": (h["phone"], "13800000001")})])
    after = datetime.now(UTC)
    assert (
        li.upload([li.edit(hid, {"phone": (h["phone"], "13900000002")})])["status"]
        == "has_conflicts"
    )
    [conflict] = listed(county, hid)
    assert (
        conflict["device"] == "工作队笔记本" and conflict["user"] == "sec_a2"
    )  # the laptop side, as before
    source = conflict["server_source"]
    assert source["source"] == "device" and source["change"] == "edited"
    assert (source["device"], source["device_id"]) == ("王书记的笔记本", wang.identity.device_id)
    assert (source["username"], source["display_name"]) == ("sec_a", "甲村书记")
    assert source["batch_id"] == first["batch_id"]
    assert before <= datetime.fromisoformat(source["at"]) <= after
    # the laptop that raised it hears that another laptop's sync changed the field, not "the county"
    notice = next(
        i
        for i in li.pull()
        if i["type"] == "notice" and i["kind"] == "conflict" and i["ref"] == conflict["conflict_id"]
    )
    assert (
        "另一台笔记本同步的修改" in notice["text"]["zh"]
        and "another laptop's sync" in notice["text"]["en"]
    )
    # the staff API's own conflict gives the same origin, by id
    one = staff(county, "GET", f"/conflicts/{conflict['conflict_id']}")
    assert (
        one["server_source"]["device_id"] == wang.identity.device_id
        and one["server_source"]["batch_id"] == first["batch_id"]
    )


def test_a_county_resolution_then_a_laptop_edit_names_the_county_user(
    county: County, laptops: tuple[Device, Device]
) -> None:
    wang, li = laptops
    h = county.households_in(VILLAGE_A)[1]
    hid = h["household_id"]
    wang.upload([wang.edit(hid, {"water_source": (h["water_source"], "protected_well")})])
    li.upload([li.edit(hid, {"water_source": (h["water_source"], "rainwater")})])
    [first] = listed(county, hid)
    assert first["server_source"]["device"] == "王书记的笔记本"
    staff(
        county,
        "POST",
        f"/conflicts/{first['conflict_id']}/resolve",
        json={"value": "rainwater", "note": "电话核实为收集雨水"},
    )
    resolved_at = datetime.now(UTC)
    # 王书记's laptop has not synced since: its next edit starts from its own old value
    assert (
        wang.upload([wang.edit(hid, {"water_source": ("protected_well", "bottled")})])["status"]
        == "has_conflicts"
    )
    [second] = listed(county, hid)
    source = second["server_source"]
    assert source["source"] == "county" and source["change"] == "resolved"
    assert (source["username"], source["display_name"], source["device"], source["batch_id"]) == (
        "staff",
        "县乡村振兴局",
        None,
        None,
    )
    assert datetime.fromisoformat(source["at"]) <= resolved_at
    assert second["server_value"] == "rainwater"


def test_a_field_untouched_since_the_roster_import_names_the_import(
    county: County, laptops: tuple[Device, Device]
) -> None:
    _wang, li = laptops
    h = county.households_in(VILLAGE_A)[2]
    hid = h["household_id"]
    # a stale base (as from a copy the laptop got elsewhere) against the imported value
    assert li.upload([li.edit(hid, {"housing_grade": ("D", "A")})])["status"] == "has_conflicts"
    [conflict] = listed(county, hid)
    assert conflict["server_value"] == h["housing_grade"]
    source = conflict["server_source"]
    assert (source["source"], source["change"], source["username"]) == (
        "county",
        "imported",
        "test",
    )


def test_a_conflict_filed_before_provenance_says_unknown(
    county: County, laptops: tuple[Device, Device]
) -> None:
    """Conflicts filed before migration 0008 have no origin columns: listed with ``server_source`` null."""
    hid = county.households_in(VILLAGE_A)[2]["household_id"]
    [conflict] = listed(county, hid)
    with county.server.server_dir.transaction() as s:  # as migration 0008 leaves an older conflict
        s.execute(
            update(ConflictRow)
            .where(ConflictRow.conflict_id == conflict["conflict_id"])
            .values(
                server_change=None,
                server_device_id=None,
                server_user_id=None,
                server_username=None,
                server_batch_id=None,
                server_changed_at=None,
            )
        )
    [old] = listed(county, hid)
    assert old["server_source"] is None and old["server_value"] == conflict["server_value"]


def test_the_origin_lookup_by_kind_field_record_and_household(tmp_path: Path) -> None:
    """In process, on SQLite: a field's own write wins; a part created with its household answers
    with the household's creation; a removed record names who removed it; a record-level conflict
    takes the latest write, whether flushed already or still buffered in this transaction."""
    sd = init_county(tmp_path / "county")
    t0 = datetime(2026, 12, 2, 6, 5, tzinfo=UTC)
    created = Source(CREATED, t0, "dev-1", "user-1", None, "batch-1")
    edited = Source(EDITED, t0 + timedelta(hours=1), "dev-2", "user-2", None, "batch-2")
    resolved = county_source(RESOLVED, t0 + timedelta(hours=2), user_id="user-3", username="admin")
    removed = Source(DELETED, t0 + timedelta(hours=3), "dev-1", "user-1", None, "batch-3")
    try:
        with sd.transaction() as s:
            log = ProvenanceLog(s)
            log.whole("household", "h1", "h1", created)
            log.note("household", "h1", "h1", ["phone"], edited)
            log.flush()
        with sd.transaction() as s:
            log = ProvenanceLog(s)
            assert log.source_of("field", "household", "h1", "h1", "phone") == edited
            assert log.source_of("field", "household", "h1", "h1", "address") == created
            assert (
                log.source_of("field", "member", "h1", "m1", "name") == created
            )  # came with the household
            assert (
                log.source_of("field", "member", "h2", "m9", "name") is None
            )  # nothing recorded: unknown
            log.note("household", "h1", "h1", ["phone"], resolved)  # buffered, not flushed
            assert log.source_of("field", "household", "h1", "h1", "phone") == resolved
            assert (
                log.source_of("delete", "household", "h1", "h1", "*") == resolved
            )  # latest of the record
            log.whole("helper", "h1", "p1", removed)
            assert log.source_of("deleted", "helper", "h1", "p1", "amount") == removed
            log.flush()
        with sd.transaction() as s:  # upserted: the last writer is what stays
            log = ProvenanceLog(s)
            assert log.source_of("field", "household", "h1", "h1", "phone") == resolved
            assert log.source_of("delete", "helper", "h1", "p1", "*") == removed
    finally:
        sd.close()
