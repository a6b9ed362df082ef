"""One section of the visit on screen, redrawn from the engine's rows after every change.

The page keeps one widget per row path and, given the next list of rows, updates those that
stay, makes those that appear, drops those that disappear and puts each container's children
back in order. Widgets that stay are the same objects, so the field being typed in keeps its
focus and text while skip logic shows or hides others around it. Tab order follows the rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget
from shiboken6 import isValid

from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.model import Choice
from fieldsurvey.forms.rows import Row
from fieldsurvey.ui.visit.panels import (
    Container,
    FieldRow,
    GroupPanel,
    InstancePanel,
    RepeatPanel,
    make_panel,
    set_layout_children,
    shown_issues,
    style_issue_label,
)

ChoicesFor = Callable[[str], Sequence[Choice]]
BULK_ROWS = 6
SLICE_S = 0.02


class SectionPage(QScrollArea):
    committed = Signal(str, object)  # path, raw input
    add_requested = Signal(str, str)  # repeat, within
    remove_requested = Signal(str)  # instance path
    member_change_requested = Signal()
    drawn = Signal()  # every row has its widget

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget()
        self.content.setObjectName("sectionContent")
        self.root = QVBoxLayout()
        self.root.setContentsMargins(0, 0, 0, 0)
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(12, 8, 16, 16)
        outer.addLayout(self.root)
        outer.addStretch(1)
        self.placeholder = QLabel(QCoreApplication.translate("VisitPanels", "Drawing the section…"))
        self.placeholder.setContentsMargins(16, 16, 16, 16)
        self.placeholder.setVisible(False)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.placeholder)
        box.addWidget(self.content, 1)
        self.setWidget(holder)
        self.widgets: dict[str, FieldRow | Container] = {}
        self.order: list[str] = []
        self.top: list[QWidget] = []
        self.dirty = True
        self.first_focus: QWidget | None = None
        self.last_focus: QWidget | None = None
        self._args: tuple | None = None  # the drawing in progress
        self._drawn: dict[str, tuple] = {}  # path -> what it was last drawn from
        self._reveal: str | None = None
        self._extra_paths: set[str] = set()
        self._scheduled = False
        self._building = False  # the content is hidden while many rows are made
        self._untabbed = False
        self._choices: dict[str, Sequence[Choice]] = {}
        self._focus: QWidget | None = None

    # -- drawing ----------------------------------------------------------------------------
    def apply(
        self,
        rows: Sequence[Row],
        choices_for: ChoicesFor,
        lang: str,
        extra: Mapping[str, Sequence[Issue]],
        show_missing: bool,
    ) -> None:
        """Draw ``rows``: update, create or drop widgets so the page matches them.

        Making widgets is the slow part of drawing (a household of five has over a hundred
        rows), so it happens in slices of a few dozen milliseconds with the event loop running
        in between; rows not made yet simply appear a moment later. While a slice makes many
        widgets the page is hidden: showing widgets one by one on a visible page costs far more.
        """
        self._args = (list(rows), choices_for, lang, dict(extra), show_missing)
        self._choices = {}
        self._extra_paths = set(extra)
        self._step()

    @property
    def pending(self) -> bool:
        """True while some rows are still to be made."""
        return self._args is not None

    def _next_slice(self) -> None:
        self._scheduled = False
        self._step()

    def _step(self) -> None:
        if self._args is None:
            return
        rows, choices_for, lang, extra, show_missing = self._args
        new = sum(1 for r in rows if r.path not in self.widgets)
        if new > BULK_ROWS and not self._building and self.content.isVisible():
            # many rows to make: build them on the hidden page, show it once at the end (a
            # visible page lays itself out again after every slice, which costs far more)
            self._building = True
            self._focus = QApplication.focusWidget()
            self.content.setVisible(False)
            self.placeholder.setVisible(True)
        complete = self._apply(
            rows, choices_for, lang, extra, show_missing, time.perf_counter() + SLICE_S
        )
        if not complete:
            if not self._scheduled:
                self._scheduled = True
                QTimer.singleShot(0, self, self._next_slice)
            return
        if self._building:
            self._building = False
            self.placeholder.setVisible(False)
            self.content.setVisible(True)
            if (
                self._focus is not None
                and isValid(self._focus)
                and self.content.isAncestorOf(self._focus)
            ):
                self._focus.setFocus()
            self._focus = None
        self._args = None
        self.dirty = False
        if self._reveal is not None:
            path, self._reveal = self._reveal, None
            self.reveal(path)
        self.drawn.emit()

    def _apply(
        self,
        rows: Sequence[Row],
        choices_for: ChoicesFor,
        lang: str,
        extra: Mapping[str, Sequence[Issue]],
        show_missing: bool,
        deadline: float,
    ) -> bool:
        """One slice; True when every row has its widget."""
        wanted: dict[int, list[QWidget]] = {id(self): []}
        holders: dict[int, Container | SectionPage] = {id(self): self}
        stack: list[tuple[int, Container | SectionPage, int]] = [
            (-1, self, 0)
        ]  # depth, holder, indent
        order: list[str] = []
        skip_below: int | None = None  # rows inside a container not made yet wait with it
        complete = True
        for row in rows:
            if skip_below is not None:
                if row.depth > skip_below:
                    continue
                skip_below = None
            while stack[-1][0] >= row.depth:
                stack.pop()
            _depth, parent, indent = stack[-1]
            widget = self.widgets.get(row.path)
            if widget is None or widget.kind != row.kind:
                if time.perf_counter() > deadline:
                    complete = False
                    skip_below = row.depth
                    continue
                widget = self._make(row)
            if isinstance(widget, FieldRow):
                widget.set_indent(indent)
            self._show(widget, row, choices_for, lang, extra.get(row.path, ()), show_missing)
            wanted[id(parent)].append(widget)
            order.append(row.path)
            if isinstance(widget, Container):
                stack.append((row.depth, widget, indent + widget.child_offset()))
                wanted[id(widget)] = []
                holders[id(widget)] = widget
        present = {r.path for r in rows}
        for path in [p for p in self.widgets if p not in present]:
            gone = self.widgets.pop(path)
            self._drawn.pop(path, None)
            gone.setVisible(False)
            gone.deleteLater()
        changed = False
        for key, children in wanted.items():
            changed |= holders[key].set_children(children)
        if complete and (changed or order != self.order or self._untabbed):
            self.order = order
            self._tab_order()
            self._untabbed = False
        elif not complete:
            self.order = order
            self._untabbed = True
        return complete

    def set_children(self, widgets: list[QWidget]) -> bool:
        if widgets == self.top:
            return False
        set_layout_children(self.root, widgets)
        self.top = list(widgets)
        return True

    def _make(self, row: Row) -> FieldRow | Container:
        widget = make_panel(row)
        self.widgets[row.path] = widget
        if isinstance(widget, FieldRow):
            widget.committed.connect(self.committed)
        elif isinstance(widget, RepeatPanel):
            widget.add_requested.connect(self.add_requested)
            widget.member_change_requested.connect(self.member_change_requested)
        elif isinstance(widget, InstancePanel):
            widget.remove_requested.connect(self.remove_requested)
        return widget

    def _show(
        self,
        widget: FieldRow | Container,
        row: Row,
        choices_for: ChoicesFor,
        lang: str,
        extra: Sequence[Issue],
        show_missing: bool,
    ) -> None:
        """Redraw a row's widget unless it would look exactly as it does (most rows, most times:
        a big family has hundreds of rows and one answer changes a few)."""
        choices: Sequence[Choice] = ()
        if isinstance(widget, FieldRow) and widget.field.choices is not None:
            choices = self._choices.get(row.path)  # asked once per drawing, not per slice
            if choices is None:
                choices = self._choices[row.path] = choices_for(row.path)
        signature = (row, lang, show_missing, tuple(extra), tuple(c.name for c in choices))
        if self._drawn.get(row.path) == signature:
            return
        self._drawn[row.path] = signature
        if isinstance(widget, FieldRow):
            widget.show_row(row, choices, lang, extra, show_missing)
        elif isinstance(widget, GroupPanel | RepeatPanel | InstancePanel):
            widget.show_row(row, lang, extra, show_missing)

    def forget(self, path: str) -> None:
        """Redraw this row next time even if the engine's row did not change."""
        self._drawn.pop(path, None)

    def show_extra_issues(
        self, extra: Mapping[str, Sequence[Issue]], lang: str, show_missing: bool
    ) -> None:
        """Redraw only the issue lines of places whose whole-visit problems changed."""
        if self._args is not None:
            rows, choices_for, lang_, _old, missing = self._args
            self._args = (rows, choices_for, lang_, dict(extra), missing)
        for path in self._extra_paths | set(extra):
            widget = self.widgets.get(path)
            if isinstance(widget, FieldRow):
                widget.show_row(widget.row, widget.choices, lang, extra.get(path, ()), show_missing)
            elif isinstance(widget, RepeatPanel | InstancePanel):
                style_issue_label(
                    widget.issues, shown_issues(extra.get(path, ()), show_missing), lang
                )
        self._extra_paths = set(extra)

    # -- input ------------------------------------------------------------------------------
    def show_input_error(
        self, path: str, text: str, lang: str, extra: Sequence[Issue], show_missing: bool
    ) -> None:
        """What the engine said about input it could not take ("enter a whole number")."""
        row = self.field_row(path)
        if row is not None:
            row.set_input_error(text)
            row.show_row(row.row, row.choices, lang, extra, show_missing)

    def clear_input_error(self, path: str) -> None:
        """The input was taken: its message goes even if the value is the one it had."""
        row = self.field_row(path)
        if row is not None and row.input_error is not None:
            row.set_input_error(None)
            self.forget(path)

    def commit_typing(self) -> None:
        """Hand typing that is still waiting for its pause to the engine."""
        for widget in list(self.widgets.values()):
            if isinstance(widget, FieldRow) and widget.input is not None:
                widget.input.commit_pending()

    def _tab_order(self) -> None:
        chain: list[QWidget] = []
        for path in self.order:
            widget = self.widgets.get(path)
            if widget is not None:
                chain.extend(widget.tab_widgets())
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.first_focus = chain[0] if chain else None
        self.last_focus = chain[-1] if chain else None

    # -- finding places ---------------------------------------------------------------------
    def field_row(self, path: str) -> FieldRow | None:
        w = self.widgets.get(path)
        return w if isinstance(w, FieldRow) else None

    def reveal(self, path: str, focus: bool = True) -> bool:
        """Scroll to the row at ``path`` (or its entry) and give its input the focus."""
        if self.pending and path not in self.widgets:
            self._reveal = path  # once its row is made
            return True
        widget = self.widgets.get(path)
        if widget is None and "]" in path:
            widget = self.widgets.get(path[: path.rindex("]") + 1])
        if widget is None:
            return False
        target = widget.focus_target() if isinstance(widget, FieldRow) else widget

        def go() -> None:
            self.ensureWidgetVisible(widget, 40, 80)
            if focus:
                target.setFocus()

        go()
        QTimer.singleShot(0, self, go)  # once the layout has its final geometry
        return True
