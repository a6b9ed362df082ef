"""One household as the county holds it: the record, its members, the latest assessment, its visits.

Read-only: the county changes a household through conflict resolution and reviews, and the
secretary's laptop through visits. The assessment shown is the one stored with the newest
finalized visit, drawn with the village app's assessment cards.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.lists import HouseholdDetail as Detail
from fieldsurvey.api.lists import ListedVisit
from fieldsurvey.core.assessment_result import DIMENSIONS, Assessment
from fieldsurvey.core.ids import mask_id_number
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.records import household_from_dict
from fieldsurvey.core.reimbursement import KIND_LABELS, below_target
from fieldsurvey.ui.assessment_card import AssessmentCards
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.photos import CountyPhotos
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.i18n import code_label, t
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, fill_with_scroll, heading


def latest_assessment(visits: list[ListedVisit]) -> tuple[Assessment | None, str | None]:
    """The assessment of the newest visit that has one, and that visit's date."""
    for v in visits:  # newest first
        a = v.assessment
        if isinstance(a, dict) and isinstance(a.get("dimensions"), dict):
            try:
                return Assessment.from_dict({"household_id": v.household_id, **a}), v.visit_date
            except (KeyError, TypeError, ValueError):
                continue
    return None, None


class HouseholdDetail(Retranslating, QWidget):
    print_requested = Signal(str, str, str)  # household id, household number, village code
    loaded = Signal()

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: str | None = None
        self.record: dict[str, Any] | None = None
        self.visits: list[ListedVisit] = []
        self.title = heading(size_delta=3)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self._print)
        self.assessment_box = QGroupBox()
        self.assessment_source = QLabel()
        self.cards = AssessmentCards()
        box = QVBoxLayout(self.assessment_box)
        box.addWidget(self.assessment_source)
        box.addWidget(self.cards)
        self.members_box = QGroupBox()
        self.members = ReadOnlyTable()
        QVBoxLayout(self.members_box).addWidget(self.members)
        self.visits_box = QGroupBox()
        self.visit_table = ReadOnlyTable()
        QVBoxLayout(self.visits_box).addWidget(self.visit_table)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.print_button)
        layout.addLayout(head)
        layout.addWidget(self.facts)
        layout.addWidget(self.members_box)
        layout.addWidget(self.assessment_box)
        layout.addWidget(self.visits_box)
        self.photos = CountyPhotos(ctx)
        layout.addWidget(self.photos)
        layout.addStretch(1)
        fill_with_scroll(self, inner)
        self.retranslate()

    def resizeEvent(self, event: Any) -> None:
        """Lay the seven cards out in as many columns as the panel's width allows."""
        super().resizeEvent(event)
        columns = max(1, min(4, (self.width() - 40) // 230))
        grid = next(
            (
                self.cards.layout().itemAt(i).layout()
                for i in range(self.cards.layout().count())
                if isinstance(self.cards.layout().itemAt(i).layout(), QGridLayout)
            ),
            None,
        )
        if grid is not None and grid.property("columns") != columns:
            grid.setProperty("columns", columns)
            for i, d in enumerate(DIMENSIONS):
                grid.addWidget(self.cards.cards[d], i // columns, i % columns)

    def show_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.record, self.visits = None, []
        self.retranslate()
        self.photos.show_for(household_id)
        if household_id is None:
            return

        def op(_env: OpEnv) -> tuple[dict[str, Any], list[ListedVisit]]:
            api = self.ctx.client
            record = api.get_as(Detail, f"/households/{household_id}").record
            visits = api.page(
                ListedVisit, "/county/visits", household_id=household_id, limit=50
            ).items
            return record, visits

        def done(result: tuple[dict[str, Any], list[ListedVisit]]) -> None:
            if household_id == self.household_id:
                self.record, self.visits = result
                self.retranslate()
                self.loaded.emit()

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=done,
            on_error=lambda e: show_error(self, e, "household"),
            name="household",
        )

    def retranslate(self) -> None:
        self.print_button.setText(self.tr("Print ledger…"))
        self.members_box.setTitle(self.tr("Members"))
        self.assessment_box.setTitle(self.tr("Latest assessment"))
        self.visits_box.setTitle(self.tr("Visits"))
        r = self.record
        self.print_button.setEnabled(r is not None)
        if r is None:
            self.title.setText(
                self.tr("Choose a household in the list.")
                if self.household_id is None
                else self.tr("Loading…")
            )
            self.facts.clear()
            self.members.fill([], [])
            self.visit_table.fill([], [])
            self.cards.show_assessment(None)
            self.assessment_source.clear()
            return
        present = [m for m in r.get("members") or [] if m.get("present", True)]
        head = next((m for m in present if m.get("relation") == "02"), None)
        self.title.setText(
            f"{r['household_no']} · {self.ctx.place_name(str(r['division_code']))}"
            + (f" · {head['name']}" if head else "")
        )
        facts = [
            self.tr("status: %1").replace("%1", labels.status(r.get("status"))),
            self.tr("type: %1").replace(
                "%1", labels.household_type(r.get("household_type")) or "—"
            ),
            self.tr("%1 members").replace("%1", str(len(present))),
        ]
        if r.get("group"):
            facts.append(str(r["group"]))
        if r.get("phone"):
            facts.append(str(r["phone"]))
        facts.extend(self._reimbursement_facts(r))
        self.facts.setText(" · ".join(facts))
        self.members.fill(
            [
                self.tr("Name"),
                self.tr("Relationship"),
                self.tr("ID number"),
                self.tr("Sex"),
                self.tr("Birth date"),
                self.tr("Health"),
            ],
            [
                [
                    m.get("name", ""),
                    code_label("relation", m.get("relation")),
                    mask_id_number(str(m.get("id_number") or "")),
                    code_label("sex", m.get("sex")),
                    str(m.get("birth_date") or ""),
                    code_label("health", m.get("health")),
                ]
                for m in present
            ],
        )
        assessment, day = latest_assessment(self.visits)
        self.cards.show_assessment(assessment)
        self.assessment_source.setText(
            self.tr("From the visit of %1.").replace("%1", day)
            if day
            else self.tr("No visit with an assessment has reached the county yet.")
        )
        self.visit_table.fill(
            [self.tr("Date"), self.tr("Visitor"), self.tr("Findings"), self.tr("Review")],
            [
                [
                    v.visit_date,
                    v.visitor or "",
                    (v.findings or "")[:80],
                    labels.review(v.review_status),
                ]
                for v in self.visits
            ],
        )

    def _reimbursement_facts(self, record: dict[str, Any]) -> list[str]:
        """Members whose compliant medical costs were reimbursed below the division's target."""
        try:
            household = household_from_dict(record)
        except (KeyError, TypeError, ValueError):  # a record the county could not read whole
            return []
        names = {m.member_id: m.name for m in household.members}
        return [
            self.tr("%1 %2 %3 reimbursed %4, below the %5 target")
            .replace("%1", str(r.year))
            .replace("%2", names.get(r.member_id, "—"))
            .replace("%3", t(KIND_LABELS[r.kind]))
            .replace("%4", f"{r.rate:.1%}")
            .replace("%5", f"{r.target.value:.0%}" if r.target else "")
            for r in below_target(household, load_policy())
        ]

    def _print(self) -> None:
        if self.record is not None and self.household_id:
            self.print_requested.emit(
                self.household_id,
                str(self.record["household_no"]),
                str(self.record["division_code"]),
            )
