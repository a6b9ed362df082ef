"""Settings: the language switches live, auto-lock and the visitor's name persist, the passphrase
changes only with the current one."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fieldsurvey.store import Store
from fieldsurvey.ui.household_view import HouseholdView
from fieldsurvey.ui.settings_dialog import ChangePassphraseDialog, SettingsDialog
from tests.support.ui import PASSPHRASE, unlock, wait_ops


@pytest.fixture
def window(controller, qtbot):  # type: ignore[no-untyped-def]
    unlock(qtbot, controller.window)
    return controller.window


def top(kind):  # type: ignore[no-untyped-def]
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_language_switch_changes_every_visible_text_at_once(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = window.open_household(ui_store.ids["li"])
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    assert window.menu_file.title() == "文件(&F)"
    assert view.cards.cards["housing"].title.text() == "住房安全有保障"
    assert view.members.item(0, 1).text() == "户主"
    window.act_settings.trigger()
    dialog = top(SettingsDialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert window.menu_file.title() == "&File"
    assert window.tabs.tabText(0) == "Households"
    assert view.cards.cards["housing"].title.text() == "housing safety"  # domain labels follow
    assert view.cards.cards["housing"].outcome.text() == "✗ not met"
    assert view.members.item(0, 1).text() == "head of household"
    assert window.list_page.model.headerData(0, _horizontal()) == "Household no."
    assert window.count_label.text() == "Showing 5 / 5 households"
    assert dialog.windowTitle() == "Settings"
    assert json.loads((ui_store.data_dir / "ui.json").read_text())["language"] == "en"
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    assert window.menu_file.title() == "文件(&F)"
    assert isinstance(window.tabs.widget(1), HouseholdView)


def test_auto_lock_minutes_and_visitor_name_are_saved(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_settings()
    dialog = top(SettingsDialog)
    dialog.auto_lock.setValue(3)
    dialog.visitor.setText("新书记")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_ops(window)
    assert json.loads((ui_store.data_dir / "ui.json").read_text())["auto_lock_minutes"] == 3
    assert window.idle._timeout_s == 180
    assert "新书记" in window.user_label.text()
    window.lock()
    wait_ops(window)
    with Store.open(ui_store.data_dir, passphrase=PASSPHRASE) as store:
        assert store.settings.get("secretary")["name"] == "新书记"  # personal: inside the store
    assert "新书记" not in (ui_store.data_dir / "ui.json").read_text()


def test_change_passphrase_needs_the_current_one(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_settings()
    settings = top(SettingsDialog)
    settings.change_passphrase.click()
    dialog = top(ChangePassphraseDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.fields.first.setText("山高水长-2025-春")
    dialog.fields.second.setText("山高水长-2025-春")
    ok.click()
    assert dialog.error.text() == "请输入当前密码短语。"
    dialog.current.setText("wrong-passphrase")
    dialog.fields.first.setText("12345678")
    dialog.fields.second.setText("12345678")
    ok.click()
    assert dialog.error.text() == "这是常见密码，很容易被猜到"
    dialog.fields.first.setText("山高水长-2025-春")
    dialog.fields.second.setText("山高水长-2025-春")
    assert "强度" in dialog.fields.verdict.text()
    ok.click()
    qtbot.waitUntil(lambda: dialog.error.text() == "密码短语不正确", timeout=10_000)
    dialog.current.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        ok.click()
    window.lock()
    wait_ops(window)
    Store.open(ui_store.data_dir, passphrase="山高水长-2025-春").close()
    with pytest.raises(Exception, match="wrong passphrase"):
        Store.open(ui_store.data_dir, passphrase=PASSPHRASE)


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal
