"""The sync panel: enroll this laptop with the county server, sync, or carry a batch by USB.

Everything runs through ``fieldsurvey.sync.client.SyncClient`` on the database worker, with a
progress bar and Cancel; the client stops at its next step when cancelled and keeps unsent work.
After a sync every view reloads (any household may have changed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.sync import SyncStatus
from fieldsurvey.core.errors import UserError
from fieldsurvey.sync.urls import is_insecure_http, normalise_url
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.insecure_http import ask_insecure_http, refused_text
from fieldsurvey.ui.widgets import Retranslating, error_label


def phase_label(phase: str) -> str:
    if phase == "upload":
        return QCoreApplication.translate("SyncPanel", "Sending to the county server…")
    if phase == "download":
        return QCoreApplication.translate("SyncPanel", "Receiving from the county server…")
    return QCoreApplication.translate("SyncPanel", "Syncing…")


def megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 104_858 else f"{max(0, n) // 1024} KB"


def photos_label(done: int, total: int) -> str:
    """What the progress dialog says while photos go: the bytes still to send."""
    return (
        QCoreApplication.translate(
            "SyncPanel", "Sending photos: %1 of %2 left (Cancel stops; the next sync resumes)"
        )
        .replace("%1", megabytes(total - done))
        .replace("%2", megabytes(total))
    )


# -- widgets ---------------------------------------------------------------------------------
class EnrollWidget(Retranslating, QWidget):
    """Server address and one-time code; enrolls and makes the first download."""

    enrolled = Signal(object)  # SyncReport

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://county.example.cn")
        self.code = QLineEdit()
        self.fingerprint = QLineEdit()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self.enroll)
        self.error = error_label()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.labels = (QLabel(), QLabel(), QLabel())
        form = QFormLayout()
        for label, w in zip(self.labels, (self.url, self.code, self.fingerprint), strict=True):
            form.addRow(label, w)
            label.setBuddy(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.confirmed_insecure: set[str] = set()  # http:// addresses the user said yes to
        self.insecure_box: QMessageBox | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.explain.setText(
            self.tr(
                "The county office gives you the server address, a one-time enrollment code and, "
                "to be safe, the county key's fingerprint."
            )
        )
        self.labels[0].setText(self.tr("Server &address:"))
        self.labels[1].setText(self.tr("Enrollment &code:"))
        self.labels[2].setText(self.tr("&Key fingerprint (optional):"))
        self.button.setText(self.tr("&Enroll and download the households"))

    def enroll(self) -> None:
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.error.setText(self.tr("Enter the server address and the enrollment code."))
            return
        try:
            url = normalise_url(url)  # completed with https:// (or explained) before any network
        except UserError as e:
            self.error.setText(t(e.text))
            return
        self.url.setText(url)  # the user sees the address that is used
        allowed = url in self.confirmed_insecure
        if is_insecure_http(url) and not allowed:
            self.ask_insecure(url)
            return
        self.error.clear()
        self.button.setEnabled(False)
        self.ctx.ops.run_long(
            ops.enroll(url, code, self.fingerprint.text().strip(), allowed),
            parent=self,
            title=self.tr("Enrolling with the county server…"),
            on_done=self._done,
            on_error=self._failed,
        )

    def ask_insecure(self, url: str) -> QMessageBox:
        """Plain http:// to another computer: only after the user says yes (``ui/insecure_http.py``)."""

        def yes() -> None:
            self.insecure_box = None
            self.confirmed_insecure.add(url)
            self.enroll()

        def no() -> None:
            self.insecure_box = None
            self.error.setText(refused_text())

        self.insecure_box = ask_insecure_http(self, url, yes, no)
        return self.insecure_box

    def _done(self, report) -> None:  # type: ignore[no-untyped-def]
        self.button.setEnabled(False)
        self.result.setText("\n".join(t(line) for line in report.lines()))
        self.enrolled.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.error.setText(message_for(error) or "")


