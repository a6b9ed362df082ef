"""Inputs for choices: a combo for long lists, radio buttons for short ones and for yes/no (one
tab stop; Space chooses, Delete clears), a checkable list for several choices (kept in the order
ticked, so a main cause stays first) and a box for confirmations. A saved choice a form no longer
offers is still shown, marked, so an old visit reads as it was filled in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.model import Choice, Field
from fieldsurvey.forms.rows import Row
from fieldsurvey.forms.values import display
from fieldsurvey.ui.visit.input_base import FieldInput

RADIO_MAX_CHOICES = 4
MAX_LIST_ROWS = 10


def _words(lang: str) -> tuple[str, str]:
    return ("是", "否") if lang == "zh" else ("yes", "no")


class ComboInput(FieldInput):
    """select_one with many choices (relationship, ethnic group, causes)."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(220)
        self.combo.setMaxVisibleItems(16)
        self.combo.activated.connect(lambda i: self._emit(self.combo.itemData(i)))
        self._key: tuple[Any, ...] = ()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def focus_target(self) -> QWidget:
        return self.combo

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        value = row.value if isinstance(row.value, str) else None
        names = [c.name for c in choices]
        extra = value if value is not None and value not in names else None
        key = (lang, tuple(names), extra)
        self._setting = True
        try:
            if key != self._key:
                self._key = key
                self.combo.clear()
                self.combo.addItem(
                    QCoreApplication.translate("VisitInputs", "(not answered)"), None
                )
                for c in choices:
                    self.combo.addItem(c.label.get(lang), c.name)
                if extra is not None:
                    label = display(self.field, extra, lang)
                    self.combo.addItem(
                        QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace(
                            "%1", label
                        ),
                        extra,
                    )
            index = self.combo.findData(value) if value is not None else 0
            self.combo.setCurrentIndex(max(index, 0))
        finally:
            self._setting = False


class ChoiceButton(QRadioButton):
    """A radio button on which Delete or Backspace clears the answer (the keyboard's ×)."""

    def __init__(self, clear: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clear = clear

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._clear()
            return
        super().keyPressEvent(event)


class ClearableButtons(FieldInput):
    """A row of radio buttons with a small clear button (choices can be unanswered again)."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonClicked.connect(self._clicked)
        self.box = QHBoxLayout()
        self.box.setContentsMargins(0, 0, 0, 0)
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip(QCoreApplication.translate("VisitInputs", "Clear the answer"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Delete clears from the keyboard
        self.clear_button.clicked.connect(lambda: self._emit(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.box)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.buttons: dict[Any, QRadioButton] = {}

    def focus_target(self) -> QWidget:
        # Qt makes an exclusive group one tab stop, entered at its first button; arrows choose
        return next(iter(self.buttons.values()), self)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for b in self.buttons.values():
            b.setEnabled(editable)
        self.clear_button.setVisible(editable and self.group.checkedButton() is not None)

    def _ensure(self, options: Sequence[tuple[Any, str]]) -> None:
        wanted = [k for k, _ in options]
        if list(self.buttons) != wanted:
            for b in self.buttons.values():
                self.group.removeButton(b)
                b.deleteLater()
            self.buttons = {}
            for key, _label in options:
                b = ChoiceButton(self._clear_by_key)
                b.setProperty("choice", key)
                b.setEnabled(self.editable)
                self.group.addButton(b)
                self.box.addWidget(b)
                self.buttons[key] = b
        for key, label in options:
            self.buttons[key].setText(label)

    def _select(self, value: Any) -> None:
        self._setting = True
        try:
            target = self.buttons.get(value) if value is not None else None
            if target is None:
                self.group.setExclusive(False)
                for b in self.buttons.values():
                    b.setChecked(False)
                self.group.setExclusive(True)
            else:
                target.setChecked(True)
        finally:
            self._setting = False
        self.clear_button.setVisible(self.editable and target is not None)

    def _clear_by_key(self) -> None:
        if self.editable:
            self._emit(None)

    def _clicked(self, button: QAbstractButton) -> None:
        self._emit(button.property("choice"))


class RadioInput(ClearableButtons):
    """select_one with a few choices: all visible at once, one click."""

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        value = row.value if isinstance(row.value, str) else None
        options = [(c.name, c.label.get(lang)) for c in choices]
        if value is not None and value not in {c.name for c in choices}:
            label = display(self.field, value, lang)
            options.append(
                (
                    value,
                    QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace(
                        "%1", label
                    ),
                )
            )
        self._ensure(options)
        self._select(value)


class BooleanInput(ClearableButtons):
    """Yes / no, or not answered."""

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        yes, no = _words(lang)
        self._ensure([(True, yes), (False, no)])
        self._select(row.value if isinstance(row.value, bool) else None)


class AcknowledgeInput(FieldInput):
    """A confirmation box: ticked or not answered."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.check = QCheckBox()
        self.check.toggled.connect(lambda on: self._emit(True if on else None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addStretch(1)

    def focus_target(self) -> QWidget:
        return self.check

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        self.check.setText(QCoreApplication.translate("VisitInputs", "Confirmed"))
        self._setting = True
        try:
            self.check.setChecked(row.value is True)
        finally:
            self._setting = False


class MultiChoiceInput(FieldInput):
    """select_multiple as a checkable list; the order of ticking is kept (main cause first)."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.itemChanged.connect(self._changed)
        self._order: list[str] = []
        self._key: tuple[Any, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)

    def focus_target(self) -> QWidget:
        return self.list

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        was, self._setting = self._setting, True  # changing flags emits itemChanged
        try:
            for i in range(self.list.count()):
                item = self.list.item(i)
                flags = item.flags()
                if editable:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                else:
                    flags &= ~Qt.ItemFlag.ItemIsUserCheckable
                if flags != item.flags():
                    item.setFlags(flags)
        finally:
            self._setting = was

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        value = [str(v) for v in row.value] if isinstance(row.value, list) else []
        names = [c.name for c in choices]
        options = [(c.name, c.label.get(lang)) for c in choices]
        for v in value:
            if v not in names:
                options.append(
                    (
                        v,
                        QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace(
                            "%1", display(self.field, [v], lang)
                        ),
                    )
                )
        key = (lang, tuple(options))
        self._setting = True
        try:
            if key != self._key:
                self._key = key
                self.list.clear()
                for name, label in options:
                    item = QListWidgetItem(label)
                    item.setData(Qt.ItemDataRole.UserRole, name)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    self.list.addItem(item)
                rows = min(len(options), MAX_LIST_ROWS)
                height = (
                    self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4
                    if rows
                    else 24
                )
                self.list.setFixedHeight(height)
                self.set_editable(self.editable)
            for i in range(self.list.count()):
                item = self.list.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in value
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self._order = value
        finally:
            self._setting = False

    def _changed(self, item: QListWidgetItem) -> None:
        if self._setting:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        checked = item.checkState() == Qt.CheckState.Checked
        if checked == (name in self._order):
            return  # not a tick: a label or flag changed
        order = [n for n in self._order if n != name]
        if checked:
            order.append(name)
        self._order = order
        self._emit(list(order))

    def check(self, name: str, on: bool = True) -> None:
        """Tick or untick a choice as a click would (tests, keyboard helpers)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return
        raise KeyError(name)
