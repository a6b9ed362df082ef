"""Visits to review: read what the secretary found and the assessment, and mark it.

"Has issues" with a comment goes to the village's laptops on their next sync, where the
secretary can answer with an amendment (a new visit that corrects this one); "no issues" closes
the review. A finalized visit itself never changes: only the county's review fields do.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.lists import ListedVisit, ReviewedVisit
from fieldsurvey.ui.assessment_card import AssessmentCards
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.household_detail import latest_assessment
from fieldsurvey.ui.county.paged_model import Column, Fetch, list_fetch
from fieldsurvey.ui.county.photos import CountyPhotos
from fieldsurvey.ui.county.widgets import ScopePicker, lay_out_list_page, paged_list, refill
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import Retranslating, error_label, fill_with_scroll, heading

REVIEW_COLOURS = {"has_issues": "#b3261e", "ok": "#1e7b34"}


def columns() -> list[Column]:
    return [
        Column(
            "date",
            lambda: QCoreApplication.translate("CountyVisits", "Date"),
            lambda r: r.visit_date,
        ),
        Column(
            "household",
            lambda: QCoreApplication.translate("CountyVisits", "Household no."),
            lambda r: r.household_no,
        ),
        Column(
            "village",
            lambda: QCoreApplication.translate("CountyVisits", "Village"),
            lambda r: r.village,
        ),
        Column(
            "visitor",
            lambda: QCoreApplication.translate("CountyVisits", "Visitor"),
            lambda r: r.visitor or "",
        ),
        Column(
            "findings",
            lambda: QCoreApplication.translate("CountyVisits", "Findings"),
            lambda r: (r.findings or "").replace("\n", " ")[:60],
        ),
        Column(
            "review",
            lambda: QCoreApplication.translate("CountyVisits", "Review"),
            lambda r: labels.review(r.review_status),
            lambda r: REVIEW_COLOURS.get(r.review_status or ""),
        ),
    ]


class VisitReview(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit: ListedVisit | None = None
        self.title = heading(size_delta=2)
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cards = AssessmentCards()
        self.review_state = QLabel()
        self.review_state.setWordWrap(True)
        self.comment_label = QLabel()
        self.comment = QPlainTextEdit()
        self.comment.setMaximumHeight(80)
        self.comment.setTabChangesFocus(True)
        self.error = error_label()
        self.issues_button = QPushButton()
        self.ok_button = QPushButton()
        self.issues_button.clicked.connect(lambda: self.review("has_issues"))
        self.ok_button.clicked.connect(lambda: self.review("ok"))
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.photos = CountyPhotos(ctx)
        for w in (
            self.title,
            self.findings,
            self.photos,
            self.cards,
            self.review_state,
            self.comment_label,
            self.comment,
            self.error,
        ):
            layout.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.issues_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        fill_with_scroll(self, inner)
        self.retranslate()

    def show_visit(self, visit: ListedVisit | None) -> None:
        self.visit = visit
        self.comment.setPlainText(visit.review_comment or "" if visit else "")
        self.error.clear()
        self.photos.show_for(
            visit.household_id if visit else None, visit.visit_id if visit else None
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.comment_label.setText(self.tr("Comment for the secretary:"))
        self.issues_button.setText(self.tr("Mark as having issues"))
        self.ok_button.setText(self.tr("Mark as checked"))
        v = self.visit
        staff = self.ctx.me.is_staff
        for w in (self.comment_label, self.comment, self.issues_button, self.ok_button):
            w.setVisible(v is not None and staff)
        if v is None:
            self.title.setText(self.tr("Choose a visit in the list."))
            self.findings.clear()
            self.review_state.clear()
            self.cards.show_assessment(None)
            return
        self.title.setText(f"{v.household_no} · {v.village} · {v.visit_date}")
        parts = [
            self.tr("Visitor: %1").replace("%1", v.visitor or "—"),
            self.tr("Findings: %1").replace("%1", v.findings or "—"),
        ]
        if v.amends:
            parts.append(
                self.tr("Corrects an earlier visit: %1").replace("%1", v.amendment_reason or "")
            )
        self.findings.setText("\n".join(parts))
        assessment, _day = latest_assessment([v])
        self.cards.show_assessment(assessment)
        state = labels.review(v.review_status)
        if v.reviewed_by:
            state += " · " + self.tr("by %1").replace("%1", v.reviewed_by)
        self.review_state.setText(self.tr("Review: %1").replace("%1", state))

    def review(self, status: str) -> None:
        v = self.visit
        if v is None:
            return
        comment = self.comment.toPlainText().strip()
        if status == "has_issues" and not comment:
            self.error.setText(self.tr("Say what is wrong, so the secretary can correct it."))
            return
        visit_id = v.visit_id

        def op(_env: OpEnv) -> ReviewedVisit:
            return self.ctx.client.get_as(
                ReviewedVisit,
                f"/visits/{visit_id}/review",
                method="POST",
                json={"status": status, "comment": comment},
            )

        def done(result: ReviewedVisit) -> None:
            if self.visit is v:
                self.visit = v.model_copy(
                    update={
                        "review_status": result.review_status,
                        "review_comment": result.review_comment,
                        "reviewed_by": self.ctx.me.username,
                    }
                )
                self.retranslate()
            self.ctx.data_changed.emit("visits")

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "review"),
            name="review visit",
        )


class VisitsPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scope = ScopePicker(ctx)
        self.review_filter = QComboBox()
        self.model, self.view, self.count = paged_list(
            self, ctx, columns(), self._fetch(), "visits", lambda row: self.detail.show_visit(row)
        )
        self.detail = VisitReview(ctx)
        self.scope.changed.connect(lambda _s: self.refresh())
        self.review_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        ctx.data_changed.connect(self._changed)
        lay_out_list_page(
            self, (self.scope, self.review_filter), self.view, self.count, self.detail, (640, 640)
        )
        self.retranslate()

    def _fetch(self) -> Fetch:
        return list_fetch(
            ListedVisit,
            "/county/visits",
            scope=self.scope.scope(),
            review_status=self.review_filter.currentData(),
        )

    def refresh(self) -> None:
        self.detail.show_visit(None)
        self.model.set_fetch(self._fetch())

    def _changed(self, what: str) -> None:
        index = self.view.currentIndex()
        if what == "visits" and index.isValid() and self.detail.visit is not None:
            self.model.replace(index.row(), self.detail.visit)

    def retranslate(self) -> None:
        refill(
            self.review_filter,
            (
                (self.tr("Not reviewed"), "unreviewed"),
                (labels.review("has_issues"), "has_issues"),
                (labels.review("ok"), "ok"),
                (self.tr("All visits"), None),
            ),
        )
        self.model.retranslate()
