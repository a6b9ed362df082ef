"""Who may do what in county mode: the window hides it, and the server refuses it regardless.

A secretary signed in at the office sees only their villages and no administration, inbox or
roster tabs; the server answers 403 to every admin or staff-only call from that account, and to
admin calls from county staff. An admin adds a user, makes an enrollment code, sees the devices
with their last sync and revokes one, which can then no longer sync.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from tests.support.county import (
    SECRETARY_PASSWORD,
    CountyServer,
    wait,
    window_for,
)
from tests.support.server import ADMIN_PASSWORD, VILLAGE_A, enroll_device


@pytest.fixture
def secretary_window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from window_for(qtbot, county, tmp_path / "home", "sec_a", SECRETARY_PASSWORD)


@pytest.fixture
def admin_window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from window_for(qtbot, county, tmp_path / "home", "admin", ADMIN_PASSWORD)


def test_a_secretary_sees_their_villages_and_no_administration(
    secretary_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    window = secretary_window.window
    pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert pages == [
        window.dashboard,
        window.households,
        window.conflicts,
        window.visits,
        window.exports,
    ]
    assert window.admin is None and window.inbox is None and window.roster is None
    assert not window.dashboard.reassess_button.isVisible()
    in_a = {
        h.household_id for h in county.households.values() if h.division_code.value == VILLAGE_A
    }
    assert window.dashboard.data.total["households"] == len(in_a)
    window.households.refresh()
    wait(secretary_window)
    assert {r.household_id for r in window.households.model.rows} == in_a
    target = tmp_path / "mine.csv"
    window.exports.kind.setCurrentIndex(window.exports.kind.findData("households"))
    window.exports.fmt.setCurrentIndex(window.exports.fmt.findData("csv"))
    window.exports.export(target)
    wait(secretary_window)
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))[1:]
    assert {r[0] for r in rows} == {
        h.household_no for h in county.households.values() if h.household_id in in_a
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/admin/users", None),
        (
            "POST",
            "/admin/users",
            {"username": "mallory", "role": "admin", "password": "password-123"},
        ),
        ("PUT", "/admin/users/sec_a/villages", {"villages": ["610728101002"]}),
        ("POST", "/admin/enroll-codes", {"username": "sec_a"}),
        ("GET", "/admin/devices", None),
        ("GET", "/admin/audit/verify", None),
        ("PUT", f"/populations/{VILLAGE_A}", {"rural_population": 10, "source": "x"}),
        ("GET", "/county/batches", None),
        ("GET", "/audit", None),
        ("POST", "/reassess", None),
        ("POST", "/roster/uploads", {"size": 10, "sha256": "0" * 64}),
    ],
)
def test_the_server_refuses_admin_and_staff_calls_from_a_secretary(
    county: CountyServer, method: str, path: str, body: Any
) -> None:
    token = county.token("sec_a", SECRETARY_PASSWORD)
    response = county.api(method, path, token, json=body)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"


def test_county_staff_cannot_administer(county: CountyServer) -> None:
    for method, path in (
        ("GET", "/admin/users"),
        ("POST", "/admin/enroll-codes"),
        ("GET", "/admin/devices"),
    ):
        response = county.api(
            method, path, json={"username": "sec_a"} if method == "POST" else None
        )
        assert response.status_code == 403


def test_an_admin_adds_a_user_makes_a_code_and_revokes_a_device(
    admin_window: Any, county: CountyServer, qtbot: Any
) -> None:
    window = admin_window.window
    page = window.admin
    assert page is not None and window.tabs.indexOf(page) >= 0
    window.tabs.setCurrentWidget(page)
    device = enroll_device(county.server, "sec_a", label="示范村书记的电脑")
    device.pull()
    page.refresh()
    wait(admin_window)
    [row] = [d for d in page.devices if d.device_id == device.identity.device_id]
    assert row.last_seen_at and not row.revoked  # last sync shown

    dialog = page.add_user()
    dialog.username.setText("sec_new")
    dialog.display_name.setText("新任书记")
    dialog.role.setCurrentIndex(dialog.role.findData("secretary"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait(admin_window)
    assert any(u.username == "sec_new" for u in page.users)

    for r in range(page.user_table.rowCount()):
        if page.user_table.item(r, 0).text() == "sec_new":
            page.user_table.selectRow(r)
    page.enrollment_code()
    wait(admin_window)
    assert len(page.last_code.code.replace("-", "")) == 16 and page.last_code.fingerprint

    for r in range(page.device_table.rowCount()):
        if page.device_table.item(r, 0).data(0x0100) == device.identity.device_id:
            page.device_table.selectRow(r)
    assert page.device_table.selected_key() == device.identity.device_id
    box = page.revoke()
    box.button(QMessageBox.StandardButton.Yes).click()
    wait(admin_window)
    assert next(d for d in page.devices if d.device_id == device.identity.device_id).revoked
    with pytest.raises(Exception, match="revoked|403"):
        device.pull()

    for r in range(page.population_table.rowCount()):
        if page.population_table.item(r, 0).data(0x0100) == VILLAGE_A:
            page.population_table.selectRow(r)
    dialog = page.edit_population()
    dialog.number.setValue(2400)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error.text()  # a figure needs its source
    dialog.source.setText("镇统计站2025年")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait(admin_window)
    assert next(p for p in page.populations if p.village_code == VILLAGE_A).rural_population == 2400


def _select(table: Any, key: str) -> None:
    for r in range(table.rowCount()):
        if table.item(r, 0).data(0x0100) == key:
            table.selectRow(r)
    assert table.selected_key() == key


def test_an_admin_ends_a_session_resets_a_password_and_disables_a_user(
    admin_window: Any, county: CountyServer
) -> None:
    """The administration page against the real server: each action stops tokens and devices at the next request."""
    window = admin_window.window
    page = window.admin
    window.tabs.setCurrentWidget(page)
    r = county.api(
        "POST",
        "/admin/users",
        county.token("admin", ADMIN_PASSWORD),
        json={"username": "clerk_ui", "role": "county_staff", "password": "clerk-ui-pass-1"},
    )
    assert r.status_code == 200, r.text
    desk, laptop = (
        county.token("clerk_ui", "clerk-ui-pass-1"),
        county.token("clerk_ui", "clerk-ui-pass-1"),
    )
    device = enroll_device(county.server, "sec_a2", label="工作队的电脑")
    device.pull()
    page.refresh()
    wait(admin_window)
    assert page.tabs.tabText(2) == "会话"
    theirs = [s for s in page.sessions if s.user == "clerk_ui"]
    assert len(theirs) == 2 and {s.address for s in theirs} == {"127.0.0.1"}
    assert [s.current for s in page.sessions].count(
        True
    ) == 1  # the admin's own, marked in the table
    assert any(
        "本会话" in page.session_table.item(r, 0).text()
        for r in range(page.session_table.rowCount())
    )

    _select(page.session_table, theirs[0].session_id)
    box = page.end_session()
    assert "clerk_ui" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    wait(admin_window)
    ended = [t for t in (desk, laptop) if county.api("GET", "/auth/me", t).status_code == 401]
    assert len(ended) == 1 and len([s for s in page.sessions if s.user == "clerk_ui"]) == 1
    [still] = [t for t in (desk, laptop) if t not in ended]

    _select(page.user_table, "clerk_ui")
    dialog = page.reset_password()
    dialog.first.setText("12345678")
    dialog.second.setText("12345678")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert (
        dialog.error.text() == "这是常见密码，很容易被猜到"
    )  # the laptop's rule, in Chinese first
    dialog.first.setText("clerk-ui-new-2")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error.text() == "两次输入的密码不一致"
    dialog.second.setText("clerk-ui-new-2")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait(admin_window)
    assert county.api("GET", "/auth/me", still).status_code == 401
    assert (
        httpx.post(
            county.url + "/api/v1/auth/login",
            json={"username": "clerk_ui", "password": "clerk-ui-pass-1"},
            timeout=30,
        ).status_code
        == 401
    )
    fresh = county.token("clerk_ui", "clerk-ui-new-2")

    for name in ("clerk_ui", "sec_a2"):
        _select(page.user_table, name)
        box = page.disable_user()
        assert name in box.text() and "立即" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        wait(admin_window)
    assert {u.username for u in page.users if u.disabled} >= {"clerk_ui", "sec_a2"}
    row = next(
        r
        for r in range(page.user_table.rowCount())
        if page.user_table.item(r, 0).text() == "sec_a2"
    )
    assert page.user_table.item(row, 4).text() == "是"
    assert county.api("GET", "/auth/me", fresh).status_code == 401
    with pytest.raises(Exception, match="account_disabled|disabled|停用"):
        device.pull()

    _select(page.user_table, "sec_a2")
    page.enable_user()
    wait(admin_window)
    assert device.pull() is not None  # enabled again: the laptop syncs again
    assert not next(u for u in page.users if u.username == "sec_a2").disabled


def test_a_window_whose_session_was_ended_returns_to_the_sign_in_once(
    secretary_window: Any, county: CountyServer, qtbot: Any
) -> None:
    """No error box per page: one sentence on the sign-in dialog, which signs in again."""
    from PySide6.QtWidgets import QApplication

    controller = secretary_window
    window = controller.window
    r = county.api("DELETE", "/admin/users/sec_a/sessions", county.token("admin", ADMIN_PASSWORD))
    assert r.status_code == 200 and r.json()["ended"] >= 1
    window.refresh()  # every page asks the server: each gets 401
    qtbot.waitUntil(
        lambda: (
            controller.sign_in is not None
            and controller.sign_in.isVisible()
            and not window.isVisible()
        ),
        timeout=30_000,
    )
    wait(controller)
    dialog = controller.sign_in
    qtbot.addWidget(dialog)
    assert (
        dialog.error.text()
        == "您已被登出：管理员结束了您的会话、会话已过期，或您的账号已停用。请重新登录。"
    )
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    controller.window = None  # closed and deleted with its session
    dialog.password.setText(SECRETARY_PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        dialog.try_sign_in()
    assert controller.window is not None and controller.window.isVisible()
