"""The batch inbox: every batch the county received, newest first, and what became of it.

Each row: when, which secretary and device, which villages, how many records, whether the
signature verified, and the result — merged, merged with conflicts, or refused with the
reason. Selecting a batch shows the outcome of each of its records (or the refusal in full).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.county import BatchDetail
from fieldsurvey.api.lists import InboxBatch
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.paged_model import Column, Fetch, list_fetch
from fieldsurvey.ui.county.widgets import lay_out_list_page, paged_list, refill
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, heading

COLOURS = {"merged": "#1e7b34", "has_conflicts": "#a05a00", "refused": "#b3261e"}


def when(iso: str | None) -> str:
    return local_minute(iso)


def result_text(r: InboxBatch) -> str:
    if r.status == "refused":
        return (
            QCoreApplication.translate("CountyInbox", "%1: %2")
            .replace("%1", labels.batch_result("refused"))
            .replace("%2", labels.text_of(r.reason))
        )
    if r.status == "has_conflicts":
        return (
            QCoreApplication.translate("CountyInbox", "%1 (%2)")
            .replace("%1", labels.batch_result("has_conflicts"))
            .replace("%2", str(r.conflicts))
        )
    return labels.batch_result(r.status)


def columns(ctx: CountyContext) -> list[Column]:
    return [
        Column(
            "received",
            lambda: QCoreApplication.translate("CountyInbox", "Received"),
            lambda r: when(r.received_at),
        ),
        Column(
            "secretary",
            lambda: QCoreApplication.translate("CountyInbox", "Secretary"),
            lambda r: r.display_name or r.user or "—",
        ),
        Column(
            "device",
            lambda: QCoreApplication.translate("CountyInbox", "Device"),
            lambda r: r.device or (r.device_id or "—")[:8],
        ),
        Column(
            "villages",
            lambda: QCoreApplication.translate("CountyInbox", "Villages"),
            lambda r: "、".join(ctx.place_name(v) for v in r.villages or []) or "—",
        ),
        Column(
            "records",
            lambda: QCoreApplication.translate("CountyInbox", "Records"),
            lambda r: "—" if r.records is None else str(r.records),
        ),
        Column(
            "signature",
            lambda: QCoreApplication.translate("CountyInbox", "Signature"),
            lambda r: (
                QCoreApplication.translate("CountyInbox", "verified")
                if r.signature_verified
                else QCoreApplication.translate("CountyInbox", "not verified")
            ),
            lambda r: None if r.signature_verified else "#b3261e",
        ),
        Column(
            "via",
            lambda: QCoreApplication.translate("CountyInbox", "Via"),
            lambda r: (
                QCoreApplication.translate("CountyInbox", "network")
                if r.via == "http"
                else QCoreApplication.translate("CountyInbox", "USB file")
            ),
        ),
        Column(
            "result",
            lambda: QCoreApplication.translate("CountyInbox", "Result"),
            result_text,
            lambda r: COLOURS.get(r.status),
        ),
    ]


class InboxPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = QComboBox()
        self.user = QLineEdit()
        self.user.setClearButtonEnabled(True)
        self.user.setMaximumWidth(180)
        self.model, self.view, self.count = paged_list(
            self, ctx, columns(ctx), self._fetch(), "inbox", self._selected
        )
        self.status.currentIndexChanged.connect(lambda _i: self.model.set_fetch(self._fetch()))
        self.user.returnPressed.connect(lambda: self.model.set_fetch(self._fetch()))
        self.detail_title = heading(size_delta=2)
        self.detail_text = QLabel()
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcomes = ReadOnlyTable()
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.addWidget(self.detail_title)
        d.addWidget(self.detail_text)
        d.addWidget(self.outcomes, 10)
        d.addStretch(1)
        lay_out_list_page(
            self,
            (self.status, self.user),
            self.view,
            self.count,
            detail,
            (440, 240),
            Qt.Orientation.Vertical,
        )
        self.retranslate()

    def _fetch(self) -> Fetch:
        return list_fetch(
            InboxBatch,
            "/county/batches",
            status=self.status.currentData(),
            username=self.user.text().strip() or None,
        )

    def refresh(self) -> None:
        self.model.reload()

    def retranslate(self) -> None:
        refill(
            self.status,
            [(self.tr("All batches"), None)]
            + [(labels.batch_result(c), c) for c in ("merged", "has_conflicts", "refused")],
        )
        self.user.setPlaceholderText(self.tr("Secretary's user name"))
        self.model.retranslate()
        if not self.detail_title.text():
            self.detail_title.setText(self.tr("Choose a batch to see what became of each record."))

    def _selected(self, row: InboxBatch | None) -> None:
        if row is None:
            return
        if row.status == "refused" or not row.batch_id:
            self._show_detail(row, None)
            return
        batch_id = row.batch_id

        def op(_env: OpEnv) -> BatchDetail:
            return self.ctx.client.get_as(BatchDetail, f"/batches/{batch_id}")

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=lambda detail: self._show_detail(row, detail),
            on_error=lambda e: show_error(self, e, "batch"),
            name="batch",
        )

    def _show_detail(self, row: InboxBatch, detail: BatchDetail | None) -> None:
        self.detail_title.setText(self.tr("Batch %1").replace("%1", str(row.batch_id or "?")))
        if row.status == "refused":
            reason = row.reason
            self.detail_text.setText(
                self.tr(
                    "Refused: %1. Nothing of it was applied; the device was told on its next sync."
                ).replace("%1", labels.text_of(reason))
            )
            self.outcomes.fill([], [], fit=False)
            self.outcomes.setVisible(False)
            return
        self.outcomes.setVisible(True)
        counts = self.tr(", ").join(f"{labels.record_kind(k)} {v}" for k, v in row.counts.items())
        self.detail_text.setText(
            self.tr("Created on the device at %1; %2 bytes; records: %3.")
            .replace("%1", when(row.created_at))
            .replace("%2", f"{row.size or 0:,}")
            .replace("%3", counts)
        )
        outcomes = (detail.outcomes if detail else None) or []
        self.outcomes.fill(
            [
                self.tr("#"),
                self.tr("Record"),
                self.tr("Outcome"),
                self.tr("Fields"),
                self.tr("Conflicts"),
            ],
            [
                [
                    str(o.i + 1),
                    labels.record_type(o.record_type or ""),
                    labels.outcome(o.outcome),
                    "、".join(labels.field(f) for f in getattr(o, "fields", None) or []),
                    str(len(getattr(o, "conflicts", None) or [])),
                ]
                for o in outcomes
            ],
            fit=False,
        )
