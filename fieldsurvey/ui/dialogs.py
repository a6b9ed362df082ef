"""Small questions the app asks: the reason for correcting a finalized visit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.widgets import Retranslating


class AmendmentDialog(Retranslating, QDialog):
    """A finalized visit never changes; a correction is a new visit that says why."""

    reason_given = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Correct a finalized visit"))
        self.explanation.setText(
            self.tr(
                "The finalized visit stays as it is. The correction starts from its answers as a new "
                "draft and records why. Reason for the correction:"
            )
        )

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.reason.toPlainText().strip())
        )

    def _accept(self) -> None:
        text = self.reason.toPlainText().strip()
        if text:
            self.reason_given.emit(text)
            self.accept()
