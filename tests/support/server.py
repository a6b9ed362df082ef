"""A real county server for tests: the app ``fieldsurvey server run`` serves, on 127.0.0.1.

It runs on a thread of the test process (real HTTP on a free port, the real app and database),
or, where the process is the point (killing it in the middle of a merge), as a ``fieldsurvey
server run`` process. The command line runs in process too (``run_cli``) unless a test asks for
a process. Shared by the server and sync tests (imported from here). Each server gets its own data directory
and, for PostgreSQL, its own database ``fs_test_<random>`` created on 127.0.0.1:5432 and dropped
afterwards. Devices are real too: they enroll over HTTP with a one-time code and seal batches
with their own keys.
"""

from __future__ import annotations

import io
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server import setup
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.batch import Identity, batch_payload, open_feed, seal_batch
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.support.common import FAST_KDF
from tests.support.factories import household

COUNTY = "610728"
VILLAGE_A = "610728101001"
VILLAGE_B = "610728101002"
ADMIN_PASSWORD = "admin-pass-123"
PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


def enroll_secretary(
    sd: ServerDir, username: str, villages: list[str], *, label: str | None = None
) -> Identity:
    """A secretary assigned to ``villages`` with one device enrolled in process (no server running)."""
    accounts.add_user(
        sd, "test", username=username, role="secretary", display_name=None, password=None
    )
    accounts.assign(sd, "test", username=username, villages=villages)
    code, _ = enrollment.new_enroll_code(sd, "test", username=username)
    keys = KeyPair.generate()
    signing, encryption = keys.public_b64()
    info = enrollment.enroll(
        sd, code=code, signing_key=signing, encryption_key=encryption, label=label or username
    )
    c = info["county"]
    return Identity(
        info["device_id"], username, c["code"], keys, c["signing_key"], c["encryption_key"]
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database for one test module, dropped afterwards.

    Its name carries the pytest-xdist worker (``gw0``, ``gw1``; ``main`` without workers) and a
    random part, so parallel workers, and other test runs on the same server, never share one.
    """
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"fs_test_{worker}_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    check: bool = True,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``fieldsurvey ARGS`` with ``stdin`` piped in; in this process unless ``process`` is asked for.

    In process, ``cli.main`` runs exactly as ``python -m fieldsurvey`` would run it, with the
    streams a pipe gives (not terminals) and ``env`` laid over the environment for the call
    (``run_in_process``). Starting Python and importing the package again costs two to four
    seconds a call on the test machine; a test whose point is the process boundary (an exit on a
    signal, a fresh interpreter) passes ``process=True``.
    """
    if process:
        proc = subprocess.run(
            [sys.executable, "-m", "fieldsurvey", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
        )
    else:
        proc = run_in_process(*args, stdin=stdin, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"fieldsurvey {' '.join(args)} failed ({proc.returncode}): {proc.stderr}"
        )
    return proc


def export_update_file(server: ServerProcess, device_id: str, out: Path) -> None:
    """``fieldsurvey server feed export``: the update file a device without a network is given."""
    run_cli(
        "server", "feed", "export", "--data-dir", str(server.data_dir), "--device", device_id,
        "--out", str(out),
    )  # fmt: skip


# How long a server may take to answer: seconds on an idle machine, over a minute when several
# test runs share two cores (seen at a load of 15).
STARTUP_S = 180

# What the server's log says when its port is already bound (Linux and macOS errno; Windows).
PORT_TAKEN = ("address already in use", "10048")


_CLI_LOCK = threading.Lock()


def http() -> httpx.Client:
    """One HTTP client for the tests' own calls to their servers (sign-in, API checks).

    ``httpx.get`` and friends build a client, and load the certificate bundle, on every call:
    about 25 ms of CPU each, some six seconds of the suite.
    """
    global _HTTP
    if _HTTP is None:
        _HTTP = httpx.Client(trust_env=False)
    return _HTTP


_HTTP: httpx.Client | None = None


def run_in_process(
    *args: str,
    stdin: str | None = "",
    env: dict[str, str] | None = None,
    drop_env: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``cli.main(args)`` in this process, seen from outside as ``python -m fieldsurvey`` is.

    stdin, stdout and stderr are pipes (text over UTF-8 bytes, not terminals); the environment is
    this process's with the variables starting with ``drop_env`` removed and ``env`` laid over it,
    restored afterwards, as are the working directory (``cwd``) and the umask (server commands
    set 0o077 for their process; the tests' own files keep the usual modes). The exit status is ``main``'s
    answer, or ``SystemExit``'s code (argparse's ``--help`` and usage errors), or 1 with the
    traceback on stderr for an exception ``main`` lets through, as the interpreter would report.
    """
    from fieldsurvey.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    with _CLI_LOCK:
        saved_env, saved_cwd, saved_umask = dict(os.environ), os.getcwd(), os.umask(0o022)
        os.umask(saved_umask)
        saved = sys.stdin, sys.stdout, sys.stderr
        try:
            for name in [n for n in os.environ if drop_env and n.startswith(drop_env)]:
                del os.environ[name]
            os.environ.update(env or {})
            if cwd is not None:
                os.chdir(cwd)
            sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin or ""), out, err
            try:
                code = main(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
                if not isinstance(e.code, int) and e.code is not None:
                    print(e.code, file=sys.stderr)
            except Exception:
                traceback.print_exc()
                code = 1
            out.flush()
            err.flush()
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
            os.chdir(saved_cwd)
            os.umask(saved_umask)
            os.environ.clear()
            os.environ.update(saved_env)
    assert isinstance(out.buffer, io.BytesIO) and isinstance(err.buffer, io.BytesIO)
    return subprocess.CompletedProcess(
        ["fieldsurvey", *args],
        code,
        out.buffer.getvalue().decode("utf-8"),
        err.buffer.getvalue().decode("utf-8"),
    )


class ThreadServer:
    """What ``fieldsurvey server run`` serves, on a thread of this process: real HTTP on 127.0.0.1.

    The steps of ``commands.server_setup.cmd_run`` (private modes, migrations, the keys checked,
    ``create_app``, uvicorn) without a second interpreter; ``stop`` asks uvicorn to finish as
    SIGTERM does. Tests whose point is the process (killing it mid-merge) use the process.
    """

    def __init__(self, data_dir: Path, port: int) -> None:
        import uvicorn

        from fieldsurvey.server.app import create_app
        from fieldsurvey.server.db.engine import make_private, migrate

        self.sd = ServerDir(data_dir)
        make_private(self.sd.path)
        migrate(self.sd.engine)
        self.sd.keys  # noqa: B018 - fail before listening when the keys are missing
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", port))
        self.port = int(self.socket.getsockname()[1])
        config = uvicorn.Config(
            create_app(self.sd),
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.socket]},
            daemon=True,
            name=f"county-server-{self.port}",
        )
        self.thread.start()
        deadline = time.monotonic() + STARTUP_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError("the server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.socket.close()
        self.sd.close()


@dataclass
class ServerProcess:
    """A county server for tests; on a thread of this process (``ThreadServer``) unless ``process``
    asks for a real ``fieldsurvey server run`` (needed to kill it)."""

    data_dir: Path
    db_url: str | None
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    process: bool = False
    thread: ThreadServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_dir(self) -> ServerDir:
        return ServerDir(self.data_dir)

    def init(self) -> None:
        """What ``fieldsurvey server init`` does, in process, with the key file's fast KDF."""
        sd = ServerDir(self.data_dir)
        try:
            setup.init_server(
                sd,
                county=COUNTY,
                name=None,
                admin="admin",
                password=ADMIN_PASSWORD,
                db_url=self.db_url,
                kdf=dict(FAST_KDF),
            )
        finally:
            sd.close()

    def start(self) -> None:
        """The server on this port (a free one the first time), once it answers.

        In this process on a thread unless ``process=True`` (the port bound here, so no race).

        A free port is free only until someone binds it: under ``pytest -n`` (or beside another
        test run) a port picked here may be taken before the server binds it. The server then
        exits at once saying so, and is started again on another port.
        """
        if not self.process:
            self.thread = ThreadServer(self.data_dir, self.port)
            self.port = self.thread.port
            return
        picked = not self.port
        for _ in range(3 if picked else 1):
            self.port = free_port() if picked else self.port
            if self._run():
                return
        raise AssertionError(
            f"no free port for the server: {self.log.read_text() if self.log else ''}"
        )

    def _run(self) -> bool:
        """Start the process and wait for it; False when the port was taken."""
        self.log = self.data_dir / "server.log"
        with open(self.log, "ab") as log:
            start = log.tell()
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "fieldsurvey",
                    "server",
                    "run",
                    "--data-dir",
                    str(self.data_dir),
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                said = self.log.read_bytes()[start:].decode("utf-8", "replace")
                if any(taken in said.lower() for taken in PORT_TAKEN):
                    return False
                raise AssertionError(f"the server exited: {self.log.read_text()}")
            try:
                if http().get(self.url + "/api/v1/info", timeout=2).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()  # not left running behind the failure
        raise AssertionError(
            f"the server did not start within {STARTUP_S} s: {self.log.read_text()[-2000:]}"
        )

    def kill(self) -> None:
        """SIGKILL (TerminateProcess on Windows): no shutdown handlers, no chance to finish a transaction."""
        assert self.process, "only a server process can be killed: ServerProcess(..., process=True)"
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.server_dir.close()

    def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        r = http().post(
            self.url + "/api/v1/auth/login",
            json={"username": username, "password": password},
            timeout=30,
        )
        r.raise_for_status()
        return str(r.json()["token"])

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return http().request(
            method,
            self.url + "/api/v1" + path,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
            **kwargs,
        )

    def status(self) -> dict[str, Any]:
        from fieldsurvey.server.dashboard.status import status_counts

        sd = ServerDir(self.data_dir)
        try:
            with sd.transaction() as s:
                return status_counts(s)
        finally:
            sd.close()


def serve_process(
    server: ServerProcess, out: Path, url: str, *args: str, verify: Any = True
) -> None:
    """``fieldsurvey server run`` as a process on ``server``'s data directory and port with
    ``args`` (an address, TLS, plain HTTP), its output in ``out``, once ``url`` answers: for the
    tests of how it listens. The caller stops ``server``, also when this fails."""
    with open(out, "wb") as log:
        server.proc = subprocess.Popen(
            [sys.executable, "-m", "fieldsurvey", "server", "run", "--data-dir",
             str(server.data_dir), "--port", str(server.port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        assert server.proc.poll() is None, out.read_text()
        try:
            if httpx.get(url + "/api/v1/info", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"the server at {url} did not start"
            time.sleep(0.2)


@dataclass
class Device:
    """A device enrolled over HTTP; builds, seals and sends batches as the real client does."""

    server: ServerProcess
    identity: Identity
    cursor: str | None = None
    seen: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # household id → latest record from the feed

    def transport(self, **kwargs: Any) -> Transport:
        return Transport(
            self.server.url,
            identity=self.identity,
            policy=RetryPolicy(attempts=4, base=0.05, timeout=60),
            **kwargs,
        )

    def seal(self, records: list[dict[str, Any]], batch_id: str | None = None) -> tuple[str, bytes]:
        payload = batch_payload(self.identity, records, base_cursor=self.cursor, batch_id=batch_id)
        return payload["header"]["batch_id"], seal_batch(self.identity, payload)

    def upload(self, records: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        batch_id, data = self.seal(records)
        t = self.transport(**kwargs)
        try:
            return t.upload(batch_id, data)
        finally:
            t.close()

    def pull(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Download every feed page from the cursor; returns all items."""
        items: list[dict[str, Any]] = []
        self.pages: list[dict[str, Any]] = []
        t = self.transport()
        try:
            while True:
                payload = open_feed(self.identity, t.feed_page(self.cursor, limit))
                self.pages.append(payload["header"])
                items.extend(payload["items"])
                for item in payload["items"]:
                    if item["type"] == "household":
                        self.seen[item["record"]["household_id"]] = item["record"]
                self.cursor = payload["header"]["to_cursor"]
                if not payload["header"]["more"]:
                    return items
        finally:
            t.close()

    def edit(
        self,
        household_id: str,
        changes: dict[str, tuple[Any, Any]],
        base_revision: int | None = None,
    ) -> dict[str, Any]:
        base = (
            base_revision
            if base_revision is not None
            else int(self.seen.get(household_id, {}).get("revision", 1))
        )
        return {
            "kind": "record.update",
            "record_type": "household",
            "record_id": household_id,
            "household_id": household_id,
            "base_revision": base,
            "changes": [{"field": f, "base": b, "value": v} for f, (b, v) in changes.items()],
        }


def enroll_device(server: ServerProcess, username: str, label: str = "laptop") -> Device:
    code, _ = enrollment.new_enroll_code(server.server_dir, "test", username=username)
    keys = KeyPair.generate()
    t = Transport(server.url, policy=RetryPolicy(attempts=3, base=0.05))
    try:
        info = t.enroll(code, keys, label)
    finally:
        t.close()
    county = info["county"]
    identity = Identity(
        info["device_id"],
        info["user"]["username"],
        county["code"],
        keys,
        county["signing_key"],
        county["encryption_key"],
    )
    return Device(server, identity)


def township(villages: dict[str, str], name: str = "示范镇") -> list[dict[str, Any]]:
    """The divisions of a roster: the county's township 610728101000 and ``villages`` (code →
    name) in it."""
    return [
        {"code": "610728101000", "name": name, "parent": "610728000000", "level": "township"}
    ] + [
        {"code": code, "name": village, "parent": "610728101000", "level": "village"}
        for code, village in villages.items()
    ]


def roster_of(households: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    """A roster of this county as ``import_roster`` reads it: ``households`` (as dicts) and
    ``more`` (``divisions``, ``visits``)."""
    return {
        "format": "fieldsurvey-roster",
        "version": 1,
        "county": COUNTY,
        "households": households,
        **more,
    }


def roster(n_per_village: int = 3) -> dict[str, Any]:
    households = []
    for v_index, village in enumerate((VILLAGE_A, VILLAGE_B)):
        for i in range(1, n_per_village + 1):  # numbers ending alike would hold the same people
            households.append(
                household_to_dict(
                    household(no=f"{village}{v_index}{100 * v_index + i:03d}", village=village)
                )
            )
    return roster_of(households, divisions=township({VILLAGE_A: "甲村", VILLAGE_B: "乙村"}))


@dataclass
class County:
    """A running server with a roster, a secretary for each village and a county staff member."""

    server: ServerProcess
    roster: dict[str, Any]

    def households_in(self, village: str) -> list[dict[str, Any]]:
        return [h for h in self.roster["households"] if h["division_code"] == village]


def fill_county(sd: ServerDir) -> dict[str, Any]:
    """The roster of two villages, a secretary for each (two in village A) and a staff member;
    returns the roster."""
    data = roster()
    import_roster(sd, "test", data)
    accounts.add_user(
        sd, "test", username="sec_a", role="secretary", display_name="甲村书记", password=None
    )
    accounts.add_user(
        sd, "test", username="sec_a2", role="secretary", display_name="甲村工作队", password=None
    )
    accounts.add_user(
        sd, "test", username="sec_b", role="secretary", display_name="乙村书记", password=None
    )
    accounts.add_user(
        sd,
        "test",
        username="staff",
        role="county_staff",
        display_name="县乡村振兴局",
        password="staff-pass-123",
    )
    accounts.assign(sd, "test", username="sec_a", villages=[VILLAGE_A])
    accounts.assign(sd, "test", username="sec_a2", villages=[VILLAGE_A])
    accounts.assign(sd, "test", username="sec_b", villages=[VILLAGE_B])
    return data


def setup_county(server: ServerProcess) -> County:
    sd = server.server_dir
    try:
        return County(server, fill_county(sd))
    finally:
        sd.close()


@contextmanager
def database(backend: str) -> Iterator[str | None]:
    """The database URL for a county on ``backend``: None on "sqlite" (the file in its data
    directory), else a PostgreSQL database of its own, dropped afterwards; the test is skipped
    where PostgreSQL is not reachable."""
    if backend == "postgres":
        if not postgres_available():
            pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
        with postgres_database() as url:
            yield url
    else:
        yield None


def init_county(
    path: Path,
    db_url: str | None = None,
    *,
    county: str = COUNTY,
    password: str = ADMIN_PASSWORD,
) -> ServerDir:
    """A county data directory at ``path`` as ``fieldsurvey server init`` leaves it (an admin
    ``admin``), with the fast KDF: the start of every county a test builds in process. The caller
    closes it."""
    sd = ServerDir(path)
    setup.init_server(
        sd,
        county=county,
        name=None,
        admin="admin",
        password=password,
        db_url=db_url,
        kdf=dict(FAST_KDF),
    )
    return sd


def app_client(app: Any, base_url: str = "http://localhost") -> Any:
    """Starlette's ``TestClient`` for ``app`` (it warns that it uses httpx; that is not the test's
    business)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app, base_url=base_url)


@contextmanager
def running_county(tmp: Path, backend: str, *, process: bool = False) -> Iterator[County]:
    with database(backend) as url:
        yield from _county(tmp, url, process)


def _county(tmp: Path, url: str | None, process: bool) -> Iterator[County]:
    server = ServerProcess(tmp / "county", url, process=process)
    server.init()
    county = setup_county(server)
    server.start()
    try:
        yield county
    finally:
        server.stop()


BACKENDS = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]


def county_for(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    process: bool = False,
) -> Iterator[County]:
    """Body of a module-scoped ``county`` fixture parametrised with ``BACKENDS``."""
    with running_county(
        tmp_path_factory.mktemp(f"county-{request.param}"), request.param, process=process
    ) as c:
        yield c


@dataclass
class AppCounty:
    """The county server's app in this process, on a real database (SQLite file or PostgreSQL),
    called through FastAPI's ``TestClient``: for API behaviour, where no process boundary is the
    point. The same roster and accounts as ``County``."""

    sd: ServerDir
    app: Any
    roster: dict[str, Any]
    _client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            with warnings.catch_warnings():  # Starlette's test client warns that it uses httpx
                warnings.simplefilter("ignore")
                from fastapi.testclient import TestClient
            self._client = TestClient(self.app, base_url="http://localhost")
        return self._client

    def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        r = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        r.raise_for_status()
        return str(r.json()["token"])

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return self.client.request(  # type: ignore[no-any-return]
            method, "/api/v1" + path, headers=headers, **kwargs
        )


@contextmanager
def app_county(
    tmp: Path, backend: str, fill: Callable[[ServerDir], dict[str, Any]] = fill_county
) -> Iterator[AppCounty]:
    """An ``AppCounty`` on ``backend`` ("sqlite" or "postgres", a database of its own), its
    roster and accounts put in by ``fill`` (which returns the roster)."""
    from fieldsurvey.server.app import create_app

    with database(backend) as url:
        sd = init_county(tmp / "county", url)
        county = AppCounty(sd, create_app(sd), fill(sd))
        try:
            yield county
        finally:
            if county._client is not None:
                county._client.close()
            sd.close()
