"""Signing in to the county server: address, user name, password; the session opens on a worker.

The password goes to the server once, in the login request, and is never kept; the address and
user name are remembered for next time. The server's answer says which role the account has,
which decides the tabs the window shows. An ``http://`` address on another computer is used only
after the user says yes to a warning (``ui/insecure_http.py``); too many failed attempts get the
server's sentence saying when to try again.
"""

from __future__ import annotations

from pydantic import RootModel
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from fieldsurvey.api.county import DivisionRow
from fieldsurvey.core.errors import UserError
from fieldsurvey.sync.urls import is_insecure_http
from fieldsurvey.ui.county.api import CountyApi, normalise_url
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.form_dialog import FormDialog, name_rows
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.insecure_http import ask_insecure_http, refused_text
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import heading

Divisions = RootModel[list[DivisionRow]]


class SignInDialog(FormDialog):
    """Emits ``signed_in()`` once ``ctx.api`` is a signed-in session and the places are loaded."""

    signed_in = Signal()

    def __init__(
        self, ctx: CountyContext, server_url: str | None = None, parent: QWidget | None = None
    ) -> None:
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
        self.lay_out(
            (self.server, self.username, self.password),
            self.try_sign_in,
            above=(self.title, self.subtitle),
        )
        self.setMinimumWidth(480)
        (self.password if self.username.text() else self.username).setFocus()
        self._busy = False
        self.confirmed_insecure: set[str] = (
            set()
        )  # http:// addresses the user said yes to, this time
        self.insecure_box: QMessageBox | None = None
        self.retranslate()
        self.error.setText(ctx.signed_out_because)  # e.g. an administrator ended the last session
        ctx.signed_out_because = ""

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in to the county server"))
        self.title.setText(self.tr("FieldSurvey county mode"))
        self.subtitle.setText(
            self.tr(
                "Sign in with your account on the county server. What you may see and change "
                "is decided by the server for your account."
            )
        )
        name_rows(self.form, (self.tr("Server:"), self.tr("User name:"), self.tr("Password:")))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))

    def try_sign_in(self) -> None:
        if self._busy:
            return
        user, password = self.username.text().strip(), self.password.text()
        if not user or not password:
            self.error.setText(self.tr("Enter your user name and password."))
            return
        try:
            url = normalise_url(self.server.text())
        except UserError as e:
            self.error.setText(message_for(e) or "")
            return
        allowed = url in self.confirmed_insecure
        if is_insecure_http(url) and not allowed:
            self.ask_insecure(url)
            return
        self._busy = True
        self.error.clear()
        self.buttons.setEnabled(False)

        def op(_env: OpEnv) -> tuple[CountyApi, list[DivisionRow]]:
            api = CountyApi(url, allow_insecure_http=allowed)
            try:
                api.sign_in(user, password)
                return api, api.get_as(Divisions, "/villages").root
            except BaseException:
                api.close()
                raise

        self.ctx.ops.run(op, owner=self, on_done=self._done, on_error=self._failed, name="sign in")

    def ask_insecure(self, url: str) -> QMessageBox:
        def yes() -> None:
            self.insecure_box = None
            self.confirmed_insecure.add(url)
            self.try_sign_in()

        def no() -> None:
            self.insecure_box = None
            self.error.setText(refused_text())

        self.insecure_box = ask_insecure_http(self, url, yes, no)
        return self.insecure_box

    def _done(self, result: tuple[CountyApi, list[DivisionRow]]) -> None:
        api, divisions = result
        self._busy = False
        self.buttons.setEnabled(True)
        self.password.clear()
        self.ctx.api = api
        api.on_lost = self.ctx.session_lost.emit  # from the worker; delivered on the main thread
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
