"""Photos in the real app, offscreen: add by chooser and drop (several at once, off the UI
thread, bad files refused with a sentence), thumbnails in the editor and on the household page,
the viewer's zoom and next/previous, removal from a draft, and a finalized visit left as it was."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.visit import Visit
from fieldsurvey.media import photos as media
from fieldsurvey.store import Store
from fieldsurvey.ui.photos.viewer import PhotoViewer
from fieldsurvey.ui.visit import VisitEditor
from fieldsurvey.ui.visit.photo_input import PhotoInput
from tests.support.photo_fixtures import drawn, write_jpeg
from tests.support.ui import PASSPHRASE, wait_ops
from tests.support.visit import new_visit, open_household, row, section, wait_ready

SHOTS = Path("/tmp/fieldsurvey-photo-shots")


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def finalized_with_photos(ui_store, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """李明华's household has a finalized visit with a house photo and a family photo."""
    store = Store.open(ui_store.data_dir, passphrase=PASSPHRASE)
    try:
        house = media.import_photo(write_jpeg(tmp_path / "house.jpg", drawn(2000, 1500, seed=11)))
        family = media.import_photo(
            write_jpeg(tmp_path / "fam.jpg", drawn(1600, 1200, seed=12), gps=None)
        )
        store.photos.add_many([house, family])
        hid = ui_store.ids["li"]
        v = Visit(
            hid,
            date.today() - timedelta(days=3),
            "测试书记",
            "household_visit",
            "2",
            {"house_photos": [item(house.sha256, "东侧")], "family_photos": [item(family.sha256)]},
            status="finalized",
            finalized_at=None,
        )
        store.visits.add_history([v])
    finally:
        store.close()
    return {"household": hid, "visit": v.visit_id, "house": house.sha256, "family": family.sha256}


def photo_input(editor: VisitEditor, path: str) -> PhotoInput:
    inp = row(editor, path).input
    assert isinstance(inp, PhotoInput)
    return inp


def refusal_box(qtbot) -> QMessageBox:  # type: ignore[no-untyped-def]
    found: list[QMessageBox] = []

    def visible() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "photoRefusals" and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(visible, timeout=5000)
    return found[-1]


def test_add_view_and_remove_photos_in_a_draft(window, ui_store, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["wang"])
    section(editor, qtbot, "housing")
    inp = photo_input(editor, "house_photos")
    assert inp.add_button.isVisible() and inp.camera_button is None  # no Qt Multimedia here
    files = [
        write_jpeg(
            tmp_path / f"house{i}.jpg", drawn(3000, 2000, seed=i), orientation=6 if i == 0 else 1
        )
        for i in range(3)
    ]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(files[0].read_bytes()[:20_000])
    job = inp.add_files([files[0], broken, files[1], files[2]])
    assert (
        job is not None and job.worker.wait(20_000) and job.worker.isFinished()
    )  # decoded on its own QThread
    qtbot.waitUntil(lambda: len(editor.session.value("house_photos") or []) == 3, timeout=20_000)
    box = refusal_box(qtbot)
    assert "broken.jpg" in box.text() and "不完整或已损坏" in box.text()
    box.close()
    qtbot.waitUntil(lambda: inp.strip.loaded_count() == 3, timeout=5000)
    qtbot.waitUntil(lambda: all(e.taken_at for e in inp.entries()), timeout=5000)
    assert inp.count_label.text() == "3 张，最多 4 张"
    shot(editor, "editor-housing-photos")

    # the viewer: upright first picture, time and place shown, next/previous, zoom
    viewer = inp.open_viewer(0)
    assert isinstance(viewer, PhotoViewer)
    qtbot.waitUntil(lambda: viewer.pixmap is not None, timeout=5000)
    assert viewer.pixmap.height() > viewer.pixmap.width()  # EXIF orientation 6 applied
    assert (
        "拍摄于 2026-05-04 10:11:12" in viewer.details.text()
        and "32.53680°N" in viewer.details.text()
    )
    assert not viewer.prev_button.isEnabled() and viewer.next_button.isEnabled()
    fit = viewer.current_scale()
    qtbot.mouseClick(viewer.zoom_in_button, Qt.MouseButton.LeftButton)
    assert viewer.current_scale() > fit and viewer.image.width() > 0
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    qtbot.waitUntil(
        lambda: (
            viewer.index == 1
            and viewer.pixmap is not None
            and viewer.pixmap.width() > viewer.pixmap.height()
        ),
        timeout=5000,
    )
    assert viewer.position.text() == "2 / 3"
    shot(viewer, "viewer")
    viewer.close()

    # remove one from the draft: the answer and, at the next opening, the stored picture go
    inp.strip.item(1).setSelected(True)
    qtbot.mouseClick(inp.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(editor.session.value("house_photos") or []) == 2, timeout=3000)
    editor.saver.flush()
    wait_ops(window)
    drafts: list = []
    window.ctx.ops.run(
        lambda env: env.store.visits.drafts(ui_store.ids["wang"]), on_done=drafts.append
    )
    qtbot.waitUntil(lambda: bool(drafts), timeout=5000)
    assert len(drafts[0][0].answers["house_photos"]) == 2


def test_drop_several_pictures_onto_a_field(window, ui_store, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["wang"])
    section(editor, qtbot, "water")
    inp = photo_input(editor, "water_source_photos")
    files = [
        write_jpeg(tmp_path / f"tank{i}.jpg", drawn(1200, 900, seed=20 + 40 * i)) for i in range(2)
    ]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    inp.dropEvent(event)
    qtbot.waitUntil(
        lambda: len(editor.session.value("water_source_photos") or []) == 2, timeout=20_000
    )


def test_household_page_shows_photos_and_a_finalized_visit_keeps_them(  # type: ignore[no-untyped-def]
    finalized_with_photos, window, qtbot, tmp_path: Path
) -> None:
    data = finalized_with_photos
    view = open_household(window, qtbot, data["household"])
    assert view.photos_box.isVisible() if view.isVisible() else True
    assert [e.sha256 for e in view.photo_entries()] == [data["house"], data["family"]]
    qtbot.waitUntil(lambda: view.photo_strip.loaded_count() == 2, timeout=5000)
    entries = view.photo_entries()
    assert (
        "住房" in entries[0].context
        and entries[0].caption == "东侧"
        and "全家福" in entries[1].context
    )
    shot(view, "household-page")
    viewer = view._open_photo(1)
    qtbot.waitUntil(lambda: viewer.pixmap is not None, timeout=5000)
    assert (
        "拍摄于 2026-05-04 10:11:12" in viewer.details.text()
        and "位置" not in viewer.details.text()
    )
    viewer.close()

    editor = window.open_visit(data["household"], data["visit"])
    assert isinstance(editor, VisitEditor)
    wait_ready(editor, qtbot)
    assert editor.read_only
    section(editor, qtbot, "housing")
    inp = photo_input(editor, "house_photos")
    assert not inp.editable and not inp.add_button.isVisible() and not inp.delete_button.isVisible()
    assert not inp.acceptDrops()
    assert inp.add_files([write_jpeg(tmp_path / "late.jpg")]) is None
    qtbot.waitUntil(lambda: inp.strip.loaded_count() == 1, timeout=5000)
    assert [i["photo"] for i in editor.session.value("house_photos")] == [data["house"]]
