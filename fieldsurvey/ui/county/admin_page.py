"""Administration (admins only): users and their villages, enrollment codes, devices, sessions, populations, audit.

Everything goes through the server's admin endpoints, which check the role again and audit each
change. An enrollment code is shown once, with its expiry and the county's key fingerprint, to
be read to the secretary or written down; only its hash stays on the server. Disabling a user
signs them out and stops their laptops at once; a password reset signs them out; a sign-in lock
left by someone guessing can be lifted; any open session can be ended.
"""

from __future__ import annotations

from typing import Any

from pydantic import RootModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.admin import (
    DeviceRevoked,
    Disabled,
    EnrollCode,
    PasswordSet,
    SessionsEnded,
    Unlocked,
    UserAdded,
    VillagesAssigned,
)
from fieldsurvey.api.county import AuditEntry, AuditVerify, DeviceRow, Page, SessionRow, UserRow
from fieldsurvey.api.dashboard import Population, PopulationSet
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.admin_dialogs import (
    NewUserDialog,
    PasswordDialog,
    PopulationDialog,
    VillagesDialog,
)
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, inform

# the administration lists, read whole (an admin's county has hundreds of users, not thousands)
Users = RootModel[list[UserRow]]
Devices = RootModel[list[DeviceRow]]
Populations = RootModel[list[Population]]
Sessions = RootModel[list[SessionRow]]


class AdminPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserRow] = []
        self.devices: list[DeviceRow] = []
        self.populations: list[Population] = []
        self.audit: list[AuditEntry] = []
        self.sessions: list[SessionRow] = []
        self.last_code: EnrollCode | None = None  # the code just shown (it is never shown again)
        self.tabs = QTabWidget()
        self.user_table = ReadOnlyTable()
        self.add_user_button = QPushButton()
        self.villages_button = QPushButton()
        self.code_button = QPushButton()
        self.code_minutes = QSpinBox()
        self.code_minutes.setRange(5, 1440)
        self.code_minutes.setValue(30)
        self.add_user_button.clicked.connect(self.add_user)
        self.villages_button.clicked.connect(self.assign_villages)
        self.code_button.clicked.connect(self.enrollment_code)
        self.disable_button = QPushButton()
        self.disable_button.clicked.connect(self.disable_user)
        self.enable_button = QPushButton()
        self.enable_button.clicked.connect(self.enable_user)
        self.password_button = QPushButton()
        self.password_button.clicked.connect(self.reset_password)
        self.unlock_button = QPushButton()
        self.unlock_button.clicked.connect(self.unlock_user)
        self.session_table = ReadOnlyTable()
        self.end_session_button = QPushButton()
        self.end_session_button.clicked.connect(self.end_session)
        self.device_table = ReadOnlyTable()
        self.revoke_button = QPushButton()
        self.revoke_button.clicked.connect(self.revoke)
        self.population_table = ReadOnlyTable()
        self.population_button = QPushButton()
        self.population_button.clicked.connect(self.edit_population)
        self.audit_table = ReadOnlyTable()
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify_audit)
        self.audit_result = QLabel()
        self.audit_result.setWordWrap(True)
        self.code_minutes_label = QLabel()
        self.tabs.addTab(
            self._tab(
                self.user_table,
                [
                    self.add_user_button,
                    self.villages_button,
                    self.code_minutes_label,
                    self.code_minutes,
                    self.code_button,
                ],
                [self.disable_button, self.enable_button, self.password_button, self.unlock_button],
            ),
            "",
        )
        self.tabs.addTab(self._tab(self.device_table, [self.revoke_button]), "")
        self.tabs.addTab(self._tab(self.session_table, [self.end_session_button]), "")
        self.tabs.addTab(self._tab(self.population_table, [self.population_button]), "")
        self.tabs.addTab(self._tab(self.audit_table, [self.verify_button, self.audit_result]), "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.retranslate()

    @staticmethod
    def _tab(table: ReadOnlyTable, *rows: list[QWidget]) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        for buttons in rows:
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            v.addLayout(row)
        v.addWidget(table, 1)
        return page

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        def op(_env: OpEnv) -> tuple[Any, ...]:
            api = self.ctx.client
            return (
                api.get_as(Users, "/admin/users").root,
                api.get_as(Devices, "/admin/devices").root,
                api.get_as(Populations, "/populations").root,
                api.get_as(Page[AuditEntry], "/audit", params={"limit": 200}).items,
                api.get_as(Sessions, "/admin/sessions").root,
            )

        def done(result: tuple[Any, ...]) -> None:
            self.users, self.devices, self.populations, self.audit, self.sessions = result
            self.retranslate()

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "administration"),
            name="admin",
        )

    def retranslate(self) -> None:
        for i, name in enumerate(
            (
                self.tr("Users"),
                self.tr("Devices"),
                self.tr("Sessions"),
                self.tr("Village populations"),
                self.tr("Audit log"),
            )
        ):
            self.tabs.setTabText(i, name)
        self.disable_button.setText(self.tr("Disable…"))
        self.enable_button.setText(self.tr("Enable"))
        self.password_button.setText(self.tr("Reset the password…"))
        self.unlock_button.setText(self.tr("Lift the sign-in lock"))
        self.end_session_button.setText(self.tr("End the session…"))
        self.add_user_button.setText(self.tr("Add a user…"))
        self.villages_button.setText(self.tr("Assign villages…"))
        self.code_minutes_label.setText(self.tr("Code valid for (minutes):"))
        self.code_button.setText(self.tr("Make an enrollment code"))
        self.revoke_button.setText(self.tr("Revoke the device…"))
        self.population_button.setText(self.tr("Set the rural population…"))
        self.verify_button.setText(self.tr("Verify the audit log"))
        self.user_table.fill(
            [
                self.tr("User name"),
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Villages"),
                self.tr("Disabled"),
                self.tr("Sign-in"),
            ],
            [
                [
                    u.username,
                    u.display_name or "",
                    labels.role(u.role),
                    "、".join(self.ctx.place_name(v) for v in u.villages)
                    if u.role == "secretary"
                    else self.tr("whole county"),
                    self.tr("yes") if u.disabled else "",
                    self._sign_in_state(u),
                ]
                for u in self.users
            ],
            [u.username for u in self.users],
            fit=False,
        )
        self.session_table.fill(
            [
                self.tr("User"),
                self.tr("From"),
                self.tr("Signed in"),
                self.tr("Last used"),
                self.tr("Expires"),
            ],
            [
                [
                    s.user + (self.tr(" (this session)") if s.current else ""),
                    s.address or "",
                    _local(s.created_at),
                    _local(s.last_seen_at),
                    _local(s.expires_at),
                ]
                for s in self.sessions
            ],
            [s.session_id for s in self.sessions],
            fit=False,
        )
        self.device_table.fill(
            [
                self.tr("Device"),
                self.tr("User"),
                self.tr("Enrolled"),
                self.tr("Last sync"),
                self.tr("State"),
            ],
            [
                [
                    d.label,
                    d.user,
                    local_minute(d.enrolled_at),
                    local_minute(d.last_seen_at) or self.tr("never"),
                    self.tr("revoked") if d.revoked else self.tr("active"),
                ]
                for d in self.devices
            ],
            [d.device_id for d in self.devices],
            fit=False,
        )
        self.population_table.fill(
            [
                self.tr("Village"),
                self.tr("People in the roster"),
                self.tr("Rural population"),
                self.tr("Source"),
                self.tr("Entered by"),
            ],
            [
                [
                    p.village,
                    f"{p.roster_people:,}",
                    f"{p.rural_population:,}" if p.rural_population else self.tr("not entered"),
                    p.source or "",
                    p.updated_by or "",
                ]
                for p in self.populations
            ],
            [p.village_code for p in self.populations],
            fit=False,
        )
        self.audit_table.fill(
            [
                self.tr("No."),
                self.tr("Time"),
                self.tr("Who"),
                self.tr("Action"),
                self.tr("Subject"),
            ],
            [
                [str(e.entry_no), local_minute(e.at), e.actor, e.action, e.subject or ""]
                for e in self.audit
            ],
            fit=False,
        )

    def _sign_in_state(self, user: UserRow) -> str:
        if user.locked_until:
            return self.tr("locked until %1").replace("%1", _local(user.locked_until)[11:])
        return "" if user.has_password else self.tr("laptop only")

    # -- actions -----------------------------------------------------------------------------
    def _run(self, op: Any, done_text: str | None = None) -> None:
        def done(_result: Any) -> None:
            if done_text:
                inform(self, self.tr("Administration"), done_text)
            self.refresh()

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "administration"),
            name="admin change",
        )

    def add_user(self) -> NewUserDialog:
        dialog = NewUserDialog(self)

        def go() -> None:
            body = dialog.body()
            self._run(
                lambda _env: self.ctx.client.get_as(
                    UserAdded, "/admin/users", method="POST", json=body
                )
            )

        dialog.accepted.connect(go)
        dialog.open()
        return dialog

    def selected_user(self) -> UserRow | None:
        key = self.user_table.selected_key()
        return next((u for u in self.users if u.username == key), None)

    def assign_villages(self) -> None:
        user = self.selected_user()
        if user is None:
            inform(self, self.tr("Administration"), self.tr("Choose a user first."))
            return
        dialog = VillagesDialog(self.ctx, user.username, user.villages, self)

        def go() -> None:
            chosen, before = set(dialog.chosen()), set(user.villages)

            def op(_env: OpEnv) -> None:
                api, name = self.ctx.client, user.username
                if chosen - before:
                    api.get_as(
                        VillagesAssigned,
                        f"/admin/users/{name}/villages",
                        method="PUT",
                        json={"villages": sorted(chosen - before)},
                    )
                if before - chosen:
                    api.get_as(
                        VillagesAssigned,
                        f"/admin/users/{name}/villages",
                        method="PUT",
                        json={"villages": sorted(before - chosen), "remove": True},
                    )

            self._run(op)

        dialog.accepted.connect(go)
        dialog.open()

    def _chosen_user(self) -> UserRow | None:
        user = self.selected_user()
        if user is None:
            inform(self, self.tr("Administration"), self.tr("Choose a user first."))
        return user

    def _ask(self, title: str, text: str, op: Any) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._run(op)

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def disable_user(self) -> QMessageBox | None:
        user = self._chosen_user()
        if user is None:
            return None
        name = user.username
        return self._ask(
            self.tr("Disable the user"),
            self.tr(
                "Disable %1? They are signed out at once, cannot sign in, and their laptops can no "
                "longer sync until the account is enabled again (their unsent work stays on the "
                "laptops)."
            ).replace("%1", name),
            lambda _env: self.ctx.client.get_as(
                Disabled, f"/admin/users/{name}/disable", method="POST"
            ),
        )

    def enable_user(self) -> None:
        user = self._chosen_user()
        if user is not None:
            name = user.username
            self._run(
                lambda _env: self.ctx.client.get_as(
                    Disabled, f"/admin/users/{name}/enable", method="POST"
                )
            )

    def unlock_user(self) -> None:
        user = self._chosen_user()
        if user is not None:
            name = user.username
            self._run(
                lambda _env: self.ctx.client.get_as(
                    Unlocked, f"/admin/users/{name}/unlock", method="POST"
                ),
                self.tr("%1 may sign in again.").replace("%1", name),
            )

    def reset_password(self) -> PasswordDialog | None:
        user = self._chosen_user()
        if user is None:
            return None
        name = user.username
        dialog = PasswordDialog(name, self)

        def go() -> None:
            password = dialog.password()
            self._run(
                lambda _env: self.ctx.client.get_as(
                    PasswordSet,
                    f"/admin/users/{name}/password",
                    method="PUT",
                    json={"password": password},
                ),
                self.tr("The password of %1 was changed; they were signed out.").replace(
                    "%1", name
                ),
            )

        dialog.accepted.connect(go)
        dialog.open()
        return dialog

    def end_session(self) -> QMessageBox | None:
        key = self.session_table.selected_key()
        session = next((s for s in self.sessions if s.session_id == key), None)
        if session is None:
            inform(self, self.tr("Administration"), self.tr("Choose a session first."))
            return None
        if session.current:
            inform(
                self,
                self.tr("Administration"),
                self.tr("This is your own session: sign out instead."),
            )
            return None
        return self._ask(
            self.tr("End the session"),
            self.tr("End the session of %1 from %2? It is signed out at its next step.")
            .replace("%1", session.user)
            .replace("%2", session.address or "?"),
            lambda _env: self.ctx.client.get_as(
                SessionsEnded, f"/admin/sessions/{key}", method="DELETE"
            ),
        )

    def enrollment_code(self) -> None:
        user = self.selected_user()
        if user is None:
            inform(self, self.tr("Administration"), self.tr("Choose a user first."))
            return
        minutes = self.code_minutes.value()

        def op(_env: OpEnv) -> EnrollCode:
            return self.ctx.client.get_as(
                EnrollCode,
                "/admin/enroll-codes",
                method="POST",
                json={"username": user.username, "ttl_minutes": minutes},
            )

        def done(result: EnrollCode) -> None:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Enrollment code"),
                self.tr(
                    "Enrollment code for %1:\n\n%2\n\nValid until %3, once. The laptop checks the "
                    "county's key fingerprint:\n%4\n\n"
                    "This code is shown only now."
                )
                .replace("%1", user.username)
                .replace("%2", result.code)
                .replace("%3", local_minute(result.expires_at))
                .replace("%4", result.fingerprint),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.last_code = result

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "enrollment code"),
            name="enroll code",
        )

    def revoke(self) -> QMessageBox | None:
        device_id = self.device_table.selected_key()
        device = next((d for d in self.devices if d.device_id == device_id), None)
        if device is None:
            inform(self, self.tr("Administration"), self.tr("Choose a device first."))
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Revoke the device"),
            self.tr(
                "Revoke %1 of %2? It will no longer upload or download; its unsent work stays on the laptop."
            )
            .replace("%1", device.label)
            .replace("%2", device.user),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._run(
                    lambda _env: self.ctx.client.get_as(
                        DeviceRevoked, f"/admin/devices/{device_id}/revoke", method="POST"
                    )
                )

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def edit_population(self) -> PopulationDialog | None:
        code = self.population_table.selected_key()
        row = next((p for p in self.populations if p.village_code == code), None)
        if row is None:
            inform(self, self.tr("Administration"), self.tr("Choose a village first."))
            return None
        dialog = PopulationDialog(row, self)

        def go() -> None:
            body = dialog.body()
            self._run(
                lambda _env: self.ctx.client.get_as(
                    PopulationSet, f"/populations/{code}", method="PUT", json=body
                )
            )
            self.ctx.data_changed.emit("populations")

        dialog.accepted.connect(go)
        dialog.open()
        return dialog

    def verify_audit(self) -> None:
        def done(result: AuditVerify) -> None:
            if result.ok:
                self.audit_result.setText(
                    self.tr("The audit log is intact: %1 entries, each linked and signed.").replace(
                        "%1", f"{result.entries:,}"
                    )
                )
                self.audit_result.setStyleSheet("color: #1e7b34;")
            else:
                self.audit_result.setText(
                    self.tr("The audit log has problems: %1").replace(
                        "%1", "; ".join(result.problems[:5])
                    )
                )
                self.audit_result.setStyleSheet("color: #b3261e;")

        self.ctx.ops.run(
            lambda _env: self.ctx.client.get_as(AuditVerify, "/admin/audit/verify"),
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "audit"),
            name="audit verify",
        )


def _local(iso: str | None) -> str:
    """A server time (UTC, ISO) as this computer's local time, to the minute."""
    if not iso:
        return ""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(iso)
    return (
        (moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        .astimezone()
        .strftime("%Y-%m-%d %H:%M")
    )
