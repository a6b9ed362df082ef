"""A table model over a server list that fetches pages as the view scrolls.

The server filters and pages (a county has 100,000 households); the model holds only the pages
the user has scrolled through. Qt asks ``canFetchMore``/``fetchMore`` when the view nears the
bottom; the next page is fetched on the worker and appended when it arrives. A new filter is a
``reload``: rows from a page still in flight for the old filter are dropped (a generation count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from fieldsurvey.api.lists import KeysetPage
from fieldsurvey.ui.county.api import CountyApi
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.ops import OpEnv

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[
    [CountyApi, str | None, int], KeysetPage[Any]
]  # (api, after cursor, limit) → a page of rows
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)


def list_fetch(model: type[BaseModel], path: str, **params: Any) -> Fetch:
    """The fetch of the server list at ``path`` under ``params`` (read from the filters when the
    list is reloaded, so a page in flight keeps the filter it was asked under)."""

    def fetch(api: CountyApi, after: str | None, limit: int) -> KeysetPage[Any]:
        return api.page(model, path, after=after, limit=limit, **params)

    return fetch


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: Callable[[], str]  # called each time: follows the language
    value: Callable[[Any], str]  # of a row: the list's model (``fieldsurvey/api/lists.py``)
    colour: Callable[[Any], str | None] | None = None


class PagedModel(QAbstractTableModel):
    loaded = Signal(int)  # a page arrived; the total (or -1 when the server did not count)
    failed = Signal(object)

    def __init__(
        self, ctx: CountyContext, columns: list[Column], fetch: Fetch, page_size: int = 100
    ) -> None:
        super().__init__()
        self.ctx, self.columns, self.fetch, self.page_size = ctx, columns, fetch, page_size
        self.rows: list[Any] = []  # the list's models, in the server's order
        self.total: int | None = None
        self._next: str | None = None
        self._done = True
        self._loading = False
        self._generation = 0
        self.pages_fetched = 0

    # -- loading -----------------------------------------------------------------------------
    def set_fetch(self, fetch: Fetch) -> None:
        self.fetch = fetch
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self.rows, self.total, self._next, self._done, self._loading = [], None, None, False, False
        self.pages_fetched = 0
        self.endResetModel()
        self._request()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's names
        return not parent.isValid() and not self._done and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request()

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def complete(self) -> bool:
        return self._done

    def _request(self) -> None:
        self._loading = True
        generation, after, limit, fetch = self._generation, self._next, self.page_size, self.fetch

        def op(_env: OpEnv) -> KeysetPage[Any]:
            return fetch(self.ctx.client, after, limit)

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=lambda page: self._arrived(generation, page),
            on_error=lambda e: self._failed(generation, e),
            name="list page",
        )

    def _arrived(self, generation: int, page: KeysetPage[Any]) -> None:
        if generation != self._generation:
            return
        items = list(page.items)
        if page.total is not None:
            self.total = page.total
        if items:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(items) - 1)
            self.rows.extend(items)
            self.endInsertRows()
        self._next = page.next
        self._done = not self._next
        self._loading = False
        self.pages_fetched += 1
        self.loaded.emit(self.total if self.total is not None else -1)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._done = True  # a refresh tries again
            self.failed.emit(error)

    # -- the table ---------------------------------------------------------------------------
    def item(self, row: int) -> Any | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def replace(self, row: int, item: Any) -> None:
        """Show ``item`` (a row changed here, e.g. reviewed) until the next reload fetches it."""
        self.rows[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if (
            role == DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header()
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or role not in (DISPLAY, TOOLTIP, FOREGROUND):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == FOREGROUND:
            from PySide6.QtGui import QColor

            colour = column.colour(row) if column.colour else None
            return QColor(colour) if colour else None
        return column.value(row)

    def retranslate(self) -> None:
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
            if self.rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
                )
