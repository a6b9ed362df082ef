"""The unlock screen: the passphrase (or the recovery key) opens the store on the worker.

Argon2id takes a noticeable moment on purpose, so the key derivation runs on the database
worker and the screen shows that it is working. A wrong passphrase is a sentence under the
field, in the user's language; the field is cleared and keeps the focus.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext, Profile
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.widgets import Retranslating, error_label, heading


class UnlockPage(Retranslating, QWidget):
    """Emits ``unlocked(profile, used_recovery_key)`` once the store is open, ``refused(message)``
    when it would not open (the message shown under the field)."""

    unlocked = Signal(object, bool)
    refused = Signal(str)

    def __init__(
        self, ctx: AppContext, passphrase_hint: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._recovery_mode = False
        self._busy = False
        self._hint = passphrase_hint

        self.title = heading(size_delta=8)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.prompt = QLabel()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMinimumWidth(320)
        self.secret.returnPressed.connect(self.try_unlock)
        self.show_secret = QCheckBox()
        self.show_secret.toggled.connect(self._toggle_echo)
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.mode_button = QPushButton()
        self.mode_button.setFlat(True)
        self.mode_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.mode_button.clicked.connect(self._toggle_mode)
        self.error = error_label()
        self.status = QLabel()
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label.setStyleSheet(
            "background: #fff8e1; border: 1px solid #e0c36a; padding: 8px;"
        )
        self.folder = QLabel()
        self.folder.setStyleSheet("color: #666;")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addSpacing(8)
        inner.addWidget(self.hint_label)
        inner.addWidget(self.prompt)
        inner.addWidget(self.secret)
        row = QHBoxLayout()
        row.addWidget(self.show_secret)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        inner.addLayout(row)
        inner.addWidget(self.error)
        inner.addWidget(self.status)
        inner.addWidget(self.mode_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(self.folder)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(box, 3)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)

        if passphrase_hint:
            self.secret.setText(passphrase_hint)
        self.hint_label.setVisible(bool(passphrase_hint))
        self.setTabOrder(self.secret, self.show_secret)
        self.setTabOrder(self.show_secret, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.mode_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("FieldSurvey household visits"))
        self.subtitle.setText(
            self.tr(
                "The household data on this computer is encrypted. Enter your passphrase to open it."
            )
        )
        if self._recovery_mode:
            self.prompt.setText(
                self.tr("Recovery key (the 8 groups of letters shown when the data was set up):")
            )
            self.mode_button.setText(self.tr("Use the passphrase instead"))
        else:
            self.prompt.setText(self.tr("Passphrase:"))
            self.mode_button.setText(self.tr("Forgot the passphrase? Use the recovery key"))
        self.show_secret.setText(self.tr("Show what I type"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.status.setText(self.tr("Unlocking… this takes a moment.") if self._busy else "")
        if self._hint:
            self.hint_label.setText(
                self.tr(
                    "Demo data: the passphrase printed when it was prepared is already filled in: %1"
                ).replace("%1", self._hint)
            )
        self.folder.setText(self.tr("Data folder: %1").replace("%1", str(self.ctx.data_dir)))

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.secret.setFocus()

    # -- actions ----------------------------------------------------------------------------
    def _toggle_echo(self, shown: bool) -> None:
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def _toggle_mode(self) -> None:
        self._recovery_mode = not self._recovery_mode
        self.secret.clear()
        self.error.clear()
        self.show_secret.setChecked(self._recovery_mode)
        self.retranslate()
        self.secret.setFocus()

    def try_unlock(self) -> None:
        if self._busy:
            return
        secret = self.secret.text()
        if not secret.strip():
            self.error.setText(
                self.tr("Enter the recovery key.")
                if self._recovery_mode
                else self.tr("Enter the passphrase.")
            )
            return
        self._set_busy(True)
        if self._recovery_mode:
            fn = ops.unlock(self.ctx.data_dir, recovery_key=secret)
        else:
            fn = ops.unlock(self.ctx.data_dir, passphrase=secret)
        used_recovery = self._recovery_mode
        self.ctx.ops.run(
            fn,
            owner=self,
            on_done=lambda profile: self._done(profile, used_recovery),
            on_error=self._failed,
            name="unlock",
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.secret.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.mode_button.setEnabled(not busy)
        self.error.clear()
        self.retranslate()

    def _done(self, profile: Profile, used_recovery: bool) -> None:
        self._set_busy(False)
        self.secret.clear()
        self.hint_label.hide()
        self.unlocked.emit(profile, used_recovery)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, Cancelled):
            return
        self.error.setText(message_for(error) or "")
        self.refused.emit(self.error.text())
        if isinstance(error, UserError):
            self.secret.selectAll()
        self.secret.setFocus()

    def reset(self) -> None:
        """Back to a fresh screen (after a lock)."""
        self._recovery_mode = False
        self.secret.clear()
        self.error.clear()
        self.show_secret.setChecked(False)
        self.retranslate()
