"""Every Alt+letter in the village app does one thing: the menu bar, each menu, each window and
each dialog is walked in Chinese and in English and a shared letter fails (``tests/support/mnemonics.py``
says which pairs may share one: never on screen together)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shiboken6 import isValid

from fieldsurvey.ui.i18n import set_language
from fieldsurvey.ui.setup_wizard import SetupWizard
from tests.support.mnemonics import clashes
from tests.support.visit import new_visit, open_household, wait_ready

LANGUAGES = ["zh_CN", "en"]


def open_dialog(qtbot, trigger) -> QDialog:  # type: ignore[no-untyped-def]
    """Run ``trigger`` and return the dialog it opens (dialogs open with ``open()``)."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    trigger()
    found: list[QDialog] = []

    def opened() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and id(w) not in before
        ]
        return bool(found)

    qtbot.waitUntil(opened, timeout=5000)
    return found[0]


def check(widget: QWidget, problems: list[str], where: str) -> None:
    problems += [f"[{where}] {c}" for c in clashes(widget)]


def close(dialog: QWidget) -> None:
    if isValid(dialog):
        dialog.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_window_its_tabs_and_menus_have_distinct_mnemonics(
    window, ui_store, qtbot, language
) -> None:  # type: ignore[no-untyped-def]
    set_language(language)
    problems: list[str] = []
    check(window, problems, "household list")
    view = open_household(window, qtbot, ui_store.ids["wang"])
    check(window, problems, "household")
    editor = new_visit(window, qtbot, ui_store.ids["li"])
    check(window, problems, "new visit")
    finalized = next((v.visit_id for v in view.bundle.visits if v.finalized), None)
    assert finalized is not None
    shown = window.open_visit(ui_store.ids["wang"], finalized)
    wait_ready(shown, qtbot)
    check(window, problems, "finalized visit")
    assert editor is not shown
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dialog_has_distinct_mnemonics(window, ui_store, qtbot, language) -> None:  # type: ignore[no-untyped-def]
    set_language(language)
    problems: list[str] = []
    triggers = {
        "new household": window.act_new_household.trigger,
        "import roster": window.act_import.trigger,
        "print village": window.act_print_village.trigger,
        "settings": window.act_settings.trigger,
        "sync": window.act_sync.trigger,
    }
    for name, trigger in triggers.items():
        dialog = open_dialog(qtbot, trigger)
        check(dialog, problems, name)
        if name == "settings":
            inner = open_dialog(qtbot, dialog.change_passphrase.click)
            check(inner, problems, "change passphrase")
            close(inner)
        close(dialog)
    view = open_household(window, qtbot, ui_store.ids["li"])
    dialog = open_dialog(qtbot, lambda: window.member_change(view.bundle.household))
    check(dialog, problems, "member change")
    close(dialog)
    dialog = open_dialog(qtbot, lambda: window.print_household(ui_store.ids["li"]))
    check(dialog, problems, "print household")
    close(dialog)
    visits = view.bundle.visits
    if visits:
        dialog = open_dialog(
            qtbot, lambda: window.amend_visit(ui_store.ids["li"], visits[0].visit_id)
        )
        check(dialog, problems, "amend")
        close(dialog)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unlock_screen_and_the_setup_assistant_have_distinct_mnemonics(
    controller, app, qtbot, tmp_path, language
) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.app import AppController
    from tests.support.common import FAST_KDF

    set_language(language)
    problems: list[str] = []
    check(controller.window, problems, "unlock")
    first = AppController(tmp_path / "new-data", kdf=dict(FAST_KDF))
    first.start()
    wizard = first.wizard
    assert isinstance(wizard, SetupWizard)
    try:
        for page_id in wizard.pageIds():
            wizard.setStartId(page_id)
            wizard.restart()
            qtbot.waitUntil(lambda pid=page_id: wizard.currentId() == pid, timeout=2000)
            check(wizard, problems, f"setup page {page_id}")
    finally:
        wizard.close()
        first.shutdown()
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_a_clash(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The checker itself: a button on Alt+F beside the File menu is caught."""
    from PySide6.QtWidgets import QPushButton

    set_language("zh_CN")
    button = QPushButton("提交(&F)", window.list_page)
    button.show()
    assert any("Alt+F" in c for c in clashes(window))
    button.hide()
    assert not any("提交" in c for c in clashes(window))
