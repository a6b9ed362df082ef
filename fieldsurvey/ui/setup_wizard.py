"""The first-run assistant: language, passphrase, the recovery key (shown once), then the data.

The store is created when the passphrase page is committed (there is no way back past it: the
recovery key shown next belongs to that store). Data comes from a roster file (CSV/Excel, with a
report of bad rows) or, once the sync client is installed, by enrolling with the county server;
the secretary may also start empty and add households by hand.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext, Profile
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.i18n import LANGUAGE_NAMES, set_language
from fieldsurvey.ui.passphrase_fields import PassphraseFields
from fieldsurvey.ui.roster_dialog import RosterImport
from fieldsurvey.ui.widgets import Retranslating, error_label

PAGE_WELCOME, PAGE_PASSPHRASE, PAGE_RECOVERY, PAGE_SOURCE, PAGE_ROSTER, PAGE_ENROLL = range(6)
SOURCE_ROSTER, SOURCE_ENROLL, SOURCE_EMPTY = range(3)


class WelcomePage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.language_label = QLabel()
        self.buttons = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(12)
        layout.addWidget(self.language_label)
        for i, (code, name) in enumerate(LANGUAGE_NAMES.items()):
            b = QRadioButton(name)
            b.setProperty("language", code)
            b.setChecked(code == wizard.ctx.settings.language)
            self.buttons.addButton(b, i)
            layout.addWidget(b)
        self.folder = QLabel()
        self.folder.setStyleSheet("color: #666;")
        layout.addStretch(1)
        layout.addWidget(self.folder)
        self.buttons.buttonClicked.connect(self._language)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Welcome to FieldSurvey"))
        self.intro.setText(
            self.tr(
                "This assistant sets up this computer for household visits. The household data will be "
                "stored encrypted in the data folder below; only your passphrase (or the recovery key) "
                "can open it."
            )
        )
        self.language_label.setText(self.tr("Language of the program:"))
        self.folder.setText(self.tr("Data folder: %1").replace("%1", str(self.wiz.ctx.data_dir)))

    def _language(self, button: QRadioButton) -> None:
        code = button.property("language")
        self.wiz.ctx.settings.set("language", code)  # written once the data folder exists
        set_language(code)


class PassphrasePage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.created = False
        self.visitor = QLineEdit()
        self.unit = QLineEdit()
        self.fields = PassphraseFields()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.status = error_label()
        self.labels = (QLabel(), QLabel())
        form = QFormLayout()
        form.addRow(self.labels[0], self.visitor)
        form.addRow(self.labels[1], self.unit)
        self.labels[0].setBuddy(self.visitor)
        self.labels[1].setBuddy(self.unit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.explain)
        layout.addWidget(self.fields)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.fields.changed.connect(self.completeChanged)
        self.setCommitPage(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("You and your passphrase"))
        self.labels[0].setText(self.tr("Your &name (written on visits):"))
        self.labels[1].setText(self.tr("Your &work unit:"))
        self.explain.setText(
            self.tr(
                "The passphrase opens the data every day. Choose one you can remember but others cannot "
                "guess; nobody, not even the county, can recover it for you."
            )
        )
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create the encrypted data"))

    def isComplete(self) -> bool:
        return self.fields.is_valid() and not self.wiz.busy

    def validatePage(self) -> bool:
        if self.created:
            return True
        if self.wiz.busy:
            return False
        self.wiz.busy = True
        self.completeChanged.emit()
        self.status.setText(self.tr("Creating the encrypted data… this takes a moment."))
        profile = Profile(self.visitor.text().strip(), self.unit.text().strip())
        self.wiz.ctx.ops.run(
            ops.create(self.wiz.ctx.data_dir, self.fields.passphrase(), profile, self.wiz.kdf),
            owner=self,
            on_done=self._created,
            on_error=self._failed,
            name="create store",
        )
        return False

    def _created(self, recovery_key: str) -> None:
        self.wiz.busy = False
        self.created = True
        self.wiz.recovery_key = recovery_key
        self.wiz.ctx.settings.move_to(self.wiz.ctx.data_dir)
        self.fields.clear()
        self.status.clear()
        self.wiz.next()

    def _failed(self, error: BaseException) -> None:
        self.wiz.busy = False
        self.status.setText(message_for(error) or "")
        self.completeChanged.emit()


class RecoveryPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.key = QLabel()
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setStyleSheet("border: 2px dashed #888; padding: 14px; background: #fffdf5;")
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save)
        self.confirm = QCheckBox()
        self.confirm.toggled.connect(self.completeChanged)
        self.saved_note = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.key)
        layout.addLayout(buttons)
        layout.addWidget(self.saved_note)
        layout.addStretch(1)
        layout.addWidget(self.confirm)
        self.retranslate()

    def initializePage(self) -> None:
        self.key.setText(self.wiz.recovery_key)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Your recovery key"))
        self.explain.setText(
            self.tr(
                "If the passphrase is ever forgotten, this key is the only way to open the data. It is "
                "shown only now. Write it down or print it, and keep it somewhere safe, away from this "
                "computer."
            )
        )
        self.print_button.setText(self.tr("&Print…"))
        self.save_button.setText(self.tr("&Save to a file…"))
        self.confirm.setText(self.tr("I have written down, printed or saved the recovery key"))

    def isComplete(self) -> bool:
        return self.confirm.isChecked()

    def validatePage(self) -> bool:
        """The key has been kept: only now is the store finished (see ``ops.create``)."""
        self.wiz.ctx.ops.run(ops.finish_creation, owner=self, name="finish creating the store")
        return True

    def key_document(self) -> str:
        return "\n".join(
            [
                self.tr("FieldSurvey recovery key"),
                "",
                self.wiz.recovery_key,
                "",
                self.tr("Data folder: %1").replace("%1", str(self.wiz.ctx.data_dir)),
                self.tr(
                    "Keep this paper safe and away from the computer. Anyone with it and the "
                    "computer can open the data."
                ),
            ]
        )

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec():
            doc = QTextDocument()
            doc.setPlainText(self.key_document())
            doc.print_(printer)
            self.saved_note.setText(self.tr("Sent to the printer."))

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the recovery key"),
            str(Path.home() / "fieldsurvey-recovery-key.txt"),
            "Text (*.txt)",
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        private = atomic_write(path, (self.key_document() + "\n").encode("utf-8"), mode=0o600)
        note = self.tr(
            "Saved to %1. Move it to a USB stick or print it, then delete it from this computer."
        ).replace("%1", str(path))
        if not private:  # a USB stick's FAT keeps no permissions; a shared folder may refuse them
            note += " " + self.tr(
                "Other users of this computer, or anyone with this drive, can read that file: keep the drive safe."
            )
        self.saved_note.setText(note)


class SourcePage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.group = QButtonGroup(self)
        self.roster = QRadioButton()
        self.enroll = QRadioButton()
        self.empty = QRadioButton()
        layout = QVBoxLayout(self)
        for i, b in enumerate((self.roster, self.enroll, self.empty)):
            self.group.addButton(b, i)
            layout.addWidget(b)
        layout.addStretch(1)
        self.roster.setChecked(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Where do the households come from?"))
        self.roster.setText(
            self.tr("Import a household roster file (CSV or Excel) from the county")
        )
        self.enroll.setText(
            self.tr("Enroll with the county server (address and one-time enrollment code)")
        )
        self.empty.setText(self.tr("Start empty and add households by hand"))

    def nextId(self) -> int:
        choice = self.group.checkedId()
        if choice == SOURCE_ROSTER:
            return PAGE_ROSTER
        if choice == SOURCE_ENROLL:
            return PAGE_ENROLL
        return -1


class RosterPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.importer = RosterImport(wizard.ctx)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.importer, 1)
        self.setFinalPage(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Import a household roster"))
        self.note.setText(
            self.tr(
                "Check the file first: every row with a problem is listed with its reason, and "
                "nothing is left out without being listed. You can also import later from the File menu."
            )
        )

    def nextId(self) -> int:
        return -1


class EnrollPage(Retranslating, QWizardPage):
    """Hosts the sync panel's enrollment widget: server address and one-time code."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.done = False
        # the sync stack loads when this page is made, not when the app starts
        from fieldsurvey.ui.sync_panel import EnrollWidget

        layout = QVBoxLayout(self)
        self.widget = EnrollWidget(wizard.ctx, self)
        layout.addWidget(self.widget)
        self.widget.enrolled.connect(self._enrolled)
        self.setFinalPage(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Enroll with the county server"))

    def _enrolled(self, _report: object) -> None:
        self.done = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done

    def nextId(self) -> int:
        return -1


class SetupWizard(Retranslating, QWizard):
    """Emits ``completed(profile)`` with the store open on the worker."""

    completed = Signal(object)

    def __init__(
        self, ctx: AppContext, kdf: dict | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kdf = kdf
        self.busy = False
        self.recovery_key = ""
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.welcome = WelcomePage(self)
        self.passphrase = PassphrasePage(self)
        self.recovery = RecoveryPage(self)
        self.source = SourcePage(self)
        self.roster = RosterPage(self)
        self.setPage(PAGE_WELCOME, self.welcome)
        self.setPage(PAGE_PASSPHRASE, self.passphrase)
        self.setPage(PAGE_RECOVERY, self.recovery)
        self.setPage(PAGE_SOURCE, self.source)
        self.setPage(PAGE_ROSTER, self.roster)
        self.setPage(PAGE_ENROLL, EnrollPage(self))
        self.setStartId(PAGE_WELCOME)
        self.resize(820, 600)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Set up FieldSurvey"))

    def accept(self) -> None:
        if not self.passphrase.created:
            return
        self.ctx.ops.run(
            lambda env: ops.load_profile(env.store),
            owner=self,
            on_done=self._finish,
            name="load profile",
        )

    def _finish(self, profile: Profile) -> None:
        super().accept()
        self.completed.emit(profile)
