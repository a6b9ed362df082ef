"""Signing in to the county server: address, user name, password; the session opens on a worker.

The password goes to the server once, in the login request, and is never kept; the address and
user name are remembered for next time. The server's answer says which role the account has,
which decides the tabs the window shows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.county.api import CountyApi
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import Retranslating, error_label, heading


class SignInDialog(Retranslating, QDialog):
    """Emits ``signed_in()`` once ``ctx.api`` is a signed-in session and the places are loaded."""

    signed_in = Signal()

    def __init__(self, ctx: CountyContext, server_url: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = heading(size_delta=6)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.server = QLineEdit(server_url or ctx.last.server_url or "http://127.0.0.1:8400")
        self.username = QLineEdit(ctx.last.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_sign_in)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), self.server)
        self.form.addRow(QLabel(), self.username)
        self.form.addRow(QLabel(), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        (self.password if self.username.text() else self.username).setFocus()
        self._busy = False
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in to the county server"))
        self.title.setText(self.tr("FieldSurvey county mode"))
        self.subtitle.setText(self.tr("Sign in with your account on the county server. What you may see and change "
                                      "is decided by the server for your account."))
        for i, text in enumerate((self.tr("Server:"), self.tr("User name:"), self.tr("Password:"))):
            item = self.form.itemAt(i, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)  # type: ignore[attr-defined]
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))

    def try_sign_in(self) -> None:
        if self._busy:
            return
        url, user, password = self.server.text().strip(), self.username.text().strip(), self.password.text()
        if not user or not password:
            self.error.setText(self.tr("Enter your user name and password."))
            return
        self._busy = True
        self.error.clear()
        self.buttons.setEnabled(False)

        def op(_env: OpEnv) -> tuple[CountyApi, list[dict[str, Any]]]:
            api = CountyApi(url)
            try:
                api.sign_in(user, password)
                return api, list(api.get("/villages"))
            except BaseException:
                api.close()
                raise

        self.ctx.ops.run(op, owner=self, on_done=self._done, on_error=self._failed, name="sign in")

    def _done(self, result: tuple[CountyApi, list[dict[str, Any]]]) -> None:
        api, divisions = result
        self._busy = False
        self.buttons.setEnabled(True)
        self.password.clear()
        self.ctx.api = api
        self.ctx.set_divisions(divisions)
        self.ctx.last.save(api.server_url, api.me.username if api.me else "")
        self.accept()
        self.signed_in.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.error.setText(message_for(error) or "")
