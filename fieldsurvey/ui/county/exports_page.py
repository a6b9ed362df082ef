"""Exports for reporting upward, and ledgers printed in bulk, both as jobs with progress and cancel.

Exports stream from the server (``GET /exports/{kind}.{csv|xlsx}``) straight into the chosen
file; printing fetches households page by page and renders ledgers (``ledger_bulk.py``). At the
end a box offers to open the file or the folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.ledger_bulk import Place, Printed, print_one, print_villages
from fieldsurvey.ui.county.widgets import ScopePicker
from fieldsurvey.ui.files_ready import show_files_ready
from fieldsurvey.ui.ops import Job, OpEnv
from fieldsurvey.ui.widgets import Retranslating, heading

KINDS = ("households", "members", "visits", "assessments", "medical_costs", "answers")


class ExportsPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_files: list[Path] = []
        self.export_box = QGroupBox()
        self.kind = QComboBox()
        self.fmt = QComboBox()
        self.export_scope = ScopePicker(ctx)
        self.export_lang = QComboBox()
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export)
        self.export_form = QFormLayout(self.export_box)
        for w in (self.kind, self.fmt, self.export_scope, self.export_lang, self.export_button):
            self.export_form.addRow(QLabel(), w)
        self.print_box = QGroupBox()
        self.print_scope = ScopePicker(ctx)
        self.combined = QCheckBox()
        self.combined.setChecked(True)
        self.mask = QCheckBox()
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.choose_print)
        self.print_note = QLabel()
        self.print_note.setWordWrap(True)
        self.print_form = QFormLayout(self.print_box)
        for w in (self.print_scope, self.combined, self.mask, self.print_note, self.print_button):
            self.print_form.addRow(QLabel(), w)
        self.title = heading(size_delta=3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.export_box)
        layout.addWidget(self.print_box)
        layout.addStretch(1)
        self.retranslate()

    def refresh(self) -> None:
        """Nothing to reload."""

    def retranslate(self) -> None:
        self.title.setText(self.tr("Exports and printing"))
        self.export_box.setTitle(self.tr("Export for reporting upward"))
        self.print_box.setTitle(self.tr("Print household ledgers"))
        names = {
            "households": self.tr("Households"),
            "members": self.tr("Members"),
            "visits": self.tr("Visits"),
            "assessments": self.tr("Assessments"),
            "medical_costs": self.tr("Medical costs and reimbursement"),
            "answers": self.tr("Visit answers (one column per question)"),
        }
        for combo, items in (
            (self.kind, [(names[k], k) for k in KINDS]),
            (
                self.fmt,
                [
                    (self.tr("Excel workbook (.xlsx)"), "xlsx"),
                    (self.tr("CSV, UTF-8 (.csv)"), "csv"),
                ],
            ),
            (
                self.export_lang,
                [
                    (self.tr("Chinese headers and labels"), "zh"),
                    (self.tr("English headers and labels"), "en"),
                ],
            ),
        ):
            keep = combo.currentData()
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
        for form, texts in (
            (
                self.export_form,
                (self.tr("What:"), self.tr("Format:"), self.tr("Where:"), self.tr("Language:"), ""),
            ),
            (self.print_form, (self.tr("Where:"), "", "", "", "")),
        ):
            for i, text in enumerate(texts):
                item = form.itemAt(i, QFormLayout.ItemRole.LabelRole)
                if item is not None and item.widget() is not None:
                    item.widget().setText(text)  # type: ignore[attr-defined]
        self.export_button.setText(self.tr("Export…"))
        self.combined.setText(
            self.tr(
                "One PDF with a table of contents (otherwise a folder with one file per household)"
            )
        )
        self.mask.setText(self.tr("Public copy: hide the middle of ID numbers"))
        self.print_note.setText(
            self.tr(
                "Choose a village or a township. A township prints village by village; "
                "as one PDF, the villages are joined with a bookmark each."
            )
        )
        self.print_button.setText(self.tr("Print…"))

    # -- exports -----------------------------------------------------------------------------
    def choose_export(self) -> None:
        kind, fmt = self.kind.currentData(), self.fmt.currentData()
        folder = Path(self.ctx.settings.get("last_folder") or Path.home())
        name = f"{kind}-{self.export_scope.scope() or self.ctx.me.county}-{date.today().isoformat()}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the export as"), str(folder / name), f"*.{fmt}"
        )
        if path:
            self.ctx.settings.set("last_folder", str(Path(path).parent))
            self.export(Path(path))

    def export(self, target: Path) -> None:
        kind, fmt, scope, lang = (
            self.kind.currentData(),
            self.fmt.currentData(),
            self.export_scope.scope(),
            self.export_lang.currentData(),
        )

        def op(env: OpEnv) -> Path:
            self.ctx.client.download(
                f"/exports/{kind}.{fmt}",
                target,
                {"scope": scope, "lang": lang},
                progress=lambda d, t: env.progress(d, t),
                cancelled=lambda: env.cancelled,
            )
            return target

        self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Exporting…"),
            on_done=lambda p: self._finished([p], None),
        )

    # -- printing ----------------------------------------------------------------------------
    def places(self, scope: str | None) -> list[Place]:
        county = self.ctx.me.county_name or self.ctx.me.county
        out = []
        for code, name in self.ctx.villages(scope[:9] if scope else None):
            if scope and not code.startswith(scope):
                continue
            out.append(Place(county, self.ctx.place_name(code[:9]), name, code))
        return out

    def choose_print(self) -> None:
        scope = self.print_scope.scope()
        if not scope:
            QMessageBox.information(
                self,
                self.tr("Print household ledgers"),
                self.tr("Choose a township or a village first."),
            )
            return
        folder = Path(self.ctx.settings.get("last_folder") or Path.home())
        if self.combined.isChecked():
            name = f"{scope}-{self.ctx.place_name(scope)}.pdf"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the ledgers as"), str(folder / name), "PDF (*.pdf)"
            )
        else:
            path = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for the ledgers"), str(folder)
            )
        if path:
            self.ctx.settings.set(
                "last_folder", str(Path(path).parent if self.combined.isChecked() else Path(path))
            )
            self.print_scope_to(scope, Path(path))

    def print_scope_to(self, scope: str, out: Path) -> Job:
        places, combined, mask = (
            self.places(scope),
            self.combined.isChecked(),
            self.mask.isChecked(),
        )

        def op(env: OpEnv) -> Printed:
            return print_villages(
                self.ctx.client,
                places,
                out,
                combined=combined,
                mask_ids=mask,
                progress=lambda d, t, v: env.progress(d, t, v),
                cancelled=lambda: env.cancelled,
            )

        return self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Printing the ledgers…"),
            on_done=lambda p: self._finished(p.files, p),
        )

    def print_household(self, household_id: str, household_no: str, village: str) -> None:
        """From the households tab: one ledger, to a file the user picks."""
        folder = Path(self.ctx.settings.get("last_folder") or Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the ledger as"), str(folder / f"{household_no}.pdf"), "PDF (*.pdf)"
        )
        if not path:
            return
        place = Place(
            self.ctx.me.county_name,
            self.ctx.place_name(village[:9]),
            self.ctx.place_name(village),
            village,
        )
        mask = self.mask.isChecked()

        def op(_env: OpEnv) -> Printed:
            return print_one(self.ctx.client, place, household_no, household_id, Path(path), mask)

        self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Printing the household ledger…"),
            on_done=lambda p: self._finished(p.files, p),
        )

    # -- done --------------------------------------------------------------------------------
    def _finished(self, files: list[Path], printed: Printed | None) -> None:
        self.last_files = files
        if printed is not None:
            text = (
                self.tr("Made %1 PDF file(s) with %2 pages for %3 household(s).")
                .replace("%1", str(len(files)))
                .replace("%2", f"{printed.pages:,}")
                .replace("%3", f"{printed.households:,}")
            )
        else:
            text = self.tr("The export is ready.")
        box = show_files_ready(self, self.tr("Done"), text, files)
        self.done_box = box
