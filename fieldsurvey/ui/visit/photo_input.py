"""The visit editor's input for a ``photo`` field: thumbnails, add, drop, camera, delete, view.

The field's answer names pictures kept in the encrypted store (``core/photo_refs.py``). Adding
runs the import pipeline off the UI thread (``ui/photos/importer.py``), stores the pictures and
then commits the new answer like any other input, so autosave, issues and undo-free finalizing
work as for the other fields. A finalized visit's input is read-only: no add, drop or delete,
only viewing. The count limit of the field is enforced here (the engine also says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from fieldsurvey.core.photo_refs import MAX_CAPTION
from fieldsurvey.core.photo_refs import item as photo_item
from fieldsurvey.forms.model import PHOTO_MAX_COUNT, Choice, Field
from fieldsurvey.forms.rows import Row
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.photos.camera import CameraDialog, camera_available
from fieldsurvey.ui.photos.entry import PhotoEntry
from fieldsurvey.ui.photos.importer import PICTURE_SUFFIXES, PhotoImport, start_import
from fieldsurvey.ui.photos.loaders import photo_loader, thumb_loader
from fieldsurvey.ui.photos.strip import PhotoStrip
from fieldsurvey.ui.photos.viewer import PhotoViewer
from fieldsurvey.ui.visit.input_base import FieldInput


def find_context(widget: QObject) -> AppContext | None:
    """The app context of the editor this input sits in (inputs are made without one)."""
    w: QObject | None = widget
    while w is not None:
        ctx = getattr(w, "ctx", None)
        if isinstance(ctx, AppContext):
            return ctx
        w = w.parent()
    return None


def local_files(paths: Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths if p]


class PhotoInput(FieldInput):
    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.setObjectName("photoInput")
        self.items: list[dict[str, str]] = []
        self.infos: dict[str, PhotoEntry] = {}
        self.ctx: AppContext | None = None  # found when first shown (see find_context)
        self.importing: PhotoImport | None = None
        self.limit = fld.max_count if fld.max_count is not None else PHOTO_MAX_COUNT
        self.strip = PhotoStrip()
        self.strip.open_requested.connect(self.open_viewer)
        self.add_button = QPushButton(self.tr("Add photos…"))
        self.add_button.setObjectName("addPhotos")
        self.add_button.clicked.connect(self.choose_files)
        self.camera_button: QPushButton | None = None
        if camera_available():
            self.camera_button = QPushButton(self.tr("Camera…"))
            self.camera_button.setObjectName("cameraButton")
            self.camera_button.clicked.connect(self.open_camera)
        self.caption_button = QPushButton(self.tr("Caption…"))
        self.caption_button.clicked.connect(self.edit_caption)
        self.delete_button = QPushButton(self.tr("Remove"))
        self.delete_button.setObjectName("removePhotos")
        self.delete_button.clicked.connect(self.remove_selected)
        self.count_label = QLabel()
        self.drop_hint = QLabel(self.tr("or drag pictures here"))
        self.drop_hint.setObjectName("dropHint")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.camera_button, self.caption_button, self.delete_button):
            if b is not None:
                buttons.addWidget(b)
        buttons.addWidget(self.drop_hint)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)
        self.strip.setAcceptDrops(False)
        # One Tab stop per field, as a radio group is one: the add button; the pictures and the
        # buttons that act on the chosen one take focus by click (Enter on a picture opens it).
        for w in (self.strip, self.caption_button, self.delete_button):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._update_buttons()

    def focus_target(self) -> QWidget:
        return self.add_button

    # -- engine ---------------------------------------------------------------------------
    def _context(self) -> AppContext | None:
        if self.ctx is None:
            self.ctx = find_context(self)
            if self.ctx is not None:
                self.strip.set_loader(thumb_loader(self.ctx, self))
        return self.ctx

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self.ctx is None and self._context() is not None:
            self._redraw()

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        value = row.value if isinstance(row.value, list) else []
        self.items = [dict(v) for v in value if isinstance(v, dict) and "photo" in v]
        self._redraw()

    def _redraw(self) -> None:
        ctx = self._context()
        missing = [i["photo"] for i in self.items if i["photo"] not in self.infos]
        if missing and ctx is not None:

            def op(env: Any) -> dict[str, Any]:
                return env.store.photos.info(missing)

            ctx.ops.run(op, owner=self, on_done=self._infos_arrived, name="photo info")
        self.strip.set_entries(self.entries())
        self.strip.setVisible(bool(self.items))
        self._update_buttons()

    def _infos_arrived(self, infos: dict[str, Any]) -> None:
        for sha, info in infos.items():
            self.infos[sha] = PhotoEntry.from_info(info)
        self.strip.set_entries(self.entries())

    def entries(self) -> list[PhotoEntry]:
        out = []
        label = (
            self.field.caption.get(self.ctx.lang if self.ctx else "zh")
            if self.field.caption
            else ""
        )
        for it in self.items:
            base = self.infos.get(it["photo"], PhotoEntry(it["photo"]))
            out.append(
                PhotoEntry(
                    base.sha256,
                    it.get("caption") or None,
                    base.taken_at,
                    base.latitude,
                    base.longitude,
                    base.width,
                    base.height,
                    label,
                )
            )
        return out

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.setAcceptDrops(editable)
        self._update_buttons()

    def _update_buttons(self) -> None:
        room = self.editable and len(self.items) < self.limit and self.importing is None
        for b in (self.add_button, self.camera_button, self.caption_button, self.delete_button):
            if b is not None:
                b.setVisible(self.editable)
        self.drop_hint.setVisible(self.editable and room)
        self.add_button.setEnabled(room)
        if self.camera_button is not None:
            self.camera_button.setEnabled(room)
        self.delete_button.setEnabled(self.editable and bool(self.items))
        self.caption_button.setEnabled(self.editable and bool(self.items))
        self.count_label.setText(
            self.tr("%1 of at most %2")
            .replace("%1", str(len(self.items)))
            .replace("%2", str(self.limit))
        )

    def _commit(self, items: list[dict[str, str]]) -> None:
        self.items = items
        self._redraw()
        self._emit([dict(i) for i in items] if items else None)

    # -- adding ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in PICTURE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos"), "", self.tr("Pictures (%1)").replace("%1", patterns)
        )
        if paths:
            self.add_files(local_files(paths))

    def add_files(self, paths: Sequence[Path]) -> PhotoImport | None:
        ctx = self._context()
        if ctx is None or not self.editable or self.importing is not None or not paths:
            return None
        self.importing = start_import(ctx, list(paths), self, self._imported)
        self._update_buttons()
        return self.importing

    def _imported(self, photos: list[Any], refused: list[Any]) -> None:
        self.importing = None
        if not isValid(self):
            return
        items = list(self.items)
        have = {i["photo"] for i in items}
        for p in photos:
            self.infos[p.sha256] = PhotoEntry.from_info({"sha256": p.sha256, **p.meta.to_json()})
            if p.sha256 not in have and len(items) < self.limit:
                items.append(photo_item(p.sha256))
                have.add(p.sha256)
        if items != self.items:
            self._commit(items)
        else:
            self._update_buttons()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editable and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if not self.editable:
            event.ignore()
            return
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_files(paths)

    def open_camera(self) -> None:
        ctx = self._context()
        if ctx is None:
            return

        def got(jpeg: bytes) -> None:
            from fieldsurvey.media import photos as media

            def op(env: Any) -> Any:
                p = media.process_bytes(jpeg, "camera.jpg")
                env.store.photos.add(p)
                return p

            ctx.ops.run(
                op, owner=self, on_done=lambda p: self._imported([p], []), name="camera photo"
            )

        CameraDialog(got, self).open()

    # -- changing -------------------------------------------------------------------------
    def remove_selected(self) -> None:
        rows = set(self.strip.selected_indexes_sorted())
        if not rows or not self.editable:
            return
        self._commit([it for i, it in enumerate(self.items) if i not in rows])

    def edit_caption(self) -> None:
        rows = self.strip.selected_indexes_sorted() or ([0] if self.items else [])
        if not rows or not self.editable:
            return
        i = rows[0]
        text, ok = QInputDialog.getText(
            self,
            self.tr("Caption"),
            self.tr("Caption for this photo:"),
            text=self.items[i].get("caption", ""),
        )
        if ok:
            items = [dict(x) for x in self.items]
            items[i] = photo_item(items[i]["photo"], text.strip()[:MAX_CAPTION] or None)
            self._commit(items)

    def open_viewer(self, index: int) -> PhotoViewer | None:
        ctx = self._context()
        if ctx is None or not self.items:
            return None
        viewer = PhotoViewer(self.entries(), index, photo_loader(ctx, self), self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer
