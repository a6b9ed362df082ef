"""One household on screen: its record and assessment, member changes, a new household, amendments
and printing its ledger, each checked against the store afterwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDir, QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from fieldsurvey.core.assessment_result import MET, NOT_MET
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.store import Store
from fieldsurvey.store.models import MemberChangeRow
from fieldsurvey.ui.dialogs import AmendmentDialog
from fieldsurvey.ui.household_view import HouseholdView
from fieldsurvey.ui.ledger_print import PrintDialog
from fieldsurvey.ui.member_change import MemberChangeDialog
from fieldsurvey.ui.new_household import NewHouseholdDialog
from tests.support.common import assert_mode
from tests.support.ui import PASSPHRASE, VILLAGE_B, unlock, wait_ops


@pytest.fixture
def window(controller, qtbot):  # type: ignore[no-untyped-def]
    unlock(qtbot, controller.window)
    return controller.window


def open_view(window, qtbot, household_id: str) -> HouseholdView:  # type: ignore[no-untyped-def]
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    return view


def reopen(ui_store) -> Store:  # type: ignore[no-untyped-def]
    return Store.open(ui_store.data_dir, passphrase=PASSPHRASE)


def top(kind):  # type: ignore[no-untyped-def]
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def cell_texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_shows_members_visits_helpers_and_the_visits_assessment(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["wang"])
    assert view.title.text() == "王建国户"
    assert "示范村" in view.place.text() and "三组" in view.place.text()
    members = cell_texts(view.members)
    assert [row[0] for row in members] == ["王建国", "李秀兰", "王子涵", "张桂英"]
    assert members[0][1] == "户主" and members[0][5] == "长期慢性病"
    visits = cell_texts(view.visits)
    assert (
        visits[0][1] == "测试书记" and visits[0][2] == "已提交" and visits[0][3] == "家中情况稳定"
    )
    assert "来自" in view.assessment_source.text() and "测试书记" in view.assessment_source.text()
    assert cell_texts(view.helpers)[0][0] == "赵文军"
    assert cell_texts(view.measures)[0][1] == "产业奖补-养殖"
    for card in view.cards.cards.values():
        assert card.current_outcome == MET
    assert "各项均达标" in view.cards.verdict.text()


def test_assessment_card_names_what_is_not_met_and_why(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["li"])  # D-grade house, no finalized visit
    housing = view.cards.cards["housing"]
    assert housing.current_outcome == NOT_MET
    assert housing.outcome.text() == "✗ 未达标"
    assert "D" in housing.reasons.text()
    assert "住房安全有保障" in view.cards.verdict.text()
    assert "尚无已提交的走访" in view.assessment_source.text()


def test_member_change_newborn_is_saved_with_its_reason(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["wang"])
    qtbot.mouseClick(view.member_button, _left())
    dialog = top(MemberChangeDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("newborn"))
    assert dialog.person.isVisible() and not dialog.leaving.isVisible()
    dialog.person.name.setText("王小宝")
    dialog.person.id_number.setText("610728202501010011")  # wrong check character
    assert "校验位" in dialog.person.derived.text()
    born = date(2025, 1, 1)
    dialog.person.id_number.setText(make_id_number("610728", born, 11, "male"))
    assert dialog.person.derived.text() == "男，2025-01-01"
    dialog.person.relation.setCurrentIndex(dialog.person.relation.findData("41"))  # 孙子
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: view.members.rowCount() == 5, timeout=5000)
    wait_ops(window)
    with reopen(ui_store) as store:
        h = store.households.get(ui_store.ids["wang"])
        assert [m.name for m in h.present_members][-1] == "王小宝"
        with store.session() as s:
            rows = s.query(MemberChangeRow).all()
            assert [(r.reason, r.household_id) for r in rows] == [("newborn", ui_store.ids["wang"])]
        assert any(
            e.record_type == "member" and e.op == "create" for e in store.outbox.pending_edits()
        )


def test_head_who_dies_needs_a_new_head(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["wang"])
    window.member_change(view.bundle.household)
    dialog = top(MemberChangeDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("death"))
    head_id = view.bundle.household.head.member_id
    dialog.leaving.setCurrentIndex(dialog.leaving.findData(head_id))
    assert dialog.new_head.isVisible()
    spouse = next(m for m in view.bundle.household.members if m.name == "李秀兰")
    dialog.new_head.setCurrentIndex(dialog.new_head.findData(spouse.member_id))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: view.title.text() == "李秀兰户", timeout=5000)
    assert view.members.item(0, 0).text() == "王建国（已迁出）"  # history kept on screen too
    wait_ops(window)
    with reopen(ui_store) as store:
        h = store.households.get(ui_store.ids["wang"])
        assert h.head.name == "李秀兰"
        assert not h.member(head_id).present  # history kept


def test_last_member_cannot_leave(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["wang"])
    h = view.bundle.household
    for m in h.members[1:]:
        m.present = False
    dialog = MemberChangeDialog(window.ctx, h, window)
    qtbot.addWidget(dialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("other_out"))
    dialog.leaving.setCurrentIndex(0)
    result = dialog.changed_household()
    assert result == "最后一名成员不能迁出；注销整户由县里办理。"


def test_new_household_is_created_and_opened(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.new_household()
    dialog = top(NewHouseholdDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.error.text() == "请输入户编号。"
    dialog.household_no.setText("6107281010010001")
    ok.click()
    assert dialog.error.text() == "该户编号已存在。"
    dialog.household_no.setText("6107281010020077")
    dialog.village.setCurrentIndex(dialog.village.findData(VILLAGE_B))
    dialog.group.setCurrentText("三组")
    dialog.household_type.setCurrentIndex(dialog.household_type.findData("edge"))
    dialog.head.name.setText("吴桂兰")
    dialog.head.id_number.setText(make_id_number("610728", date(1966, 7, 8), 42, "female"))
    ok.click()
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), HouseholdView), timeout=5000)
    view = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    assert view.title.text() == "吴桂兰户"
    qtbot.waitUntil(lambda: window.list_page.model.total == 6, timeout=5000)
    wait_ops(window)
    with reopen(ui_store) as store:
        h = store.households.get_by_no("6107281010020077")
        assert h is not None and h.group == "三组" and h.household_type == "edge"
        assert h.head.sex == "female" and h.head.birth_date == date(1966, 7, 8)


def test_amending_a_finalized_visit_makes_a_draft_with_the_reason(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["wang"])
    view.visits.selectRow(0)
    qtbot.mouseClick(view.amend_button, _left())
    dialog = top(AmendmentDialog)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.reason.setPlainText("收入数字录错")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: view.visits.rowCount() == 2, timeout=5000)
    assert view.continue_button.isVisibleTo(view)
    wait_ops(window)
    with reopen(ui_store) as store:
        drafts = store.visits.drafts(ui_store.ids["wang"])
        assert (
            len(drafts) == 1 and drafts[0].amendment_reason == "收入数字录错" and drafts[0].amends
        )


def test_print_ledger_makes_a_pdf_of_this_household(
    window, ui_store, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view = open_view(window, qtbot, ui_store.ids["zhou"])
    window.tabs.setCurrentWidget(view)
    window.act_print.trigger()  # Ctrl+P
    dialog = top(PrintDialog)
    target = tmp_path / "ledger.pdf"
    dialog.target.setText(str(target))
    dialog.mask.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(target.exists, timeout=30_000)
    wait_ops(window)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "6107281010020005" in text
    assert "周秀英" in text
    head_id = view.bundle.household.head.id_number
    assert head_id not in text  # masked: a public copy
    assert_mode(target, 0o600)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    done = top(QMessageBox)
    assert done.informativeText() == ""  # a private folder: no warning
    done.close()


def test_printing_where_others_can_read_it_says_so(
    window, ui_store, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Windows, outside the profile, on a drive that keeps no access lists (FAT): icacls fails."""
    from fieldsurvey.core import private_files

    monkeypatch.setattr(private_files, "is_windows", lambda: True)
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    monkeypatch.setattr(private_files, "current_user_sid", lambda: "*S-1-5-21-1-2-3-1001")
    monkeypatch.setattr(private_files, "run_icacls", lambda arguments: False)
    view = open_view(window, qtbot, ui_store.ids["zhou"])
    window.tabs.setCurrentWidget(view)
    window.act_print.trigger()
    dialog = top(PrintDialog)
    target = tmp_path / "usb" / "ledger.pdf"
    target.parent.mkdir()
    dialog.target.setText(str(target))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(target.exists, timeout=30_000)
    wait_ops(window)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    done = top(QMessageBox)
    assert "能读取这些文件" in done.informativeText()
    done.close()


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_print_village_makes_one_pdf_with_every_household(
    window, ui_store, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window.act_print_village.trigger()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PrintDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    dialog = top(PrintDialog)
    assert dialog.village.count() == 2  # 示范村 and 青石村
    dialog.village.setCurrentIndex(dialog.village.findData(VILLAGE_B))
    target = tmp_path / "village.pdf"
    dialog.target.setText(str(target))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(target.exists, timeout=60_000)
    wait_ops(window)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "6107281010020004" in text and "6107281010020005" in text
    assert "6107281010010001" not in text  # another village
    # "ledger ready" says where the file is and opens it or its folder through the desktop
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    done = top(QMessageBox)
    assert done.windowTitle() == "台账已生成"
    assert f"已保存为：{QDir.toNativeSeparators(str(target))}" in done.text()
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        done.open_folder.click()
        assert opened.paths == [str(tmp_path)]
        done.open_file.click()
        assert opened.paths == [str(tmp_path), str(target)]
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert done.open_folder.text() == "打开所在文件夹" and done.open_file.text() == "打开文件"


class Opened(QObject):
    """Receives what the app asks the desktop to open (Qt's own hook for a URL scheme)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.paths.append(url.toLocalFile())


def test_reassess_all_updates_the_list_flags(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.list_page
    page.problem.setCurrentIndex(page.problem.findData("unsafe_house"))
    assert page.model.rowCount() == 1  # 李明华's D-grade house

    def worsen(env):  # type: ignore[no-untyped-def]
        h = env.store.households.get(ui_store.ids["wang"])
        h.housing_grade = "C"
        env.store.households.update(h)

    window.ctx.ops.run(worsen)
    wait_ops(window)
    window.act_reassess.trigger()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
    assert "重新评估 5 户" in window.statusBar().currentMessage()


def test_store_exists_check_matches_the_store(tmp_path: Path) -> None:
    from fieldsurvey.ui.app import store_exists

    assert not store_exists(tmp_path) and not Store.exists(tmp_path)
    (tmp_path / "store.key").write_text("{}")
    assert store_exists(tmp_path) and Store.exists(tmp_path)
