"""A newcomer's first run: system libraries, the demo's server and port, Ctrl+C, finding the store,
local times, server addresses typed without a scheme."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldsurvey.commands import desktop_libs
from fieldsurvey.commands.demo_server import port_in_use, start_server
from fieldsurvey.commands.desktop_libs import SONAMES, find_missing, require_desktop_libs, uses_xcb
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.store import Store
from fieldsurvey.sync.urls import normalise_url
from tests.support.server import free_port

ROOT = Path(__file__).parents[2]
PASS = "村里的网络时有时无"


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("FIELDSURVEY_")}
    full.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "fieldsurvey", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=ROOT,
        timeout=timeout,
    )


# -- system libraries ---------------------------------------------------------------------------
def test_every_missing_library_is_named_with_one_apt_and_one_dnf_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(desktop_libs, "uses_xcb", lambda: True)
    gone = {
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxkbcommon-x11.so.0",
    }
    with pytest.raises(UserError) as e:
        require_desktop_libs(lambda soname: soname not in gone)
    assert e.value.code == "missing_system_libraries"
    for soname in gone:
        assert soname in e.value.text.zh and soname in e.value.text.en
    apt = [line for line in e.value.text.en.splitlines() if "apt install" in line]
    dnf = [line for line in e.value.text.en.splitlines() if "dnf install" in line]
    assert len(apt) == 1 and apt[0].split("apt install ")[1].split() == [
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxkbcommon-x11-0",
    ]
    assert len(dnf) == 1 and dnf[0].split("dnf install ")[1].split() == [
        "xcb-util-cursor",
        "xcb-util-wm",
        "xcb-util-keysyms",
        "libxkbcommon-x11",
    ]
    require_desktop_libs(lambda _soname: True)  # nothing missing: nothing said


def test_only_an_x11_session_is_checked() -> None:
    assert uses_xcb({}, "linux") and uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({}, "win32") and not uses_xcb({}, "darwin")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="ldd on Linux"
)
def test_the_table_covers_what_the_installed_xcb_plugin_needs() -> None:
    """Every library outside Qt that the xcb plugin and its Qt helper need is in SONAMES."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    needed: set[str] = set()
    for binary in [
        plugin,
        *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1],
        *sorted((qt / "lib").glob("libQt6Gui.so*"))[:1],
    ]:
        out = (
            subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True).stdout
            if shutil.which("readelf")
            else ""
        )
        if (
            not out
        ):  # without binutils: ldd's first level is close enough (it includes indirect needs)
            out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
            needed |= {line.split()[0] for line in out.splitlines() if "=>" in line}
        else:
            needed |= set(re.findall(r"Shared library: \[(.+?)\]", out))
    outside_qt = {n for n in needed if not n.startswith(("libQt6", "libpyside", "libshiboken"))}
    basic = {
        "libc.so.6",
        "libm.so.6",
        "libstdc++.so.6",
        "libgcc_s.so.1",
        "libpthread.so.0",
        "libdl.so.2",
        "ld-linux-x86-64.so.2",
    }
    indirect_ok = {
        "libXau.so.6",
        "libXdmcp.so.6",
        "libpcre2-8.so.0",
        "libz.so.1",
        "libzstd.so.1",
        "libexpat.so.1",
        "libpng16.so.16",
        "libbrotlidec.so.1",
        "libbrotlicommon.so.1",
        "libbsd.so.0",
        "libmd.so.0",
        "libsystemd.so.0",
        "libcap.so.2",
        "libgcrypt.so.20",
        "liblzma.so.5",
        "liblz4.so.1",
        "libgpg-error.so.0",
        "libGLdispatch.so.0",
        "libGLX.so.0",
        "linux-vdso.so.1",
        "libOpenGL.so.0",
        "libicui18n.so.73",
        "libicuuc.so.73",
        "libicudata.so.73",
    }
    assert outside_qt - basic - indirect_ok <= set(SONAMES), sorted(
        outside_qt - basic - indirect_ok - set(SONAMES)
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_app_says_so_before_qt_aborts_when_a_library_is_missing(tmp_path: Path) -> None:
    missing = find_missing().sonames
    if not missing:
        pytest.skip("this machine has every library")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "app", "--data-dir", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "sudo apt install" in result.stderr and "sudo dnf install" in result.stderr
    assert all(soname in result.stderr for soname in missing)
    assert "Aborted" not in result.stderr and "could not" not in result.stderr.lower()


# -- the demo's server ------------------------------------------------------------------------
def test_a_busy_port_is_said_not_reported_as_started(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert port_in_use(port)
        with pytest.raises(UserError) as e:
            start_server(tmp_path, port)
        assert (
            e.value.code == "port_in_use"
            and str(port) in e.value.text.zh
            and "--port" in e.value.text.en
        )
        assert not (tmp_path / "server.log").exists()  # no server was started to fail on the port
    assert not port_in_use(port)


def test_the_demo_shows_its_passphrase_on_every_run(tmp_path: Path) -> None:
    first = cli("demo", "--no-gui", "--households", "4", "--data-dir", str(tmp_path / "demo"))
    assert first.returncode == 0, first.stderr
    passphrase = re.search(r"Passphrase: (\S+)", first.stdout).group(1)  # type: ignore[union-attr]
    again = cli("demo", "--no-gui", "--data-dir", str(tmp_path / "demo"))
    assert again.returncode == 0 and f"Passphrase: {passphrase}" in again.stdout
    with Store.open(tmp_path / "demo", passphrase=passphrase):
        pass
    saved = tmp_path / "demo" / "demo-passphrases.json"
    if os.name == "posix":
        assert saved.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(
    sys.platform == "win32", reason="a console's Ctrl+C is not a POSIX signal there"
)
def test_ctrl_c_in_the_terminal_closes_the_app(tmp_path: Path, fast_kdf: dict) -> None:
    Store.create(tmp_path / "village", PASS, kdf=fast_kdf)[0].close()
    child = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from fieldsurvey.ui.app import create_application, run_app\n"
        "create_application()\n"
        "QTimer.singleShot(300, lambda: print('shown', flush=True))\n"
        f"code = run_app({str(tmp_path / 'village')!r})\n"
        "print('exited', code, flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", child],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # "shown" comes from the running event loop: run_app installed the handler before it
        assert proc.stdout is not None and proc.stdout.readline().strip() == "shown"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "exited 0" in out and "KeyboardInterrupt" not in err


# -- finding the store ----------------------------------------------------------------------------
def test_store_commands_use_the_demo_when_it_is_the_only_store(
    tmp_path: Path, fast_kdf: dict
) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "FIELDSURVEY_PASSPHRASE": PASS}
    none = cli("households", env=env)
    assert (
        none.returncode == 2 and "--data-dir" in none.stderr and "fieldsurvey demo" in none.stderr
    )
    Store.create(tmp_path / "xdg" / "fieldsurvey" / "demo", PASS, kdf=fast_kdf)[0].close()
    found = cli("households", env=env)
    assert found.returncode == 0, found.stderr
    assert (
        str(tmp_path / "xdg" / "fieldsurvey" / "demo") in found.stderr
    )  # says which store it used
    Store.create(
        tmp_path / "xdg" / "fieldsurvey" / "village", "另一个密码短语也够长的吧", kdf=fast_kdf
    )[0].close()
    app_first = cli(
        "households", env=env
    )  # the app's own store comes first: the demo's passphrase does not open it
    assert app_first.returncode == 2 and "wrong passphrase" in app_first.stderr


