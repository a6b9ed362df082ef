"""The device side end to end: real encrypted stores syncing with a real county server process.

Enrollment, the first download, local edits and finalized visits travelling up, merges and
conflicts coming back as notices, unsent work surviving a full resync, and the USB round trip
(batch file at the office, update file back) confirming exactly what was carried.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.users import accounts
from fieldsurvey.store import Store
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy
from tests.support.common import FAST_KDF
from tests.support.laptop import edit_household, finalized_visit
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    VILLAGE_B,
    County,
    county_for,
    export_update_file,
    run_cli,
)

PASSPHRASE = "山路弯弯-测试-2025"


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    yield from county_for(request, tmp_path_factory)


def new_device(county: County, tmp: Path, username: str = "sec_a") -> tuple[Store, SyncClient]:
    store, _recovery = Store.create(tmp, PASSPHRASE, kdf=FAST_KDF)
    client = SyncClient(store, policy=RetryPolicy(attempts=3, base=0.05))
    code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username=username)
    client.enroll(county.server.url, code, label=tmp.name)
    return store, client


def staff_record(county: County, household_id: str) -> dict:
    token = county.server.token("staff", "staff-pass-123")
    return county.server.api("GET", f"/households/{household_id}", token).json()["record"]


def test_enroll_then_sync_downloads_the_village_and_sends_edits_and_visits(
    county: County, tmp_path: Path
) -> None:
    store, client = new_device(county, tmp_path / "laptop")
    with store:
        first = client.sync()
        assert first.downloaded.full and first.downloaded.households == len(
            county.households_in(VILLAGE_A)
        )
        assert store.households.count() == len(county.households_in(VILLAGE_A))
        target = county.households_in(VILLAGE_A)[0]
        h = store.households.get(target["household_id"])
        assert h is not None and h.revision >= 1
        h.housing_grade = "C"
        h.members[0].work_months = 9
        store.households.update(h)
        finalized_visit(
            store,
            h.household_id,
            date(2025, 5, 6),
            "甲村书记",
            "房屋有裂缝",
            {"flags": ["unsafe_house"]},
        )
        assert store.outbox.count()["edits"] == 2 and store.outbox.count()["visits"] == 1
        report = client.sync()
        assert [b["status"] for b in report.sent_batches] == ["merged"]
        assert store.outbox.count() == {"edits": 0, "visits": 0, "member_changes": 0}
        record = staff_record(county, h.household_id)
        assert record["housing_grade"] == "C"
        assert (
            next(m for m in record["members"] if m["member_id"] == h.members[0].member_id)[
                "work_months"
            ]
            == 9
        )
        again = client.sync()
        assert (
            again.sent_batches == []
            and store.households.get(h.household_id).revision == record["revision"]
        )  # type: ignore[union-attr]


def test_a_conflict_reaches_the_secretary_and_nothing_is_overwritten(
    county: County, tmp_path: Path
) -> None:
    s1, c1 = new_device(county, tmp_path / "one")
    s2, c2 = new_device(county, tmp_path / "two", "sec_a2")
    with s1, s2:
        c1.sync()
        c2.sync()
        hid = county.households_in(VILLAGE_A)[1]["household_id"]
        for store, phone in ((s1, "13811111111"), (s2, "13822222222")):
            edit_household(store, hid, phone=phone)
        c1.sync()
        report = c2.sync()
        assert report.sent_batches[0]["status"] == "has_conflicts"
        notices = c2.notices()
        assert [n.kind for n in notices] == ["conflict"] and "冲突" in notices[0].text_zh
        assert s2.households.get(hid).phone == "13811111111"  # type: ignore[union-attr]  # the county's value, until resolved
        token = county.server.token("staff", "staff-pass-123")
        [conflict] = county.server.api(
            "GET", "/county/conflicts", token, params={"household_id": hid}
        ).json()["items"]
        assert {conflict["device_value"], conflict["server_value"]} == {
            "13811111111",
            "13822222222",
        }


def test_unsent_work_survives_a_full_resync(county: County, tmp_path: Path) -> None:
    store, client = new_device(county, tmp_path / "resync")
    with store:
        client.sync()
        hid = county.households_in(VILLAGE_A)[2]["household_id"]
        edit_household(store, hid, address="尚未上传的地址")
        with store.session() as s:  # the county database was restored: the cursor is unknown there
            from fieldsurvey.store.sync_state import Enrollment

            s.get(Enrollment, 1).cursor = "0000:1:ffffffff"  # type: ignore[union-attr]
        downloaded = client._download(*_transport_and_identity(client))
        assert downloaded.full
        assert store.households.get(hid).address == "尚未上传的地址"  # type: ignore[union-attr]
        assert [e.field for e in store.outbox.pending_edits()] == ["address"]
        client.sync()
        assert staff_record(county, hid)["address"] == "尚未上传的地址"


def _transport_and_identity(client: SyncClient):  # type: ignore[no-untyped-def]
    identity, row = client.identity()
    return client._transport(row.server_url, identity), identity


def test_usb_round_trip_confirms_only_what_was_carried(county: County, tmp_path: Path) -> None:
    store, client = new_device(county, tmp_path / "usb")
    with store:
        client.sync()
        hid = county.households_in(VILLAGE_A)[0]["household_id"]
        h = edit_household(store, hid, hamlet="上湾")
        batch_file = tmp_path / "to-county.fsb"
        info = client.export_batch(batch_file)
        assert info["counts"] == {"record.update": 1}
        h.hamlet = "下湾"  # edited again after the batch was sealed
        store.households.update(h)
        run_cli(
            "server", "batch", "import", "--data-dir", str(county.server.data_dir), str(batch_file)
        )
        device_id = client.enrollment().device_id  # type: ignore[union-attr]
        updates = tmp_path / "from-county.fsu"
        export_update_file(county.server, device_id, updates)
        applied = client.import_updates(updates)
        assert applied.households >= 1
        [edit] = store.outbox.pending_edits()  # the later edit stays, rebased on what was sent
        assert (edit.field, edit.base_value, edit.new_value) == ("hamlet", "上湾", "下湾")
        assert store.households.get(hid).hamlet == "下湾"  # type: ignore[union-attr]
        client.sync()
        assert staff_record(county, hid)["hamlet"] == "下湾"
        assert store.outbox.pending_edits() == []


def cli_env() -> dict[str, str]:
    """The environment of the laptop's command line: its passphrase, and Python's own settings."""
    return {
        "FIELDSURVEY_PASSPHRASE": PASSPHRASE,
        **{k: v for k, v in os.environ.items() if k.startswith("PYTHON")},
    }


def enroll_cli(
    data_dir: Path, county: County, code: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "enroll", "--data-dir", str(data_dir), "--server", county.server.url, "--code", code,
        env=cli_env(), check=check,
    )  # fmt: skip


def test_enroll_and_sync_on_the_command_line(county: County, tmp_path: Path) -> None:
    data_dir = tmp_path / "cli-laptop"
    Store.create(data_dir, PASSPHRASE, kdf=FAST_KDF)[0].close()
    code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_b")
    env = cli_env()
    enrolled = enroll_cli(data_dir, county, code)
    assert "Device enrolled" in enrolled.stdout and "610728101002" in enrolled.stdout
    synced = run_cli("sync", "--data-dir", str(data_dir), env=env)
    assert "households updated" in synced.stdout
    again = run_cli("sync", "--data-dir", str(data_dir), "--format", "json", env=env)
    assert '"households": 0' in again.stdout
    wrong = enroll_cli(data_dir, county, "AAAA-BBBB-CCCC-DDDD", check=False)
    assert wrong.returncode == 2 and "already enrolled" in wrong.stderr


def test_sync_on_the_command_line_says_a_lost_village_was_sent_then_erased_and_exits_3(
    county: County, tmp_path: Path
) -> None:
    data_dir = tmp_path / "cli-laptop"
    Store.create(data_dir, PASSPHRASE, kdf=FAST_KDF)[0].close()
    sd = county.server.server_dir
    accounts.add_user(
        sd, "test", username="sec_ab_cli", role="secretary", display_name="两村书记", password=None
    )
    accounts.assign(sd, "test", username="sec_ab_cli", villages=[VILLAGE_A, VILLAGE_B])
    code, _ = enrollment.new_enroll_code(sd, "test", username="sec_ab_cli")
    env = cli_env()
    enroll_cli(data_dir, county, code)
    assert run_cli("sync", "--data-dir", str(data_dir), env=env).returncode == 0
    target = county.households_in(VILLAGE_B)[0]
    with Store.open(data_dir, passphrase=PASSPHRASE) as store:  # an edit waiting for village B
        edit_household(store, target["household_id"], hamlet="北坡")
    run_cli(
        "server",
        "assign",
        "--data-dir",
        str(county.server.data_dir),
        "--username",
        "sec_ab_cli",
        "--village",
        VILLAGE_B,
        "--remove",
    )  # the county's command line takes village B away
    synced = run_cli("sync", "--data-dir", str(data_dir), env=env, check=False)
    assert synced.returncode == 3, synced.stderr
    assert (
        "first uploaded the 1 records waiting for them" in synced.stdout
        and "本机先把这些村待上传的1条记录上传到了县里" in synced.stdout
    )
    assert "乙村" in synced.stdout
    assert (
        staff_record(county, target["household_id"])["hamlet"] == "北坡"
    )  # it reached the county before the erase
    again = run_cli("sync", "--data-dir", str(data_dir), env=env, check=False)
    assert again.returncode == 0


def test_a_wrong_enrollment_code_is_refused_at_once_with_a_sentence(
    county: County, tmp_path: Path
) -> None:
    from fieldsurvey.core.errors import UserError

    store, _recovery = Store.create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF)
    client = SyncClient(store, policy=RetryPolicy(attempts=3, base=0.05))
    with store, pytest.raises(UserError) as e:
        client.enroll(county.server.url, "WRONG-CODE-1234", label="laptop")
    assert "enrollment code" in e.value.text.en  # not "cannot reach the server" after retries
    assert "注册码" in e.value.text.zh
