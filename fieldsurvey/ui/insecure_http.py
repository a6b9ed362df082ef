"""Asking before plain ``http://`` to another computer (county sign-in, a laptop's enrollment).

The rule is ``sync.urls``: only this computer's own addresses may be used without TLS unasked. The
question says what is at stake in plain words and defaults to No; the caller goes on only after
Yes, for that one address.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_insecure_http(
    parent: QWidget | None, url: str, on_yes: Callable[[], None], on_no: Callable[[], None]
) -> QMessageBox:
    """A non-blocking Yes/No question (No by default); calls ``on_yes`` or ``on_no`` once answered."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("InsecureHttp", "Unencrypted connection"),
        QCoreApplication.translate(
            "InsecureHttp",
            "%1 is an unencrypted http:// address on another computer. Passwords, codes and the households' "
            "personal data would cross the network readable by anyone on it, the office network included.\n\n"
            "Ask the county's administrator for the https:// address. Go on without encryption anyway?",
        ).replace("%1", url),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: object) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
            on_yes()
        else:
            on_no()

    box.buttonClicked.connect(answered)
    box.open()
    return box


def refused_text() -> str:
    return QCoreApplication.translate(
        "InsecureHttp",
        "Not connected: use the server's https:// address, or confirm the unencrypted one.",
    )
