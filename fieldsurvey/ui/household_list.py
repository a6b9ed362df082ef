"""The household list's data side: a table model over summaries and a fast filter index.

20,000 households must filter within ~50 ms on a cheap laptop, so filtering does not go through
``QSortFilterProxyModel`` (which calls back into the model for every row and role). Instead
``HouseholdIndex`` precomputes, once per load, plain Python columns: a lowercase search key
(head's name, ID number, household number, pinyin initials and full pinyin), village, group, status, type,
flag bits and the last-visit day. A filter is a few list comprehensions over those columns,
walked in the current sort order (each column's order is computed once and cached), and the
model shows the resulting row numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from fieldsurvey.core.assessment_result import FLAG_LABELS
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.ids import mask_id_number
from fieldsurvey.ui.i18n import code_label, t

if TYPE_CHECKING:
    from fieldsurvey.store.households import HouseholdSummary

FLAG_ORDER = tuple(FLAG_LABELS)  # the store's bit order (store/mapping.py: FLAG_ORDER)
MONITORED = "monitored"  # filter value: any monitored household type
NOT_VISITED_30 = "not_visited_30"
NOT_VISITED_90 = "not_visited_90"
ROLE_HOUSEHOLD_ID = int(Qt.ItemDataRole.UserRole) + 1
DISPLAY = int(Qt.ItemDataRole.DisplayRole)  # Qt passes roles as plain ints
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
OTHER_ROLES = frozenset({ROLE_HOUSEHOLD_ID, TOOLTIP, ALIGNMENT})
CENTER = int(Qt.AlignmentFlag.AlignCenter)

Index = QModelIndex | QPersistentModelIndex


def flag_bit(flag: str) -> int:
    return 1 << FLAG_ORDER.index(flag)


def monitored_types() -> frozenset[str]:
    return frozenset(c.code for c in code_list("household_type") if c.extra.get("monitored"))


@dataclass(frozen=True, slots=True)
class FilterState:
    """What the user asked to see; None means "any"."""

    search: str = ""
    village: str | None = None
    group: str | None = None
    status: str | None = None
    household_type: str | None = None  # a household_type code, or MONITORED
    problem: str | None = None  # a FLAG_LABELS key, NOT_VISITED_30 or NOT_VISITED_90

    def with_(self, **changes: object) -> FilterState:
        return replace(self, **changes)  # type: ignore[arg-type]


class HouseholdIndex:
    """Summaries plus the precomputed columns filtering and sorting read."""

    def __init__(
        self,
        summaries: Sequence[HouseholdSummary],
        village_names: dict[str, str],
        today: date | None = None,
        head_pinyin: Sequence[str] | None = None,
    ) -> None:
        self.rows = list(summaries)
        self.village_names = village_names
        self.today = today or date.today()
        if head_pinyin is None or len(head_pinyin) != len(self.rows):
            from fieldsurvey.ui.pinyin_search import name_pinyin

            head_pinyin = [name_pinyin(s.head_name or "") for s in self.rows]
        self.search_keys = [
            "\x1f".join(
                (
                    (s.head_name or "").lower(),
                    (s.head_id_number or "").lower(),
                    s.household_no.lower(),
                    (s.head_initials or "").lower(),
                    full,
                )
            )
            for s, full in zip(self.rows, head_pinyin, strict=True)
        ]
        self.villages = [s.division_code for s in self.rows]
        self.groups = [s.group or "" for s in self.rows]
        self.statuses = [s.status for s in self.rows]
        self.types = [s.household_type or "" for s in self.rows]
        self.flag_bits = [s.flag_bits for s in self.rows]
        self.visit_days = [
            s.last_visit_date.toordinal() if s.last_visit_date else -1 for s in self.rows
        ]
        self._orders: dict[int, list[int]] = {}
        self._monitored = monitored_types()

    def __len__(self) -> int:
        return len(self.rows)

    def groups_of(self, village: str | None) -> list[str]:
        found = {
            g
            for v, g in zip(self.villages, self.groups, strict=True)
            if g and (village is None or v == village)
        }
        return sorted(found, key=_group_key)

    # -- sorting ----------------------------------------------------------------------------
    def order(self, column: int) -> list[int]:
        """Row numbers in ascending order of ``column`` (cached: computed once per load)."""
        cached = self._orders.get(column)
        if cached is None:
            key = self._sort_key(column)
            cached = sorted(range(len(self.rows)), key=key)
            self._orders[column] = cached
        return cached

    def _sort_key(self, column: int):  # type: ignore[no-untyped-def]
        rows = self.rows
        if column == COL_HEAD:
            return lambda i: ((rows[i].head_initials or "~"), rows[i].head_name or "")
        if column == COL_ID:
            return lambda i: rows[i].head_id_number or ""
        if column == COL_VILLAGE:
            names = self.village_names
            return lambda i: (
                names.get(rows[i].division_code, rows[i].division_code),
                rows[i].household_no,
            )
        if column == COL_GROUP:
            return lambda i: (_group_key(self.groups[i]), rows[i].household_no)
        if column == COL_MEMBERS:
            return lambda i: (rows[i].member_count, rows[i].household_no)
        if column == COL_STATUS:
            return lambda i: (rows[i].status, rows[i].household_no)
        if column == COL_TYPE:
            return lambda i: (self.types[i], rows[i].household_no)
        if column == COL_PROBLEMS:
            return lambda i: (-bin(self.flag_bits[i]).count("1"), rows[i].household_no)
        if column == COL_LAST_VISIT:
            return lambda i: (self.visit_days[i], rows[i].household_no)
        return lambda i: rows[i].household_no

    # -- filtering --------------------------------------------------------------------------
    def filter(
        self,
        state: FilterState,
        order: Sequence[int],
        previous: tuple[FilterState, list[int]] | None = None,
    ) -> list[int]:
        """Row numbers matching ``state``, in ``order``.

        When only the search text grew since ``previous``, only its result is searched again
        (typing narrows the list one character at a time).
        """
        term = state.search.strip().lower()
        rows: Sequence[int] = order
        if previous is not None:
            before, result = previous
            old_term = before.search.strip().lower()
            if before.with_(search="") == state.with_(search="") and old_term and old_term in term:
                rows = result
                if term == old_term:
                    return list(result)
                return [i for i in rows if term in self.search_keys[i]]
        if state.village:
            vs, v = self.villages, state.village
            rows = [i for i in rows if vs[i] == v]
        if state.group:
            gs, g = self.groups, state.group
            rows = [i for i in rows if gs[i] == g]
        if state.status:
            ss, st = self.statuses, state.status
            rows = [i for i in rows if ss[i] == st]
        if state.household_type:
            ts = self.types
            if state.household_type == MONITORED:
                mon = self._monitored
                rows = [i for i in rows if ts[i] in mon]
            else:
                ht = state.household_type
                rows = [i for i in rows if ts[i] == ht]
        if state.problem:
            rows = self._by_problem(rows, state.problem)
        if term:
            keys = self.search_keys
            rows = [i for i in rows if term in keys[i]]
        return list(rows)

    def _by_problem(self, rows: Sequence[int], problem: str) -> list[int]:
        if problem in (NOT_VISITED_30, NOT_VISITED_90):
            days = 30 if problem == NOT_VISITED_30 else 90
            cutoff = self.today.toordinal() - days
            vd = self.visit_days
            return [i for i in rows if vd[i] < cutoff]  # never visited (-1) counts too
        bit = flag_bit(problem)
        fb = self.flag_bits
        return [i for i in rows if fb[i] & bit]


def _group_key(group: str) -> tuple[int, str]:
    """ "二组" after "一组", "10组" after "9组": by the number in it when there is one."""
    digits = "".join(c for c in group if c.isdigit())
    if digits:
        return int(digits), group
    return (_chinese_number(group) or 999), group


_NUMERALS = "一二三四五六七八九"


def _chinese_number(text: str) -> int:
    """一 … 九十九 as written in group names ("十二组", "二十组"); 0 when there is none."""
    chars = "".join(c for c in text if c in _NUMERALS or c == "十")
    if not chars:
        return 0
    if "十" in chars:
        tens, _, ones = chars.partition("十")
        return (_NUMERALS.index(tens[0]) + 1 if tens else 1) * 10 + (
            _NUMERALS.index(ones[0]) + 1 if ones else 0
        )
    return _NUMERALS.index(chars[0]) + 1


(
    COL_NO,
    COL_HEAD,
    COL_ID,
    COL_VILLAGE,
    COL_GROUP,
    COL_MEMBERS,
    COL_STATUS,
    COL_TYPE,
    COL_PROBLEMS,
    COL_LAST_VISIT,
) = range(10)


def column_titles() -> list[str]:
    return [
        QCoreApplication.translate("HouseholdList", "Household no."),
        QCoreApplication.translate("HouseholdList", "Head"),
        QCoreApplication.translate("HouseholdList", "ID number"),
        QCoreApplication.translate("HouseholdList", "Village"),
        QCoreApplication.translate("HouseholdList", "Group"),
        QCoreApplication.translate("HouseholdList", "Members"),
        QCoreApplication.translate("HouseholdList", "Status"),
        QCoreApplication.translate("HouseholdList", "Type"),
        QCoreApplication.translate("HouseholdList", "Problems"),
        QCoreApplication.translate("HouseholdList", "Last visit"),
    ]


class HouseholdTableModel(QAbstractTableModel):
    """Shows the rows an index lets through; texts are made only for rows on screen."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.index_data: HouseholdIndex | None = None
        self.visible: list[int] = []
        self.state = FilterState()
        self.sort_column = COL_NO
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._titles = column_titles()
        self._last: tuple[FilterState, list[int]] | None = None
        self._display: dict[int, tuple[str, ...]] = {}  # row number -> its column texts

    # -- loading and filtering --------------------------------------------------------------
    def set_index(self, index: HouseholdIndex) -> None:
        self.beginResetModel()
        self.index_data = index
        self._display = {}
        self._last = None
        self.visible = self._compute(self.state, use_previous=False)
        self.endResetModel()

    def set_filter(self, state: FilterState) -> None:
        if state == self.state and self.index_data is not None:
            return
        self.beginResetModel()
        self.visible = self._compute(state, use_previous=True)
        self.state = state
        self.endResetModel()

    def _order(self) -> list[int]:
        assert self.index_data is not None
        order = self.index_data.order(self.sort_column)
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            order = order[::-1]
        return order

    def _compute(self, state: FilterState, *, use_previous: bool) -> list[int]:
        if self.index_data is None:
            return []
        previous = self._last if use_previous else None
        result = self.index_data.filter(state, self._order(), previous)
        self._last = (state, result)
        return result

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sort_column = column
        self.sort_order = order
        self._last = None
        self.visible = self._compute(self.state, use_previous=False)
        self.layoutChanged.emit()

    @property
    def total(self) -> int:
        return len(self.index_data) if self.index_data else 0

    def summary_at(self, row: int) -> HouseholdSummary | None:
        if self.index_data is None or not 0 <= row < len(self.visible):
            return None
        return self.index_data.rows[self.visible[row]]

    def row_of(self, household_id: str) -> int:
        if self.index_data is None:
            return -1
        for r, i in enumerate(self.visible):
            if self.index_data.rows[i].household_id == household_id:
                return r
        return -1

    def retranslate(self) -> None:
        self._titles = column_titles()
        self._display = {}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._titles) - 1)
        if self.visible:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.visible) - 1, len(self._titles) - 1)
            )

    # -- Qt model interface -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Called ~7 times per cell on every paint: the display texts of a row are made once and
        # kept (until the list or the language changes), and other roles leave early.
        if role == DISPLAY:
            return self.display_text(index.row(), index.column())
        if role not in OTHER_ROLES:
            return None
        s = self.summary_at(index.row())
        if s is None:
            return None
        if role == ROLE_HOUSEHOLD_ID:
            return s.household_id
        if role == TOOLTIP and index.column() == COL_PROBLEMS:
            return "\n".join(t(FLAG_LABELS[f]) for f in s.flags if f in FLAG_LABELS) or None
        if role == ALIGNMENT and index.column() == COL_MEMBERS:
            return CENTER
        return None

    def display_text(self, row: int, column: int) -> str | None:
        """The text of a cell; a row's texts are made once (per load and language) and kept."""
        if not 0 <= row < len(self.visible):
            return None
        i = self.visible[row]
        texts = self._display.get(i)
        if texts is None:
            assert self.index_data is not None
            s = self.index_data.rows[i]
            texts = self._display[i] = tuple(self._text(s, c) for c in range(len(self._titles)))
        return texts[column]

    def _text(self, s: HouseholdSummary, column: int) -> str:
        if column == COL_NO:
            return s.household_no
        if column == COL_HEAD:
            return s.head_name or ""
        if column == COL_ID:
            return mask_id_number(s.head_id_number) if s.head_id_number else ""
        if column == COL_VILLAGE:
            assert self.index_data is not None
            return self.index_data.village_names.get(s.division_code, s.division_code)
        if column == COL_GROUP:
            return s.group or ""
        if column == COL_MEMBERS:
            return str(s.member_count)
        if column == COL_STATUS:
            return code_label("status", s.status)
        if column == COL_TYPE:
            return code_label("household_type", s.household_type)
        if column == COL_PROBLEMS:
            return "、".join(t(FLAG_LABELS[f]) for f in s.flags if f in FLAG_LABELS)
        if column == COL_LAST_VISIT:
            if s.last_visit_date is None:
                return QCoreApplication.translate("HouseholdList", "never")
            return s.last_visit_date.isoformat()
        return ""
