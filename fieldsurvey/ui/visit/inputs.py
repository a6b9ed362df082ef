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

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from fieldsurvey.forms.model import Choice, Field
from fieldsurvey.forms.rows import Row
from fieldsurvey.ui.visit.choice_inputs import (
    RADIO_MAX_CHOICES,
    AcknowledgeInput,
    BooleanInput,
    ClearableButtons,
    ComboInput,
    MultiChoiceInput,
    RadioInput,
)
from fieldsurvey.ui.visit.input_base import TYPING_PAUSE_MS, FieldInput

__all__ = [
    "AcknowledgeInput",
    "BooleanInput",
    "ClearableButtons",
    "ComboInput",
    "DateInput",
    "FieldInput",
    "LineInput",
    "MultiChoiceInput",
    "MultilineInput",
    "RadioInput",
    "make_input",
]


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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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
        self.pick.setToolTip(
            QCoreApplication.translate("VisitInputs", "Pick a date from the calendar")
        )
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
    if t in ("time", "datetime", "geopoint", "range", "rank"):
        from fieldsurvey.ui.visit import more_inputs  # imports LineInput from here

        return {
            "time": more_inputs.TimeInput,
            "datetime": more_inputs.DateTimeInput,
            "geopoint": more_inputs.GeopointInput,
            "range": more_inputs.RangeInput,
            "rank": more_inputs.RankInput,
        }[t](fld)
    if t == "photo":
        from fieldsurvey.ui.visit.photo_input import PhotoInput

        return PhotoInput(fld)
    if t == "text" and fld.appearance == "multiline":
        return MultilineInput(fld)
    return LineInput(fld)
