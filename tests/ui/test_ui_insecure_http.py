"""Plain http:// to another computer, from the apps: asked about first, refused unless the user says yes.

The county server is a real process told ``--insecure-http`` (as behind a TLS proxy) listening on
this machine's own network address, so the address is not loopback and nothing is pretended: the
county app's sign-in and the laptop's enrollment each show a warning (No by default); No leaves
nothing sent, Yes signs in or enrolls for real.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.server.devices import enrollment
from fieldsurvey.sync.urls import is_loopback_host
from fieldsurvey.ui.app import AppController
from fieldsurvey.ui.sync_panel import SyncPanel
from tests.support.county import close
from tests.support.server import ADMIN_PASSWORD, ServerProcess, serve_process, setup_county
from tests.support.ui import EMPTY_APP_PASSPHRASE as PASSPHRASE
from tests.support.ui import unlock


def own_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None if it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            address = str(s.getsockname()[0])
    except OSError:
        return None
    return None if is_loopback_host(address) or address == "0.0.0.0" else address


def sessions(url: str) -> list[dict[str, Any]]:
    """The admin's view of the open sessions, asked over the same plain-HTTP address (a new session each time)."""
    token = httpx.post(
        url + "/api/v1/auth/login",
        json={"username": "admin", "password": ADMIN_PASSWORD},
        timeout=30,
    ).json()["token"]
    return list(
        httpx.get(
            url + "/api/v1/admin/sessions", headers={"Authorization": f"Bearer {token}"}, timeout=30
        ).json()
    )


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    address = own_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    server = ServerProcess(tmp_path_factory.mktemp("lan") / "county", None)
    server.init()
    setup_county(server)
    with socket.socket() as probe:
        probe.bind((address, 0))
        server.port = probe.getsockname()[1]
    server.log = server.data_dir / "server.log"
    url = f"http://{address}:{server.port}"
    try:
        serve_process(server, server.log, url, "--host", address, "--insecure-http")
        yield server, url
    finally:
        server.stop()


def test_server_run_with_insecure_http_says_it_expects_a_tls_proxy(
    lan_server: tuple[ServerProcess, str],
) -> None:
    server, url = lan_server
    out = server.log.read_text() if server.log else ""
    assert f"Serving on {url}" in out and "only behind a TLS proxy" in out


def test_the_county_app_signs_in_over_plain_http_only_after_the_user_says_yes(
    app: Any, qtbot: Any, lan_server: tuple[ServerProcess, str], tmp_path: Path
) -> None:
    from fieldsurvey.ui.county.app import CountyController
    from fieldsurvey.ui.i18n import set_language

    server, url = lan_server
    controller = CountyController(url, tmp_path / "home")
    set_language("zh_CN")
    controller.start()
    dialog = controller.sign_in
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    try:
        dialog.try_sign_in()
        box = dialog.insecure_box
        assert box is not None and box.isVisible() and url in box.text() and "未加密" in box.text()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.No).click()
        assert (
            dialog.error.text() == "未连接：请使用服务器的 https:// 地址，或确认使用未加密的地址。"
        )
        assert controller.ctx.ops.wait_idle(10) and controller.ctx.api is None  # nothing was sent
        assert len(sessions(url)) == 1  # only the one this test just opened to look

        dialog.try_sign_in()
        with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
            dialog.insecure_box.button(QMessageBox.StandardButton.Yes).click()
        assert controller.ctx.api is not None and controller.ctx.me.is_admin
        address = url.split("//")[1].rsplit(":", 1)[0]
        assert [s["address"] for s in sessions(url)] == [
            address
        ] * 3  # the app's, from the network address
    finally:
        controller.ctx.ops.wait_idle(30)
        close(controller)


def test_the_laptop_enrolls_over_plain_http_only_after_the_user_says_yes(
    empty_app: AppController, qtbot: Any, lan_server: tuple[ServerProcess, str]
) -> None:
    server, url = lan_server
    w = empty_app.window
    unlock(qtbot, w, PASSPHRASE)
    w.act_sync.trigger()
    panel = next(
        x for x in QApplication.topLevelWidgets() if isinstance(x, SyncPanel) and x.isVisible()
    )
    qtbot.waitUntil(lambda: panel.status is not None, timeout=10_000)
    code, _ = enrollment.new_enroll_code(server.server_dir, "test", username="sec_a")
    panel.enroll.url.setText(url)
    panel.enroll.code.setText(code)
    panel.enroll.button.click()
    box = panel.enroll.insecure_box
    assert box is not None and url in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert panel.enroll.error.text().startswith("未连接") and panel.enroll.button.isEnabled()
    panel.enroll.button.click()
    with qtbot.waitSignal(panel.enroll.enrolled, timeout=60_000):
        panel.enroll.insecure_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.enrolled, timeout=10_000)
    assert panel.status.server_url == url
