"""The visit editor from the keyboard: Ctrl+S saves, Esc in a field keeps the visit open, Ctrl+W
(or Esc outside the fields) closes after saving, Ctrl+F finds a
question, Tab follows the form, Ctrl+PgDown moves to the next section, Ctrl+Enter finalizes and
Ctrl+P prints the household's ledger."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fieldsurvey.ui.ledger_print import PrintDialog
from tests.support.ui import wait_ops
from tests.support.visit import new_visit, question, row, stored_drafts

CTRL = Qt.KeyboardModifier.ControlModifier


def focus(window, widget) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    widget.setFocus()


def test_ctrl_s_saves_a_new_visit_as_a_draft(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["li"]
    editor = new_visit(window, qtbot, hid)
    assert stored_drafts(window, qtbot, hid) == []
    with qtbot.waitSignal(editor.visit_saved, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    saved = stored_drafts(window, qtbot, hid)
    assert [d.visit_id for d in saved] == [editor.visit_id()]
    assert saved[0].cursor == {"section": "household", "path": None}
    assert editor.save_label.text().startswith("草稿已保存")


def test_esc_in_a_field_keeps_the_visit_open(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["zhao"]
    editor = new_visit(window, qtbot, hid)
    line = row(editor, "address").input.line
    focus(window, line)
    line.setText("示范村二组5号")
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # the window's Esc shortcut, focus still in the field
    assert window.tabs.indexOf(editor) >= 0
    assert window.tabs.currentWidget() is editor
    assert line.text() == "示范村二组5号"


def test_esc_in_the_question_search_clears_it_and_keeps_the_visit(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["zhao"])
    focus(window, editor.search)
    editor.search.setText("停水")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert editor.search.text() == ""
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.tabs.indexOf(editor) >= 0


def test_closing_the_tab_asks_nothing_and_loses_nothing(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+W (and Esc outside the fields) closes without a question because the draft is saved
    first, the focused field's unsaved text included."""
    hid = ui_store.ids["zhao"]
    editor = new_visit(window, qtbot, hid)
    line = row(editor, "address").input.line
    focus(window, line)
    line.setText("示范村二组5号")  # no pause, no Ctrl+S, focus still in the field
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL)
    assert window.tabs.indexOf(editor) == -1
    assert not [
        w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMessageBox")
    ]
    wait_ops(window)
    [draft] = stored_drafts(window, qtbot, hid)
    assert draft.answers["address"] == "示范村二组5号"


def test_esc_from_the_section_list_closes_after_saving(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["zhao"]
    editor = new_visit(window, qtbot, hid)
    row(editor, "address").input.line.setText("示范村二组6号")
    focus(window, editor.sections)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.tabs.indexOf(editor) == -1
    wait_ops(window)
    [draft] = stored_drafts(window, qtbot, hid)
    assert draft.answers["address"] == "示范村二组6号"


def test_ctrl_f_finds_a_question_in_any_section(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["chen"])
    focus(window, row(editor, "address").input.line)
    qtbot.keyClick(QApplication.focusWidget() or editor, Qt.Key.Key_F, CTRL)
    assert window.tabs.currentWidget() is editor  # the editor's own search, not the list's
    assert (
        window.focusWidget() is editor.search
    )  # has the focus, or gets it when the window is active
    assert "一年中停水天数" in " ".join(editor.search.places)
    editor.search.setText("停水天数")
    qtbot.keyClick(editor.search, Qt.Key.Key_Return)
    assert editor.sections.current_section() == "water"
    qtbot.waitUntil(
        lambda: editor.current_page().field_row("water_outage_days") is not None, timeout=3000
    )
    assert editor.session.cursor.path == "water_outage_days"


def test_the_question_finder_takes_pinyin_initials_and_full_pinyin(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["chen"])
    focus(window, editor.search)
    editor.focus_search()
    for typed in ("tsts", "tingshuitianshu", "TingShui", "停水天"):
        assert editor.search.find(typed) == "water_outage_days", typed
    qtbot.keyClicks(editor.search, "tsts")
    assert "一年中停水天数" in " ".join(editor.search.model.stringList())
    assert all("停水" in label or "tsts" in label for label in editor.search.model.stringList())
    qtbot.keyClick(editor.search, Qt.Key.Key_Return)
    assert editor.sections.current_section() == "water"
    qtbot.waitUntil(
        lambda: editor.current_page().field_row("water_outage_days") is not None, timeout=3000
    )
    assert editor.session.cursor.path == "water_outage_days"


def test_tab_follows_the_form_and_ctrl_pgdown_moves_on(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["chen"])
    page = editor.current_page()
    order = [w for p in page.order for w in page.widgets[p].tab_widgets()]
    inputs = [
        page.field_row(r.path).focus_target()
        for r in editor.session.rows("household")
        if r.kind == "field" and not r.read_only
    ]
    assert [w for w in order if w in inputs] == inputs  # the fields in the form's order
    assert order[0] is row(editor, "household_no").input.line
    standard = row(editor, "identification_standard").input
    assert standard.buttons["national"] in order  # a radio group is one stop, at its first button
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 2000)
    order[0].setFocus()
    qtbot.waitUntil(order[0].hasFocus, timeout=2000)
    for expected in order[1:16]:  # real Tab presses, through text, radio groups and combos
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected
    # Space chooses inside a radio group, Delete clears it
    standard.buttons["national"].setFocus()
    qtbot.keyClick(standard.buttons["national"], Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: editor.session.value("identification_standard") == "national", timeout=2000
    )
    qtbot.keyClick(standard.buttons["national"], Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: editor.session.value("identification_standard") is None, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL)
    assert editor.sections.current_section() == "income"


def test_ctrl_enter_finalizes(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["zhou"])
    qtbot.keyClick(row(editor, "address").input.line, Qt.Key.Key_Return, CTRL)
    box = question(qtbot)
    assert "处问题需要改正" in box.text()
    box.close()


def test_ctrl_p_prints_the_households_ledger(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["wang"])
    assert editor.household_id == ui_store.ids["wang"]
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, PrintDialog) and w.isVisible()
    ]
    assert dialogs
    dialogs[0].close()
