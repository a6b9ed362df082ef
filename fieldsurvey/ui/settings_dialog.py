"""Settings: language (applies at once), auto-lock minutes, the visitor's name, the passphrase.

Language and auto-lock live in ``ui.json`` (needed before unlock); the visitor's name and unit are
personal and live in the encrypted store.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext, Profile
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.i18n import LANGUAGE_NAMES, set_language
from fieldsurvey.ui.passphrase_fields import PassphraseFields
from fieldsurvey.ui.ui_settings import SPECS
from fieldsurvey.ui.widgets import Retranslating, error_label, inform


class SettingsDialog(Retranslating, QDialog):
    auto_lock_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(ctx.settings.language)))
        self.language.currentIndexChanged.connect(self._language_chosen)
        spec = SPECS["auto_lock_minutes"]
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(spec.minimum or 1, spec.maximum or 240)
        self.auto_lock.setValue(ctx.settings.auto_lock_minutes)
        edge = SPECS["photo_long_edge"]
        self.photo_edge = QSpinBox()
        self.photo_edge.setRange(edge.minimum or 640, edge.maximum or 4000)
        self.photo_edge.setSingleStep(100)
        self.photo_edge.setValue(ctx.settings.get("photo_long_edge"))
        self.visitor = QLineEdit(ctx.profile.visitor)
        self.unit = QLineEdit(ctx.profile.unit)
        self.change_passphrase = QPushButton()
        self.change_passphrase.clicked.connect(self._change_passphrase)
        self.change_passphrase.setEnabled(ctx.is_unlocked)
        self.visitor.setEnabled(ctx.is_unlocked)
        self.unit.setEnabled(ctx.is_unlocked)

        self.general = QGroupBox()
        self.general_form = QFormLayout(self.general)
        self.label_language, self.label_lock = QLabel(), QLabel()
        self.general_form.addRow(self.label_language, self.language)
        self.general_form.addRow(self.label_lock, self.auto_lock)
        self.label_photo_edge = QLabel()
        self.general_form.addRow(self.label_photo_edge, self.photo_edge)
        self.you = QGroupBox()
        you_form = QFormLayout(self.you)
        self.label_visitor, self.label_unit = QLabel(), QLabel()
        you_form.addRow(self.label_visitor, self.visitor)
        you_form.addRow(self.label_unit, self.unit)
        self.security = QGroupBox()
        sec = QVBoxLayout(self.security)
        sec.addWidget(self.change_passphrase)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.general, self.you, self.security):
            layout.addWidget(w)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.general.setTitle(self.tr("General"))
        self.label_language.setText(self.tr("&Language:"))
        self.label_language.setBuddy(self.language)
        self.label_lock.setText(self.tr("Lock &after idle:"))
        self.label_lock.setBuddy(self.auto_lock)
        self.auto_lock.setSuffix(" " + self.tr("minutes"))
        self.label_photo_edge.setText(self.tr("Photo si&ze (long edge):"))
        self.label_photo_edge.setBuddy(self.photo_edge)
        self.photo_edge.setSuffix(" " + self.tr("pixels"))
        self.you.setTitle(self.tr("Visitor (written on each visit)"))
        self.label_visitor.setText(self.tr("&Name:"))
        self.label_visitor.setBuddy(self.visitor)
        self.label_unit.setText(self.tr("&Work unit:"))
        self.label_unit.setBuddy(self.unit)
        self.security.setTitle(self.tr("Security"))
        self.change_passphrase.setText(self.tr("Change &passphrase…"))

    def _language_chosen(self) -> None:
        code = self.language.currentData()
        self.ctx.settings.set("language", code)
        set_language(code)  # every open window retranslates itself

    def _save(self) -> None:
        minutes = self.auto_lock.value()
        if minutes != self.ctx.settings.auto_lock_minutes:
            self.ctx.settings.set("auto_lock_minutes", minutes)
            self.auto_lock_changed.emit(minutes)
        if self.photo_edge.value() != self.ctx.settings.get("photo_long_edge"):
            self.ctx.settings.set("photo_long_edge", self.photo_edge.value())
        profile = self.ctx.profile
        if self.ctx.is_unlocked and (self.visitor.text().strip(), self.unit.text().strip()) != (
            profile.visitor,
            profile.unit,
        ):
            new = Profile(
                self.visitor.text().strip(),
                self.unit.text().strip(),
                profile.county_code,
                profile.county_name,
            )
            self.ctx.ops.run(
                ops.save_profile(new),
                owner=self.ctx,
                on_done=self.ctx.set_profile,
                name="save profile",
            )
        self.accept()

    def _change_passphrase(self) -> None:
        ChangePassphraseDialog(self.ctx, self).open()


class ChangePassphraseDialog(Retranslating, QDialog):
    """Re-wraps the data key with a new passphrase; the data is not re-encrypted."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        require_current: bool = True,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        self.require_current = require_current
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.label_current = QLabel()
        self.fields = PassphraseFields()
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        form = QFormLayout()
        form.addRow(self.label_current, self.current)
        self.label_current.setVisible(require_current)
        self.current.setVisible(require_current)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Change passphrase"))
        self.label_current.setText(self.tr("Current passphrase:"))

    def _apply(self) -> None:
        if self.require_current and not self.current.text():
            problem = self.tr("Enter the current passphrase.")
        else:
            problem = self.fields.problem()
        if problem:
            self.error.setText(problem)
            return
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Changing… this takes a moment."))
        current = self.current.text() if self.require_current else None
        self.ctx.ops.run(
            ops.change_passphrase(self.ctx.data_dir, current, self.fields.passphrase()),
            owner=self,
            on_done=self._done,
            on_error=self._failed,
            name="change passphrase",
        )

    def _done(self, _result: object) -> None:
        self.changed.emit()
        inform(
            self.parentWidget(),
            self.tr("Passphrase changed"),
            self.tr("The new passphrase is set. Use it the next time you unlock."),
        )
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message_for(error) or "")
