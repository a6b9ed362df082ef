"""The demo county server: same roster as the demo store, device enrolled, visits waiting to sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsurvey.commands.demo import prepare
from fieldsurvey.commands.demo_server import prepare_demo_server, start_server
from fieldsurvey.core.errors import UserError
from fieldsurvey.sync.client import SyncClient
from tests.support.server import free_port, run_cli


def test_the_demo_device_can_press_sync_at_once(tmp_path: Path) -> None:
    store, _recovery = prepare(
        tmp_path / "laptop",
        "demo-passphrase-for-test-9",
        households=30,
        seed=3,
        progress=lambda _m: None,
    )
    port = free_port()
    with store:
        demo = prepare_demo_server(store, tmp_path / "county", port=port, visits=4)
        assert (
            not any((tmp_path / "laptop").glob("*.json"))
            and (tmp_path / "county" / "server.json").exists()
        )
        status = run_cli(
            "server", "status", "--data-dir", str(tmp_path / "county"), "--format", "json"
        ).stdout
        assert '"households": 30' in status
        assert store.outbox.count()["visits"] == 4
        proc = start_server(demo.server_dir, port)
        try:
            report = SyncClient(store).sync()
        finally:
            proc.terminate()
            proc.wait(10)
        assert [b["status"] for b in report.sent_batches] == ["merged"]
        assert report.sent_batches[0]["counts"] == {"visit": 4}
        assert (
            report.downloaded.households == 0 and not report.downloaded.full
        )  # the roster was already there
        assert store.outbox.count()["visits"] == 0
        # the drawn pictures of the demo's past visits reach the county with the first sync
        assert (
            report.photos is not None and report.photos.refused == [] and report.photos.stored >= 12
        )
        assert store.photos.unsent() == []
    after = run_cli(
        "server", "status", "--data-dir", str(tmp_path / "county"), "--format", "json"
    ).stdout
    assert '"visits": 4' in after


def test_the_server_directory_is_never_inside_the_device_directory(tmp_path: Path) -> None:
    store, _ = prepare(
        tmp_path / "laptop",
        "demo-passphrase-for-test-9",
        households=3,
        seed=1,
        progress=lambda _m: None,
    )
    with store, pytest.raises(UserError):
        prepare_demo_server(store, tmp_path / "laptop" / "county")


def test_the_demo_encrypts_its_server_with_a_printed_passphrase_or_the_given_one(
    tmp_path: Path,
) -> None:
    made = run_cli(
        "demo",
        "--no-gui",
        "--households",
        "6",
        "--data-dir",
        str(tmp_path / "laptop"),
        "--server-dir",
        str(tmp_path / "county"),
        env={"FIELDSURVEY_SERVER_PASSPHRASE": ""},
    ).stdout
    assert "admin / demo-admin-2025" in made
    [line] = [line for line in made.splitlines() if "Server passphrase:" in line]
    printed = line.split("Server passphrase:", 1)[1].split()[0]
    status = run_cli(
        "server",
        "status",
        "--data-dir",
        str(tmp_path / "county"),
        "--format",
        "json",
        env={"FIELDSURVEY_SERVER_PASSPHRASE": printed},
    ).stdout
    assert '"households": 6' in status
    assert not (tmp_path / "county" / "county.db").read_bytes().startswith(b"SQLite format 3")

    given = run_cli(
        "demo",
        "--no-gui",
        "--households",
        "6",
        "--data-dir",
        str(tmp_path / "laptop2"),
        "--server-dir",
        str(tmp_path / "county2"),
        env={"FIELDSURVEY_SERVER_PASSPHRASE": "given-demo-server-passphrase-5"},
    ).stdout
    assert "Server passphrase:" not in given and "admin / demo-admin-2025" in given
    status = run_cli(
        "server",
        "status",
        "--data-dir",
        str(tmp_path / "county2"),
        "--format",
        "json",
        env={"FIELDSURVEY_SERVER_PASSPHRASE": "given-demo-server-passphrase-5"},
    ).stdout
    assert '"households": 6' in status
