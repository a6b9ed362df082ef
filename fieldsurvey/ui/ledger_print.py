"""Printing household ledgers (``fieldsurvey.ledger``) from the app, in the worker.

One household (Ctrl+P on a household) or a whole village (File menu). The ledger package
renders PDFs; printing them on paper is the PDF viewer's job, which "Open the PDF" starts.
Rendering runs on the database worker with a progress bar and Cancel; a cancelled village run
leaves nothing on disk (the ledger package stages its files).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.widgets import Retranslating, error_label, inform

if TYPE_CHECKING:
    from fieldsurvey.app.ledgers import Printed


def default_folder(ctx: AppContext) -> Path:
    last = ctx.settings.get("last_folder")
    if last and Path(last).is_dir():
        return Path(last)
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


# -- dialogs ---------------------------------------------------------------------------------
class PrintDialog(Retranslating, QDialog):
    """Where to put the PDF, and whether ID numbers are masked (public copy)."""

    def __init__(
        self,
        ctx: AppContext,
        default_target: Path,
        *,
        villages: list[tuple[str, str]] | None = None,
        village: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_mode = villages is not None
        self.target = QLineEdit(str(default_target))
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.mask = QCheckBox()
        self.village = QComboBox()
        self.combined = QCheckBox()
        self.combined.setChecked(True)
        for name, code in villages or []:
            self.village.addItem(name, code)
        if village:
            self.village.setCurrentIndex(max(0, self.village.findData(village)))
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        self.form = form
        if self.village_mode:
            form.addRow("", self.village)
            form.addRow("", self.combined)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(self.browse)
        form.addRow("", row)
        form.addRow("", self.mask)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Print village ledgers")
            if self.village_mode
            else self.tr("Print household ledger")
        )
        labels = (
            [self.tr("Village:"), self.tr("Output:"), self.tr("Save to:"), ""]
            if self.village_mode
            else [self.tr("Save to:"), ""]
        )
        for i, text in enumerate(labels):
            item = self.form.itemAt(i, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)  # type: ignore[attr-defined]
        self.combined.setText(
            self.tr("One PDF with a table of contents (otherwise one file per household)")
        )
        self.browse.setText(self.tr("Browse…"))
        self.mask.setText(self.tr("Public copy: hide the middle of ID numbers"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Make PDF"))

    def _browse(self) -> None:
        if self.village_mode and not self.combined.isChecked():
            path = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for the ledgers"), self.target.text()
            )
        else:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the ledger as"), self.target.text(), "PDF (*.pdf)"
            )
        if path:
            self.target.setText(path)

    def _accept(self) -> None:
        text = self.target.text().strip()
        if not text:
            self.error.setText(self.tr("Choose where to save the PDF."))
            return
        path = Path(text)
        folder = path if (self.village_mode and not self.combined.isChecked()) else path.parent
        if not folder.is_dir():
            self.error.setText(self.tr("That folder does not exist."))
            return
        self.ctx.settings.set("last_folder", str(folder))
        self.accept()


def _done(parent: QWidget, printed: Printed) -> QMessageBox:
    """ "Ledger ready": how much was made, where it is, and buttons to open it or its folder."""
    from fieldsurvey.ui.files_ready import show_files_ready

    note = (
        ""
        if printed.private
        else QCoreApplication.translate(
            "LedgerPrint",
            "Other users of this computer, or anyone with this drive, can read these files: keep the drive safe.",
        )
    )
    return show_files_ready(
        parent,
        QCoreApplication.translate("LedgerPrint", "Ledger ready"),
        QCoreApplication.translate(
            "LedgerPrint", "Made %1 PDF file(s) with %2 pages for %3 household(s)."
        )
        .replace("%1", str(len(printed.files)))
        .replace("%2", str(printed.pages))
        .replace("%3", str(printed.households)),
        printed.files,
        note,
    )


def print_household(
    parent: QWidget, ctx: AppContext, household_id: str, household_no: str | None = None
) -> PrintDialog:
    from fieldsurvey.ledger.batch import ledger_file_name

    name = ledger_file_name(household_no, False) if household_no else "ledger.pdf"
    dialog = PrintDialog(ctx, default_folder(ctx) / name, parent=parent)

    def go() -> None:
        target = Path(dialog.target.text().strip())
        ctx.ops.run_long(
            ops.print_household(household_id, target, dialog.mask.isChecked()),
            parent=parent,
            title=QCoreApplication.translate("LedgerPrint", "Printing the household ledger…"),
            on_done=lambda p: _done(parent, p),
        )

    dialog.accepted.connect(go)
    dialog.open()
    return dialog


def print_village(parent: QWidget, ctx: AppContext, village: str | None) -> None:
    def got_villages(villages: list[tuple[str, str]]) -> None:
        if not villages:
            inform(
                parent,
                QCoreApplication.translate("LedgerPrint", "Nothing to print"),
                QCoreApplication.translate(
                    "LedgerPrint", "There are no villages with households yet."
                ),
            )
            return
        code = village or villages[0][1]
        dialog = PrintDialog(
            ctx, default_folder(ctx) / f"{code}.pdf", villages=villages, village=code, parent=parent
        )

        def go() -> None:
            out = Path(dialog.target.text().strip())
            chosen = dialog.village.currentData()
            ctx.ops.run_long(
                ops.print_village(
                    chosen, out, dialog.mask.isChecked(), dialog.combined.isChecked()
                ),
                parent=parent,
                title=QCoreApplication.translate("LedgerPrint", "Printing the village ledgers…"),
                on_done=lambda p: _done(parent, p),
            )

        dialog.accepted.connect(go)
        dialog.open()

    ctx.ops.run(
        ops.villages_with_households, owner=parent, on_done=got_villages, name="list villages"
    )
