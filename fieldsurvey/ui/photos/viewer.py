"""The photo viewer: one picture at a time with zoom, next/previous, and its time and place.

Pictures are fetched through the owner's loader (the store's worker, or the county API), one at
a time, so a household of twenty photos opens at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.photos.entry import PhotoEntry
from fieldsurvey.ui.photos.strip import pixmap_from_jpeg

PhotoLoader = Callable[[str, Callable[[bytes], None]], None]
ZOOM_STEPS = (0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)


class _Scroll(QScrollArea):
    def __init__(self, viewer: PhotoViewer) -> None:
        super().__init__()
        self.viewer = viewer

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.viewer.zoom_in() if event.angleDelta().y() > 0 else self.viewer.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)


class PhotoViewer(QDialog):
    def __init__(
        self,
        entries: Sequence[PhotoEntry],
        index: int,
        loader: PhotoLoader,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.entries = list(entries)
        self.index = max(0, min(index, len(self.entries) - 1))
        self.loader = loader
        self.zoom: float | None = None  # None: fit to the window
        self.pixmap: QPixmap | None = None
        self._cache: dict[str, QPixmap] = {}
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = _Scroll(self)
        self.scroll.setWidget(self.image)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidgetResizable(False)
        self.caption = QLabel()
        self.caption.setObjectName("photoCaption")
        self.details = QLabel()
        self.details.setObjectName("photoDetails")
        self.position = QLabel()
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.zoom_out_button = QPushButton(self.tr("Zoom out"))
        self.zoom_in_button = QPushButton(self.tr("Zoom in"))
        self.fit_button = QPushButton(self.tr("Fit"))
        self.actual_button = QPushButton("1:1")
        close = QPushButton(self.tr("Close"))
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        close.clicked.connect(self.accept)
        for key, slot in (
            (Qt.Key.Key_Left, self.previous),
            (Qt.Key.Key_Right, self.next),
            (Qt.Key.Key_Plus, self.zoom_in),
            (Qt.Key.Key_Equal, self.zoom_in),
            (Qt.Key.Key_Minus, self.zoom_out),
            (Qt.Key.Key_0, self.fit),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)
        buttons = QHBoxLayout()
        for b in (self.prev_button, self.next_button):
            buttons.addWidget(b)
        buttons.addWidget(self.position)
        buttons.addStretch(1)
        for b in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_button,
            self.actual_button,
            close,
        ):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.setWindowTitle(self.tr("Photo"))
        self.resize(960, 760)
        self.show_current()

    # -- navigation -------------------------------------------------------------------------
    def show_current(self) -> None:
        if not self.entries:
            return
        e = self.entries[self.index]
        self.caption.setText(" · ".join(x for x in (e.context, e.caption or "") if x))
        self.details.setText(e.details())
        self.position.setText(f"{self.index + 1} / {len(self.entries)}")
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.entries) - 1)
        self.zoom = None
        cached = self._cache.get(e.sha256)
        if cached is not None:
            self._show(cached)
        else:
            self.pixmap = None
            self.image.setText(self.tr("Loading…"))
            self.image.adjustSize()
            sha = e.sha256
            self.loader(sha, lambda data: self._arrived(sha, data))

    def _arrived(self, sha: str, data: bytes) -> None:
        pix = pixmap_from_jpeg(data)
        self._cache[sha] = pix
        if self.entries and self.entries[self.index].sha256 == sha:
            self._show(pix)

    def _show(self, pix: QPixmap) -> None:
        self.pixmap = pix
        self._render()

    def next(self) -> None:
        if self.index < len(self.entries) - 1:
            self.index += 1
            self.show_current()

    def previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show_current()

    # -- zoom -------------------------------------------------------------------------------
    def current_scale(self) -> float:
        if self.pixmap is None or self.pixmap.isNull():
            return 1.0
        if self.zoom is not None:
            return self.zoom
        view = self.scroll.viewport().size()
        return min(1.0, view.width() / self.pixmap.width(), view.height() / self.pixmap.height())

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        self._render()

    def zoom_in(self) -> None:
        now = self.current_scale()
        self.set_zoom(next((z for z in ZOOM_STEPS if z > now + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self.current_scale()
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < now - 1e-6), ZOOM_STEPS[0]))

    def fit(self) -> None:
        self.zoom = None
        self._render()

    def _render(self) -> None:
        if self.pixmap is None or self.pixmap.isNull():
            return
        scale = self.current_scale()
        size = self.pixmap.size() * scale
        self.image.setPixmap(
            self.pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.image.resize(size)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.zoom is None:
            self._render()
