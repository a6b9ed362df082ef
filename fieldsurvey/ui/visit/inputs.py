"""One input widget per field type of the form engine (text, numbers, dates, choices, yes/no).

Each input shows the engine's value and emits ``committed(raw)`` with what the user entered;
the engine coerces it (``FormSession.set_value``) and says what is wrong. Typing is committed
after a short pause and at once when the field is left, so computed values and constraint
messages follow the typing without a keystroke ever waiting on the engine. An input never
overwrites text the user is typing in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.model import Choice, Field
from fieldsurvey.forms.rows import Row
from fieldsurvey.forms.values import display

TYPING_PAUSE_MS = 350
RADIO_MAX_CHOICES = 4
MAX_LIST_ROWS = 10


def _words(lang: str) -> tuple[str, str]:
    return ("是", "否") if lang == "zh" else ("yes", "no")


class FieldInput(QWidget):
    """Base of the inputs: ``show`` draws the engine's state, ``committed`` carries user input."""

    committed = Signal(object)

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = fld
        self._setting = False
        self.editable = True

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.setEnabled(editable)

    def commit_pending(self) -> bool:
        """Hand over typing not yet committed; True if something was emitted."""
        return False

    def _emit(self, raw: Any) -> None:
        if not self._setting and self.editable:
            self.committed.emit(raw)


class LineInput(FieldInput):
    """Text, whole numbers, decimals, ID and certificate numbers: one line, committed on pause."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.line = QLineEdit()
        self.line.setObjectName("fieldLine")
        if fld.type == "id_number":
            self.line.setMaxLength(18)
        elif fld.type == "disability_cert":
            self.line.setMaxLength(20)
        if fld.type in ("integer", "decimal"):
            self.line.setMaximumWidth(200)
            self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._shown = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.commit_pending)
        self.line.textChanged.connect(self._typed)
        self.line.editingFinished.connect(self._left)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)

    def focus_target(self) -> QWidget:
        return self.line

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.line.setReadOnly(not editable)

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        if self.line.hasFocus():
            return  # the user is typing here: "1,0" must not become "10" under the cursor
        self._set_text(row.display.get(lang))

    def _set_text(self, text: str) -> None:
        self._shown = text
        if self.line.text() != text:
            self._setting = True
            try:
                self.line.setText(text)
            finally:
                self._setting = False

    def _typed(self, _text: str) -> None:
        if not self._setting and self.editable:
            self._timer.start()

    def _left(self) -> None:
        self.commit_pending()

    def commit_pending(self) -> bool:
        self._timer.stop()
        text = self.line.text()
        if text == self._shown or not self.editable:
            return False
        self._shown = text
        self._emit(text)
        return True


class MultilineInput(FieldInput):
    """Longer text (``appearance: multiline``): findings, follow-up."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(84)
        self._shown = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.commit_pending)
        self.edit.textChanged.connect(self._typed)
        self.edit.installEventFilter(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            self.commit_pending()
        return False

    def focus_target(self) -> QWidget:
        return self.edit

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.edit.setReadOnly(not editable)

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        text = row.display.get(lang)
        if self.edit.hasFocus():
            return
        self._shown = text
        if self.edit.toPlainText() != text:
            self._setting = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._setting = False

    def _typed(self) -> None:
        if not self._setting and self.editable:
            self._timer.start()

    def commit_pending(self) -> bool:
        self._timer.stop()
        text = self.edit.toPlainText()
        if text == self._shown or not self.editable:
            return False
        self._shown = text
        self._emit(text)
        return True


class DateInput(LineInput):
    """A date typed as 2024-05-01 or picked from a calendar."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.line.setMaximumWidth(140)
        self.line.setPlaceholderText("2024-05-01")
        self.pick = QToolButton()
        self.pick.setText("…")
        self.pick.setToolTip(QCoreApplication.translate("VisitInputs", "Pick a date from the calendar"))
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard types the date
        self.pick.clicked.connect(self._calendar)
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.addWidget(self.pick)
        layout.addStretch(1)
        self.calendar: QCalendarWidget | None = None

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.pick.setVisible(editable)

    def _calendar(self) -> None:
        calendar = QCalendarWidget(self, Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        try:
            current = date.fromisoformat(self.line.text().strip())
            calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        except ValueError:
            calendar.setSelectedDate(QDate.currentDate())
        calendar.clicked.connect(lambda d: self._picked(calendar, d))
        calendar.activated.connect(lambda d: self._picked(calendar, d))
        calendar.move(self.pick.mapToGlobal(QPoint(0, self.pick.height())))
        calendar.show()
        self.calendar = calendar

    def _picked(self, calendar: QCalendarWidget, day: QDate) -> None:
        calendar.close()
        self.calendar = None
        self.line.setText(day.toString("yyyy-MM-dd"))
        self.commit_pending()


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
                self.combo.addItem(QCoreApplication.translate("VisitInputs", "(not answered)"), None)
                for c in choices:
                    self.combo.addItem(c.label.get(lang), c.name)
                if extra is not None:
                    label = display(self.field, extra, lang)
                    self.combo.addItem(QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace("%1", label), extra)
            index = self.combo.findData(value) if value is not None else 0
            self.combo.setCurrentIndex(max(index, 0))
        finally:
            self._setting = False


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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.editable):
            self._emit(None)
            return True
        return False

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
                b = QRadioButton()
                b.setProperty("choice", key)
                b.setEnabled(self.editable)
                b.installEventFilter(self)
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

    def _clicked(self, button: QAbstractButton) -> None:
        self._emit(button.property("choice"))


class RadioInput(ClearableButtons):
    """select_one with a few choices: all visible at once, one click."""

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        value = row.value if isinstance(row.value, str) else None
        options = [(c.name, c.label.get(lang)) for c in choices]
        if value is not None and value not in {c.name for c in choices}:
            label = display(self.field, value, lang)
            options.append((value, QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace("%1", label)))
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
                options.append((v, QCoreApplication.translate("VisitInputs", "%1 (no longer offered)").replace("%1", display(self.field, [v], lang))))
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
                height = self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4 if rows else 24
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


def make_input(fld: Field) -> FieldInput:
    """The widget for one field type; radios for short choice lists unless ``minimal``."""
    t = fld.type
    if t in ("select_one",):
        n = len(fld.choices.choices) if fld.choices else 0
        if n <= RADIO_MAX_CHOICES and fld.appearance != "minimal" and fld.choice_filter is None:
            return RadioInput(fld)
        return ComboInput(fld)
    if t == "select_multiple":
        return MultiChoiceInput(fld)
    if t == "boolean":
        return BooleanInput(fld)
    if t == "acknowledge":
        return AcknowledgeInput(fld)
    if t == "date":
        return DateInput(fld)
    if t == "text" and fld.appearance == "multiline":
        return MultilineInput(fld)
    return LineInput(fld)
