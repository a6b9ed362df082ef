"""The laptop side runs on Windows and macOS: caught here, on Linux.

- The store's creation, a visit, ledger prints and a sync run with the POSIX-only parts of ``os``
  (and ``fcntl``, ``pwd``, ``grp``, ``resource``) taken away, as Windows has them.
- A proxy in the environment (Windows and macOS take it from the system settings) does not carry
  the calls to a county server on 127.0.0.1 or the LAN, and still carries the others.
- CSV on a text stdout that turns "\\n" into "\\r\\n" (Windows) has single line ends; Chinese goes to
  a stdout whose locale encoding is cp1252 without UnicodeEncodeError; child processes get UTF-8.
- Files outside the Windows profile get an owner-only access list (icacls is simulated: it
  cannot run here), or the user is told others can read them.
- A PDF held open by a viewer is refused with "close the PDF" before any file is replaced.
- macOS durability: F_FULLFSYNC for atomic writes, SQLite's fullfsync for the store.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from fieldsurvey.cli import main
from fieldsurvey.core import private_files
from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.ledger import LedgerOptions, print_household, print_village
from fieldsurvey.ledger.samples import NAMES, VILLAGE, make_input
from fieldsurvey.server.devices import enrollment
from fieldsurvey.store import Store
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy, Transport, direct_mounts
from tests.support.common import FAST_KDF
from tests.support.factories import household
from tests.support.laptop import finalized_visit
from tests.support.server import VILLAGE_A, County, free_port, running_county

PASS = "移植测试用的密码短语"
ROOT = Path(__file__).parents[2]

# What CPython on Windows does not have (os.fchmod arrives in 3.13; the rest never).
POSIX_ONLY_OS = (
    "fchmod",
    "fchown",
    "lchown",
    "chown",
    "chroot",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getgroups",
    "setuid",
    "seteuid",
    "setgid",
    "getpgid",
    "getpgrp",
    "setsid",
    "getsid",
    "killpg",
    "fork",
    "forkpty",
    "sync",
    "fdatasync",
    "nice",
    "getloadavg",
    "uname",
    "statvfs",
    "fstatvfs",
    "mkfifo",
    "mknod",
    "sched_getaffinity",
    "sched_setaffinity",
    "posix_fadvise",
    "posix_fallocate",
    "pipe2",
    "wait3",
    "wait4",
    "getpriority",
    "setpriority",
    "openpty",
    "ttyname",
    "ctermid",
    "sysconf",
    "pathconf",
    "fpathconf",
    "O_NOFOLLOW",
    "O_DIRECTORY",
    "O_CLOEXEC",
    "O_SYNC",
    "O_DSYNC",
    "O_NONBLOCK",
    "O_NOCTTY",
    "O_ASYNC",
)
# (SIGALRM stays: pytest-timeout, not the code under test, needs it here)
POSIX_ONLY_SIGNALS = ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPIPE")
POSIX_ONLY_MODULES = ("fcntl", "pwd", "grp", "resource", "termios", "pty", "tty", "syslog")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    with running_county(tmp_path_factory.mktemp("county"), "sqlite") as c:
        yield c


@pytest.fixture
def as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take away what Windows lacks; any unguarded use then fails as it would there."""
    for name in POSIX_ONLY_OS:
        if hasattr(os, name):
            monkeypatch.delattr(os, name)
    for name in POSIX_ONLY_SIGNALS:
        if hasattr(signal, name):
            monkeypatch.delattr(signal, name)
    for name in POSIX_ONLY_MODULES:
        monkeypatch.setitem(sys.modules, name, None)  # "import fcntl" raises ImportError


