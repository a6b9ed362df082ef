"""Inputs for the field types imported XLSForms bring: time, date and time, coordinates typed
on a laptop without GPS, a range (a slider) and a ranking (a list put in order).

Like every input they only show the engine's value and emit what the user entered; the engine
(``forms/values.py``) checks it — a time, a date-time, latitude −90..90 and longitude −180..180,
a value on the range's steps — and says what is wrong in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.model import Choice, Field
from fieldsurvey.forms.rows import Row
from fieldsurvey.forms.values import geopoint_parts
from fieldsurvey.ui.visit.input_base import FieldInput
from fieldsurvey.ui.visit.inputs import LineInput


def _tool(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard types; buttons are shortcuts
    return button


class TimeInput(LineInput):
    """A time of day typed as 14:30."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.line.setMaximumWidth(110)
        self.line.setPlaceholderText("14:30")
        self.now = _tool(
            QCoreApplication.translate("VisitInputs", "Now"),
            QCoreApplication.translate("VisitInputs", "Fill in the time now"),
        )
        self.now.clicked.connect(lambda: self._fill(datetime.now().strftime("%H:%M")))
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.addWidget(self.now)
        layout.addStretch(1)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.now.setVisible(editable)

    def _fill(self, text: str) -> None:
        self.line.setText(text)
        self.commit_pending()


class DateTimeInput(TimeInput):
    """A date and time typed as 2024-05-01 14:30 (the laptop's time zone is kept with it)."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.line.setMaximumWidth(170)
        self.line.setPlaceholderText("2024-05-01 14:30")
        self.now.setToolTip(
            QCoreApplication.translate("VisitInputs", "Fill in the date and time now")
        )
        self.now.clicked.disconnect()
        self.now.clicked.connect(lambda: self._fill(datetime.now().strftime("%Y-%m-%d %H:%M")))


class GeopointInput(LineInput):
    """Coordinates on a laptop without GPS: latitude and longitude (and altitude) typed or pasted
    from a map, e.g. '30.6586, 104.0647'. The accuracy stays empty: nothing measured it."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.line.setMaximumWidth(300)
        self.line.setPlaceholderText(
            QCoreApplication.translate(
                "VisitInputs", "latitude longitude [altitude], e.g. 30.6586 104.0647"
            )
        )
        self.line.setToolTip(
            QCoreApplication.translate(
                "VisitInputs",
                "Type or paste the coordinates (decimal degrees): latitude −90 to 90, longitude "
                "−180 to 180, then the altitude in metres if known.",
            )
        )
        self.parts = QLabel()
        self.parts.setObjectName("geopointParts")
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.addWidget(self.parts)
        layout.addStretch(1)

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        super().show_row(row, choices, lang)
        lat, lon, alt, _accuracy = geopoint_parts(row.value)
        if lat is None or lon is None:
            self.parts.setText("")
            return
        shown = (
            QCoreApplication.translate("VisitInputs", "lat %1, lon %2")
            .replace("%1", f"{lat:g}")
            .replace("%2", f"{lon:g}")
        )
        if alt is not None:
            shown += QCoreApplication.translate("VisitInputs", ", altitude %1 m").replace(
                "%1", f"{alt:g}"
            )
        self.parts.setText(
            shown + QCoreApplication.translate("VisitInputs", "; accuracy: none (typed)")
        )


class RangeInput(FieldInput):
    """A range as a slider over its steps, with the value beside it and a clear button."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        spec = fld.range
        self.start = spec.start if spec else 1.0
        self.step = spec.step if spec and spec.step else 1.0
        end = spec.end if spec else 10.0
        self.sign = 1 if end >= self.start else -1  # ODK allows a range that counts down
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round(abs(end - self.start) / self.step))
        self.slider.setSingleStep(1)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setMinimumWidth(200)
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(48)
        self.clear_button = _tool(
            "×", QCoreApplication.translate("VisitInputs", "Clear the answer")
        )
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(lambda: self._emit(None))
        self.slider.valueChanged.connect(self._moved)
        self.slider.sliderReleased.connect(lambda: self._commit(self.slider.value()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider)
        layout.addWidget(self.value_label)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)

    def focus_target(self) -> QWidget:
        return self.slider

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.slider.setEnabled(editable)
        self.clear_button.setVisible(editable)

    def value_at(self, position: int) -> int | float:
        value = self.start + self.sign * position * self.step
        return int(value) if float(value).is_integer() else round(value, 10)

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        self._setting = True
        try:
            if isinstance(row.value, int | float) and not isinstance(row.value, bool):
                self.slider.setValue(round(abs(row.value - self.start) / self.step))
                self.value_label.setText(row.display.get(lang))
            else:
                self.slider.setValue(0)
                self.value_label.setText("—")
        finally:
            self._setting = False

    def _moved(self, position: int) -> None:
        self.value_label.setText(str(self.value_at(position)))
        if not self.slider.isSliderDown():
            self._commit(position)  # keyboard or a click on the groove

    def _commit(self, position: int) -> None:
        self._emit(self.value_at(position))


class RankInput(FieldInput):
    """A ranking: the choices in a list, put in order with Up and Down (most important first).
    ODK saves every choice in its rank; an unranked field shows the form's order until the
    user moves one or accepts the order as it is."""

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(fld, parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.up = _tool("↑", QCoreApplication.translate("VisitInputs", "Move up"))
        self.down = _tool("↓", QCoreApplication.translate("VisitInputs", "Move down"))
        self.accept = _tool(
            QCoreApplication.translate("VisitInputs", "Accept order"),
            QCoreApplication.translate("VisitInputs", "Rank the items in the order shown"),
        )
        self.clear_button = _tool(
            "×", QCoreApplication.translate("VisitInputs", "Clear the answer")
        )
        self.up.clicked.connect(lambda: self.move(-1))
        self.down.clicked.connect(lambda: self.move(1))
        self.accept.clicked.connect(lambda: self._emit(self.order()))
        self.clear_button.clicked.connect(lambda: self._emit(None))
        buttons = QVBoxLayout()
        for b in (self.up, self.down, self.accept, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.ranked = False

    def focus_target(self) -> QWidget:
        return self.list

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for b in (self.up, self.down, self.accept, self.clear_button):
            b.setVisible(editable)

    def order(self) -> list[str]:
        return [
            str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        labels = {c.name: c.label.get(lang) for c in choices}
        value = [str(v) for v in row.value] if isinstance(row.value, list) else []
        self.ranked = bool(value)
        names = [n for n in value if n in labels] + [c.name for c in choices if c.name not in value]
        current = self.list.currentRow()
        self.list.clear()
        for i, name in enumerate(names, start=1):
            text = f"{i}. {labels.get(name, name)}" if self.ranked else labels.get(name, name)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list.addItem(item)
        self.list.setFixedHeight(
            self.list.sizeHintForRow(0) * max(len(names), 1) + 2 * self.list.frameWidth() + 4
        )
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
        self.accept.setEnabled(not self.ranked)

    def move(self, by: int) -> None:
        """Move the selected item up (-1) or down (+1) and save the whole order."""
        row = self.list.currentRow()
        target = row + by
        if row < 0 or not 0 <= target < self.list.count() or not self.editable:
            return
        order = self.order()
        order[row], order[target] = order[target], order[row]
        self.list.setCurrentRow(target)
        self._emit(order)
