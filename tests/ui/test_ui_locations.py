"""Where the data lives: the folder Qt names for app data on each OS, worked out by the commands
without Qt, and an older FieldSurvey's folder kept where one is found."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths

from fieldsurvey.commands.common import app_data_root, data_location, default_data_dir
from fieldsurvey.commands.demo import demo_root
from fieldsurvey.store import Store
from tests.support.common import FAST_KDF


@pytest.mark.parametrize("xdg", ["absolute", None, "relative/data"])
def test_the_commands_name_the_folder_qt_names(
    app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:  # type: ignore[no-untyped-def]
    if xdg == "absolute":
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    elif xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)  # the XDG rules (and Qt) ignore a relative path
    qt = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    assert Path(qt) == app_data_root()
    assert app.organizationName() == ""  # no organisation folder between the base and the app's


def test_each_os_gets_its_own_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "home" / "AppData" / "Local"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for platform, expected in (
        ("win32", tmp_path / "home" / "AppData" / "Local" / "FieldSurvey"),
        ("darwin", tmp_path / "home" / "Library" / "Application Support" / "FieldSurvey"),
        ("linux", tmp_path / "home" / ".local" / "share" / "fieldsurvey"),
    ):
        monkeypatch.setattr(sys, "platform", platform)
        assert app_data_root() == expected, platform
        assert default_data_dir() == expected / "village"
        assert demo_root() == expected


def test_a_store_where_an_older_fieldsurvey_put_it_keeps_opening_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FieldSurvey 0.1 used ~/.local/share/fieldsurvey on every OS; a Windows laptop that has a
    store there keeps using it, and one that has not gets %LOCALAPPDATA%\\FieldSurvey."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    assert default_data_dir() == home / "AppData" / "Local" / "FieldSurvey" / "village"
    old = home / ".local" / "share" / "fieldsurvey" / "village"
    Store.create(old, "旧版本留下的密码短语", kdf=FAST_KDF)[0].close()
    assert default_data_dir() == old
    assert (
        data_location("demo") == home / "AppData" / "Local" / "FieldSurvey" / "demo"
    )  # none there before
    new = home / "AppData" / "Local" / "FieldSurvey" / "village"
    new.mkdir(parents=True)
    assert default_data_dir() == new  # once the new place exists, it wins