def test_the_laptop_works_without_the_posix_only_parts_of_os(
    as_on_windows: None, county: County, tmp_path: Path
) -> None:
    assert not hasattr(os, "fchmod") and not hasattr(os, "getuid")
    with pytest.raises(ImportError):
        import fcntl  # noqa: F401
    d = tmp_path / "village"
    store, recovery = Store.create(d, PASS, kdf=FAST_KDF)
    with store:
        client = SyncClient(store, policy=RetryPolicy(attempts=3, base=0.05))
        code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_a")
        client.enroll(county.server.url, code, label="windows-like")
        first = client.sync()
        assert first.downloaded.households == len(county.households_in(VILLAGE_A))
        h = store.households.get(county.households_in(VILLAGE_A)[0]["household_id"])
        assert h is not None
        finalized_visit(store, h.household_id, date(2025, 6, 1), "甲村书记")
        sent = client.sync()
        assert [b["status"] for b in sent.sent_batches] == ["merged"]
        store.change_passphrase("换了一个新的密码短语")
    with Store.open(d, recovery_key=recovery) as store:
        h = store.households.get(h.household_id)
        assert h is not None and len(store.visits.for_household(h.household_id)) == 1
        inputs = [make_input(i) for i in range(1, 4)]
        print_household(inputs[0], tmp_path / "one.pdf")
        village = print_village(inputs, 3, tmp_path / "ledgers", names=NAMES, village_code=VILLAGE)
        combined = print_village(
            inputs, 3, tmp_path / "village.pdf", names=NAMES, village_code=VILLAGE
        )
    assert len(PdfReader(tmp_path / "one.pdf").pages) >= 1
    assert len(village.files) == 4 and all(PdfReader(f).pages for f in village.files)
    assert len(PdfReader(combined.files[0]).pages) == combined.pages