# -- times and addresses -----------------------------------------------------------------------
def test_times_for_people_are_local_to_the_minute() -> None:
    stamp = datetime(2026, 3, 1, 4, 5, 6, 789, tzinfo=UTC)
    assert local_minute(stamp) == stamp.astimezone().strftime("%Y-%m-%d %H:%M")
    assert local_minute("2026-03-01T04:05:06.000789") == local_minute(
        stamp
    )  # naive server stamps are UTC
    assert local_minute(None, "—") == "—"


def test_an_enrollment_code_prints_its_expiry_in_local_minutes(tmp_path: Path) -> None:
    from tests.support.server import run_cli

    env = {"FIELDSURVEY_SERVER_PASSPHRASE": "county-passphrase-for-tests-1"}
    run_cli(
        "server",
        "init",
        "--data-dir",
        str(tmp_path / "county"),
        "--county",
        "610728",
        "--admin",
        "admin",
        stdin="admin-pass-123\n",
        env=env,
    )
    out = run_cli(
        "server",
        "enroll-code",
        "--data-dir",
        str(tmp_path / "county"),
        "--username",
        "admin",
        env=env,
    ).stdout
    [line] = [line for line in out.splitlines() if "Valid until" in line]
    assert re.fullmatch(r".*Valid until: \d{4}-\d\d-\d\d \d\d:\d\d", line), line


def test_a_server_address_without_a_scheme_is_completed_or_explained() -> None:
    assert normalise_url("fupin.example.gov.cn") == "https://fupin.example.gov.cn"
    assert normalise_url(" 192.168.1.20:8400/ ") == "https://192.168.1.20:8400"
    assert normalise_url("localhost:8400") == "http://localhost:8400"
    for bad in ("ftp://fupin.example.gov.cn", "https://", "fupin example"):
        with pytest.raises(UserError) as e:
            normalise_url(bad)
        assert e.value.code == "bad_server_url" and "https://" in e.value.text.zh


def test_enrolling_at_a_bare_address_is_not_blamed_on_the_network(
    tmp_path: Path, fast_kdf: dict
) -> None:
    from fieldsurvey.sync.client import SyncClient
    from fieldsurvey.sync.transport import RetryPolicy

    store, _ = Store.create(tmp_path / "v", PASS, kdf=fast_kdf)
    with store:
        port = (
            free_port()
        )  # nothing listens: the completed address is tried, and only then unreachable
        with pytest.raises(UserError) as e:
            SyncClient(store, policy=RetryPolicy(attempts=1)).enroll(
                f"localhost:{port}", "ABCD-EFGH"
            )
        assert e.value.code == "unreachable"
        with pytest.raises(UserError) as e:
            SyncClient(store).enroll("ftp://county", "ABCD-EFGH")
        assert e.value.code == "bad_server_url"


def test_the_readme_gives_the_whole_install_line() -> None:
    from fieldsurvey.commands.desktop_libs import full_install_lines

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("## What it is", 1)[0]
    assert full_install_lines().apt in head and full_install_lines().dnf in head
