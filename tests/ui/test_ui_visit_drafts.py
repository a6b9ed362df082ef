"""Drafts survive: closing the app (or locking it) in the middle of a visit, without saving by
hand, and opening it again finds every answer and the place where the user was. A household has
one draft at a time, a draft can be discarded, and what goes wrong is told as a sentence."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from fieldsurvey.ui.app import AppController
from fieldsurvey.ui.visit import VisitEditor
from tests.support.common import FAST_KDF
from tests.support.ui import unlock, wait_ops
from tests.support.visit import (
    LEFT,
    answer,
    click_choice,
    new_visit,
    open_household,
    row,
    section,
    stored_drafts,
    type_text,
    wait_ready,
)


def continue_draft(window, qtbot, household_id: str) -> VisitEditor:  # type: ignore[no-untyped-def]
    view = open_household(window, qtbot, household_id)
    assert view.continue_button.isVisible()
    qtbot.mouseClick(view.continue_button, LEFT)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    wait_ready(editor, qtbot)
    return editor


def test_closing_the_app_mid_draft_keeps_answers_and_place(app, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["li"]
    first = AppController(ui_store.data_dir, kdf=dict(FAST_KDF))
    first.start()
    qtbot.addWidget(first.window)
    unlock(qtbot, first.window)
    editor = new_visit(first.window, qtbot, hid)
    type_text(editor, qtbot, "address", "示范村一组12号")
    click_choice(editor, qtbot, "registered_poor", False)
    section(editor, qtbot, "needs")
    type_text(editor, qtbot, "findings", "房屋D级，需尽快改造。")
    section(editor, qtbot, "water")
    outage = row(editor, "water_outage_days")
    outage.input.line.setText("12")  # typed, still waiting for its pause: not in the engine yet
    assert editor.session.value("water_outage_days") != 12
    # quit as the user does: the window closes, the app shuts its store worker down
    first.window.close()
    first.shutdown()

    second = AppController(ui_store.data_dir, kdf=dict(FAST_KDF))
    second.start()
    qtbot.addWidget(second.window)
    try:
        unlock(qtbot, second.window)
        editor = continue_draft(second.window, qtbot, hid)
        session = editor.session
        assert session.value("address") == "示范村一组12号"
        assert session.value("registered_poor") is False
        assert session.value("findings") == "房屋D级，需尽快改造。"
        assert session.value("water_outage_days") == 12
        # the place: the section and the field the user was last in
        assert editor.sections.current_section() == "water"
        assert session.cursor.path == "water_outage_days"
        assert row(editor, "water_outage_days").input.line.text() == "12"
        qtbot.waitUntil(
            lambda: (
                row(editor, "water_outage_days").input.line.hasFocus()
                or not second.window.isActiveWindow()
            ),
            timeout=3000,
        )
        assert len(stored_drafts(second.window, qtbot, hid)) == 1
    finally:
        second.window.close()
        second.shutdown()


def test_locking_mid_draft_saves_it_first(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["zhao"]
    editor = new_visit(window, qtbot, hid)
    row(editor, "address").input.line.setText("示范村二组")  # not yet committed
    window.lock()
    wait_ops(window)
    assert window.tabs.count() == 1  # no personal data stays on screen
    unlock(qtbot, window)
    editor = continue_draft(window, qtbot, hid)
    assert editor.session.value("address") == "示范村二组"


def test_new_visit_continues_the_households_draft(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["chen"]
    editor = new_visit(window, qtbot, hid)
    assert "新走访" in editor.banner.text()
    assert stored_drafts(window, qtbot, hid) == []  # only looking leaves nothing behind
    type_text(editor, qtbot, "hamlet", "石板沟")
    with qtbot.waitSignal(editor.visit_saved, timeout=5000):
        pass
    draft_id = editor.visit_id()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    again = new_visit(window, qtbot, hid)
    assert again.visit_id() == draft_id
    assert again.session.value("hamlet") == "石板沟"
    assert "已有一份草稿" in again.banner.text()
    assert [d.visit_id for d in stored_drafts(window, qtbot, hid)] == [draft_id]


def test_discarding_a_draft_deletes_it(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["zhou"]
    editor = new_visit(window, qtbot, hid)
    type_text(editor, qtbot, "hamlet", "大湾")
    qtbot.waitUntil(
        lambda: editor.visit_id() is not None and not editor.saver.in_flight, timeout=5000
    )
    assert len(stored_drafts(window, qtbot, hid)) == 1
    qtbot.waitUntil(editor.discard_button.isVisible, timeout=3000)
    qtbot.mouseClick(editor.discard_button, LEFT)
    answer(qtbot, "删除")
    wait_ops(window)
    assert stored_drafts(window, qtbot, hid) == []
    assert "草稿已删除" in editor.message.text()
    assert editor.visit_id() is None


@pytest.mark.parametrize("visit_id", ["00000000-0000-0000-0000-000000000000"])
def test_a_missing_visit_is_a_sentence_not_a_traceback(
    window, ui_store, qtbot, visit_id: str
) -> None:  # type: ignore[no-untyped-def]
    editor = window.open_visit(ui_store.ids["wang"], visit_id)
    assert isinstance(editor, VisitEditor)
    assert editor.message.text() == "正在打开走访…"  # the loading page, at once
    qtbot.waitUntil(lambda: editor.message_error, timeout=5000)
    assert editor.message.text() == "找不到该走访记录（可能已被删除）"
    assert "Traceback" not in editor.message.text()
