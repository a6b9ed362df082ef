"""Members in a visit: a registered member is never deleted — the editor explains how leaving is
recorded — a death recorded in the visit becomes a member change when it is finalized, the app's
member-change dialog reaches the open draft, and an entry added by mistake can be removed."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fieldsurvey.core.ids import make_id_number
from fieldsurvey.store import Store
from fieldsurvey.ui.member_change import MemberChangeDialog
from tests.support.ui import PASSPHRASE, wait_ops
from tests.support.visit import (
    LEFT,
    answer,
    choose,
    confirm_and_finalize,
    fill_required,
    member_id,
    new_visit,
    path_of,
    question,
    row,
    section,
    type_text,
    wait_ready,
)


def test_a_death_recorded_in_the_visit_becomes_a_member_change(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["wang"]
    editor = new_visit(window, qtbot, hid)
    grandmother = member_id(editor, "张桂英")
    page = editor.current_page()
    # the remove button of a registered member explains instead of deleting (scrolled into view
    # first: the household section is longer than the window since it asks the living conditions)
    button = page.widgets[f"members[{grandmother}]"].remove_button

    def clickable() -> bool:
        """True once a click at the button's centre reaches it: on screen, laid out, the draft ours.

        Else scroll to it and say no; waitUntil runs the event loop before asking again, so a
        deferred scroll or layout of the opening page is seen. (Clicked while its panel was
        still being laid out, the click went to the panel and the question below never came.)"""
        center = button.rect().center()
        window = button.window()
        if not page.viewport().rect().contains(button.mapTo(page.viewport(), center)):
            page.ensureWidgetVisible(button, 40, 80)
            return False
        # the remove button asks only once the draft is open and ours to edit
        return window.childAt(button.mapTo(window, center)) is button and editor.editing

    qtbot.waitUntil(clickable, timeout=15_000)
    qtbot.mouseClick(button, LEFT)
    box = question(qtbot)
    assert "张桂英是已登记成员" in box.text()
    answer(qtbot, "转到")
    assert grandmother in editor.session.instances("members")
    reason = f"members[{grandmother}]/change_reason"
    assert editor.session.cursor.path == reason
    # only the reasons for leaving are offered for a registered member
    combo = row(editor, reason).input.combo
    assert [combo.itemData(i) for i in range(1, combo.count())] == [
        "death",
        "married_out",
        "emigrated",
        "imprisoned",
        "other_out",
    ]
    choose(editor, qtbot, reason, "death")
    died = (date.today() - timedelta(days=20)).isoformat()
    type_text(editor, qtbot, f"members[{grandmother}]/change_date", died)
    qtbot.waitUntil(
        lambda: page.field_row(f"members[{grandmother}]/health") is None, timeout=3000
    )  # no longer asked
    assert grandmother not in editor.session.instances("medical")
    fill_required(
        editor, qtbot, {"王建国": "junior_secondary", "李秀兰": "primary", "王子涵": "primary"}
    )
    confirm_and_finalize(editor, qtbot)
    wait_ops(window)
    store = Store.open(ui_store.data_dir, passphrase=PASSPHRASE)
    try:
        household = store.households.get(hid)
        gone = household.member(grandmother)
        assert gone is not None and gone.present is False  # kept as history
        changes = [c for c in store.outbox.pending_member_changes() if c.household_id == hid]
        assert [(c.member_id, c.reason, c.change_date.isoformat()) for c in changes] == [
            (grandmother, "death", died)
        ]
    finally:
        store.close()


def test_the_member_change_dialog_reaches_the_open_draft(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    hid = ui_store.ids["li"]
    editor = new_visit(window, qtbot, hid)
    type_text(editor, qtbot, "hamlet", "核桃坪")  # work already in the draft stays
    before = len(editor.session.instances("members"))
    page = editor.current_page()
    qtbot.mouseClick(page.widgets["members"].member_button, LEFT)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, MemberChangeDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MemberChangeDialog) and w.isVisible()
    )
    dialog.reason.setCurrentIndex(dialog.reason.findData("newborn"))
    born = date.today() - timedelta(days=30)
    dialog.person.name.setText("李小禾")
    dialog.person.id_number.setText(make_id_number("610728", born, 77, "female"))
    dialog.person.relation.setCurrentIndex(dialog.person.relation.findData("30"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    qtbot.waitUntil(lambda: len(editor.session.instances("members")) == before + 1, timeout=5000)
    wait_ready(editor, qtbot)
    baby = member_id(editor, "李小禾")
    assert baby in editor.session.instances("medical")  # the per-member sections follow
    assert editor.session.value(f"members[{baby}]/registered") is True
    assert editor.session.value("hamlet") == "核桃坪"
    assert page.widgets[f"members[{baby}]"].title.text() == "李小禾"
    qtbot.waitUntil(
        lambda: not editor.saver.dirty and not editor.saver.in_flight, timeout=5000
    )  # autosaved
    store = Store.open(ui_store.data_dir, passphrase=PASSPHRASE)
    try:
        [draft] = store.visits.drafts(hid)
        assert baby in [m["_id"] for m in draft.answers["members"]]
    finally:
        store.close()


def test_an_entry_added_by_mistake_is_removed(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["chen"])
    page = editor.current_page()
    before = editor.session.instances("members")
    qtbot.mouseClick(page.widgets["members"].add_button, LEFT)
    qtbot.waitUntil(
        lambda: len(editor.session.instances("members")) == len(before) + 1, timeout=3000
    )
    new = editor.session.instances("members")[-1]
    wait_ready(editor, qtbot)
    type_text(editor, qtbot, f"members[{new}]/name", "陈误录")
    assert row(
        editor, f"members[{new}]/change_reason"
    ).star.isVisible()  # a newcomer needs a reason
    section(editor, qtbot, "medical")
    assert new in editor.session.instances("medical")
    section(editor, qtbot, "household")
    qtbot.mouseClick(editor.current_page().widgets[f"members[{new}]"].remove_button, LEFT)
    box = question(qtbot)
    assert "陈误录" in box.text()
    answer(qtbot, "删除")
    assert editor.session.instances("members") == before
    assert new not in editor.session.instances("medical")
    assert path_of(editor, "name", "陈志远") in editor.current_page().widgets
