"""Importing photos off the UI thread, with a progress bar and Cancel.

Decoding and re-encoding a phone picture takes a tenth of a second or more, so a batch of twenty
runs on its own thread (not the database worker, which keeps saving drafts meanwhile). When it
finishes, one store operation keeps the pictures; a cancelled import keeps nothing. Files that
cannot be taken are listed, one sentence each, while the rest go in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from fieldsurvey.core.errors import Cancelled
from fieldsurvey.media import photos as media
from fieldsurvey.ui.context import AppContext

LONG_EDGE_SETTING = "photo_long_edge"
# Files a user may choose or drop; anything else dropped is refused with a sentence.
PICTURE_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".heif",
    ".hif",
    ".webp",
    ".tif",
    ".tiff",
    ".bmp",
    ".gif",
)
MAX_FILES_AT_ONCE = 100


class _Worker(QThread):
    progressed = Signal(int, int)

    def __init__(
        self, paths: Sequence[Path], long_edge: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.paths = list(paths)
        self.long_edge = long_edge
        self.cancel_event = threading.Event()
        self.result: media.ImportResult | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = media.import_photos(
                self.paths,
                long_edge=self.long_edge,
                progress=lambda d, t: self.progressed.emit(d, t),
                cancelled=self.cancel_event.is_set,
            )
        except BaseException as e:
            self.error = e


class PhotoImport(QObject):
    """One batch: ``start()``; ``finished_with(photos, refused)`` when stored (or cancelled: [], [])."""

    finished_with = Signal(object, object)  # list[ImportedPhoto], list[Refusal]

    def __init__(self, ctx: AppContext, paths: Sequence[Path | str], parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.paths = [Path(p) for p in paths][:MAX_FILES_AT_ONCE]
        self.skipped = max(0, len(paths) - MAX_FILES_AT_ONCE)
        edge = ctx.settings.get(LONG_EDGE_SETTING)
        self.long_edge = (
            edge if isinstance(edge, int) and 320 <= edge <= 4000 else media.DEFAULT_LONG_EDGE
        )
        self.worker = _Worker(self.paths, self.long_edge, self)
        self.dialog = QProgressDialog(parent)
        self.dialog.setWindowTitle(self.tr("Adding photos"))
        self.dialog.setLabelText(self.tr("Adding photos…"))
        self.dialog.setRange(0, len(self.paths))
        self.dialog.setMinimumDuration(300)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.worker.progressed.connect(self._progress)
        self.worker.finished.connect(self._decoded)
        self.cancelled = False
        self.photos: list[Any] = []
        self.refused: list[media.Refusal] = []

    def start(self) -> None:
        self.worker.start()

    def cancel(self) -> None:
        self.cancelled = True
        self.worker.cancel_event.set()

    def _progress(self, done: int, total: int) -> None:
        if isValid(self.dialog):
            self.dialog.setValue(done)
            self.dialog.setLabelText(
                self.tr("Adding photos… %1 of %2")
                .replace("%1", str(done))
                .replace("%2", str(total))
            )

    def _close_dialog(self) -> None:
        if isValid(self.dialog):
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()

    def _decoded(self) -> None:
        worker = self.worker
        if self.cancelled or isinstance(worker.error, Cancelled):
            self._close_dialog()
            self.finished_with.emit([], [])
            return
        if worker.error is not None:
            self._close_dialog()
            from fieldsurvey.ui.errors import show_error

            show_error(self.parent_widget, worker.error, self.tr("Adding photos"))
            self.finished_with.emit([], [])
            return
        result = worker.result
        assert result is not None
        self.refused = list(result.refused)
        photos = list(result.photos)

        def keep(env: Any) -> list[Any]:
            env.store.photos.add_many(photos)
            return photos

        def stored(kept: list[Any]) -> None:
            self._close_dialog()
            self.photos = kept
            self.finished_with.emit(kept, self.refused)

        def failed(error: BaseException) -> None:
            self._close_dialog()
            from fieldsurvey.ui.errors import show_error

            show_error(self.parent_widget, error, self.tr("Adding photos"))
            self.finished_with.emit([], [])

        self.ctx.ops.run(keep, owner=self, on_done=stored, on_error=failed, name="store photos")


def show_refusals(
    parent: QWidget, refused: Sequence[media.Refusal], lang: str, skipped: int = 0
) -> QMessageBox | None:
    """One message listing every file not taken, each with its sentence (non-modal in tests)."""
    if not refused and not skipped:
        return None
    lines = [r.reason.get(lang) for r in refused]
    if skipped:
        lines.append(
            QCoreApplication.translate(
                "PhotoImport", "%1 more files were not added: at most %2 at once."
            )
            .replace("%1", str(skipped))
            .replace("%2", str(MAX_FILES_AT_ONCE))
        )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("PhotoImport", "Some files were not added"),
        QCoreApplication.translate("PhotoImport", "The other photos were added. These were not:")
        + "\n\n"
        + "\n".join(lines),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("photoRefusals")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def start_import(
    ctx: AppContext,
    paths: Sequence[Path | str],
    parent: QWidget,
    on_done: Callable[[list[Any], list[media.Refusal]], None],
) -> PhotoImport:
    job = PhotoImport(ctx, paths, parent)

    def finished(photos: list[Any], refused: list[media.Refusal]) -> None:
        on_done(photos, refused)
        if isValid(parent):
            show_refusals(parent, refused, ctx.lang, job.skipped)
        job.deleteLater()

    job.finished_with.connect(finished)
    job.start()
    return job
