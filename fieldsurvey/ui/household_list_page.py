"""The household list screen: filters, search, the table and the counts.

The summaries are loaded on the database worker; filtering and sorting then happen in memory on
the main thread through ``HouseholdIndex`` (a few milliseconds for 20,000 rows), so typing in the
search box never waits for the database.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.households import ListData
from fieldsurvey.core.assessment_result import FLAG_LABELS
from fieldsurvey.core.codes import code_list
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.household_list import (
    COL_HEAD,
    COL_NO,
    MONITORED,
    NOT_VISITED_30,
    NOT_VISITED_90,
    ROLE_HOUSEHOLD_ID,
    FilterState,
    HouseholdIndex,
    HouseholdTableModel,
)
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.list_delegate import FastTextDelegate
from fieldsurvey.ui.ops import Changes
from fieldsurvey.ui.widgets import Retranslating


class HouseholdListPage(Retranslating, QWidget):
    """Emits ``open_household(household_id)`` on Enter or double-click."""

    open_household = Signal(str)
    counts_changed = Signal(int, int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = HouseholdTableModel(self)
        self._loading = False
        self._reload_again = False
        self._selected_before_reload: str | None = None

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.search.textChanged.connect(self._apply_filters_now)  # a few ms even for 20,000 rows

        self.village = QComboBox()
        self.group = QComboBox()
        self.status = QComboBox()
        self.household_type = QComboBox()
        self.problem = QComboBox()
        for combo in (self.village, self.group, self.status, self.household_type, self.problem):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._combo_changed)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_filters)
        self.labels = {
            name: QLabel() for name in ("search", "village", "group", "status", "type", "problem")
        }
        for name, widget in (
            ("search", self.search),
            ("village", self.village),
            ("group", self.group),
            ("status", self.status),
            ("type", self.household_type),
            ("problem", self.problem),
        ):
            self.labels[name].setBuddy(widget)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.delegate = FastTextDelegate(self.table, self.model)
        self.table.setItemDelegate(self.delegate)
        self.table.selectionModel().selectionChanged.connect(self.delegate.selection_changed)
        self.model.modelReset.connect(self.delegate.selection_cleared)
        self.model.layoutChanged.connect(self.delegate.selection_changed)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NO, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.count_text = ""
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        # the search or the filters leave nothing: say so, and offer the way back
        self.no_match = QWidget()
        self.no_match.setObjectName("noMatch")
        self.no_match.setStyleSheet("QWidget#noMatch { background: #fff6dc; border-radius: 3px; }")
        self.no_match_label = QLabel()
        self.no_match_label.setWordWrap(True)
        self.no_match_button = QPushButton()
        self.no_match_button.clicked.connect(self.clear_filters)
        self.no_match_button.clicked.connect(self.search.setFocus)
        no_match_row = QHBoxLayout(self.no_match)
        no_match_row.setContentsMargins(8, 6, 8, 6)
        no_match_row.addWidget(self.no_match_label, 1)
        no_match_row.addWidget(self.no_match_button)
        self.no_match.hide()

        top = QHBoxLayout()
        top.addWidget(self.labels["search"])
        top.addWidget(self.search, 2)
        top.addSpacing(12)
        for name, widget in (
            ("village", self.village),
            ("group", self.group),
            ("status", self.status),
            ("type", self.household_type),
            ("problem", self.problem),
        ):
            top.addWidget(self.labels[name])
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.no_match)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

        ctx.ops.changed.connect(self._store_changed)
        self._fill_static_combos()
        self.retranslate()

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.labels["search"].setText(self.tr("&Search:"))
        self.search.setPlaceholderText(
            self.tr("name, ID number, household no. or pinyin (e.g. wjg, wangjianguo)")
        )
        self.labels["village"].setText(self.tr("&Village:"))
        self.labels["group"].setText(self.tr("&Group:"))
        self.labels["status"].setText(self.tr("S&tatus:"))
        self.labels["type"].setText(self.tr("Typ&e:"))
        self.labels["problem"].setText(self.tr("&Problem:"))
        self.clear_button.setText(self.tr("Show all"))
        self.no_match_button.setText(self.tr("&Clear search and filters"))
        self.empty_label.setText(
            self.tr("No households yet. Import a roster (File → Import roster) or add a household.")
        )
        self.model.retranslate()
        self.delegate.reset()
        if self.model.index_data is not None:
            self._size_columns()
        self._fill_static_combos()
        self._fill_village_combo()
        self._update_counts()

    def _fill_static_combos(self) -> None:
        any_text = self.tr("(all)")
        _refill(
            self.status, [(any_text, None)] + [(t(c.label), c.code) for c in code_list("status")]
        )
        types = [(any_text, None), (self.tr("monitored (any type)"), MONITORED)]
        types += [(t(c.label), c.code) for c in code_list("household_type")]
        _refill(self.household_type, types)
        problems = [(any_text, None)] + [(t(label), key) for key, label in FLAG_LABELS.items()]
        problems += [
            (self.tr("not visited in 30 days"), NOT_VISITED_30),
            (self.tr("not visited in 90 days"), NOT_VISITED_90),
        ]
        _refill(self.problem, problems)

    def _fill_village_combo(self) -> None:
        index = self.model.index_data
        items: list[tuple[str, str | None]] = [(self.tr("(all)"), None)]
        if index is not None:
            items += sorted(
                ((name, code) for code, name in index.village_names.items()),
                key=lambda x: x[1] or "",
            )
            known = set(index.village_names)
            items += [(code, code) for code in sorted(set(index.villages) - known)]
        _refill(self.village, items)
        self._fill_group_combo()

    def _fill_group_combo(self) -> None:
        index = self.model.index_data
        items: list[tuple[str, str | None]] = [(self.tr("(all)"), None)]
        if index is not None:
            items += [(g, g) for g in index.groups_of(self.village.currentData())]
        _refill(self.group, items)

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch the summaries again (after an import, a finalized visit, a new household)."""
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        self._selected_before_reload = self.current_household_id()
        self.ctx.ops.run(
            ops.load_list,
            owner=self,
            on_done=self._loaded,
            on_error=self._load_failed,
            name="load list",
        )

    def _loaded(self, data: ListData) -> None:
        self._loading = False
        index = HouseholdIndex(data.summaries, data.village_names, head_pinyin=data.head_pinyin)
        self.model.set_index(index)
        self._size_columns()
        self._fill_village_combo()
        self._update_counts()
        self.empty_label.setVisible(len(index) == 0)
        if self._selected_before_reload:
            self.select_household(self._selected_before_reload)
        self.loaded.emit()
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _size_columns(self) -> None:
        """Widths from the font and typical contents, not by measuring 20,000 rows."""
        fm = self.table.fontMetrics()
        longest = {
            name: max((t(c.label) for c in code_list(name)), key=fm.horizontalAdvance)
            for name in ("status", "household_type")
        }
        samples = (
            "61072810020100040",
            "王建国国",
            "610728********123X",
            "庙河村村村",
            "十二组",
            "人口",
            longest["status"],
            longest["household_type"],
            max((t(x) for x in FLAG_LABELS.values()), key=fm.horizontalAdvance),
            "2025-01-01",
        )
        header = self.table.horizontalHeader()
        for col, sample in enumerate(samples):
            title = self.model.headerData(col, Qt.Orientation.Horizontal)
            width = max(fm.horizontalAdvance(sample), fm.horizontalAdvance(str(title)) + 24) + 18
            header.resizeSection(col, width)

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        from fieldsurvey.ui.errors import show_error

        show_error(self, error, "load list")

    def _store_changed(self, changes: Changes) -> None:
        if changes.household_list:
            self.reload()

    # -- filtering --------------------------------------------------------------------------
    def filter_state(self) -> FilterState:
        return FilterState(
            search=self.search.text(),
            village=self.village.currentData(),
            group=self.group.currentData(),
            status=self.status.currentData(),
            household_type=self.household_type.currentData(),
            problem=self.problem.currentData(),
        )

    def _combo_changed(self) -> None:
        if self.sender() is self.village:
            self._fill_group_combo()
        self._apply_filters_now()

    def _apply_filters_now(self) -> None:
        self.model.set_filter(self.filter_state())
        self._update_counts()

    def clear_filters(self) -> None:
        for combo in (self.village, self.group, self.status, self.household_type, self.problem):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._fill_group_combo()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._apply_filters_now()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _update_counts(self) -> None:
        shown, total = len(self.model.visible), self.model.total
        self.count_text = (
            self.tr("Showing %1 / %2 households")
            .replace("%1", str(shown))
            .replace("%2", str(total))
        )
        if total and not shown:
            term = self.search.text().strip()
            self.no_match_label.setText(
                self.tr("No household matches “%1”.").replace("%1", term)
                if term
                else self.tr("No household matches the chosen filters.")
            )
        self.no_match.setVisible(bool(total) and not shown)
        self.counts_changed.emit(shown, total)

    # -- selection --------------------------------------------------------------------------
    def current_household_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.data(index, ROLE_HOUSEHOLD_ID)  # type: ignore[return-value]

    def select_household(self, household_id: str) -> bool:
        row = self.model.row_of(household_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, COL_HEAD))
        return True

    def _activated(self, index: QModelIndex) -> None:
        household_id = self.model.data(index, ROLE_HOUSEHOLD_ID)
        if household_id:
            self.open_household.emit(str(household_id))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._activated(self.table.currentIndex())
            return
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus() and self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
            return
        super().keyPressEvent(event)


def _refill(combo: QComboBox, items: list[tuple[str, str | None]]) -> None:
    """Replace a combo's items, keeping the selected value when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, value in items:
        combo.addItem(text, value)
    i = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(i, 0))
    combo.blockSignals(False)
