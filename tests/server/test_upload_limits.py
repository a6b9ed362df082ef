"""Unfinished uploads cannot fill the county's disk: a few per device or user, a byte budget, a day.

A device's resumable batch uploads (``uploads.py``) and a county user's roster uploads
(``roster_xlsx.RosterUploads``) are exercised on real files in a server data directory; time
passing is real file modification times set a day back. The refusals are also checked through
the real routes in process (a device signing its requests with its own keys, a staff member with
a session token), where they must arrive as one sentence in both languages and, for a device,
end the upload at once instead of being retried.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.core.errors import UserError
from fieldsurvey.server.app import create_app
from fieldsurvey.server.batches import uploads
from fieldsurvey.server.batches.uploads import (
    DEVICE_BUDGET,
    MAX_OPEN,
    MAX_UPLOAD,
    UploadError,
    Uploads,
)
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.roster import xlsx_upload as roster_xlsx
from fieldsurvey.server.roster.xlsx_upload import RosterUploads
from fieldsurvey.sync.transport import RetryPolicy, ServerError, Transport
from tests.support.server import ADMIN_PASSWORD, app_client, enroll_secretary, init_county

SHA = "ab" * 32


def a_day_ago(*paths: Path) -> None:
    then = time.time() - uploads.EXPIRES - 60
    for p in paths:
        os.utime(p, (then, then))


def refusal(error: UserError, code: str, status: int) -> str:
    assert error.code == code and getattr(error, "status", None) == status
    assert error.text.zh and error.text.en
    return error.text.en


# -- a device's batch uploads ---------------------------------------------------------------------
def test_a_device_holds_at_most_a_few_unfinished_uploads(tmp_path: Path) -> None:
    up = Uploads(tmp_path / "uploads")
    for i in range(MAX_OPEN):
        assert up.start("dev1", f"batch-{i}", 1000, SHA) == 0
    with pytest.raises(UploadError) as e:
        up.start("dev1", "batch-new", 1000, SHA)
    assert "already has 4 unfinished uploads" in refusal(e.value, "too_many_uploads", 409)
    up.append("dev1", "batch-0", 0, b"x" * 10)
    assert up.start("dev1", "batch-0", 1000, SHA) == 10  # resuming one is not a new one
    assert up.start("dev2", "batch-new", 1000, SHA) == 0  # another device is not affected
    up.discard("dev1", "batch-3")
    assert up.start("dev1", "batch-new", 1000, SHA) == 0


def test_a_device_s_unfinished_uploads_count_against_its_byte_budget(tmp_path: Path) -> None:
    up = Uploads(tmp_path / "uploads")
    assert DEVICE_BUDGET == 2 * MAX_UPLOAD
    up.start("dev1", "big-1", MAX_UPLOAD, SHA)
    up.start("dev1", "big-2", MAX_UPLOAD, SHA)
    with pytest.raises(UploadError) as e:
        up.start("dev1", "small", 1, SHA)
    assert "allowance" in refusal(e.value, "upload_budget", 413)
    up.start(
        "dev1", "big-2", MAX_UPLOAD - 1, "cd" * 32
    )  # the same batch again with other content replaces it
    with pytest.raises(UploadError):
        up.start("dev1", "small", 2, SHA)
    assert up.start("dev1", "small", 1, SHA) == 0
    # announcing reserves the space: the bytes themselves cannot exceed what was announced
    with pytest.raises(UploadError) as e:
        up.append("dev1", "small", 0, b"xy")
    assert e.value.code == "too_many_bytes"


def test_an_unfinished_upload_expires_after_a_day_and_its_file_is_removed(tmp_path: Path) -> None:
    up = Uploads(tmp_path / "uploads")
    up.start("dev1", "old", 1000, SHA)
    up.append("dev1", "old", 0, b"x" * 100)
    part, meta = (
        tmp_path / "uploads" / "dev1" / "old.part",
        tmp_path / "uploads" / "dev1" / "old.json",
    )
    assert part.exists() and meta.exists()
    up.start("dev1", "recent", 1000, SHA)
    a_day_ago(part, meta)
    up.start("dev2", "other", 1000, SHA)  # any announcement sweeps the county's expired uploads
    assert not part.exists() and not meta.exists()
    assert (tmp_path / "uploads" / "dev1" / "recent.json").exists()
    with pytest.raises(UploadError) as e:
        up.status("dev1", "old")
    assert "expired" in refusal(e.value, "no_upload", 404)  # the client starts the batch again

    up.start("dev3", "stale", 1000, SHA)  # found expired by its own device, without a sweep
    stale = [tmp_path / "uploads" / "dev3" / f"stale.{x}" for x in ("part", "json")]
    a_day_ago(*stale)
    with pytest.raises(UploadError):
        up.append("dev3", "stale", 0, b"x")
    assert not any(p.exists() for p in stale)

    for i in range(MAX_OPEN):  # expired uploads no longer count against the device's limits
        up.start("dev4", f"b{i}", MAX_UPLOAD // 2, SHA)
    a_day_ago(*(tmp_path / "uploads" / "dev4").iterdir())
    assert up.start("dev4", "fresh", MAX_UPLOAD, SHA) == 0
    assert sorted(p.name for p in (tmp_path / "uploads" / "dev4").iterdir()) == [
        "fresh.json",
        "fresh.part",
    ]


# -- a county user's roster uploads ---------------------------------------------------------------
def test_a_user_holds_at_most_a_few_roster_uploads_within_a_budget_for_a_day(
    tmp_path: Path,
) -> None:
    ru = RosterUploads(ServerDir(tmp_path))
    ids = [ru.start("staff", 1000, SHA, f"r{i}.xlsx") for i in range(roster_xlsx.MAX_OPEN)]
    with pytest.raises(UserError) as e:
        ru.start("staff", 1000, SHA, "one-more.xlsx")
    assert "already have 3 roster uploads" in refusal(e.value, "too_many_uploads", 409)
    assert ru.start("other", 1000, SHA, "theirs.xlsx")  # per user
    ru.discard(ids[0], "staff")
    ids[0] = ru.start("staff", roster_xlsx.MAX_FILE, SHA, "big.xlsx")
    ru.discard(ids[1], "staff")
    with pytest.raises(UserError) as e:  # 64 MB + 1000 B held; another 64 MB would pass 128 MB
        ru.start("staff", roster_xlsx.MAX_FILE, SHA, "big2.xlsx")
    assert "allowance" in refusal(e.value, "upload_budget", 413)

    folder = tmp_path / "roster_uploads"
    old = [folder / f"{ids[2]}.sealed", folder / f"{ids[2]}.json"]
    a_day_ago(*old)
    with pytest.raises(UserError) as e:
        ru.meta(ids[2], "staff")
    assert e.value.code == "not_found" and "expired" in e.value.text.en
    assert not any(p.exists() for p in old)
    a_day_ago(folder / f"{ids[0]}.sealed", folder / f"{ids[0]}.json")
    ru.start("someone", 10, SHA, "x.xlsx")  # a new upload sweeps the expired ones
    assert not (folder / f"{ids[0]}.sealed").exists()
    assert ru.start(
        "staff", roster_xlsx.MAX_FILE, SHA, "big2.xlsx"
    )  # nothing of staff's is left open


# -- through the routes ---------------------------------------------------------------------------
@pytest.fixture()
def county(tmp_path: Path) -> Iterator[tuple[ServerDir, Any]]:
    """The county app in process, called through Starlette's test client (an httpx.Client)."""
    sd = init_county(tmp_path / "county")
    with app_client(create_app(sd), "http://127.0.0.1") as client:
        yield sd, client
    sd.close()


