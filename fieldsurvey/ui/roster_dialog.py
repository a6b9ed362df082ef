"""Importing a household roster (CSV or Excel) with a report of every problem row.

First the file is read and checked on the worker (nothing is written); the report lists each
row with a problem and each household left out because of it. Then "Import" loads the valid
households, with a progress bar and Cancel. Used by the setup assistant and File → Import roster.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.roster import COLUMNS, ImportResult, RosterReport, template_rows
from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.spreadsheet import safe_row
from fieldsurvey.core.validation import ERROR
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, error_label


class RosterImport(Retranslating, QWidget):
    """Choose, check, import. Emits ``imported(count)`` when households were added."""

    imported = Signal(int)
    checked = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: RosterReport | None = None
        self.imported_count = 0
        self.path = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.check_button = QPushButton()
        self.check_button.clicked.connect(self.check)
        self.template_button = QPushButton()
        self.template_button.clicked.connect(self._save_template)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = ReadOnlyTable()
        self.problems.setMinimumHeight(160)
        self.save_report = QPushButton()
        self.save_report.clicked.connect(self._save_report)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.do_import)
        self.error = error_label()
        self.file_label = QLabel()
        self.file_label.setBuddy(self.path)
        row = QHBoxLayout()
        row.addWidget(self.file_label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        row.addWidget(self.check_button)
        actions = QHBoxLayout()
        actions.addWidget(self.template_button)
        actions.addStretch(1)
        actions.addWidget(self.save_report)
        actions.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.path.textChanged.connect(self._update_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_label.setText(self.tr("&Roster file:"))
        self.path.setPlaceholderText(
            self.tr("a CSV or Excel (.xlsx) file from the county, one row per member")
        )
        self.browse.setText(self.tr("Browse…"))
        self.check_button.setText(self.tr("&Check file"))
        self.template_button.setText(self.tr("Save an empty template…"))
        self.save_report.setText(self.tr("Save report…"))
        self.import_button.setText(self.tr("&Import"))
        self._show_report()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.check_button.setEnabled(bool(self.path.text().strip()))
        ready = self.report is not None and bool(self.report.households) and not self.imported_count
        self.import_button.setEnabled(ready)
        self.save_report.setEnabled(self.report is not None and bool(self.report.problems))

    # -- checking ---------------------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the roster"),
            self.ctx.settings.get("last_folder") or str(Path.home()),
            self.tr("Rosters (*.csv *.xlsx)"),
        )
        if path:
            self.path.setText(path)
            self.check()

    def check(self) -> None:
        text = self.path.text().strip()
        if not text:
            return
        path = Path(text)
        if not path.is_file():
            self.error.setText(self.tr("That file does not exist."))
            return
        self.error.clear()
        self.report = None
        self.imported_count = 0
        self._update_buttons()
        self.ctx.settings.set("last_folder", str(path.parent))
        self.ctx.ops.run_long(
            ops.read_roster(path),
            parent=self,
            title=self.tr("Checking the roster…"),
            on_done=self._checked,
            on_error=self._failed,
        )

    def _checked(self, report: RosterReport) -> None:
        self.report = report
        self._show_report()
        self._update_buttons()
        self.checked.emit()

    def _failed(self, error: BaseException) -> None:
        self.error.setText(message_for(error) or "")
        self._update_buttons()

    def _show_report(self) -> None:
        r = self.report
        if r is None:
            self.summary.setText(
                self.tr("Nothing is imported until you have seen the check's report.")
            )
            self.problems.fill([], [], fit=False)
            return
        bad_rows = len({p.row for p in r.errors})
        parts = [
            self.tr("Rows read: %1.").replace("%1", str(r.rows_read)),
            self.tr("Households ready to import: %1 (%2 members).")
            .replace("%1", str(len(r.households)))
            .replace("%2", str(r.member_count)),
            self.tr("Rows with errors: %1; households not imported: %2.")
            .replace("%1", str(bad_rows))
            .replace("%2", str(len(r.rejected))),
        ]
        if r.ignored_columns:
            parts.append(
                self.tr("Columns not used: %1.").replace("%1", "、".join(r.ignored_columns))
            )
        if self.imported_count:
            parts.append(self.tr("Imported %1 households.").replace("%1", str(self.imported_count)))
        self.summary.setText(" ".join(parts))
        headers = [
            self.tr("Row"),
            self.tr("Household no."),
            self.tr("Level"),
            self.tr("Column"),
            self.tr("Problem"),
        ]
        columns = {c.key: c for c in COLUMNS}
        rows = []
        for p in sorted(r.problems, key=lambda p: (p.row, p.level != ERROR)):
            col = columns.get(p.column or "")
            rows.append(
                [
                    str(p.row),
                    p.household_no,
                    self.tr("error") if p.level == ERROR else self.tr("warning"),
                    (col.zh if self.ctx.lang == "zh" else col.en) if col else "",
                    t(p.text),
                ]
            )
        self.problems.fill(headers, rows, fit=False)

    # -- importing --------------------------------------------------------------------------
    def do_import(self) -> None:
        if self.report is None or not self.report.households:
            return
        self.import_button.setEnabled(False)
        self.ctx.ops.run_long(
            ops.import_roster(self.report),
            parent=self,
            title=self.tr("Importing households…"),
            on_done=self._imported,
            on_error=self._failed,
        )

    def _imported(self, result: ImportResult) -> None:
        self.imported_count = result.imported
        self._show_report()
        self._update_buttons()
        if result.cancelled:
            self.error.setText(
                self.tr("Import cancelled after %1 households; those stay imported.").replace(
                    "%1", str(result.imported)
                )
            )
        self.imported.emit(result.imported)

    # -- files ------------------------------------------------------------------------------
    def _save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the template"),
            str(Path.home() / "roster-template.csv"),
            "CSV (*.csv)",
        )
        if path:
            write_csv(Path(path), template_rows())

    def _save_report(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report"), str(Path.home() / "roster-report.csv"), "CSV (*.csv)"
        )
        if path:
            rows = [["row", "household_no", "level", "column", "problem_zh", "problem_en"]]
            rows += [
                [str(p.row), p.household_no, p.level, p.column or "", p.text.zh, p.text.en]
                for p in self.report.problems
            ]
            write_csv(Path(path), rows)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """UTF-8 with BOM, so Excel in China opens it with the right characters."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        safe_row(r) for r in rows
    )  # values from the roster file: no formula may start
    atomic_write(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"), mode=0o600)


class RosterImportDialog(Retranslating, QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.importer = RosterImport(ctx)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.importer)
        layout.addWidget(self.buttons)
        self.resize(820, 520)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import a household roster"))
