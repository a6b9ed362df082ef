"""Pieces the county pages share: the place picker, list views over paged models, a count line,
a filter list refilled in a new language, and the frame of a list page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.paged_model import Column, Fetch, PagedModel
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.widgets import Retranslating


class ScopePicker(Retranslating, QWidget):
    """Whole county, a township, or a village; emits the division prefix (None: the whole county)."""

    changed = Signal(object)

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.township = QComboBox()
        self.village = QComboBox()
        for combo in (self.township, self.village):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.township)
        layout.addWidget(self.village)
        self._quiet = False
        self.township.currentIndexChanged.connect(self._township_changed)
        self.village.currentIndexChanged.connect(lambda _i: self._emit())
        self.retranslate()

    def retranslate(self) -> None:
        self._quiet = True
        current_t, current_v = self.township.currentData(), self.village.currentData()
        self.township.clear()
        self.township.addItem(self.tr("Whole county"), None)
        for code, name in self.ctx.townships():
            self.township.addItem(name, code)
        self.township.setCurrentIndex(max(0, self.township.findData(current_t)))
        self._fill_villages(current_v)
        self._quiet = False

    def _fill_villages(self, keep: str | None = None) -> None:
        self.village.clear()
        self.village.addItem(self.tr("All villages"), None)
        township = self.township.currentData()
        for code, name in self.ctx.villages(township):
            self.village.addItem(name, code)
        self.village.setCurrentIndex(max(0, self.village.findData(keep)))

    def _township_changed(self) -> None:
        quiet, self._quiet = self._quiet, True
        self._fill_villages()
        self._quiet = quiet
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit(self.scope())

    def scope(self) -> str | None:
        return self.village.currentData() or self.township.currentData()

    def set_scope(self, code: str | None) -> None:
        """Show ``code`` (a village, a township prefix, or None) without emitting."""
        self._quiet = True
        if code and len(code) == 12 and not code.endswith("000"):
            self.township.setCurrentIndex(max(0, self.township.findData(code[:9])))
            self._fill_villages(code)
        else:
            prefix = code[:9] if code and len(code) >= 9 else None
            self.township.setCurrentIndex(max(0, self.township.findData(prefix)))
            self._fill_villages()
        self._quiet = False


def list_view(model: PagedModel, parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)

    def fit_once(_total: int) -> None:
        """Size the columns to the first page (later pages keep what the user may have dragged)."""
        if model.rows and not view.property("fitted"):
            view.setProperty("fitted", True)
            view.resizeColumnsToContents()
            for c in range(model.columnCount()):
                view.setColumnWidth(c, min(view.columnWidth(c) + 8, 320))

    model.loaded.connect(fit_once)
    return view


def paged_list(
    page: QWidget,
    ctx: CountyContext,
    columns: list[Column],
    fetch: Fetch,
    what: str,
    on_row: Callable[[Any | None], None],
) -> tuple[PagedModel, QTableView, CountLine]:
    """A list page's list: the model, its view and the count line under it. A page that fails
    to load says so over ``page`` (``what`` names the list); choosing a row calls ``on_row``
    with its item (None when no row is current)."""
    model = PagedModel(ctx, columns, fetch)
    model.failed.connect(lambda e: show_error(page, e, what))
    view = list_view(model)
    view.selectionModel().currentRowChanged.connect(lambda cur, _p: on_row(model.item(cur.row())))
    return model, view, CountLine(model)


class CountLine(Retranslating, QLabel):
    """ "120 of 3,456 shown" under a paged list."""

    def __init__(self, model: PagedModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.loaded.connect(lambda _t: self.retranslate())
        model.modelReset.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        if self.model.loading and not self.model.rows:
            self.setText(self.tr("Loading…"))
        elif self.model.total is None:
            self.setText(self.tr("%1 shown").replace("%1", f"{len(self.model.rows):,}"))
        else:
            self.setText(
                self.tr("%1 of %2 shown")
                .replace("%1", f"{len(self.model.rows):,}")
                .replace("%2", f"{self.model.total:,}")
            )


def refill(combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Put ``items`` (text, data) in ``combo`` without emitting, keeping the choice: a language
    switch renames a filter, it does not reload the list (the first item at first)."""
    keep = combo.currentData() if combo.count() else items[0][1]
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(keep)))
    combo.blockSignals(False)


def lay_out_list_page(
    page: QWidget,
    filters: Sequence[QWidget],
    view: QTableView,
    count: QLabel,
    detail: QWidget,
    sizes: tuple[int, int],
    orientation: Qt.Orientation = Qt.Orientation.Horizontal,
    above_list: QLayout | None = None,
) -> None:
    """A list page: its filters in a row on top; under them the list with its count line,
    beside (or above) the detail of the chosen row, the split ``sizes`` apart."""
    bar = QHBoxLayout()
    for widget in filters:
        bar.addWidget(widget)
    bar.addStretch(1)
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    if above_list is not None:
        left_layout.addLayout(above_list)
    left_layout.addWidget(view, 1)
    left_layout.addWidget(count)
    split = QSplitter(orientation)
    split.addWidget(left)
    split.addWidget(detail)
    split.setSizes(list(sizes))
    layout = QVBoxLayout(page)
    layout.addLayout(bar)
    layout.addWidget(split, 1)
