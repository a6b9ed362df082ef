"""Choosing a passphrase: two fields and a strength meter that explains itself.

The rules are ``fieldsurvey.core.passphrase`` (the command line uses the same ones); this widget
only shows them as the user types.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from fieldsurvey.core.passphrase import check_strength
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.widgets import Retranslating

COLOURS = ("#b3261e", "#b3261e", "#c77700", "#1e7b34", "#1e7b34")


class PassphraseFields(Retranslating, QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.label_first = QLabel()
        self.label_second = QLabel()
        self.form.addRow(self.label_first, self.first)
        self.form.addRow("", self.meter)
        self.form.addRow("", self.verdict)
        self.form.addRow(self.label_second, self.second)
        self.retranslate()

    def retranslate(self) -> None:
        self.label_first.setText(self.tr("New passphrase:"))
        self.label_second.setText(self.tr("Repeat it:"))
        self.first.setPlaceholderText(
            self.tr("at least 8 characters; a short sentence is easy to remember")
        )
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def is_valid(self) -> bool:
        text = self.first.text()
        return bool(text) and check_strength(text).acceptable and text == self.second.text()

    def problem(self) -> str:
        """What keeps the passphrase from being accepted, in one sentence ("" when fine)."""
        text = self.first.text()
        if not text:
            return self.tr("Choose a passphrase.")
        strength = check_strength(text)
        if not strength.acceptable:
            return t(strength.problems[0])
        if text != self.second.text():
            return self.tr("The two passphrases are not the same.")
        return ""

    def _update(self) -> None:
        text = self.first.text()
        strength = check_strength(text)
        self.meter.setValue(strength.score if text else 0)
        colour = COLOURS[strength.score]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        if not text:
            self.verdict.setText("")
        elif strength.acceptable:
            verdict = self.tr("Strength: %1").replace("%1", t(strength.label))
            if self.second.text() and text != self.second.text():
                verdict += " — " + self.tr("the two passphrases are not the same")
            self.verdict.setText(verdict)
        else:
            self.verdict.setText(
                self.tr("Too weak: %1").replace("%1", "; ".join(t(p) for p in strength.problems))
            )
        self.verdict.setStyleSheet(f"color: {colour};")
        self.changed.emit()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
