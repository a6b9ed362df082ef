"""A row of photo thumbnails: the visit editor's photo fields and the household page use it.

Thumbnails are fetched through a loader the owner gives (the store's worker in village mode,
the county API in county mode) and drawn when they arrive, so the strip never waits on a
database or the network. Double-click or Enter opens the viewer at that picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from fieldsurvey.ui.photos.entry import PhotoEntry

THUMB = 112
# owner's loader: (hashes, on_done({sha: jpeg thumbnail bytes})) — runs off the UI thread
ThumbLoader = Callable[[Sequence[str], Callable[[dict[str, bytes]], None]], None]


def placeholder() -> QPixmap:
    pix = QPixmap(THUMB, THUMB)
    pix.fill(QColor("#e8e8e8"))
    p = QPainter(pix)
    p.setPen(QColor("#999999"))
    p.drawRect(0, 0, THUMB - 1, THUMB - 1)
    p.end()
    return pix


def pixmap_from_jpeg(data: bytes) -> QPixmap:
    pix = QPixmap()
    pix.loadFromData(data, "JPEG")
    return pix


class PhotoStrip(QListWidget):
    open_requested = Signal(int)  # index into entries

    def __init__(self, loader: ThumbLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.entries: list[PhotoEntry] = []
        self._cache: dict[str, QPixmap] = {}
        self.setObjectName("photoStrip")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)  # one row that scrolls sideways
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 16, THUMB + 36))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.setFixedHeight(THUMB + 62)  # one row and its scroll bar
        self.itemActivated.connect(lambda item: self.open_requested.emit(self.row(item)))

    def set_entries(self, entries: Sequence[PhotoEntry]) -> None:
        if [e for e in entries] == self.entries:
            return
        self.entries = list(entries)
        self.clear()
        missing: list[str] = []
        for e in self.entries:
            item = QListWidgetItem(e.caption or (e.taken_at or "")[:10] or "")
            item.setToolTip("\n".join(x for x in (e.context, e.caption or "", e.details()) if x))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            pix = self._cache.get(e.sha256)
            item.setIcon(QIcon(pix if pix is not None else placeholder()))
            item.setData(Qt.ItemDataRole.UserRole, e.sha256)
            self.addItem(item)
            if pix is None:
                missing.append(e.sha256)
        if missing and self.loader is not None:
            self.loader(missing, self._thumbs_arrived)

    def set_loader(self, loader: ThumbLoader) -> None:
        """Give the loader later (an input learns its context when placed): fetch what is missing."""
        self.loader = loader
        missing = [e.sha256 for e in self.entries if e.sha256 not in self._cache]
        if missing:
            loader(missing, self._thumbs_arrived)

    def _thumbs_arrived(self, thumbs: dict[str, bytes]) -> None:
        for sha, data in thumbs.items():
            if data:
                self._cache[sha] = pixmap_from_jpeg(data)
        for i in range(self.count()):
            item = self.item(i)
            pix = self._cache.get(item.data(Qt.ItemDataRole.UserRole))
            if pix is not None:
                item.setIcon(QIcon(pix))

    def loaded_count(self) -> int:
        """How many thumbnails are drawn (for tests and screenshots)."""
        return sum(1 for e in self.entries if e.sha256 in self._cache)

    def selected_indexes_sorted(self) -> list[int]:
        return sorted(self.row(i) for i in self.selectedItems())
