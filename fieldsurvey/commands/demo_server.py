"""The demo county server: the same roster as the demo store, the demo device already enrolled.

``prepare_demo_server(store, server_dir)`` writes a county server data directory (never inside the
device's data directory) with the store's villages and households, a demo secretary assigned to
every village, and the store's device enrolled and pinned — then finalizes a few visits on the
device so that pressing Sync right away has something to send. ``start_server`` runs it on
127.0.0.1 for the desktop app.

The visits are finalized by ``app.visits.finalize``, the one function the laptop's editor uses.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import httpx

from fieldsurvey.app.visits import finalize
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.text import Text
from fieldsurvey.forms.household_visit import start_visit
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.server import setup
from fieldsurvey.server.auth.identity import principal_of
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import User
from fieldsurvey.server.db.vault import PASSPHRASE_ENV
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.feed import pages as feed
from fieldsurvey.server.roster.json_import import FORMAT, import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.store.sync_state import Enrollment
from fieldsurvey.sync.keys import KeyPair

DEMO_PORT = 8400
DEMO_ADMIN = "admin"
DEMO_ADMIN_PASSWORD = "demo-admin-2025"  # a demo county only: printed by the demo command
DEMO_SECRETARY = "demo_secretary"


@dataclass(frozen=True)
class DemoServer:
    server_dir: Path
    url: str
    admin: str
    admin_password: str
    device_id: str
    visits_waiting: int


def prepare_demo_server(
    store: Any,
    server_dir: Path,
    *,
    port: int = DEMO_PORT,
    visits: int = 5,
    passphrase: str | None = None,
) -> DemoServer:
    """``passphrase`` encrypts the server's data; None reads ``FIELDSURVEY_SERVER_PASSPHRASE``."""
    server_dir = Path(server_dir).resolve()
    if (
        server_dir == Path(store.data_dir).resolve()
        or Path(store.data_dir).resolve() in server_dir.parents
    ):
        raise UserError(
            Text(
                "县级服务器目录不能放在设备数据目录里",
                "the server directory must not be inside the device's data directory",
            ),
            code="server_inside_store",
        )
    county, county_name = store.county()
    sd = ServerDir(server_dir, passphrase=passphrase)
    setup.init_server(
        sd,
        county=county,
        name=county_name or None,
        admin=DEMO_ADMIN,
        password=DEMO_ADMIN_PASSWORD,
        db_url=None,
    )
    divisions = [
        {"code": d.code.value, "name": d.name, "parent": d.parent, "level": d.code.level}
        for d in store.divisions.all()
    ]
    # Streamed: the import reads a chunk at a time, so 100,000 households never sit in memory as dicts.
    households = (household_to_dict(h) for h in store.households.iter_households())
    history = (visit_to_dict(v) for v in store.visits.history())
    import_roster(
        sd,
        "demo",
        {
            "format": FORMAT,
            "version": 1,
            "county": county,
            "divisions": divisions,
            "households": households,
            "visits": history,
        },
    )
    villages = [d["code"] for d in divisions if d["level"] == "village"]
    accounts.add_user(
        sd,
        "demo",
        username=DEMO_SECRETARY,
        role="secretary",
        display_name="驻村第一书记（示范）",
        password=None,
    )
    accounts.assign(sd, "demo", username=DEMO_SECRETARY, villages=villages)
    url = f"http://127.0.0.1:{port}"
    device_id = _enroll_in_place(store, sd, url)
    waiting = _finalize_demo_visits(store, visits)
    sd.close()
    return DemoServer(server_dir, url, DEMO_ADMIN, DEMO_ADMIN_PASSWORD, device_id, waiting)


def _enroll_in_place(store: Any, sd: ServerDir, url: str) -> str:
    """What ``fieldsurvey enroll`` does over HTTP, done directly on both sides for the demo."""
    code, _ = enrollment.new_enroll_code(sd, "demo", username=DEMO_SECRETARY)
    keys = KeyPair.generate()
    signing_pub, encryption_pub = keys.public_b64()
    info = enrollment.enroll(
        sd, code=code, signing_key=signing_pub, encryption_key=encryption_pub, label="demo laptop"
    )
    with sd.transaction() as s:  # the device already holds the roster: start its feed at "now"
        user = s.query(User).filter(User.username == DEMO_SECRETARY).one()
        who = principal_of(s, user, info["device_id"])
        cursor = feed.make_cursor(s, feed.current_seq(s), who.villages)
    signing, encryption = keys.private_b64()
    county = info["county"]
    store.sync_state.enroll(
        Enrollment(
            slot=1,
            device_id=info["device_id"],
            username=DEMO_SECRETARY,
            display_name=info["user"]["display_name"],
            role="secretary",
            villages=info["villages"],
            county=county["code"],
            county_name=county["name"],
            server_url=url,
            signing_private=signing,
            encryption_private=encryption,
            county_signing_key=county["signing_key"],
            county_encryption_key=county["encryption_key"],
            fingerprint=county["fingerprint"],
            enrolled_at=datetime.now(UTC).replace(tzinfo=None),
            cursor=cursor,
            last_sync_at=None,
        )
    )
    return str(info["device_id"])


