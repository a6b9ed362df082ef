"""The administration page's dialogs: a new user, a new password, a user's villages, a village's
rural population. Each checks what it can before the page sends it (a weak password, a figure
without its source); the server checks again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.dashboard import Population
from fieldsurvey.core.passphrase import check_strength
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.form_dialog import FormDialog, name_rows, ok_cancel
from fieldsurvey.ui.i18n import t


class NewUserDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for code in ("secretary", "county_staff", "admin"):
            self.role.addItem(labels.role(code), code)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.lay_out((self.username, self.display_name, self.role, self.password), self._accept)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add a user"))
        name_rows(
            self.form,
            (self.tr("User name:"), self.tr("Name shown:"), self.tr("Role:"), self.tr("Password:")),
        )
        self.password.setPlaceholderText(
            self.tr("at least 8 characters; empty for a laptop-only secretary")
        )

    def _accept(self) -> None:
        if not self.username.text().strip():
            self.error.setText(self.tr("Enter a user name."))
            return
        strength = check_strength(self.password.text())
        if self.password.text() and not strength.acceptable:
            self.error.setText(t(strength.problems[0]))  # the server applies the same rule
            return
        self.accept()

    def body(self) -> dict[str, Any]:
        return {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip() or None,
            "role": self.role.currentData(),
            "password": self.password.text() or None,
        }


class PasswordDialog(FormDialog):
    """A new password for a user, typed twice; the strength rule is the laptop's (and the server's)."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = username
        self.first = QLineEdit()
        self.second = QLineEdit()
        for w in (self.first, self.second):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.lay_out((self.first, self.second), self._accept, above=(self.note,))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New password for %1").replace("%1", self.username))
        self.note.setText(
            self.tr(
                "%1 is signed out everywhere and signs in again with the new password; "
                "a sign-in lock is lifted."
            ).replace("%1", self.username)
        )
        name_rows(self.form, (self.tr("New password:"), self.tr("Repeat it:")))

    def _accept(self) -> None:
        strength = check_strength(self.first.text())
        if not strength.acceptable:
            self.error.setText(t(strength.problems[0]))
            return
        if self.first.text() != self.second.text():
            self.error.setText(self.tr("The two passwords are not the same."))
            return
        self.accept()

    def password(self) -> str:
        return self.first.text()


class VillagesDialog(QDialog):
    """Tick the villages a user works in."""

    def __init__(
        self, ctx: CountyContext, username: str, current: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Villages of %1").replace("%1", username))
        self.list = QListWidget()
        for code, name in ctx.villages():
            item = QListWidgetItem(f"{ctx.place_name(code[:9])} · {name}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(
                Qt.CheckState.Checked if code in current else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(ok_cancel(self, self.accept))
        self.resize(420, 480)

    def chosen(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]


class PopulationDialog(FormDialog):
    """A village's rural population and where the figure comes from (0: withdraw it)."""

    def __init__(self, row: Population, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.number = QSpinBox()
        self.number.setRange(0, 10_000_000)
        self.number.setValue(row.rural_population or 0)
        self.source = QLineEdit(row.source or "")
        self.lay_out((self.number, self.source), self._accept)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Rural population of %1").replace("%1", self.row.village))
        name_rows(
            self.form,
            (self.tr("Rural population (0: not known):"), self.tr("Where the figure comes from:")),
        )

    def _accept(self) -> None:
        if self.number.value() and not self.source.text().strip():
            self.error.setText(self.tr("Say where the figure comes from."))
            return
        self.accept()

    def body(self) -> dict[str, Any]:
        return {
            "rural_population": self.number.value() or None,
            "source": self.source.text().strip(),
        }
