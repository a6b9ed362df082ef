"""Batches against a real county server process, on SQLite and on PostgreSQL.

Two devices of one village edit the same household; what merges, what conflicts, what is
refused, and that nothing is applied twice or half.
"""

from __future__ import annotations

from typing import Any

import pytest

from fieldsurvey.sync.transport import ServerError
from tests.support.server import (
    VILLAGE_A,
    VILLAGE_B,
    County,
    Device,
    enroll_device,
)


@pytest.fixture(scope="module")
def devices(county: County) -> tuple[Device, Device, Device]:
    a1, a2, b = (
        enroll_device(county.server, "sec_a"),
        enroll_device(county.server, "sec_a2"),
        enroll_device(county.server, "sec_b"),
    )
    for d in (a1, a2, b):
        d.pull()
    return a1, a2, b


def household_in(county: County, village: str, index: int) -> dict[str, Any]:
    return county.households_in(village)[index]


def staff_get(county: County, path: str, **params: Any) -> Any:
    token = county.server.token("staff", "staff-pass-123")
    r = county.server.api("GET", path, token, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_device_downloads_only_its_villages(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, _a2, b = devices
    assert {r["division_code"] for r in a1.seen.values()} == {VILLAGE_A}
    assert {r["division_code"] for r in b.seen.values()} == {VILLAGE_B}
    assert len(a1.seen) == len(county.households_in(VILLAGE_A))


def test_two_devices_editing_different_fields_merge(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, a2, _ = devices
    h = household_in(county, VILLAGE_A, 0)
    hid = h["household_id"]
    r1 = a1.upload([a1.edit(hid, {"phone": (h["phone"], "13800000001")})])
    r2 = a2.upload(
        [a2.edit(hid, {"housing_grade": (h["housing_grade"], "C")})]
    )  # made on the old revision
    assert r1["status"] == "merged" and r2["status"] == "merged"
    record = staff_get(county, f"/households/{hid}")["record"]
    assert record["phone"] == "13800000001" and record["housing_grade"] == "C"
    a1.pull()
    assert a1.seen[hid]["phone"] == "13800000001" and a1.seen[hid]["housing_grade"] == "C"


def test_the_same_field_changed_on_two_devices_conflicts_and_keeps_both(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, a2, _ = devices
    h = household_in(county, VILLAGE_A, 1)
    hid = h["household_id"]
    a1.upload([a1.edit(hid, {"water_source": (h["water_source"], "protected_well")})])
    result = a2.upload([a2.edit(hid, {"water_source": (h["water_source"], "rainwater")})])
    assert result["status"] == "has_conflicts" and result["conflicts"] == 1
    [conflict] = staff_get(county, "/county/conflicts", household_id=hid)["items"]
    assert (conflict["base_value"], conflict["device_value"], conflict["server_value"]) == (
        h["water_source"],
        "rainwater",
        "protected_well",
    )
    assert (
        staff_get(county, f"/households/{hid}")["record"]["water_source"] == "protected_well"
    )  # not overwritten

    token = county.server.token("staff", "staff-pass-123")
    r = county.server.api(
        "POST",
        f"/conflicts/{conflict['conflict_id']}/resolve",
        token,
        json={"value": "rainwater", "note": "电话核实为收集雨水"},
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    items = a2.pull()
    notices = [i for i in items if i["type"] == "notice" and i["kind"] != "batch_accepted"]
    assert [n["kind"] for n in notices] == ["conflict", "resolved"]
    assert a2.seen[hid]["water_source"] == "rainwater"


def test_a_duplicate_upload_adds_nothing(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    _a1, _a2, b = devices
    h = household_in(county, VILLAGE_B, 0)
    visit = {
        "kind": "visit",
        "visit": {
            "visit_id": "11111111-2222-4333-8444-555555555555",
            "household_id": h["household_id"],
            "visit_date": "2025-05-06",
            "visitor": "乙村书记",
            "form_id": "household_visit",
            "form_version": "1",
            "answers": {"food_secure": True},
            "status": "finalized",
            "findings": "家中一切正常",
            "assessment": {"flags": ["unsafe_water"]},
        },
    }
    batch_id, data = b.seal([visit])
    before = county.server.status()
    t = b.transport()
    first, second = t.upload(batch_id, data), t.upload(batch_id, data)
    t.close()
    after = county.server.status()
    assert first["already_received"] is False and second["already_received"] is True
    assert "already received" in second["message"]
    assert after["visits"] == before["visits"] + 1
    assert after["batches_received"] == before["batches_received"] + 1
    assert staff_get(county, "/county/households", flag="unsafe_water")["total"] == 1


def test_the_same_batch_id_with_other_content_is_refused_with_409(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    _a1, _a2, b = devices
    h = household_in(county, VILLAGE_B, 1)
    batch_id, data = b.seal([b.edit(h["household_id"], {"address": (h["address"], "新地址一")})])
    _same_id, other = b.seal(
        [b.edit(h["household_id"], {"address": (h["address"], "新地址二")})], batch_id=batch_id
    )
    t = b.transport()
    t.upload(batch_id, data)
    with pytest.raises(ServerError) as e:
        t.upload(batch_id, other)
    t.close()
    assert e.value.status == 409
    assert staff_get(county, f"/households/{h['household_id']}")["record"]["address"] == "新地址一"


def test_one_flipped_byte_is_refused_and_nothing_is_applied(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, _a2, _b = devices
    h = household_in(county, VILLAGE_A, 2)
    batch_id, data = a1.seal([a1.edit(h["household_id"], {"address": (h["address"], "篡改测试")})])
    before = county.server.status()
    for position in (len(data) // 2, 20, len(data) - 1):
        broken = bytearray(data)
        broken[position] ^= 0x01
        t = a1.transport()
        with pytest.raises(ServerError) as e:
            t.upload(batch_id, bytes(broken))
        t.close()
        assert e.value.status in (400, 403, 422)
    after = county.server.status()
    assert after["batches_received"] == before["batches_received"]
    assert after["batches_refused"] == before["batches_refused"] + 3
    assert (
        staff_get(county, f"/households/{h['household_id']}")["record"]["address"] == h["address"]
    )
    refused = staff_get(county, "/county/batches", status="refused")["items"]
    assert any(r["batch_id"] == batch_id for r in refused)


def test_a_device_cannot_touch_a_village_it_is_not_assigned(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, _a2, _b = devices
    h = household_in(county, VILLAGE_B, 2)
    with pytest.raises(ServerError) as e:
        a1.upload([a1.edit(h["household_id"], {"address": (h["address"], "越权修改")})])
    assert e.value.status == 403 and e.value.code == "village_not_assigned"
    assert (
        staff_get(county, f"/households/{h['household_id']}")["record"]["address"] == h["address"]
    )


def test_a_revoked_device_can_neither_upload_nor_download(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    from fieldsurvey.server.devices import enrollment

    stolen = enroll_device(county.server, "sec_a", "stolen laptop")
    stolen.pull()
    enrollment.revoke_device(county.server.server_dir, "test", stolen.identity.device_id)
    h = household_in(county, VILLAGE_A, 0)
    with pytest.raises(ServerError) as up:
        stolen.upload([stolen.edit(h["household_id"], {"address": (h["address"], "x")})])
    with pytest.raises(ServerError) as down:
        stolen.pull()
    assert up.value.status == 403 and down.value.status == 403
    assert up.value.code == "device_revoked"


def test_an_unknown_cursor_gets_a_full_resync(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    _a1, _a2, b = devices
    b.cursor = "another-epoch:99:abc"
    b.seen.clear()
    b.pull()
    assert len(b.seen) == len(county.households_in(VILLAGE_B))


def test_a_full_resync_in_small_pages_brings_whole_households(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    _a1, _a2, b = devices
    h = household_in(county, VILLAGE_B, 0)
    b.pull()
    b.upload(
        [b.edit(h["household_id"], {"hamlet": (b.seen[h["household_id"]].get("hamlet"), "后山")})]
    )  # a later change number
    b.cursor = None
    items = b.pull(limit=10)  # one household per snapshot page
    assert len(b.pages) > len(county.households_in(VILLAGE_B)) - 1 and all(
        p["full"] for p in b.pages[:-1]
    )
    for household in county.households_in(VILLAGE_B):
        members = [
            i
            for i in items
            if i["type"] == "member" and i["household_id"] == household["household_id"]
        ]
        assert len(members) == len(household["members"])
    position = {
        i["record"]["household_id"]: n for n, i in enumerate(items) if i["type"] == "household"
    }
    for n, i in enumerate(items):
        if i["type"] in ("member", "helper", "measure", "income"):
            assert position[i["household_id"]] < n  # never before its household
    assert b.seen[h["household_id"]]["hamlet"] == "后山"


def test_a_record_deleted_at_the_county_travels_as_a_tombstone(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, a2, _b = devices
    h = household_in(county, VILLAGE_A, 2)
    helper = h["helpers"][0]
    a2.pull()
    result = a1.upload(
        [
            {
                "kind": "record.delete",
                "record_type": "helper",
                "record_id": helper["helper_id"],
                "household_id": h["household_id"],
                "base_revision": 1,
            }
        ]
    )
    assert result["outcomes"][0]["outcome"] == "deleted"
    tombstones = [i for i in a2.pull() if i["type"] == "tombstone"]
    assert [(t["record_type"], t["record_id"]) for t in tombstones] == [
        ("helper", helper["helper_id"])
    ]


def test_invalid_records_are_refused_with_the_field_named(
    county: County, devices: tuple[Device, Device, Device]
) -> None:
    a1, _a2, _b = devices
    h = household_in(county, VILLAGE_A, 0)
    for change, field_name in (
        (("housing_area", (None, "big")), "housing_area"),
        (("status", ("exited", "rich")), "status"),
        (("division_code", (VILLAGE_A, VILLAGE_B)), "division_code"),
    ):
        with pytest.raises(ServerError) as e:
            a1.upload([a1.edit(h["household_id"], dict([change]))])
        assert e.value.status == 422 and field_name in e.value.text.en


def test_status_counts_on_the_command_line(county: County) -> None:
    import json

    from tests.support.server import run_cli

    out = run_cli(
        "server", "status", "--data-dir", str(county.server.data_dir), "--format", "json"
    ).stdout
    counts = json.loads(out)
    assert counts["households"] == len(county.roster["households"])
    assert counts["members"] == 4 * len(county.roster["households"])
    assert counts["batches_received"] >= 1 and counts["open_conflicts"] >= 0


def test_every_endpoint_checks_who_asks_and_which_villages(county: County) -> None:
    from fieldsurvey.server.users import accounts

    accounts.add_user(
        county.server.server_dir,
        "test",
        username="sec_office",
        role="secretary",
        display_name=None,
        password="office-pass-123",
    )
    accounts.assign(county.server.server_dir, "test", username="sec_office", villages=[VILLAGE_A])
    token = county.server.token("sec_office", "office-pass-123")
    listed = county.server.api("GET", "/county/households", token, params={"limit": 500}).json()
    assert listed["total"] == len(county.households_in(VILLAGE_A))
    assert {h["village_code"] for h in listed["items"]} == {VILLAGE_A}
    other = household_in(county, VILLAGE_B, 0)["household_id"]
    assert county.server.api("GET", f"/households/{other}", token).status_code == 404
    assert county.server.api("GET", "/county/batches", token).status_code == 403
    assert county.server.api("GET", "/admin/users", token).status_code == 403
    assert county.server.api("GET", "/status", "not-a-token").status_code == 401
    staff = county.server.token("staff", "staff-pass-123")
    assert county.server.api("GET", "/admin/devices", staff).status_code == 403
    assert county.server.api("GET", "/county/batches", staff).status_code == 200
