"""The sync panel with photos: how many wait and how large, and what the sync did with them."""

from __future__ import annotations

from datetime import date

from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.visit import Visit
from fieldsurvey.server.devices import enrollment
from fieldsurvey.ui.sync_panel import photos_label
from tests.support.server import VILLAGE_A
from tests.support.ui import EMPTY_APP_PASSPHRASE as PASSPHRASE
from tests.support.ui import unlock, wait_ops
from tests.sync.test_sync_photos import noisy_photo
from tests.ui.test_ui_sync import panel


def test_the_panel_shows_photos_waiting_and_sends_them(empty_app, county, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert (
        photos_label(1_048_576, 3 * 1_048_576)
        == "正在发送照片：还剩 2.0 MB,共 3.0 MB（可取消，下次同步从中断处继续）"
    )
    w = empty_app.window
    unlock(qtbot, w, PASSPHRASE)
    w.act_sync.trigger()
    p = panel()
    qtbot.waitUntil(lambda: p.status is not None, timeout=10_000)
    code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username="sec_a")
    p.enroll.url.setText(county.server.url)
    p.enroll.code.setText(code)
    with qtbot.waitSignal(p.enroll.enrolled, timeout=30_000):
        p.enroll.button.click()
    hid = county.households_in(VILLAGE_A)[2]["household_id"]
    shot = noisy_photo(31, (800, 600))

    def visit_with_photo(env) -> None:  # type: ignore[no-untyped-def]
        env.store.photos.add(shot)
        v = Visit(
            hid,
            date(2025, 6, 1),
            "甲村书记",
            "household_visit",
            "2",
            {"visit_photos": [item(shot.sha256)]},
        )
        env.store.visits.save_draft(v)
        env.store.visits.finalize(v, None, {"flags": []})

    w.ctx.ops.run(visit_with_photo)
    wait_ops(w)
    p.refresh()
    qtbot.waitUntil(lambda: p.status is not None and p.status.photos_waiting == 1, timeout=5000)
    assert "待发送照片：1 张" in p.state.text()
    p.sync_button.click()
    qtbot.waitUntil(lambda: "照片：上传1张" in p.report.toPlainText(), timeout=30_000)
    qtbot.waitUntil(lambda: p.status is not None and p.status.photos_waiting == 0, timeout=10_000)
    assert "待发送照片" not in p.state.text()
    p.close()
