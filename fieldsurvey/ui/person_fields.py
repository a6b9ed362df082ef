"""Entering a person: name, ID number, relationship; sex and birth date come from the ID number.

Used by the new-household and member-change dialogs. The ID number is checked as it is typed and
the sentence says what is wrong (never echoing the number).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import Member
from fieldsurvey.core.ids import IdNumberError, IdNumberInfo, parse_id_number
from fieldsurvey.ui.i18n import code_label, t
from fieldsurvey.ui.widgets import Retranslating


class PersonFields(Retranslating, QWidget):
    changed = Signal()

    def __init__(self, *, head: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.head = head
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(18)
        self.derived = QLabel()
        self.relation = QComboBox()
        self.health = QComboBox()
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.labels = [QLabel() for _ in range(5)]
        self.form.addRow(self.labels[0], self.name)
        self.form.addRow(self.labels[1], self.id_number)
        self.form.addRow(self.labels[2], self.derived)
        self.form.addRow(self.labels[3], self.relation)
        self.form.addRow(self.labels[4], self.health)
        for label, w in zip(
            self.labels,
            (self.name, self.id_number, self.derived, self.relation, self.health),
            strict=True,
        ):
            label.setBuddy(w)
        self.relation.setVisible(not head)
        self.labels[3].setVisible(not head)
        self.name.textChanged.connect(self.changed)
        self.id_number.textChanged.connect(self._id_changed)
        self.relation.currentIndexChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(
            self.labels,
            (
                self.tr("&Name:"),
                self.tr("&ID number:"),
                self.tr("Sex, born:"),
                self.tr("&Relationship to head:"),
                self.tr("&Health:"),
            ),
            strict=True,
        ):
            label.setText(text)
        current = self.relation.currentData()
        self.relation.clear()
        self.relation.addItem(self.tr("(choose)"), None)
        for c in code_list("relation"):
            if c.code not in ("01", "02"):
                self.relation.addItem(t(c.label), c.code)
        self.relation.setCurrentIndex(max(0, self.relation.findData(current)) if current else 0)
        health = self.health.currentData()
        self.health.clear()
        self.health.addItem(self.tr("(not recorded)"), None)
        for c in code_list("health"):
            self.health.addItem(t(c.label), c.code)
        self.health.setCurrentIndex(max(0, self.health.findData(health)) if health else 0)
        self._id_changed()

    def id_info(self) -> IdNumberInfo | None:
        try:
            return parse_id_number(self.id_number.text())
        except IdNumberError:
            return None

    def _id_changed(self) -> None:
        text = self.id_number.text().strip()
        if not text:
            self.derived.setText(self.tr("from the ID number"))
            self.derived.setStyleSheet("color: #666;")
        else:
            try:
                info = parse_id_number(text)
            except IdNumberError as e:
                self.derived.setText(t(e.text))
                self.derived.setStyleSheet("color: #b3261e;")
            else:
                self.derived.setText(
                    self.tr("%1, %2")
                    .replace("%1", code_label("sex", info.sex))
                    .replace("%2", info.birth_date.isoformat())
                )
                self.derived.setStyleSheet("")
        self.changed.emit()

    def problem(self) -> str:
        if not self.name.text().strip():
            return self.tr("Enter the name.")
        text = self.id_number.text().strip()
        if not text:
            return self.tr("Enter the ID number.")
        try:
            parse_id_number(text)
        except IdNumberError as e:
            return t(e.text)
        if not self.head and self.relation.currentData() is None:
            return self.tr("Choose the relationship to the head.")
        return ""

    def member(self) -> Member:
        info = self.id_info()
        assert info is not None
        return Member(
            name=self.name.text().strip(),
            id_number=info.id_number,
            relation="02" if self.head else str(self.relation.currentData()),
            sex=info.sex,
            birth_date=info.birth_date,
            health=self.health.currentData(),
        )
