"""Unlocking and locking the real app: right and wrong passphrase, recovery key, auto-lock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldsurvey.store import Store
from fieldsurvey.ui import idle
from fieldsurvey.ui.main_window import PAGE_UNLOCK, PAGE_WORK
from fieldsurvey.ui.member_change import MemberChangeDialog
from fieldsurvey.ui.settings_dialog import ChangePassphraseDialog
from tests.support.ui import unlock, wait_ops


def store_is_open(window) -> bool:  # type: ignore[no-untyped-def]
    result: list[bool] = []
    window.ctx.ops.run(lambda env: env.has_store, on_done=result.append)
    wait_ops(window)
    return result[0]


def test_right_passphrase_opens_the_household_list(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    assert w.stack.currentIndex() == PAGE_UNLOCK
    assert not store_is_open(w)
    unlock(qtbot, w)
    assert w.stack.currentIndex() == PAGE_WORK
    assert w.list_page.model.rowCount() == 5
    assert w.count_label.text() == "显示 5 / 5 户"
    assert "测试书记" in w.user_label.text()
    assert store_is_open(w)


def test_wrong_passphrase_says_so_in_a_sentence_and_stays_locked(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    page = w.unlock_page
    qtbot.keyClicks(page.secret, "not-the-passphrase")
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.error.text() != "", timeout=10_000)
    assert page.error.text() == "密码短语不正确"
    assert "Traceback" not in page.error.text()
    assert w.stack.currentIndex() == PAGE_UNLOCK
    assert w.focusWidget() is page.secret  # has the focus, or gets it when the window is active
    assert not store_is_open(w)
    unlock(qtbot, w)  # the right one still works afterwards
    assert w.stack.currentIndex() == PAGE_WORK


def test_empty_passphrase_is_not_tried(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = controller.window.unlock_page
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert page.error.text() == "请输入密码短语。"


def test_recovery_key_opens_and_asks_for_a_new_passphrase(controller, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    page = w.unlock_page
    qtbot.mouseClick(page.mode_button, Qt.MouseButton.LeftButton)
    assert "恢复密钥" in page.prompt.text()
    page.secret.setText(ui_store.recovery_key.lower())  # case does not matter
    with qtbot.waitSignal(w.list_page.loaded, timeout=10_000):
        qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            isinstance(x, ChangePassphraseDialog) and x.isVisible()
            for x in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    dialog = next(
        x
        for x in QApplication.topLevelWidgets()
        if isinstance(x, ChangePassphraseDialog) and x.isVisible()
    )
    assert "恢复密钥" in dialog.intro.text()
    assert not dialog.current.isVisible()  # no current passphrase needed: it was forgotten
    dialog.fields.first.setText("新的密码短语-2025")
    dialog.fields.second.setText("新的密码短语-2025")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    w.lock()
    wait_ops(w)
    Store.open(ui_store.data_dir, passphrase="新的密码短语-2025").close()


def test_lock_closes_the_store_and_clears_the_screen(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    unlock(qtbot, w)
    view = w.open_household(w.list_page.model.summary_at(0).household_id)
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    w.member_change(view.bundle.household)  # a dialog showing the members' names
    dialog = next(
        x
        for x in QApplication.topLevelWidgets()
        if isinstance(x, MemberChangeDialog) and x.isVisible()
    )
    assert w.tabs.count() == 2
    w.idle.idle.emit()  # the idle timer fires while the dialog is open
    wait_ops(w)
    assert w.stack.currentIndex() == PAGE_UNLOCK
    assert w.tabs.count() == 1
    assert not dialog.isVisible()
    assert w.list_page.model.rowCount() == 0  # no names left in memory models
    assert not store_is_open(w)
    unlock(qtbot, w)
    assert w.list_page.model.rowCount() == 5
    w.activateWindow()  # the closed dialog had taken the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    qtbot.keyClick(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L locks too
    wait_ops(w)
    assert w.stack.currentIndex() == PAGE_UNLOCK


def test_idle_time_locks_the_app(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    unlock(qtbot, w)
    locked: list[bool] = []
    w.ctx.locked.connect(lambda: locked.append(True))
    w.idle.set_timeout_ms(300)
    w.idle.start()
    qtbot.waitUntil(lambda: bool(locked), timeout=5000)
    wait_ops(w)
    assert w.stack.currentIndex() == PAGE_UNLOCK
    assert not store_is_open(w)


class FakeClock:
    """``time`` for ``fieldsurvey.ui.idle``: its ``monotonic`` moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_input_keeps_the_app_unlocked(controller, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """8 keys 150 ms apart on the watcher's clock: 1.2 s of typing against a 600 ms timeout.

    The clock is the test's, so no key can come late under load; after each key the test waits
    for one real check of the watcher's timer, which must find the app in use."""
    w = controller.window
    unlock(qtbot, w)
    clock = FakeClock()
    monkeypatch.setattr(idle, "time", clock)
    w.idle.set_timeout_ms(600)
    w.idle.start()
    check = w.idle._check  # the watcher's periodic check of how long it has been
    for _ in range(8):
        clock.now += 0.150
        qtbot.keyClick(w.list_page.search, Qt.Key.Key_A)
        with qtbot.waitSignal(check.timeout, timeout=5000):
            pass
        assert w.stack.currentIndex() == PAGE_WORK
    clock.now += 0.600  # then no input for the whole timeout: the next check locks
    qtbot.waitUntil(lambda: w.stack.currentIndex() == PAGE_UNLOCK, timeout=5000)
