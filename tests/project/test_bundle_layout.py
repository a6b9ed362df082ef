"""The standalone bundle and the .deb, checked without building them (scripts/check_bundle.sh builds).

What the spec collects, what the package depends on, where the version comes from, which
executable does what, the server's settings file, and the About box's versions.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import fieldsurvey
from fieldsurvey.commands.server_config import MAX_CONFIG_BYTES, read_config
from fieldsurvey.frozen import role, run_module

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_layout  # noqa: E402
import deb  # noqa: E402

PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]


# -- what the spec collects ---------------------------------------------------------------------


def test_the_spec_lists_every_resource_folder_and_both_migration_trees() -> None:
    sources = {src for src, _ in bundle_layout.DATA}
    for folder in (ROOT / "resources").iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            assert f"resources/{folder.name}" in sources, (
                f"resources/{folder.name} is not in the bundle"
            )
    assert "fieldsurvey/store/migrations" in sources
    assert "fieldsurvey/server/db/migrations" in sources
    for src, dest in bundle_layout.DATA:
        assert (ROOT / src).is_dir(), src
        # the installed wheel's layout, which fieldsurvey.core.resources and Alembic look in
        assert dest == src.replace("resources/", "fieldsurvey/resources/", 1)
    spec = (ROOT / "packaging" / "fieldsurvey.spec").read_text(encoding="utf-8")
    assert "layout.DATA" in spec and "layout.HIDDEN_IMPORTS" in spec and "layout.EXCLUDES" in spec
    assert (ROOT / "resources/fonts/WenQuanYiMicroHei.ttf").is_file()
    assert list((ROOT / "resources/i18n").glob("*.qm")), "the compiled translation ships"


def test_the_qt_modules_the_app_imports_are_kept_and_heavy_unused_ones_dropped() -> None:
    used = set()
    for path in (ROOT / "fieldsurvey").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    for module in used:
        assert f"PySide6.{module}" not in bundle_layout.EXCLUDES
        assert not bundle_layout.unused_binary(f"PySide6/Qt/lib/libQt6{module[2:]}.so.6")
    for kept in (
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/qwindows.dll",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
    ):
        assert not bundle_layout.unused_binary(kept), kept
    for dropped in (
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt6WebEngineCore.dll",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so",
    ):
        assert bundle_layout.unused_binary(dropped), dropped
    assert not bundle_layout.unused_data(
        "PySide6/Qt/translations/qtbase_zh_CN.qm"
    )  # OK/Cancel in Chinese
    assert bundle_layout.unused_data("PySide6/Qt/translations/qtbase_de.qm")
    for module in (
        "fieldsurvey.__main__",
        "fieldsurvey.commands.demo_fill",
    ):  # started as `EXE -m …`
        assert module in bundle_layout.HIDDEN_IMPORTS


def test_system_libraries_are_left_to_the_package_and_wheel_libraries_bundled() -> None:
    assert bundle_layout.system_library("/lib/x86_64-linux-gnu/libxcb-cursor.so.0")
    assert bundle_layout.system_library("/usr/lib/aarch64-linux-gnu/libfontconfig.so.1")
    assert not bundle_layout.system_library(
        "/usr/local/python/site-packages/PySide6/Qt/lib/libQt6Core.so.6"
    )
    assert not bundle_layout.system_library("/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0")


# -- the .deb ------------------------------------------------------------------------------------


def test_the_control_file_depends_on_the_qt_system_libraries() -> None:
    text = deb.control("0.1.0", "amd64", ["libc6 (>= 2.34)", *sorted(deb.QT_BASELINE)], 240_000)
    fields = dict(
        line.split(": ", 1)
        for line in text.splitlines()
        if ": " in line and not line.startswith(" ")
    )
    assert fields["Package"] == "fieldsurvey" and fields["Architecture"] == "amd64"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    for needed in (
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxkbcommon-x11-0",
        "libxcb-xinerama0",
        "libegl1",
        "libfontconfig1",
    ):
        assert needed in depends
    assert text.endswith("\n") and all(
        line.startswith(" ") for line in text.split("Description: ", 1)[1].splitlines()[1:]
    )


@pytest.mark.skipif(
    shutil.which("dpkg") is None or shutil.which("ldd") is None, reason="needs dpkg and ldd"
)
def test_depends_are_found_from_the_qt_platform_plugin_with_ldd_and_dpkg() -> None:
    """The real derivation on the installed PySide6's xcb plugin: its X libraries become packages."""
    import PySide6

    platforms = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"
    if not (platforms / "libqxcb.so").exists():
        pytest.skip("this PySide6 has no xcb plugin (not Linux)")
    resolved, _missing = deb.external_libraries(platforms)
    packages = deb.packages_of(resolved)
    assert any("libxcb" in p for p in resolved)
    assert {
        "libxcb1",
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
    } <= packages  # the missing-libxcb-cursor0 trap
    assert "libc6" not in packages  # depended on with a version instead
    assert re.fullmatch(r"\d+\.\d+", deb.glibc_floor(platforms))


def test_debian_versions_sort_pre_releases_first() -> None:
    assert deb.deb_version("0.1.0") == "0.1.0"
    assert deb.deb_version("0.2.0rc1") == "0.2.0~rc1"
    if shutil.which("dpkg"):
        older = subprocess.run(
            ["dpkg", "--compare-versions", deb.deb_version("0.2.0rc1"), "lt", "0.2.0"]
        )
        assert older.returncode == 0


def test_maintainer_scripts_are_valid_sh_and_purge_alone_deletes_data() -> None:
    scripts = ROOT / "packaging" / "debian"
    for name in ("postinst", "prerm", "postrm"):
        subprocess.run(["sh", "-n", str(scripts / name)], check=True)
    postrm = (scripts / "postrm").read_text(encoding="utf-8")
    purge, _, rest = postrm.split("purge)", 1)[1].partition(";;")
    assert 'rm -rf "$R/var/lib/fieldsurvey"' in purge
    assert "rm " not in postrm.split("purge)", 1)[0] + rest, "remove must keep the data"
    unit = (scripts / "fieldsurvey-server.service").read_text(encoding="utf-8")
    assert "User=fieldsurvey" in unit and "StateDirectory=fieldsurvey" in unit
    assert "--config /etc/fieldsurvey/server.toml" in unit
    desktop = (scripts / "fieldsurvey.desktop").read_text(encoding="utf-8")
    assert "Exec=fieldsurvey-app" in desktop and "Icon=fieldsurvey" in desktop
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(scripts / "fieldsurvey.desktop")], check=True)


def test_the_packaged_server_settings_file_is_a_valid_config(tmp_path: Path) -> None:
    settings = read_config(ROOT / "packaging" / "debian" / "server.toml")
    assert settings["data_dir"] == "/var/lib/fieldsurvey/server"
    assert settings["passphrase_file"] == "/etc/fieldsurvey/passphrase"
    assert (
        "db" not in settings and "tls_cert" not in settings
    )  # empty: SQLite, loopback without TLS


def test_the_icon_exists_in_every_size_and_reads_at_16_px() -> None:
    from PIL import Image

    icons = ROOT / "packaging" / "icons"
    assert "<svg" in (icons / "fieldsurvey.svg").read_text(encoding="utf-8")
    for size in deb.ICON_SIZES:
        with Image.open(icons / f"fieldsurvey-{size}.png") as img:
            assert img.size == (size, size)
    with Image.open(icons / "fieldsurvey-16.png") as img:
        pixels = img.convert("RGBA")
        colours = {
            pixels.getpixel((x, y))
            for x in range(16)
            for y in range(16)
            if pixels.getpixel((x, y))[3] == 255
        }
        white = sum(
            1
            for x in range(16)
            for y in range(16)
            if pixels.getpixel((x, y)) == (255, 255, 255, 255)
        )
    assert len(colours) == 2, "two flat colours at 16 px: no blur"
    assert 40 <= white <= 120, "the house is a clear shape, neither a speck nor the whole square"


# -- the version, from one place -----------------------------------------------------------------


def test_the_version_comes_from_pyproject_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import main

    assert fieldsurvey.__version__ == PYPROJECT_VERSION
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"fieldsurvey {PYPROJECT_VERSION}"
    assert bundle_layout.folder_name(PYPROJECT_VERSION) == f"FieldSurvey-{PYPROJECT_VERSION}"
    assert f"Version: {deb.deb_version(PYPROJECT_VERSION)}\n" in deb.control(
        PYPROJECT_VERSION, "amd64", [], 1
    )
    # The frozen bundle has no package metadata: it reads the VERSION file the spec writes.
    (tmp_path / "VERSION").write_text(PYPROJECT_VERSION + "\n", encoding="utf-8")
    assert fieldsurvey._version(frozen=True, here=tmp_path) == PYPROJECT_VERSION
    spec = (ROOT / "packaging" / "fieldsurvey.spec").read_text(encoding="utf-8")
    assert 'tomllib.loads((ROOT / "pyproject.toml")' in spec and '"VERSION"' in spec


# -- the two executables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("executable", "argv0", "expected"),
    [
        ("/opt/fieldsurvey/FieldSurvey", "/opt/fieldsurvey/FieldSurvey", "app"),
        (
            "/opt/fieldsurvey/FieldSurvey",
            "fieldsurvey-app",
            "app",
        ),  # /usr/bin/fieldsurvey-app, the menu entry
        (
            "/opt/fieldsurvey/FieldSurvey",
            "fieldsurvey",
            "cli",
        ),  # the fieldsurvey -> FieldSurvey link
        ("/opt/fieldsurvey/FieldSurvey", "/usr/bin/fieldsurvey", "cli"),
        (
            r"C:\Users\li\AppData\Local\Programs\FieldSurvey\FieldSurvey.exe",
            "FieldSurvey.exe",
            "app",
        ),
        (r"C:\Users\li\AppData\Local\Programs\FieldSurvey\fieldsurvey.com", "FieldSurvey", "cli"),
        ("/usr/bin/python3", "", "cli"),
    ],
)
def test_which_executable_opens_the_app(executable: str, argv0: str, expected: str) -> None:
    assert role(executable, argv0) == expected
    assert (
        bundle_layout.cli_exe_name(True) == "fieldsurvey.com"
    )  # found before FieldSurvey.exe on PATH


