"""One household: its record, its latest assessment, its visits, and what can be done next.

The record loads on the database worker; the view redraws itself when an operation reports a
change to this household (a finalized visit, a member change), wherever that operation came from.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.households import HouseholdBundle
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.reimbursement import KIND_LABELS, reimbursements
from fieldsurvey.core.visit import Visit
from fieldsurvey.ui import ops
from fieldsurvey.ui.assessment_card import AssessmentCards
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.i18n import code_label, t
from fieldsurvey.ui.ops import Changes
from fieldsurvey.ui.photos.entry import PhotoEntry
from fieldsurvey.ui.photos.loaders import photo_loader, thumb_loader
from fieldsurvey.ui.photos.strip import PhotoStrip
from fieldsurvey.ui.photos.viewer import PhotoViewer
from fieldsurvey.ui.widgets import ReadOnlyTable, Retranslating, fill_with_scroll, heading


def _yes(value: bool | None) -> str:
    if value is None:
        return QCoreApplication.translate("HouseholdView", "not recorded")
    return (
        QCoreApplication.translate("HouseholdView", "yes")
        if value
        else QCoreApplication.translate("HouseholdView", "no")
    )


class HouseholdView(Retranslating, QWidget):
    """Emits requests the main window carries out (it owns the tabs and the printer)."""

    new_visit_requested = Signal(str)  # household_id
    open_visit_requested = Signal(str, str)  # household_id, visit_id
    amend_requested = Signal(str, str)  # household_id, visit_id
    print_requested = Signal(str)  # household_id
    member_change_requested = Signal(object)  # Household

    def __init__(self, ctx: AppContext, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.bundle: HouseholdBundle | None = None

        self.title = heading(size_delta=5)
        self.place = QLabel()
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.new_visit_button = QPushButton()
        self.continue_button = QPushButton()
        self.print_button = QPushButton()
        self.member_button = QPushButton()
        self.new_visit_button.clicked.connect(
            lambda: self.new_visit_requested.emit(self.household_id)
        )
        self.continue_button.clicked.connect(self._continue_draft)
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.household_id))
        self.member_button.clicked.connect(self._member_change)

        self.assessment_box = QGroupBox()
        self.assessment_source = QLabel()
        self.assessment_source.setWordWrap(True)
        self.cards = AssessmentCards()
        box = QVBoxLayout(self.assessment_box)
        box.addWidget(self.assessment_source)
        box.addWidget(self.cards)

        self.members_box, self.members = self._table_box()
        self.visits_box, self.visits = self._table_box()
        self.visits.doubleClicked.connect(lambda _i: self._open_selected_visit())
        self.open_visit_button = QPushButton()
        self.amend_button = QPushButton()
        self.open_visit_button.clicked.connect(self._open_selected_visit)
        self.amend_button.clicked.connect(self._amend_selected)
        visit_buttons = QHBoxLayout()
        visit_buttons.addWidget(self.open_visit_button)
        visit_buttons.addWidget(self.amend_button)
        visit_buttons.addStretch(1)
        self.visits_box.layout().addLayout(visit_buttons)  # type: ignore[union-attr]
        self.measures_box, self.measures = self._table_box()
        self.helpers_box, self.helpers = self._table_box()
        self.medical_box, self.medical = self._table_box()
        self.photos_box = QGroupBox()
        self.photos_box.setObjectName("householdPhotos")
        self.photo_strip = PhotoStrip(thumb_loader(ctx, self))
        self.photo_strip.open_requested.connect(self._open_photo)
        self.no_photos = QLabel()
        photos_layout = QVBoxLayout(self.photos_box)
        photos_layout.addWidget(self.photo_strip)
        photos_layout.addWidget(self.no_photos)

        actions = QHBoxLayout()
        for b in (
            self.new_visit_button,
            self.continue_button,
            self.print_button,
            self.member_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.title)
        layout.addWidget(self.place)
        layout.addWidget(self.facts)
        layout.addLayout(actions)
        for w in (
            self.assessment_box,
            self.photos_box,
            self.members_box,
            self.medical_box,
            self.visits_box,
            self.measures_box,
            self.helpers_box,
        ):
            layout.addWidget(w)
        layout.addStretch(1)
        fill_with_scroll(self, content)

        ctx.ops.changed.connect(self._store_changed)
        self.retranslate()
        self.reload()

    @staticmethod
    def _table_box() -> tuple[QGroupBox, ReadOnlyTable]:
        box = QGroupBox()
        table = ReadOnlyTable()
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        return box, table

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.ops.run(
            ops.load_household(self.household_id),
            owner=self,
            on_done=self._loaded,
            name="load household",
        )

    def _loaded(self, bundle: HouseholdBundle) -> None:
        self.bundle = bundle
        self.retranslate()

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches(self.household_id):
            self.reload()

    # -- drawing ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.new_visit_button.setText(self.tr("&New visit"))
        self.continue_button.setText(self.tr("&Continue draft"))
        self.print_button.setText(self.tr("&Print ledger…"))
        self.member_button.setText(self.tr("&Member change…"))
        self.open_visit_button.setText(self.tr("Open visit"))
        self.amend_button.setText(self.tr("Correct (amend)…"))
        self.assessment_box.setTitle(
            self.tr("Assessment (two assurances, three guarantees, water, income)")
        )
        self.members_box.setTitle(self.tr("Members"))
        self.visits_box.setTitle(self.tr("Visits"))
        self.measures_box.setTitle(self.tr("Assistance measures"))
        self.helpers_box.setTitle(self.tr("Assigned helpers"))
        self.medical_box.setTitle(self.tr("Medical costs and reimbursement"))
        self.photos_box.setTitle(self.tr("Photos"))
        self.no_photos.setText(
            self.tr("No photos yet: add them in a visit (household, housing, water, visit record).")
        )
        if self.bundle is None:
            self.title.setText(self.tr("Loading…"))
            self._update_buttons()
            return
        self._draw(self.bundle)
        self._update_buttons()

    def window_title(self) -> str:
        if self.bundle is None:
            return self.tr("Household")
        h = self.bundle.household
        head = h.head
        return f"{head.name if head else h.household_no}"

    def _draw(self, b: HouseholdBundle) -> None:
        h = b.household
        head = h.head
        self.title.setText(
            self.tr("%1's household").replace("%1", head.name) if head else h.household_no
        )
        self.setWindowTitle(self.window_title())
        place = [b.place.get("county"), b.place.get("township"), b.place.get("village"), h.group]
        number = self.tr("Household no. %1").replace("%1", h.household_no)
        self.place.setText(" · ".join(p for p in place if p) + "    " + number)
        dash = "—"
        facts = [
            self.tr("Status: %1").replace("%1", code_label("status", h.status) or dash),
            self.tr("Poverty category: %1").replace(
                "%1", code_label("poverty_category", h.poverty_category) or dash
            ),
            self.tr("Type: %1").replace(
                "%1", code_label("household_type", h.household_type) or dash
            ),
            self.tr("Members: %1").replace("%1", str(h.size)),
        ]
        if h.main_poverty_cause:
            facts.append(
                self.tr("Main poverty cause: %1").replace(
                    "%1", code_label("poverty_cause", h.main_poverty_cause)
                )
            )
        if h.phone:
            facts.append(self.tr("Phone: %1").replace("%1", h.phone))
        if h.monitored:
            facts.append(self.tr("Monitored household"))
        self.facts.setText("    ".join(facts))
        self._draw_assessment(b)
        self._draw_members(h)
        self._draw_visits(b.visits)
        self._draw_measures(h)
        self._draw_helpers(h)
        self._draw_medical(h)
        self._draw_photos(b)

    def photo_entries(self) -> list[PhotoEntry]:
        if self.bundle is None:
            return []
        lang = self.ctx.lang
        return [
            PhotoEntry.from_info(
                p.info,
                p.caption or p.title.get(lang),
                f"{p.visit_date} · {p.title.get(lang)}"
                + ("" if p.finalized else " · " + self.tr("draft")),
            )
            for p in self.bundle.photos
        ]

    def _draw_photos(self, b: HouseholdBundle) -> None:
        self.photo_strip.set_entries(self.photo_entries())
        self.photo_strip.setVisible(bool(b.photos))
        self.no_photos.setVisible(not b.photos)

    def _open_photo(self, index: int) -> PhotoViewer | None:
        entries = self.photo_entries()
        if not entries:
            return None
        viewer = PhotoViewer(entries, index, photo_loader(self.ctx, self), self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer

    def _draw_assessment(self, b: HouseholdBundle) -> None:
        self.cards.show_assessment(b.assessment)
        if b.assessment_visit is not None:
            self.assessment_source.setText(
                self.tr("From the visit of %1 by %2.")
                .replace("%1", b.assessment_visit.visit_date.isoformat())
                .replace("%2", b.assessment_visit.visitor or "—")
            )
        else:
            self.assessment_source.setText(
                self.tr(
                    "No finalized visit yet: this is computed from the records as they stand today and is not stored."
                )
            )

    def _draw_members(self, h: Household) -> None:
        today = date.today()
        headers = [
            self.tr("Name"),
            self.tr("Relationship"),
            self.tr("Sex"),
            self.tr("Age"),
            self.tr("ID number"),
            self.tr("Health"),
            self.tr("Schooling"),
            self.tr("Labour capacity"),
            self.tr("Medical insurance"),
        ]
        rows = []
        for m in h.members:
            name = m.name if m.present else self.tr("%1 (moved out)").replace("%1", m.name)
            rows.append(
                [
                    name,
                    code_label("relation", m.relation),
                    code_label("sex", m.sex),
                    str(m.age(today)),
                    m.id_number,
                    code_label("health", m.health),
                    code_label("schooling", m.schooling),
                    code_label("labour_capacity", m.labour_capacity),
                    _yes(m.basic_insured),
                ]
            )
        self.members.fill(headers, rows, [m.member_id for m in h.members])

    def _draw_visits(self, visits: list[Visit]) -> None:
        headers = [self.tr("Date"), self.tr("Visitor"), self.tr("State"), self.tr("Findings")]
        rows = []
        for v in visits:
            if not v.finalized:
                state = self.tr("draft (not finalized)")
            elif v.amends:
                state = self.tr("finalized, corrects an earlier visit")
            else:
                state = self.tr("finalized")
            if v.review_status == "has_issues":
                state += " · " + self.tr("county: has issues")
            rows.append(
                [
                    v.visit_date.isoformat(),
                    v.visitor,
                    state,
                    (v.findings or v.amendment_reason or "").replace("\n", " "),
                ]
            )
        self.visits.fill(headers, rows, [v.visit_id for v in visits])
        if not visits:
            self.visits.setMinimumHeight(40)

    def _draw_measures(self, h: Household) -> None:
        headers = [
            self.tr("Category"),
            self.tr("Project"),
            self.tr("Year"),
            self.tr("Funds (yuan)"),
            self.tr("State"),
        ]
        rows = [
            [
                code_label("assistance_category", x.category),
                x.project,
                str(x.year or ""),
                f"{x.funds:,.0f}" if x.funds is not None else "",
                code_label("measure_status", x.status),
            ]
            for x in h.measures
        ]
        self.measures.fill(headers, rows)

    def _draw_helpers(self, h: Household) -> None:
        headers = [
            self.tr("Name"),
            self.tr("Unit"),
            self.tr("Phone"),
            self.tr("From"),
            self.tr("Until"),
        ]
        rows = [
            [
                x.name,
                x.unit,
                x.phone or "",
                x.start_date.isoformat(),
                x.end_date.isoformat() if x.end_date else self.tr("current"),
            ]
            for x in h.helpers
        ]
        self.helpers.fill(headers, rows)

    def _draw_medical(self, h: Household) -> None:
        """Each member's yearly compliant costs, the reimbursement rate and the local target."""
        names = {m.member_id: m.name for m in h.members}
        found = reimbursements(h, load_policy())
        headers = [
            self.tr("Year"),
            self.tr("Name"),
            self.tr("Kind"),
            self.tr("Costs (yuan)"),
            self.tr("Reimbursed (yuan)"),
            self.tr("Rate"),
            self.tr("Target"),
            self.tr("Result"),
        ]
        rows = [
            [
                str(r.year),
                names.get(r.member_id, "—"),
                t(KIND_LABELS[r.kind]),
                f"{r.costs:,.2f}",
                f"{r.reimbursed:,.2f}",
                f"{r.rate:.1%}",
                f"{r.target.value:.0%}" if r.target else "—",
                t(r.verdict()),
            ]
            for r in found
        ]
        self.medical.fill(headers, rows)
        self.medical_box.setVisible(bool(found))

    def _update_buttons(self) -> None:
        loaded = self.bundle is not None
        drafts = self.drafts()
        self.new_visit_button.setEnabled(loaded)
        self.continue_button.setVisible(bool(drafts))
        self.open_visit_button.setEnabled(loaded and bool(self.bundle and self.bundle.visits))
        self.amend_button.setEnabled(
            loaded and bool(self.bundle and any(v.finalized for v in self.bundle.visits))
        )
        self.print_button.setEnabled(loaded)
        self.member_button.setEnabled(loaded)

    # -- actions ----------------------------------------------------------------------------
    def drafts(self) -> list[Visit]:
        return [v for v in self.bundle.visits if not v.finalized] if self.bundle else []

    def _continue_draft(self) -> None:
        drafts = self.drafts()
        if drafts:
            self.open_visit_requested.emit(self.household_id, drafts[0].visit_id)

    def _selected_visit(self) -> Visit | None:
        key = self.visits.selected_key()
        if key is None or self.bundle is None:
            return None
        return next((v for v in self.bundle.visits if v.visit_id == key), None)

    def _open_selected_visit(self) -> None:
        v = self._selected_visit()
        if v is not None:
            self.open_visit_requested.emit(self.household_id, v.visit_id)

    def _amend_selected(self) -> None:
        v = self._selected_visit()
        if v is None and self.bundle is not None:
            v = next((x for x in self.bundle.visits if x.finalized), None)
        if v is not None and v.finalized:
            self.amend_requested.emit(self.household_id, v.visit_id)

    def _member_change(self) -> None:
        if self.bundle is not None:
            self.member_change_requested.emit(self.bundle.household)
