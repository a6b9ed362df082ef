"""Importing the county's Excel roster: upload, map the columns, check every row, import all or nothing.

1. Choose the .xlsx; it is uploaded in chunks with progress and cancel.
2. The server reads the header and suggests a field for each column it recognises; staff
   correct the mapping (a few rows of the sheet are shown to help).
3. "Check" runs the import dry: the report lists every row that cannot go in and why.
4. "Import" is enabled only when no row is rejected; the server writes every household in one
   transaction (audited), or nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.errors import ErrorCode
from fieldsurvey.api.files import RosterCheck, RosterImported, RosterPreview
from fieldsurvey.core.spreadsheet import safe_row
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.api import ApiError
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.i18n import lang
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, heading, inform


class CountyRosterPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.upload_id: str | None = None
        self.preview: RosterPreview | None = None
        self.report: RosterCheck | None = None
        self.title = heading(size_delta=3)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.file_label = QLabel()
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_file)
        self.mapping_box = QGroupBox()
        self.mapping_form = QFormLayout()
        mapping_inner = QWidget()
        mapping_inner.setLayout(self.mapping_form)
        mapping_scroll = QScrollArea()
        mapping_scroll.setWidgetResizable(True)
        mapping_scroll.setWidget(mapping_inner)
        QVBoxLayout(self.mapping_box).addWidget(mapping_scroll)
        self.combos: dict[str, QComboBox] = {}
        self.sample = ReadOnlyTable()
        self.check_button = QPushButton()
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.do_import)
        self.save_report_button = QPushButton()
        self.save_report_button.clicked.connect(self.save_report)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.rejected = ReadOnlyTable()

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_report_button)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.sample, 1)
        rv.addLayout(buttons)
        rv.addWidget(self.summary)
        rv.addWidget(self.rejected, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.mapping_box)
        split.addWidget(right)
        split.setSizes([380, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.retranslate()

    def refresh(self) -> None:
        """Nothing to reload: the roster page shows the file in hand."""

    # -- steps -------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("The county's roster"),
            self.ctx.settings.get("last_folder") or "",
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path:
            self.ctx.settings.set("last_folder", str(Path(path).parent))
            self.upload(Path(path))

    def upload(self, path: Path) -> None:
        """Upload ``path`` and read its header (the test and the file dialog both come here)."""
        self.upload_id, self.preview, self.report = None, None, None
        self.file_label.setText(path.name)

        def op(env: OpEnv) -> tuple[str, RosterPreview]:
            api = self.ctx.client
            upload_id = api.upload_roster(
                path, progress=lambda d, t: env.progress(d, t), cancelled=lambda: env.cancelled
            )
            return upload_id, api.get_as(RosterPreview, f"/roster/uploads/{upload_id}")

        def done(result: tuple[str, RosterPreview]) -> None:
            self.upload_id, self.preview = result
            self._build_mapping()
            self.retranslate()

        self.ctx.jobs.run_long(
            op, parent=self, title=self.tr("Uploading the roster…"), on_done=done
        )

    def mapping(self) -> dict[str, int]:
        return {
            key: int(combo.currentData())
            for key, combo in self.combos.items()
            if combo.currentData() is not None
        }

    def check(self) -> None:
        if not self.upload_id:
            return
        upload_id, body = (
            self.upload_id,
            {"sheet": self.preview.sheet if self.preview else None, "mapping": self.mapping()},
        )

        def op(_env: OpEnv) -> RosterCheck:
            return self.ctx.client.get_as(
                RosterCheck, f"/roster/uploads/{upload_id}/check", method="POST", json=body
            )

        self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Checking every row…"),
            on_done=self._show_report,
            cancellable=False,
        )

    def do_import(self) -> None:
        if not self.upload_id or not (self.report and self.report.ok):
            return
        upload_id, body = (
            self.upload_id,
            {"sheet": self.preview.sheet if self.preview else None, "mapping": self.mapping()},
        )

        def op(_env: OpEnv) -> RosterImported:
            return self.ctx.client.get_as(
                RosterImported, f"/roster/uploads/{upload_id}/import", method="POST", json=body
            )

        def done(result: RosterImported) -> None:
            self.upload_id, self.report = None, None
            self.retranslate()
            self.summary.setText(
                self.tr("Imported %1 households with %2 members.")
                .replace("%1", f"{result.households:,}")
                .replace("%2", f"{result.members:,}")
            )
            inform(self, self.tr("Roster imported"), self.summary.text())
            self.ctx.data_changed.emit("registry")

        def failed(error: BaseException) -> None:
            if (
                isinstance(error, ApiError)
                and error.code == ErrorCode.ROSTER_REJECTED
                and "report" in error.body
            ):
                self._show_report(
                    RosterCheck.model_validate(error.body["report"])
                )  # changed since the check
            show_error(self, error, "roster import")

        self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Importing the roster…"),
            on_done=done,
            on_error=failed,
            cancellable=False,
        )

    def _show_report(self, report: RosterCheck) -> None:
        self.report = report
        self.retranslate()

    def save_report(self) -> None:
        if not self.report:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report"), "roster-report.csv", "CSV (*.csv)"
        )
        if path:
            write_report(Path(path), self.report)

    # -- drawing -----------------------------------------------------------------------------
    def _build_mapping(self) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.combos = {}
        if not self.preview:
            return
        headers = self.preview.headers
        for f in self.preview.fields:
            combo = QComboBox()
            combo.addItem(self.tr("(not in the file)"), None)
            for i, h in enumerate(headers):
                combo.addItem(f"{_column_letter(i)}: {h}", i)
            suggested = self.preview.suggested.get(f.key)
            combo.setCurrentIndex(max(0, combo.findData(suggested)))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            label = f.zh if lang() == "zh" else f.en
            self.mapping_form.addRow(label + (" *" if f.required else ""), combo)
            self.combos[f.key] = combo

    def _sample_headers(self) -> list[str]:
        """Each sample column named by the field it is read as, in the user's language ("A: Name");
        a column no field reads keeps the file's own heading, which is the file's data."""
        assert self.preview is not None
        read_as = {
            combo.currentData(): key
            for key, combo in self.combos.items()
            if combo.currentData() is not None
        }
        return [
            f"{_column_letter(i)}: {_field_label(self.preview, read_as[i]) if i in read_as else h}"
            for i, h in enumerate(self.preview.headers)
        ]

    def _mapping_changed(self) -> None:
        self.report = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Import the county's roster"))
        self.intro.setText(
            self.tr(
                "Choose the Excel (.xlsx) export of the county's roster (one row per person). Check the "
                "column for each field, then check the rows: every row that cannot be imported is listed "
                "with its reason. The import adds all households or, if any row is rejected, none."
            )
        )
        self.choose_button.setText(self.tr("Choose the Excel file…"))
        if not self.file_label.text():
            self.file_label.setText(self.tr("No file chosen."))
        self.mapping_box.setTitle(self.tr("Which column holds which field (* required)"))
        self.check_button.setText(self.tr("Check all rows"))
        self.import_button.setText(self.tr("Import"))
        self.save_report_button.setText(self.tr("Save the report…"))
        self.check_button.setEnabled(self.upload_id is not None)
        ok = bool(self.report and self.report.ok and self.upload_id)
        self.import_button.setEnabled(ok)
        self.save_report_button.setEnabled(bool(self.report and self.report.rejected))
        if self.preview:
            self.sample.fill(self._sample_headers(), self.preview.sample, fit=False)
        r = self.report
        if r is None:
            self.rejected.fill([], [], fit=False)
            if self.upload_id:
                self.summary.setText(self.tr("Check the rows before importing."))
            return
        text = self.tr(
            "%1 rows, %2 households. Can be imported: %3 households with %4 members. Rejected: %5 "
            "rows of %6 households."
        )
        for key, value in (
            ("%1", r.rows),
            ("%2", r.households),
            ("%3", r.accepted_households),
            ("%4", r.accepted_members),
            ("%5", r.rejected_rows),
            ("%6", r.rejected_households),
        ):
            text = text.replace(key, f"{value:,}")
        if r.ok:
            text += " " + self.tr("Nothing was rejected: the roster can be imported.")
        else:
            text += " " + self.tr(
                "Correct the rejected rows in the file and check again; nothing is imported until every row passes."
            )
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #1e7b34;" if r.ok else "color: #b3261e;")
        self.rejected.fill(
            [self.tr("Row"), self.tr("Household no."), self.tr("Column"), self.tr("Reason")],
            [
                [
                    str(x.row),
                    x.household_no,
                    _field_label(self.preview, x.column),
                    labels.text_of(x.reason),
                ]
                for x in [*r.rejected, *r.warnings]
            ],
            fit=False,
        )


def _field_label(preview: RosterPreview | None, key: str | None) -> str:
    if not key:
        return ""
    for f in preview.fields if preview else []:
        if f.key == key:
            return f.zh if lang() == "zh" else f.en
    return labels.field(key)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_report(path: Path, report: RosterCheck) -> None:
    """The rejected rows as CSV (UTF-8 with BOM, for Excel), written privately."""
    from fieldsurvey.ledger.output import atomic_output

    with atomic_output(path) as f:
        f.write("\ufeff".encode())
        lines: list[str] = []

        class Sink:
            def write(self, s: str) -> None:
                lines.append(s)

        writer = csv.writer(Sink())
        writer.writerow(["row", "household_no", "column", "code", "reason_zh", "reason_en"])
        for x in report.rejected:  # the household numbers come from the file: no formula may start
            writer.writerow(
                safe_row([x.row, x.household_no, x.column or "", x.code, x.reason.zh, x.reason.en])
            )
        f.write("".join(lines).encode("utf-8"))