def test_the_frozen_entry_answers_dash_m_as_python_does(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo starts its server and producer as `sys.executable -m MODULE`: the bundle answers that."""
    argv = sys.argv
    try:
        assert run_module(["fieldsurvey", "--version"]) == 0
    finally:
        sys.argv = argv
    assert capsys.readouterr().out.strip() == f"fieldsurvey {PYPROJECT_VERSION}"


# -- server run --config ------------------------------------------------------------------------


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_server_settings_come_from_the_file_and_the_command_line_wins(tmp_path: Path) -> None:
    import argparse

    from fieldsurvey.commands.server_config import apply_config

    path = _config(
        tmp_path,
        '[server]\ndata_dir = "data"\ndatabase_url = "postgresql+psycopg://x@/y"\n'
        'port = 8443\ntls_cert = "tls/cert.pem"\nlog_level = "info"\n',
    )
    args = argparse.Namespace(
        config=str(path),
        data_dir=None,
        db=None,
        passphrase_file=None,
        host=None,
        port=None,
        tls_cert=None,
        tls_key=None,
        insecure_http=False,
        forwarded_allow_ips=None,
        log_level="debug",
    )
    apply_config(args)
    assert args.data_dir == str((tmp_path / "data").resolve())
    assert args.db == "postgresql+psycopg://x@/y"
    assert args.port == 8443 and args.host == "127.0.0.1"
    assert args.tls_cert == str((tmp_path / "tls/cert.pem").resolve())
    assert args.log_level == "debug"  # given on the command line


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('[server]\ntls_crt = "cert.pem"\n', "tls_crt"),  # a typo must not silently drop TLS
        ('[server]\nport = "8400"\n', "port"),
        ("[server]\nport = 70000\n", "65535"),
        ('[server]\nlog_level = "loud"\n', "log_level"),
        ("[server\n", "TOML"),
    ],
)
def test_a_bad_settings_file_is_one_clear_error(
    tmp_path: Path, body: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import EXIT_USER_ERROR, main

    assert main(["server", "run", "--config", str(_config(tmp_path, body))]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_an_oversized_settings_file_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import EXIT_USER_ERROR, main

    path = _config(tmp_path, "# " + "x" * MAX_CONFIG_BYTES + "\n")
    assert main(["server", "run", "--config", str(path)]) == EXIT_USER_ERROR
    assert "larger than" in capsys.readouterr().err


def test_a_network_address_from_the_file_still_needs_tls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import EXIT_USER_ERROR, main

    path = _config(
        tmp_path, f'[server]\ndata_dir = "{(tmp_path / "s").as_posix()}"\nhost = "0.0.0.0"\n'
    )
    assert main(["server", "run", "--config", str(path)]) == EXIT_USER_ERROR
    assert "HTTPS" in capsys.readouterr().err


def test_server_run_without_a_data_dir_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from fieldsurvey.cli import EXIT_USER_ERROR, main

    assert main(["server", "run"]) == EXIT_USER_ERROR
    assert "--data-dir" in capsys.readouterr().err


# -- About --------------------------------------------------------------------------------------


def test_about_shows_the_sqlcipher_qt_and_python_versions(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    import sqlcipher3
    from PySide6.QtCore import qVersion

    controller.window.about()
    box = controller.window.about_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    text = box.text()
    connection = sqlcipher3.connect(":memory:")
    cipher = connection.execute("PRAGMA cipher_version").fetchone()[0]
    connection.close()
    assert f"SQLCipher: {cipher}" in text
    assert f"Qt: {qVersion()}" in text
    assert f"Python: {platform.python_version()}" in text
    assert f"FieldSurvey: {PYPROJECT_VERSION}" in text
    assert "入户走访" in text or "FieldSurvey" in text.splitlines()[0]
    box.close()


# -- fieldsurvey app --check --------------------------------------------------------------------


def test_the_installation_check_unlocks_and_lists(
    app, ui_store, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.startup_check import process_age, run_check
    from tests.support.ui import PASSPHRASE

    assert run_check(ui_store.data_dir, PASSPHRASE) == 0
    out = capsys.readouterr().out
    assert "Unlock screen shown" in out
    assert "Household list: 5 households shown" in out
    assert "since start" in out or process_age() is None


def test_the_installation_check_fails_on_a_wrong_passphrase(
    app, ui_store, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.startup_check import run_check

    assert run_check(ui_store.data_dir, "not-the-passphrase", timeout_s=120) == 1
    out = capsys.readouterr().out
    assert (
        "the store did not open (密码短语不正确" in out
    )  # at once, with the reason, not the timeout
    assert "within 120 s" not in out
    assert "not-the-passphrase" not in out
