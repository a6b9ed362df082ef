"""Drawing the household list's cells fast: prepared text, no per-cell model round trips.

Qt's default delegate asks the model for seven roles per cell and lays the text out again on
every paint; with Chinese text that is most of the time a filter keystroke costs. This delegate
asks once (``model.display_text``), keeps the laid-out, elided text (``QStaticText``) for the
next paint, and fills the background itself with the palette's colours, so selection and
alternating rows look as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView

from fieldsurvey.ui.household_list import COL_MEMBERS, HouseholdTableModel

PADDING = 4
MAX_CACHED = 4000  # laid-out texts kept; a screenful is ~300


class FastTextDelegate(QStyledItemDelegate):
    def __init__(self, view: QTableView, model: HouseholdTableModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._cache: dict[tuple[str, int], tuple[QStaticText, float, float]] = {}
        self.selected: set[int] = set()  # row numbers, kept up to date by the list page
        self.reset()

    def reset(self) -> None:
        """Forget prepared texts and colours (the font, palette or language changed)."""
        self._cache.clear()
        self._metrics = self._view.fontMetrics()
        self._style = self._view.style()
        palette = self._view.palette()
        self._pens = (
            palette.color(QPalette.ColorRole.Text),
            palette.color(QPalette.ColorRole.HighlightedText),
        )
        self._highlight = palette.brush(QPalette.ColorRole.Highlight)
        self._alternate = palette.brush(QPalette.ColorRole.AlternateBase)
        self._alternating = self._view.alternatingRowColors()

    def selection_cleared(self) -> None:
        self.selected = set()

    def selection_changed(self) -> None:
        model = self._view.selectionModel()
        self.selected = {i.row() for i in model.selectedRows()} if model is not None else set()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        column = index.column()
        row = index.row()
        selected = row in self.selected
        # the background by hand: the style's panel costs more, and reading option.state or
        # option.features goes through slow enum objects in Python
        if selected:
            painter.fillRect(option.rect, self._highlight)
        elif self._alternating and row & 1:
            painter.fillRect(option.rect, self._alternate)
        text = self._model.display_text(row, column)
        if not text:
            return
        rect = option.rect
        width = rect.width() - 2 * PADDING
        key = (text, width)
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            shown = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            static = QStaticText(shown)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare()
            dx = max(0.0, (width - static.size().width()) / 2) if column == COL_MEMBERS else 0.0
            entry = self._cache[key] = (static, dx, (rect.height() - self._metrics.height()) / 2)
        static, dx, dy = entry
        # enum arithmetic on option.state is slow in Python; the view knows what is selected
        painter.setPen(self._pens[selected])
        painter.drawStaticText(rect.x() + PADDING + dx, rect.y() + dy, static)