def test_the_routes_refuse_a_device_s_extra_upload_and_sweep_at_start(
    county: tuple[ServerDir, Any],
) -> None:
    sd, client = county
    identity = enroll_secretary(sd, "sec", ["610728101001"])
    t = Transport(
        "http://127.0.0.1",
        identity=identity,
        client=client,
        policy=RetryPolicy(attempts=3, base=0.01),
    )
    for i in range(MAX_OPEN):
        assert t.request("POST", f"/uploads/b{i}", json={"size": 100, "sha256": SHA}).json() == {
            "offset": 0
        }
    data = b"\x00" * 50
    with pytest.raises(ServerError) as e:
        t.upload(
            "one-more", data
        )  # a 409 is final: the device is told at once, not after eight retries
    assert e.value.status == 409 and e.value.code == "too_many_uploads"
    assert "未完成的上传" in e.value.text.zh and "unfinished uploads" in e.value.text.en

    folder = sd.uploads_dir / identity.device_id
    a_day_ago(*folder.iterdir())
    create_app(sd)  # a server starting after a day removes what was left unfinished
    assert list(folder.iterdir()) == []
    start = t.request(
        "POST",
        "/uploads/one-more",
        json={"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
    )
    assert start.json() == {"offset": 0}


def test_the_roster_route_refuses_a_fourth_upload_with_a_sentence(
    county: tuple[ServerDir, Any],
) -> None:
    _sd, client = county
    token = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(roster_xlsx.MAX_OPEN):
        assert (
            client.post(
                "/api/v1/roster/uploads", json={"size": 10, "sha256": SHA}, headers=auth
            ).status_code
            == 200
        )
    r = client.post("/api/v1/roster/uploads", json={"size": 10, "sha256": SHA}, headers=auth)
    assert r.status_code == 409
    body = r.json()
    assert (
        body["error"] == "too_many_uploads"
        and body["message"]["zh"]
        and "import or discard" in body["message"]["en"]
    )