class SyncPanel(Retranslating, QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status: SyncStatus | None = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.enroll = EnrollWidget(ctx)
        self.enroll.enrolled.connect(lambda report: (self._show_report(report), self.refresh()))
        self.sync_button = QPushButton()
        self.sync_button.clicked.connect(self.sync)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self._export)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self._import)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.notices_box = QGroupBox()
        self.notices = QPlainTextEdit()
        self.notices.setReadOnly(True)
        self.read_button = QPushButton()
        self.read_button.clicked.connect(self._mark_read)
        nb = QVBoxLayout(self.notices_box)
        nb.addWidget(self.notices)
        nb.addWidget(self.read_button)
        self.error = error_label()
        buttons = QHBoxLayout()
        for b in (self.sync_button, self.export_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.close_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.enroll)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.notices_box)
        layout.addWidget(self.close_box)
        self.resize(640, 560)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sync with the county"))
        self.sync_button.setText(self.tr("&Sync now"))
        self.export_button.setText(self.tr("Save a batch for the county (USB)…"))
        self.import_button.setText(self.tr("Import an update file from the county…"))
        self.notices_box.setTitle(self.tr("Messages from the county"))
        self.read_button.setText(self.tr("Mark as read"))
        self._show_status()

    def refresh(self) -> None:
        self.ctx.ops.run(
            ops.sync_status,
            owner=self,
            on_done=self._status,
            on_error=self._failed,
            name="sync status",
        )

    def _status(self, status: SyncStatus) -> None:
        self.status = status
        self._show_status()

    def _show_status(self) -> None:
        s = self.status
        enrolled = bool(s and s.enrolled)
        self.enroll.setVisible(s is not None and not enrolled)
        for b in (self.sync_button, self.export_button, self.import_button):
            b.setEnabled(enrolled)
        if s is None:
            self.state.setText(self.tr("Loading…"))
            return
        pending = s.pending or {}
        waiting = (
            self.tr("Waiting to be sent: %1 changes, %2 visits, %3 member changes.")
            .replace("%1", str(pending.get("edits", 0)))
            .replace("%2", str(pending.get("visits", 0)))
            .replace("%3", str(pending.get("member_changes", 0)))
        )
        if not enrolled:
            self.state.setText(
                self.tr("This laptop is not enrolled with a county server yet.") + " " + waiting
            )
        else:
            last = s.last_sync or self.tr("never")
            self.state.setText(
                self.tr("Enrolled with %1 (%2) as %3. Last sync: %4.")
                .replace("%1", s.server_url)
                .replace("%2", s.county_name)
                .replace("%3", s.user)
                .replace("%4", last)
                + "\n"
                + waiting
                + "\n"
                + self.tr("County key fingerprint: %1").replace("%1", s.fingerprint)
            )
            if s.photos_waiting:
                self.state.setText(
                    self.state.text()
                    + "\n"
                    + self.tr("Photos waiting to be sent: %1 (%2); they go after the records.")
                    .replace("%1", str(s.photos_waiting))
                    .replace("%2", megabytes(s.photo_bytes))
                )
        lang = self.ctx.lang
        self.notices.setPlainText(
            "\n".join(zh if lang == "zh" else en for _id, zh, en in (s.notices if s else ()))
        )
        self.notices_box.setVisible(bool(s and s.notices))

    def sync(self) -> None:
        self.error.clear()
        self.ctx.ops.run_long(
            ops.sync,
            parent=self,
            title=self.tr("Syncing with the county server…"),
            on_done=lambda report: (self._show_report(report), self.refresh()),
            on_error=self._stopped_or_failed,
        )

    def _stopped_or_failed(self, error: BaseException) -> None:
        from fieldsurvey.core.errors import Cancelled

        if isinstance(
            error, Cancelled
        ):  # the user stopped it: nothing is lost, the next sync resumes
            self.report.setPlainText(
                self.tr(
                    "Stopped. What was sent is kept by the county; the next sync resumes where this one stopped."
                )
            )
            self.refresh()
            return
        self._failed(error)

    def _show_report(self, report) -> None:  # type: ignore[no-untyped-def]
        self.report.setPlainText("\n".join(t(line) for line in report.lines()))

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the batch file"), str(Path.home() / "fieldsurvey-batch.fsb")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        def done(info: dict[str, Any]) -> None:
            self.report.setPlainText(
                self.tr(
                    "Saved %1 (%2 bytes). Take it to the county office; it is encrypted for the county."
                )
                .replace("%1", str(path))
                .replace("%2", str(info.get("bytes", 0)))
            )
            self.refresh()

        self.ctx.ops.run_long(
            ops.export_batch(path),
            parent=self,
            title=self.tr("Sealing the batch…"),
            on_done=done,
            on_error=self._failed,
        )

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the update file"), str(Path.home())
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        def done(applied) -> None:  # type: ignore[no-untyped-def]
            lines = [
                self.tr("Applied: %1 households updated, %2 visits, %3 removed.")
                .replace("%1", str(applied.households))
                .replace("%2", str(applied.visits))
                .replace("%3", str(applied.deleted))
            ]
            if applied.forgotten is not None:  # villages the county no longer assigns: erased here
                lines.append(t(applied.forgotten.sentence()))
            self.report.setPlainText("\n".join(lines))
            self.refresh()

        self.ctx.ops.run_long(
            ops.import_updates(path),
            parent=self,
            title=self.tr("Applying the update file…"),
            on_done=done,
            on_error=self._failed,
        )

    def _mark_read(self) -> None:
        if self.status and self.status.notices:
            self.ctx.ops.run(
                ops.mark_read([n[0] for n in self.status.notices]),
                owner=self,
                on_done=lambda _r: self.refresh(),
            )

    def _failed(self, error: BaseException) -> None:
        self.error.setText(message_for(error) or "")


def open_sync_panel(parent: QWidget, ctx: AppContext) -> SyncPanel:
    panel = SyncPanel(ctx, parent)
    panel.open()
    return panel


def enrollment_widget(ctx: AppContext, parent: QWidget) -> EnrollWidget:
    return EnrollWidget(ctx, parent)
