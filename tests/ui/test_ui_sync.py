"""The sync panel and the setup assistant's enrollment, against a real county server process."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWizard
from shiboken6 import isValid

from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.users import accounts
from fieldsurvey.ui.app import AppController
from fieldsurvey.ui.main_window import PAGE_WORK
from fieldsurvey.ui.setup_wizard import PAGE_ENROLL, SetupWizard
from fieldsurvey.ui.sync_panel import SyncPanel
from tests.support.common import FAST_KDF
from tests.support.server import VILLAGE_A
from tests.support.ui import EMPTY_APP_PASSPHRASE as PASSPHRASE
from tests.support.ui import unlock, wait_ops


def progress_dialog() -> QProgressDialog | None:
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()
        ),
        None,
    )


def panel() -> SyncPanel:
    return next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SyncPanel) and w.isVisible()
    )


def test_enroll_sync_and_send_a_change_from_the_panel(empty_app, county, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = empty_app.window
    unlock(qtbot, w, PASSPHRASE)
    assert w.list_page.model.total == 0
    assert w.act_sync is not None and w.act_sync.isEnabled()
    w.act_sync.trigger()
    p = panel()
    qtbot.waitUntil(lambda: p.status is not None, timeout=10_000)
    assert "本机尚未在县服务器注册" in p.state.text()
    assert p.enroll.isVisible() and not p.sync_button.isEnabled()

    code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_a")
    with socket.socket() as silent:  # a server that accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        p.enroll.url.setText(f"http://127.0.0.1:{silent.getsockname()[1]}")
        p.enroll.code.setText(code)
        p.enroll.button.click()
        qtbot.waitUntil(lambda: progress_dialog() is not None, timeout=30_000)
        assert not p.enroll.button.isEnabled()
        progress_dialog().findChild(QPushButton).click()  # its Cancel button
        qtbot.waitUntil(lambda: p.enroll.button.isEnabled(), timeout=60_000)
    assert p.enroll.error.text() == ""  # cancelling is not an error

    p.enroll.url.setText(county.server.url)
    p.enroll.code.setText("WRONG-CODE")  # refused at once, with a sentence
    p.enroll.button.click()
    qtbot.waitUntil(lambda: p.enroll.error.text() != "", timeout=30_000)
    assert "注册码" in p.enroll.error.text()
    p.enroll.code.setText(code)
    with qtbot.waitSignal(p.enroll.enrolled, timeout=30_000):
        p.enroll.button.click()
    qtbot.waitUntil(
        lambda: w.list_page.model.total == len(county.households_in(VILLAGE_A)), timeout=10_000
    )
    qtbot.waitUntil(lambda: p.status is not None and p.status.enrolled, timeout=10_000)
    assert "甲村书记" in p.state.text() and p.sync_button.isEnabled()
    assert "下载" in p.report.toPlainText()  # the report is in the user's language

    # a local change travels up with the next sync
    target = county.households_in(VILLAGE_A)[0]
    view = w.open_household(target["household_id"])
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    h = view.bundle.household
    h.phone = "13900001111"
    w.ctx.ops.run(lambda env: env.store.households.update(h))
    wait_ops(w)
    p.refresh()
    qtbot.waitUntil(
        lambda: p.status is not None and (p.status.pending or {}).get("edits") == 1, timeout=5000
    )
    p.sync_button.click()
    qtbot.waitUntil(
        lambda: p.status is not None and (p.status.pending or {}).get("edits") == 0, timeout=30_000
    )
    token = county.server.token("staff", "staff-pass-123")
    record = county.server.api("GET", f"/households/{target['household_id']}", token).json()[
        "record"
    ]
    assert record["phone"] == "13900001111"
    p.close()


def test_setup_assistant_enrolls_instead_of_importing(app, county, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    c = AppController(tmp_path / "fresh", kdf=dict(FAST_KDF))
    c.start()
    wiz: SetupWizard = c.wizard
    try:
        assert wiz.source.enroll.isEnabled()
        wiz.next()
        wiz.passphrase.fields.first.setText(PASSPHRASE)
        wiz.passphrase.fields.second.setText(PASSPHRASE)
        wiz.button(QWizard.WizardButton.CommitButton).click()
        qtbot.waitUntil(lambda: bool(wiz.recovery_key), timeout=10_000)
        wiz.recovery.confirm.setChecked(True)
        wiz.next()
        wiz.source.enroll.setChecked(True)
        wiz.next()
        assert wiz.currentId() == PAGE_ENROLL
        page = wiz.currentPage()
        assert not wiz.button(QWizard.WizardButton.FinishButton).isEnabled()
        code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_b")
        page.widget.url.setText(county.server.url)
        page.widget.code.setText(code)
        with qtbot.waitSignal(page.widget.enrolled, timeout=30_000):
            page.widget.button.click()
        assert wiz.button(QWizard.WizardButton.FinishButton).isEnabled()
        wiz.button(QWizard.WizardButton.FinishButton).click()
        qtbot.waitUntil(lambda: c.window is not None, timeout=10_000)
        window = c.window
        qtbot.waitUntil(
            lambda: window.list_page.model.total == len(county.households_in("610728101002")),
            timeout=10_000,
        )
        assert window.stack.currentIndex() == PAGE_WORK
        assert window.ctx.profile.county_code == "610728"
        # The county the enrollment named: the server's name for 610728 (GB/T 2260, in full).
        assert window.user_label.text().split(" · ")[0] == "陕西省汉中市镇巴县"
    finally:
        if isValid(wiz):
            wiz.close()
        if c.window is not None:
            c.window.close()
        c.shutdown()


def test_the_panel_tells_the_secretary_when_a_village_was_taken_away(
    empty_app, county, qtbot
) -> None:  # type: ignore[no-untyped-def]
    sd = county.server.server_dir
    accounts.add_user(
        sd, "test", username="sec_two", role="secretary", display_name="两村书记", password=None
    )
    accounts.assign(sd, "test", username="sec_two", villages=[VILLAGE_A, "610728101002"])
    w = empty_app.window
    unlock(qtbot, w, PASSPHRASE)
    w.act_sync.trigger()
    p = panel()
    qtbot.waitUntil(lambda: p.status is not None, timeout=10_000)
    code, _ = enrollment.new_enroll_code(sd, "test", username="sec_two")
    p.enroll.url.setText(county.server.url)
    p.enroll.code.setText(code)
    with qtbot.waitSignal(p.enroll.enrolled, timeout=30_000):
        p.enroll.button.click()
    both = len(county.households_in(VILLAGE_A)) + len(county.households_in("610728101002"))
    qtbot.waitUntil(lambda: w.list_page.model.total == both, timeout=10_000)

    accounts.assign(sd, "test", username="sec_two", villages=["610728101002"], remove=True)
    p.sync_button.click()
    qtbot.waitUntil(
        lambda: w.list_page.model.total == len(county.households_in(VILLAGE_A)), timeout=30_000
    )
    qtbot.waitUntil(lambda: "县里已不再把乙村分配给您" in p.report.toPlainText(), timeout=10_000)
    assert f"{len(county.households_in('610728101002'))}户" in p.report.toPlainText()
    qtbot.waitUntil(
        lambda: "县里已不再把乙村分配给您" in p.notices.toPlainText(), timeout=10_000
    )  # kept among the messages
    p.close()
