"""What keeps the window responsive and the data consistent: the forms are compiled and the
visit read on the database worker, the whole-visit check runs on a background thread, a draft
is open in one tab at a time, and the editor speaks the user's language."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from fieldsurvey.app import visits as app_visits
from fieldsurvey.ui.i18n import set_language
from fieldsurvey.ui.visit import VisitEditor, checker
from fieldsurvey.ui.visit.panels import shown_issues
from tests.support.visit import (
    LEFT,
    new_visit,
    open_household,
    row,
    section,
    type_text,
    wait_ready,
)


def test_opening_and_checking_stay_off_the_window_thread(
    window, ui_store, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    threads: dict[str, set[str]] = {"open": set(), "check": set()}
    real_library, real_check = app_visits.library, checker.check_copy

    def library():  # type: ignore[no-untyped-def]
        threads["open"].add(
            "main" if threading.current_thread() is threading.main_thread() else "other"
        )
        return real_library()

    def check_copy(session, answers):  # type: ignore[no-untyped-def]
        threads["check"].add(
            "main" if threading.current_thread() is threading.main_thread() else "other"
        )
        return real_check(session, answers)

    monkeypatch.setattr(app_visits, "library", library)
    monkeypatch.setattr(checker, "check_copy", check_copy)
    editor = new_visit(window, qtbot, ui_store.ids["li"])
    shown: list = []
    editor.checker.checked.connect(shown.append)
    type_text(editor, qtbot, "phone", "0916-1234567")
    qtbot.waitUntil(
        lambda: not editor.checker.busy and bool(threads["check"]) and bool(shown), timeout=5000
    )
    assert threads == {"open": {"other"}, "check": {"other"}}
    # the check's result is what the sections and the problem list show
    issues = [*shown[-1].errors, *shown[-1].warnings]
    assert editor.issues == issues
    assert editor.problems.list.count() == len(shown_issues(issues, editor.show_missing))


def test_a_draft_is_edited_in_one_tab_only(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["zhao"]
    first = new_visit(window, qtbot, hid)
    type_text(first, qtbot, "hamlet", "石门")
    qtbot.waitUntil(
        lambda: first.visit_id() is not None and not first.saver.in_flight, timeout=5000
    )
    view = open_household(window, qtbot, hid)
    qtbot.mouseClick(view.new_visit_button, LEFT)
    second = window.tabs.currentWidget()
    assert isinstance(second, VisitEditor) and second is not first
    qtbot.waitUntil(lambda: "另一个标签页" in second.message.text(), timeout=5000)
    assert second.session is None and second.visit_id() is None
    # the same for a new visit not saved yet
    other = new_visit(window, qtbot, ui_store.ids["li"])
    assert other.visit_id() is None
    view = open_household(window, qtbot, ui_store.ids["li"])
    qtbot.mouseClick(view.new_visit_button, LEFT)
    third = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: "另一个标签页" in third.message.text(), timeout=5000)


def test_the_editor_follows_the_language(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["chen"])
    assert editor.sections.item(0).text().startswith("户和成员")
    try:
        set_language("en")
        wait_ready(editor, qtbot)
        assert editor.sections.item(0).text().startswith("Household and members")
        assert row(editor, "household_no").label.text() == "Household number"
        assert row(editor, "registered_poor").input.buttons[True].text() == "yes"
        assert editor.finalize_button.text() == "Finali&ze…"
        assert editor.windowTitle() == "Visit: 陈志远"
        section(editor, qtbot, "income")
        assert row(editor, "income_year").label.text() == "Income year"
        editor.search.index(editor.session, editor.ctx.lang)
        assert "Drinking water › Days without water per year" in editor.search.places
    finally:
        set_language("zh_CN")
    wait_ready(editor, qtbot)
    assert row(editor, "income_year").label.text() == "收入所属年度"
    assert editor.finalize_button.text() == "提交(&Z)…"
    assert editor.sections.currentItem().data(Qt.ItemDataRole.UserRole + 1) == "income"
