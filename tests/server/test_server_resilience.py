"""Cut connections, a server killed mid-merge, USB files, and the audit chain — on a real server."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.sync.batch import open_feed
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.support.factories import household
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    County,
    Device,
    ServerProcess,
    county_for,
    enroll_device,
    export_update_file,
    run_cli,
)


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    yield from county_for(
        request, tmp_path_factory, process=True
    )  # killed in the middle of a merge


@pytest.fixture(scope="module")
def device(county: County) -> Device:
    d = enroll_device(county.server, "sec_a")
    d.pull()
    return d


_people = itertools.count()  # every new household holds people no other household has


def new_households(prefix: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": "household.create",
            "household": household_to_dict(
                household(no=f"{prefix}{i:05d}", village=VILLAGE_A, person_index=next(_people))
            ),
        }
        for i in range(n)
    ]


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 that drops the first ``cuts`` connections after ``after`` client bytes."""

    def __init__(self, target_port: int, after: int, cuts: int = 1) -> None:
        self.target_port, self.after, self.cuts_left = target_port, after, cuts
        self.cut_count = 0
        self.client_bytes = 0  # client → server, over all connections
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            limit = None
            if self.cuts_left > 0:
                self.cuts_left -= 1
                limit = self.after
            threading.Thread(
                target=self._pipe, args=(client, upstream, limit, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(upstream, client, None, False), daemon=True
            ).start()

    def _pipe(
        self, src: socket.socket, dst: socket.socket, limit: int | None, from_client: bool
    ) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[: limit - sent])
                    self.cut_count += 1
                    break
                dst.sendall(data)
                sent += len(data)
                if from_client:
                    self.client_bytes += len(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


def test_a_connection_cut_mid_upload_resumes_and_records_arrive_once(
    county: County, device: Device
) -> None:
    records = new_households("61072810100199", 400)
    batch_id, data = device.seal(records)
    assert len(data) > 60_000
    proxy = CuttingProxy(county.server.port, after=30_000, cuts=2)
    offsets: list[int] = []
    before = county.server.status()
    t = Transport(
        f"http://127.0.0.1:{proxy.port}",
        identity=device.identity,
        chunk=8 * 1024,
        policy=RetryPolicy(attempts=6, base=0.05, timeout=30),
        progress=lambda _p, done, _t: offsets.append(done),
    )
    try:
        result = t.upload(batch_id, data)
    finally:
        t.close()
        proxy.close()
    assert proxy.cut_count == 2
    assert offsets == sorted(offsets)  # never started over
    assert proxy.client_bytes < 1.3 * len(data)  # only the cut chunks were sent again
    assert result["status"] == "merged" and result["counts"] == {"household.create": 400}
    after = county.server.status()
    assert after["households"] == before["households"] + 400
    assert after["batches_received"] == before["batches_received"] + 1


@contextlib.contextmanager
def merge_held_open(server: ServerProcess) -> Iterator[Callable[[], bool]]:
    """A probe that says when the server's merge transaction is open and has not committed.

    PostgreSQL: a transaction of this test holds ``notices`` in EXCLUSIVE mode, so the merge (which
    inserts the batch row first and its notice last) stops before it can commit; the probe is true
    once a server backend with an open write transaction waits on that lock — mid-merge, and held
    there until the server is killed. SQLite (one writer at a time, every transaction ``BEGIN
    IMMEDIATE``): the probe is true while another connection holds the write lock, i.e. the
    request's transaction (check and merge of 1500 records) is running; nothing else writes then.
    """
    if server.db_url is None:
        sd = ServerDir(server.data_dir)
        raw = sd.engine.raw_connection()
        raw.cursor().execute("PRAGMA busy_timeout=0")

        def locked() -> bool:
            cur = raw.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
            except Exception as e:  # sqlite3/sqlcipher3 OperationalError: "database is locked"
                assert "locked" in str(e), e
                return True
            cur.execute("ROLLBACK")
            return False

        try:
            yield locked
        finally:
            raw.close()
            sd.close()
        return
    import psycopg

    url = server.db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as gate, psycopg.connect(url, autocommit=True) as watch:
        gate.execute("LOCK TABLE notices IN EXCLUSIVE MODE")
        me = gate.info.backend_pid

        def blocked() -> bool:
            row = watch.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> %s AND backend_xid IS NOT NULL AND wait_event_type = 'Lock'",
                (me,),
            ).fetchone()
            return bool(row and row[0])

        try:
            yield blocked
        finally:
            gate.rollback()  # the orphaned backend then meets its closed client and rolls back


