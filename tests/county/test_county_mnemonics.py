"""Every Alt+letter in county mode does one thing: the window with all its tabs and menus, the
sign-in dialog and the administration dialogs, in Chinese and in English (``tests/support/mnemonics.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from fieldsurvey.api.dashboard import Population
from fieldsurvey.ui.county.admin_dialogs import (
    NewUserDialog,
    PasswordDialog,
    PopulationDialog,
    VillagesDialog,
)
from fieldsurvey.ui.county.sign_in import SignInDialog
from fieldsurvey.ui.i18n import set_language
from tests.support.county import CountyServer, window_for
from tests.support.mnemonics import clashes
from tests.support.server import ADMIN_PASSWORD, VILLAGE_A


@pytest.fixture
def admin_window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from window_for(qtbot, county, tmp_path / "home", "admin", ADMIN_PASSWORD)


def shown(widget: QWidget, qtbot: Any) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_county_mode_has_distinct_mnemonics(admin_window: Any, qtbot: Any, language: str) -> None:
    window = admin_window.window
    window.set_language(language)
    set_language(language)
    problems = clashes(window)
    for i in range(window.tabs.count()):  # each tab once on screen: its own widgets shown
        window.tabs.setCurrentIndex(i)
        problems += clashes(window)
    ctx = admin_window.ctx
    dialogs = [
        SignInDialog(ctx, "http://localhost"),
        NewUserDialog(window),
        PasswordDialog("sec_a", window),
        VillagesDialog(ctx, "sec_a", [VILLAGE_A], window),
        PopulationDialog(
            Population(
                village_code=VILLAGE_A,
                village="示范村",
                roster_people=400,
                rural_population=420,
                source="2024年统计年报",
                updated_by=None,
                updated_at=None,
            ),
            window,
        ),
    ]
    for dialog in dialogs:
        problems += clashes(shown(dialog, qtbot))
        dialog.close()
    set_language("zh_CN")
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