def _finalize_demo_visits(store: Any, count: int) -> int:
    """Visits made on the laptop since the last sync, through the same engine the app uses."""
    done = 0
    today = date.today()
    library = FormLibrary()
    households = store.households.iter_households()
    for i, h in enumerate(islice(households, count * 4)):
        if done >= count:
            break
        visit_date = today - timedelta(days=1 + i)
        session = start_visit(h, today=visit_date, library=library)
        session.set_value("visitor", "驻村第一书记（示范）")
        session.set_value("findings", "示范走访：入户核实家庭人口、收入和两不愁三保障情况。")
        session.set_value("follow_up", "按月跟踪家庭收入和务工情况。")
        session.set_value("household_confirmed", True)
        session.set_value("confirmed_by", h.head.name if h.head else "")
        if not session.finalize_check().ok:
            continue  # a demo household whose record needs correcting first: leave it for the user
        finalize(store, session, None, h.household_id)
        done += 1
    return done


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on (or holds) ``host:port``.

    Tried by binding, as the server will: a connect would miss a port held but not listening.
    SO_REUSEADDR as uvicorn sets it on POSIX, so a port left in TIME_WAIT by a server that just
    stopped counts as free; on Windows that option would let two sockets share the port, so there
    SO_EXCLUSIVEADDRUSE, which makes the bind fail exactly when the server's own would.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if sys.platform == "win32":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined]
        else:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def _busy_port_error(port: int) -> UserError:
    """Says what holds the port: an earlier FieldSurvey server (a demo still running) or something else."""
    try:
        ours = (
            httpx.get(
                f"http://127.0.0.1:{port}/api/v1/info", timeout=2, trust_env=False
            ).status_code
            == 200
        )
    except httpx.HTTPError:
        ours = False
    if ours:
        return UserError(
            Text(
                f"端口 {port} 上已有一个 FieldSurvey 县级服务器在运行（可能是上次的示范没有退出）。"
                "请先停止它，或加 --port 换一个端口。",
                f"a FieldSurvey county server is already running on port {port} (perhaps an "
                "earlier demo that did not exit); stop it, or pass --port to use another port",
            ),
            code="port_in_use",
        )
    return UserError(
        Text(
            f"端口 {port} 已被其他程序占用。请加 --port 换一个端口（如 --port {port + 1}）。",
            f"port {port} is in use by another program; pass --port to use another one (e.g. --port {port + 1})",
        ),
        code="port_in_use",
    )


def _die_with_parent() -> Callable[[], None] | None:
    """Linux: a ``preexec_fn`` asking the kernel to stop the server when the process that started
    it dies, however it dies.

    The demo's app can end without running any Python cleanup (Qt aborts when a system library is
    missing, a crash, a kill): the server must not stay behind holding the port. ``prctl`` is looked
    up here, before the fork, so the child only makes the one call (no ``dlopen`` after a fork).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    sigterm = int(signal.SIGTERM)

    def set_death_signal() -> None:  # pragma: no cover - runs in the child between fork and exec
        prctl(pr_set_pdeathsig, sigterm)

    return set_death_signal


def start_server(
    server_dir: Path, port: int = DEMO_PORT, *, wait: float = 60.0, passphrase: str | None = None
) -> subprocess.Popen[bytes]:
    """Run ``fieldsurvey server run`` on 127.0.0.1 and wait until it answers.

    ``passphrase`` reaches the process in its environment (never its command line, which other
    users can list); None passes on this process's ``FIELDSURVEY_SERVER_PASSPHRASE``. A port
    already taken is refused first: otherwise the server that holds it would answer the wait below
    and this one, failing on the port, would be reported as started. On Linux the server dies
    with this process (``_die_with_parent``).
    """
    if port_in_use(port):
        raise _busy_port_error(port)
    log_path = Path(server_dir) / "server.log"
    env = {**os.environ, PASSPHRASE_ENV: passphrase} if passphrase is not None else None
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    death_signal = _die_with_parent()
    extra: dict[str, Any] = {"preexec_fn": death_signal} if death_signal is not None else {}
    with os.fdopen(fd, "ab") as log:  # the server writes no personal data to its log
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fieldsurvey",
                "server",
                "run",
                "--data-dir",
                str(server_dir),
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            **extra,
        )
    deadline = time.monotonic() + wait
    # trust_env=False: a system proxy must not carry (or refuse) a call to 127.0.0.1
    with httpx.Client(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise UserError(
                    Text(
                        f"示范服务器未能启动，详见 {log_path}",
                        f"the demo server did not start; see {log_path}",
                    ),
                    code="demo_server_failed",
                )
            try:
                answer = client.get(f"http://127.0.0.1:{port}/api/v1/info")
                if answer.status_code == 200 and proc.poll() is None:
                    return proc
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    proc.terminate()
    raise UserError(
        Text("示范服务器启动超时", "the demo server took too long to start"),
        code="demo_server_failed",
    )
