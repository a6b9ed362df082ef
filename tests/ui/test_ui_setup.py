"""First run: the setup assistant creates the store, shows the recovery key once, imports a roster
and hands over to the household list."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from shiboken6 import isValid

from fieldsurvey.core.ids import make_id_number
from fieldsurvey.store import Store
from fieldsurvey.ui.app import AppController
from fieldsurvey.ui.i18n import set_language
from fieldsurvey.ui.main_window import PAGE_UNLOCK, PAGE_WORK
from fieldsurvey.ui.setup_wizard import (
    PAGE_PASSPHRASE,
    PAGE_RECOVERY,
    PAGE_ROSTER,
    PAGE_SOURCE,
    SetupWizard,
)
from tests.support.common import FAST_KDF, assert_mode
from tests.support.ui import unlock

NEW_PASSPHRASE = "清晨的山路-2025"


def roster_file(path: Path) -> Path:
    idn = lambda b, s, x: make_id_number("610728", b, s, x)  # noqa: E731
    rows = [
        ["户编号", "行政区划代码", "乡镇", "行政村", "村民小组", "姓名", "证件号码", "与户主关系"],
        [
            "6107281010010101",
            "610728101001",
            "泾洋街道",
            "示范村",
            "一组",
            "马德胜",
            idn(date(1960, 4, 5), 101, "male"),
            "户主",
        ],
        [
            "6107281010010101",
            "610728101001",
            "泾洋街道",
            "示范村",
            "一组",
            "胡秀珍",
            idn(date(1962, 6, 7), 102, "female"),
            "妻",
        ],
        [
            "6107281010010102",
            "610728101001",
            "泾洋街道",
            "示范村",
            "二组",
            "高永福",
            idn(date(1958, 9, 9), 103, "male"),
            "户主",
        ],
        [
            "6107281010010103",
            "610728101001",
            "泾洋街道",
            "示范村",
            "二组",
            "罗春梅",
            "61072819700101123",
            "户主",
        ],  # 17 characters
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def first_run(app, tmp_path, qtbot):  # type: ignore[no-untyped-def]
    c = AppController(tmp_path / "new-data", kdf=dict(FAST_KDF))
    c.start()
    assert isinstance(c.wizard, SetupWizard)
    wizard = c.wizard
    yield c
    set_language("zh_CN")
    if isValid(wizard):
        wizard.close()
    if c.window is not None:
        c.window.close()
    c.shutdown()


def test_setup_creates_the_store_shows_the_key_and_imports_a_roster(
    first_run, qtbot, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    wiz: SetupWizard = first_run.wizard
    assert not Store.exists(tmp_path / "new-data")
    wiz.next()
    assert wiz.currentId() == PAGE_PASSPHRASE
    page = wiz.passphrase
    page.visitor.setText("马书记")
    page.fields.first.setText("password")
    page.fields.second.setText("password")
    assert not wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert "常见密码" in page.fields.verdict.text()
    page.fields.first.setText(NEW_PASSPHRASE)
    page.fields.second.setText(NEW_PASSPHRASE + "x")
    assert not wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    page.fields.second.setText(NEW_PASSPHRASE)
    assert wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    wiz.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wiz.currentId() == PAGE_RECOVERY, timeout=10_000)
    assert (tmp_path / "new-data" / "store.key").exists()
    assert not Store.exists(tmp_path / "new-data")  # unfinished until the key is confirmed kept

    key = wiz.recovery.key.text()
    assert len(key) == 39 and key.count("-") == 7  # 8 groups of 4
    assert not wiz.button(QWizard.WizardButton.NextButton).isEnabled()  # must confirm first
    assert not wiz.button(
        QWizard.WizardButton.BackButton
    ).isEnabled()  # the store is made: no way back
    saved = tmp_path / "key.txt"
    wiz.recovery.save_to(saved)
    assert key in saved.read_text(encoding="utf-8")
    assert_mode(saved, 0o600)
    note = wiz.recovery.saved_note.text()
    assert "已保存到" in note and "能读取该文件" not in note  # private here: no warning
    wiz.recovery.confirm.setChecked(True)
    wiz.next()
    assert wiz.currentId() == PAGE_SOURCE
    first_run.ctx.ops.wait_idle()
    assert Store.exists(tmp_path / "new-data")
    assert wiz.source.roster.isChecked()
    wiz.next()
    assert wiz.currentId() == PAGE_ROSTER

    importer = wiz.roster.importer
    importer.path.setText(str(roster_file(tmp_path / "roster.csv")))
    with qtbot.waitSignal(importer.checked, timeout=10_000):
        importer.check_button.click()
    assert "可导入 2 户（3 人）" in importer.summary.text()
    rows = [
        [importer.problems.item(r, c).text() for c in range(importer.problems.columnCount())]
        for r in range(importer.problems.rowCount())
    ]
    assert any(row[0] == "5" and row[1] == "6107281010010103" and "18位" in row[4] for row in rows)
    with qtbot.waitSignal(importer.imported, timeout=10_000):
        importer.import_button.click()
    assert "已导入 2 户" in importer.summary.text()

    wiz.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: first_run.window is not None, timeout=10_000)
    window = first_run.window
    qtbot.waitUntil(lambda: window.list_page.model.total == 2, timeout=10_000)
    assert window.stack.currentIndex() == PAGE_WORK
    assert "马书记" in window.user_label.text() and "镇巴县" in window.user_label.text()
    assert window.list_page.village.findText("示范村") > 0

    window.lock()
    assert window.stack.currentIndex() == PAGE_UNLOCK
    unlock(qtbot, window, NEW_PASSPHRASE)
    assert window.list_page.model.total == 2
    first_run.ctx.ops.wait_idle()
    with Store.open(tmp_path / "new-data", recovery_key=key) as store:
        assert store.households.count() == 2


def test_an_app_closed_before_the_recovery_key_was_confirmed_sets_up_again(
    first_run, qtbot, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The user never confirmed keeping the key: the next start makes the store again, with a
    key shown this time, rather than asking for a passphrase over a store nobody has the key of."""
    wiz: SetupWizard = first_run.wizard
    wiz.next()
    page = wiz.passphrase
    page.fields.first.setText(NEW_PASSPHRASE)
    page.fields.second.setText(NEW_PASSPHRASE)
    wiz.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wiz.currentId() == PAGE_RECOVERY, timeout=10_000)
    first_key = wiz.recovery.key.text()
    wiz.reject()
    first_run.ctx.ops.wait_idle()
    first_run.shutdown()  # the app ends here, the store closed but never finished

    again = AppController(tmp_path / "new-data", kdf=dict(FAST_KDF))
    again.start()
    try:
        assert isinstance(again.wizard, SetupWizard)  # not the unlock screen
        wiz2 = again.wizard
        wiz2.next()
        wiz2.passphrase.fields.first.setText(NEW_PASSPHRASE)
        wiz2.passphrase.fields.second.setText(NEW_PASSPHRASE)
        wiz2.button(QWizard.WizardButton.CommitButton).click()
        qtbot.waitUntil(lambda: wiz2.currentId() == PAGE_RECOVERY, timeout=10_000)
        second_key = wiz2.recovery.key.text()
        assert second_key != first_key
        wiz2.recovery.confirm.setChecked(True)
        wiz2.next()
        again.ctx.ops.wait_idle()
        assert Store.exists(tmp_path / "new-data")
        wiz2.close()
    finally:
        again.shutdown()
    with Store.open(tmp_path / "new-data", recovery_key=second_key) as store:
        assert store.households.count() == 0


def test_closing_the_assistant_before_the_passphrase_leaves_nothing(first_run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first_run.wizard.next()
    first_run.wizard.reject()
    first_run.ctx.ops.wait_idle()
    assert not Store.exists(tmp_path / "new-data")


def test_language_chosen_first_is_kept_for_the_next_start(first_run, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    wiz: SetupWizard = first_run.wizard
    english = next(b for b in wiz.welcome.buttons.buttons() if b.property("language") == "en")
    english.click()
    assert wiz.windowTitle() == "Set up FieldSurvey"
    assert wiz.welcome.title() == "Welcome to FieldSurvey"
    wiz.next()
    wiz.passphrase.fields.first.setText(NEW_PASSPHRASE)
    wiz.passphrase.fields.second.setText(NEW_PASSPHRASE)
    assert wiz.passphrase.fields.verdict.text().startswith("Strength:")
    wiz.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wiz.currentId() == PAGE_RECOVERY, timeout=10_000)
    settings = json.loads((tmp_path / "new-data" / "ui.json").read_text(encoding="utf-8"))
    assert settings["language"] == "en"