def test_a_server_killed_in_the_middle_of_a_merge_leaves_no_partial_batch(
    county: County, device: Device
) -> None:
    """The kill lands while the merge's transaction is open (``merge_held_open``): nothing of it."""
    records = new_households("61072810100198", 1500)
    batch_id, data = device.seal(records)
    before = county.server.status()
    t = device.transport()
    # Send every byte, then ask for the commit on a thread and kill the server while it merges.
    sha = __import__("hashlib").sha256(data).hexdigest()
    t.request("POST", f"/uploads/{batch_id}", json={"size": len(data), "sha256": sha})
    for offset in range(0, len(data), t.chunk):
        t._chunk(batch_id, offset, data[offset : offset + t.chunk])
    outcome: dict[str, Any] = {}

    def commit() -> None:
        try:
            outcome["result"] = t._once(
                "POST",
                f"/uploads/{batch_id}/commit",
                params=None,
                json=None,
                content=None,
                signed=True,
            )
        except Exception as e:  # the connection dies with the server
            outcome["error"] = e

    with merge_held_open(county.server) as merging:
        thread = threading.Thread(target=commit)
        thread.start()
        deadline = time.monotonic() + 30
        while not merging():
            assert thread.is_alive(), outcome  # answered before the probe saw the merge
            assert time.monotonic() < deadline, "the merge's transaction never opened"
            time.sleep(0.002)
        county.server.kill()
    thread.join(30)
    assert not thread.is_alive()
    t.close()
    county.server.start()
    middle = county.server.status()
    assert middle["households"] == before["households"]
    assert middle["batches_received"] == before["batches_received"]
    assert set(outcome) == {"error"}  # the commit got no answer: the server died under it
    # The device retries as usual: the batch lands exactly once.
    t = device.transport()
    result = t.upload(batch_id, data)
    t.close()
    after = county.server.status()
    assert after["households"] == before["households"] + 1500
    assert after["batches_received"] == before["batches_received"] + 1
    assert result["batch_id"] == batch_id


def test_a_usb_batch_file_gives_the_same_result_as_http(
    county: County, device: Device, tmp_path: Any
) -> None:
    h = county.households_in(VILLAGE_A)[0]
    device.pull()
    base = device.seen[h["household_id"]]
    records = [
        device.edit(
            h["household_id"],
            {"hamlet": (base.get("hamlet"), "上湾"), "phone": (base.get("phone"), "13900000009")},
        )
    ]
    records += new_households("61072810100197", 3)
    batch_id, data = device.seal(records)
    path = tmp_path / "batch.fsb"
    path.write_bytes(data)
    out = run_cli(
        "server", "batch", "import", "--data-dir", str(county.server.data_dir), str(path)
    ).stdout
    assert "merged" in out
    t = device.transport()
    over_http = t.upload(batch_id, data)
    t.close()
    assert over_http["already_received"] is True
    token = county.server.token("staff", "staff-pass-123")
    detail = county.server.api("GET", f"/batches/{batch_id}", token).json()
    assert detail["via"] == "file" and detail["status"] == over_http["status"] == "merged"
    assert [o["outcome"] for o in detail["outcomes"]] == [
        "applied",
        "created",
        "created",
        "created",
    ]
    assert over_http["summary"] == {"applied": 1, "created": 3}

    # The reverse: an update file for the device carries what HTTP would.
    cursor = device.cursor
    feed_file = tmp_path / "updates.fsu"
    export_update_file(county.server, device.identity.device_id, feed_file)
    from_file = open_feed(device.identity, feed_file.read_bytes())
    over_http_items = device.pull()
    assert from_file["header"]["from_cursor"] == cursor
    assert [i.get("record", {}).get("household_id") for i in from_file["items"]] == [
        i.get("record", {}).get("household_id") for i in over_http_items
    ]


def test_the_audit_log_detects_an_edited_or_removed_entry(county: County) -> None:
    from sqlalchemy import text

    data_dir = str(county.server.data_dir)
    ok = run_cli("server", "audit", "verify", "--data-dir", data_dir)
    assert "intact" in ok.stdout
    sd = county.server.server_dir
    with sd.transaction() as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE entry_no = 3"))
    edited = run_cli("server", "audit", "verify", "--data-dir", data_dir, check=False)
    assert edited.returncode == 2 and "entry 3: content was changed" in edited.stderr
    with sd.transaction() as s:
        s.execute(text("DELETE FROM audit_log WHERE entry_no = 5"))
    removed = run_cli("server", "audit", "verify", "--data-dir", data_dir, check=False)
    assert removed.returncode == 2 and "entry 5..5 missing" in removed.stderr
    sd.close()