# -- proxies -------------------------------------------------------------------------------------
class RecordingProxy:
    """A proxy that answers 502 to everything and remembers the request lines it was sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(65536).decode("latin-1")
                self.requests.append(data.split("\r\n", 1)[0])
                conn.sendall(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )

    def close(self) -> None:
        """Stop serving and end the thread: on Linux a close alone leaves accept() blocked."""
        # Windows refuses shutdown on a listening socket; the close then wakes accept() there.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the proxy's thread did not end"


def test_a_system_proxy_does_not_carry_sync_to_a_server_on_this_machine(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there: any call through it fails
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    store, _ = Store.create(tmp_path / "village", PASS, kdf=FAST_KDF)
    with store:
        client = SyncClient(store, policy=RetryPolicy(attempts=2, base=0.01))
        code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_a")
        client.enroll(county.server.url, code, label="behind-a-proxy")
        report = client.sync()
        assert report.downloaded.households == len(county.households_in(VILLAGE_A))


def test_lan_addresses_go_direct_and_others_through_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for url in (
        "http://192.168.1.10:8400",
        "http://10.20.30.40",
        "http://172.16.5.1:8400",
        "http://[::1]:8400",
        "http://169.254.10.1",
        "http://[fe80::1]",
        "http://localhost:8400",
        "http://countyserver:8400",
        "http://[fd12:3456::1]",
    ):
        assert direct_mounts(url), url
    for url in ("https://county.example.gov.cn", "http://8.8.8.8", "http://[2606:4700:4700::1111]"):
        assert direct_mounts(url) == {}, url
    proxy = RecordingProxy()
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        t = Transport("http://county.example.gov.cn:8400", policy=RetryPolicy(attempts=1))
        with pytest.raises(UserError):
            t.info()
        t.close()
        assert proxy.requests == ["GET http://county.example.gov.cn:8400/api/v1/info HTTP/1.1"]
    finally:
        proxy.close()


# -- text on stdout ------------------------------------------------------------------------------
@pytest.fixture
def listed_store(tmp_path: Path) -> Path:
    d = tmp_path / "village"
    store, _ = Store.create(d, PASS, kdf=FAST_KDF)
    with store:
        store.households.add_many([household("6107281010010001"), household("6107281010010002")])
    return d


def test_csv_on_a_windows_text_stdout_has_single_line_ends(
    listed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BytesIO()
    windows_stdout = io.TextIOWrapper(
        raw, encoding="utf-8", newline="\r\n", write_through=True
    )  # "\n" → "\r\n"
    monkeypatch.setattr(sys, "stdout", windows_stdout)
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    assert main(["households", "--data-dir", str(listed_store), "--format", "csv"]) == 0
    windows_stdout.flush()
    data = raw.getvalue()
    assert b"\r\r\n" not in data and data.count(b"\r\n") == 3
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r[0] for r in rows] == ["household_no", "6107281010010001", "6107281010010002"]


def test_chinese_reaches_a_redirected_stdout_whose_locale_cannot_encode_it(
    listed_store: Path,
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUTF8", "PYTHONIOENCODING", "FIELDSURVEY_PASSPHRASE")
    }
    env.update(
        PYTHONIOENCODING="cp1252", PYTHONUTF8="0", FIELDSURVEY_PASSPHRASE=PASS
    )  # an English Windows, redirected
    done = subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "households", "--data-dir", str(listed_store)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "王建国" in done.stdout.decode("utf-8") and "户主" in done.stdout.decode("utf-8")
    env["FIELDSURVEY_PASSPHRASE"] = "不对的密码短语"
    wrong = subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "households", "--data-dir", str(listed_store)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert wrong.returncode == 2
    assert wrong.stderr.decode("utf-8").strip() == "错误：密码短语不正确 Error: wrong passphrase"


def test_processes_started_by_a_command_read_and_write_utf8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fieldsurvey.cli import use_utf8

    monkeypatch.delenv("PYTHONUTF8", raising=False)
    use_utf8()
    child = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.flags.utf8_mode)"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert child.stdout.strip() == "1"


# -- owner-only files on Windows (icacls simulated) ----------------------------------------------
@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[list[str], int]]:
    """Run the Windows branch: the profile is tmp_path/profile; every icacls call is recorded with
    the size of its target at that moment, and succeeds unless the target is on "usb"."""
    calls: list[tuple[list[str], int]] = []

    def icacls(arguments: list[str]) -> bool:
        target = Path(arguments[1])
        calls.append((arguments, target.stat().st_size if target.is_file() else -1))
        return "usb" not in target.parts  # FAT keeps no access lists: icacls fails there

    monkeypatch.setattr(private_files, "is_windows", lambda: True)
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    monkeypatch.setattr(private_files, "run_icacls", icacls)
    monkeypatch.setattr(private_files, "current_user_sid", lambda: "*S-1-5-21-1000-2000-3000-1001")
    return calls


def test_files_outside_the_profile_get_an_owner_only_access_list_before_any_byte(
    windows: list[tuple[list[str], int]], tmp_path: Path
) -> None:
    assert atomic_write(tmp_path / "profile" / "AppData" / "store.key", b"secret") is True
    assert windows == []  # the profile's own access list already admits only the user
    assert atomic_write(tmp_path / "D" / "export.csv", b"personal data") is True
    [(arguments, size)] = windows
    assert arguments[0] == "icacls" and Path(arguments[1]).parent == tmp_path / "D"
    assert arguments[2:] == ["/inheritance:r", "/grant:r", "*S-1-5-21-1000-2000-3000-1001:F"]
    assert size == 0  # restricted while still empty
    assert (tmp_path / "D" / "export.csv").read_bytes() == b"personal data"
    assert (
        atomic_write(tmp_path / "usb" / "recovery-key.txt", b"K7QX-...") is False
    )  # written, but not private


def test_a_village_print_outside_the_profile_needs_one_access_list_not_one_per_ledger(
    windows: list[tuple[list[str], int]], tmp_path: Path
) -> None:
    inputs = [make_input(i) for i in range(1, 6)]
    out = tmp_path / "D" / "ledgers"
    out.mkdir(parents=True)
    print_village(inputs, 5, out, names=NAMES, village_code=VILLAGE)
    [(arguments, _)] = windows
    assert Path(arguments[1]).name.startswith(
        ".ledger-printing-"
    )  # the staging folder, inherited by each
    assert arguments[-1] == "*S-1-5-21-1000-2000-3000-1001:(OI)(CI)F"
    assert len(list(out.glob("*.pdf"))) == 6


def test_the_ledger_command_says_when_others_can_read_what_it_writes(
    windows: list[tuple[list[str], int]],
    listed_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    for folder, warned in ((tmp_path / "profile" / "Documents", False), (tmp_path / "usb", True)):
        folder.mkdir(parents=True)
        assert (
            main(
                [
                    "ledger",
                    "--data-dir",
                    str(listed_store),
                    "--household",
                    "6107281010010001",
                    "--out",
                    str(folder / "ledger.pdf"),
                ]
            )
            == 0
        )
        err = capsys.readouterr().err
        assert ("anyone with this drive, can read the files" in err) is warned, err
        assert (folder / "ledger.pdf").exists()


# -- a PDF held open by a viewer ----------------------------------------------------------------------
def held_open(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """As Windows answers a rename of, or over, a file a viewer has open: a sharing violation."""
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if target.resolve() in (Path(src).resolve(), Path(dst).resolve()):
            raise PermissionError(
                13,
                "The process cannot access the file because it is being used by another process",
                str(target),
            )
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_a_village_print_stops_before_replacing_anything_when_one_pdf_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = [make_input(i) for i in range(1, 6)]
    out = tmp_path / "ledgers"
    out.mkdir()
    first = print_village(
        inputs, 5, out, names=NAMES, village_code=VILLAGE, options=LedgerOptions()
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    held_open(monkeypatch, sorted(first.files)[-1])  # the last one moved: all the others come first
    with pytest.raises(UserError) as e:
        print_village(inputs, 5, out, names=NAMES, village_code=VILLAGE)
    assert (
        e.value.code == "file_in_use"
        and "Close the PDF" in e.value.text.en
        and "关闭" in e.value.text.zh
    )
    assert {
        p.name: p.read_bytes() for p in out.iterdir()
    } == before  # every old file, no new one, no staging


def test_a_single_pdf_held_open_is_refused_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = make_input(1)
    target = tmp_path / "one.pdf"
    print_household(inp, target)
    before = target.read_bytes()
    held_open(monkeypatch, target)
    with pytest.raises(UserError) as e:
        print_household(inp, target)
    assert e.value.code == "file_in_use"
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "one.pdf"
    ]


def test_a_folder_in_the_way_of_a_ledger_is_not_replaced(tmp_path: Path) -> None:
    inp = make_input(1)
    (tmp_path / "one.pdf").mkdir()
    with pytest.raises(UserError) as e:
        print_household(inp, tmp_path / "one.pdf")
    assert e.value.code == "not_a_file" and (tmp_path / "one.pdf").is_dir()


# -- macOS durability ------------------------------------------------------------------------------
def test_atomic_writes_ask_the_disk_for_a_full_sync_where_the_os_offers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS's fcntl has F_FULLFSYNC (fsync there stops at the drive's cache); Linux's has not,
    so a module that has it stands in, and must be what the sync goes through."""
    synced: list[int] = []
    mac_fcntl = types.SimpleNamespace(F_FULLFSYNC=51, fcntl=lambda fd, op: synced.append(op))
    monkeypatch.setitem(sys.modules, "fcntl", mac_fcntl)
    atomic_write(tmp_path / "store.key", b"{}")
    assert synced and set(synced) == {51}  # the file, then its folder


def test_the_store_asks_sqlite_for_full_syncs(tmp_path: Path) -> None:
    store, _ = Store.create(tmp_path / "village", PASS, kdf=FAST_KDF)
    with store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA fullfsync")).scalar() == 1
        assert conn.execute(text("PRAGMA checkpoint_fullfsync")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
