"""The visit editor end to end on real widgets and a real store: open a household from the list,
fill a visit across sections, watch skip logic, constraint messages and computed values follow,
add and remove entries, finalize, and find the visit, its assessment and the registry's new
facts in the store; then correct it with an amendment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.core.visit import FINALIZED
from fieldsurvey.store import Store
from fieldsurvey.ui.dialogs import AmendmentDialog
from fieldsurvey.ui.household_view import HouseholdView
from fieldsurvey.ui.visit import VisitEditor
from fieldsurvey.ui.visit.inputs import LineInput
from fieldsurvey.ui.visit.panels import InstancePanel
from tests.support.ui import PASSPHRASE, wait_ops, worker_held
from tests.support.visit import (
    LEFT,
    answer,
    choose,
    click_choice,
    fill_required,
    path_of,
    question,
    row,
    section,
    type_keys,
    type_text,
    wait_ready,
)

MEMBERS = ["王建国", "李秀兰", "王子涵", "张桂英"]
EDUCATION = ["junior_secondary", "primary", "primary", "illiterate"]


def open_from_list(window, qtbot, name: str) -> HouseholdView:  # type: ignore[no-untyped-def]
    page = window.list_page
    page.search.setText(name)
    qtbot.waitUntil(
        lambda: page.model.state.search == name and page.model.rowCount() == 1, timeout=3000
    )
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    view = window.tabs.currentWidget()
    assert isinstance(view, HouseholdView)
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    return view


def start_visit(window, qtbot, name: str) -> VisitEditor:  # type: ignore[no-untyped-def]
    view = open_from_list(window, qtbot, name)
    with worker_held(window.ctx.ops):  # the visit opens on the worker: the loading page shows first
        qtbot.mouseClick(view.new_visit_button, LEFT)
        editor = window.tabs.currentWidget()
        assert isinstance(editor, VisitEditor)
        assert editor.message.text() == "正在打开走访…" and editor.session is None
    wait_ready(editor, qtbot)
    return editor


def test_fill_a_visit_across_sections_finalize_and_amend(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = start_visit(window, qtbot, "王建国")
    hid = ui_store.ids["wang"]
    assert editor.windowTitle() == "走访：王建国户"
    assert editor.sections.current_section() == "household"
    assert "王建国" in editor.title.text()
    # prefilled from the register, required fields marked
    assert row(editor, path_of(editor, "name", "王子涵")).input.line.text() == "王子涵"
    assert row(editor, "household_no").star.isVisible()
    assert row(editor, path_of(editor, "name", "王建国")).star.isVisible()
    assert not row(
        editor, "phone"
    ).star.isVisible()  # its place is kept, empty: inputs stay in line
    # a new visit is not a wall of red: missing answers are counted, and listed at finalize
    qtbot.waitUntil(lambda: "15 项必填未填写" in editor.problems.title.text(), timeout=5000)
    assert row(editor, path_of(editor, "education", "王建国")).issue_text() == ""

    # a constraint message under the field, and gone once the value is right
    type_keys(editor, qtbot, "phone", "12ab")
    phone = row(editor, "phone")
    qtbot.waitUntil(lambda: "电话号码只能包含数字" in phone.issue_text(), timeout=3000)
    assert phone.issues.isVisible()
    type_keys(editor, qtbot, "phone", "13912345678")
    qtbot.waitUntil(lambda: phone.issue_text() == "", timeout=3000)
    # a value the engine cannot take says why, in Chinese
    type_keys(editor, qtbot, "exit_year", "20l9")
    qtbot.waitUntil(lambda: "请输入整数" in row(editor, "exit_year").issue_text(), timeout=3000)
    type_keys(editor, qtbot, "exit_year", "2019")
    qtbot.waitUntil(lambda: row(editor, "exit_year").issue_text() == "", timeout=3000)

    # skip logic: the exit year is asked only of exited (or relapsed) households
    page = editor.current_page()
    click_choice(editor, qtbot, "status", "not_exited")
    qtbot.waitUntil(lambda: page.field_row("exit_year") is None, timeout=3000)
    click_choice(editor, qtbot, "status", "exited")
    qtbot.waitUntil(lambda: page.field_row("exit_year") is not None, timeout=3000)
    assert row(editor, "exit_year").input.line.text() == "2019"  # the hidden answer came back

    # trying to finalize early lists what is missing, and a click goes there
    qtbot.mouseClick(editor.finalize_button, LEFT)
    box = question(qtbot)
    assert (
        "15" in box.text()
    )  # four educations, a school, ten insurance answers (the register has 医疗救助)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), LEFT)
    assert editor.problems.list.count() >= 15
    school = path_of(editor, "school_name", "王子涵", "compulsory_children")
    item = next(
        editor.problems.list.item(i)
        for i in range(editor.problems.list.count())
        if editor.problems.list.item(i).data(Qt.ItemDataRole.UserRole) == school
    )
    assert "王子涵" in item.text() and "此项必填" in item.text()
    rect = editor.problems.list.visualItemRect(item)
    qtbot.mouseClick(editor.problems.list.viewport(), LEFT, pos=rect.center())
    assert editor.sections.current_section() == "education"
    wait_ready(editor, qtbot)
    assert "此项必填" in row(editor, school).issue_text()
    assert "✗" in editor.sections.currentItem().text()

    fill_required(editor, qtbot, dict(zip(MEMBERS, EDUCATION, strict=True)))

    # a computed value follows the answers: net income per capita (four people)
    section(editor, qtbot, "income")
    net = row(editor, "net_income_per_capita")
    type_text(editor, qtbot, "wage.migrant_work", "36000")
    qtbot.waitUntil(lambda: net.value_label.text() == "9000", timeout=3000)
    type_text(editor, qtbot, "business.livestock", "8000")
    type_text(editor, qtbot, "expense.business.livestock", "2000")
    qtbot.waitUntil(lambda: net.value_label.text() == "10500", timeout=3000)

    # a free repeat: add two assistance measures, remove one
    section(editor, qtbot, "needs")
    page = editor.current_page()
    qtbot.mouseClick(page.widgets["measures"].add_button, LEFT)
    qtbot.waitUntil(lambda: len(editor.session.instances("measures")) == 2, timeout=3000)
    new_key = editor.session.instances("measures")[1]
    wait_ready(editor, qtbot)
    choose(editor, qtbot, f"measures[{new_key}]/measure_category", "employment")
    type_text(editor, qtbot, f"measures[{new_key}]/measure_project", "就业帮扶-公益岗位培训")
    qtbot.waitUntil(
        lambda: page.widgets[f"measures[{new_key}]"].title.text() == "就业帮扶-公益岗位培训",
        timeout=3000,
    )
    qtbot.mouseClick(page.widgets["measures"].add_button, LEFT)
    qtbot.waitUntil(lambda: len(editor.session.instances("measures")) == 3, timeout=3000)
    extra = editor.session.instances("measures")[2]
    wait_ready(editor, qtbot)
    qtbot.mouseClick(page.widgets[f"measures[{extra}]"].remove_button, LEFT)
    answer(qtbot, "删除")
    qtbot.waitUntil(lambda: f"measures[{extra}]" not in page.widgets, timeout=3000)
    assert len([w for w in page.widgets.values() if isinstance(w, InstancePanel)]) == 2
    confirm = row(editor, "household_confirmed")
    qtbot.mouseClick(confirm.input.check, LEFT)
    qtbot.waitUntil(lambda: page.field_row("confirmed_by") is not None, timeout=3000)
    type_text(editor, qtbot, "confirmed_by", "王建国")
    type_text(editor, qtbot, "findings", "母亲腿脚不便，需要帮助就医。")
    type_text(editor, qtbot, "follow_up", "联系村医上门随访。")
    assert row(editor, "visitor").input.line.text() == "测试书记"  # the secretary from the profile

    # finalize: no errors left, the §7 warning is named, the user confirms
    qtbot.mouseClick(editor.finalize_button, LEFT)
    box = question(qtbot)
    assert "提交" in box.text()
    with qtbot.waitSignal(editor.visit_finalized, timeout=10_000) as finalized:
        answer(qtbot, "提交")
    visit_id = finalized.args[0]
    wait_ops(window)

    # the editor is read-only and shows the assessment
    assert editor.read_only
    assert editor.assessment_box.isVisible()
    assert all(
        card.current_outcome in ("met", "not_met", "unknown")
        for card in editor.cards.cards.values()
    )
    assert set(editor.cards.cards) == set(DIMENSIONS)
    assert not editor.finalize_button.isVisible() and editor.amend_button.isVisible()
    section(editor, qtbot, "household")
    phone_input = row(editor, "phone").input
    assert isinstance(phone_input, LineInput) and phone_input.line.isReadOnly()
    assert not row(editor, "status").input.buttons["exited"].isEnabled()

    # the store has the visit, its assessment and the registry's new facts
    store = Store.open(ui_store.data_dir, passphrase=PASSPHRASE)
    try:
        visit = store.visits.get(visit_id)
        assert visit is not None and visit.status == FINALIZED and visit.household_id == hid
        assert visit.assessment is not None and set(visit.assessment["dimensions"]) == set(
            DIMENSIONS
        )
        assert visit.findings == "母亲腿脚不便，需要帮助就医。"
        assert visit.answers["phone"] == "13912345678"
        household = store.households.get(hid)
        assert household.phone == "13912345678"
        assert {m.name: m.education for m in household.members} == dict(
            zip(MEMBERS, EDUCATION, strict=True)
        )
        head = next(m for m in household.members if m.name == "王建国")
        assert head.family_doctor is True and head.chronic_disease_card is True
        child = next(m for m in household.members if m.name == "王子涵")
        assert child.school_name == "示范村小学"
        income = household.income_for(visit.visit_date.year)
        assert income is not None and income.items["wage.migrant_work"] == 36000
        assert income.expenses["business.livestock"] == 2000
        assert sorted(x.project for x in household.measures) == [
            "产业奖补-养殖",
            "就业帮扶-公益岗位培训",
        ]
        summary = next(s for s in store.households.summaries() if s.household_id == hid)
        assert summary.last_visit_date == visit.visit_date
    finally:
        store.close()

    # a correction: a reason is required, and it opens as a new draft in the same tab
    qtbot.mouseClick(editor.amend_button, LEFT)
    dialog = editor.actions.amendment_dialog
    assert isinstance(dialog, AmendmentDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setPlainText("学校名称填错，应为示范村中心小学。")
    qtbot.mouseClick(ok, LEFT)
    qtbot.waitUntil(
        lambda: editor.visit_id() not in (None, visit_id) and editor.session is not None,
        timeout=10_000,
    )
    wait_ready(editor, qtbot)
    assert not editor.read_only
    assert "学校名称填错" in editor.banner.text()
    assert editor.state.text().endswith("更正草稿")
    store = Store.open(ui_store.data_dir, passphrase=PASSPHRASE)
    try:
        draft = store.visits.get(editor.visit_id())
        assert draft is not None and draft.amends == visit_id and draft.status == "draft"
        assert store.visits.get(visit_id).status == FINALIZED  # the original never changes
    finally:
        store.close()


def test_finalized_visit_opens_read_only_with_its_assessment(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_from_list(window, qtbot, "王建国")
    view.visits.selectRow(0)
    qtbot.mouseClick(view.open_visit_button, LEFT)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    wait_ready(editor, qtbot)
    assert editor.read_only
    assert editor.windowTitle().endswith("✓")
    assert editor.assessment_box.isVisible()
    assert all(card.current_outcome == "met" for card in editor.cards.cards.values())
    assert "测试书记" in editor.banner.text()
    assert not editor.finalize_button.isVisible() and not editor.discard_button.isVisible()
    household_no = row(editor, "household_no").input
    assert household_no.line.isReadOnly()
