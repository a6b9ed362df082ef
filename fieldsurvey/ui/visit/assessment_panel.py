"""The finalized visit's assessment, shown in the visit editor above the sections.

Its own widget so the editor only says when it shows (a finalized visit that has an assessment)
and what it holds; the folding lives here. The cards are those of the household view
(``ui/assessment_card.py``), made the first time there is an assessment: a draft never needs
them. Folded, the panel is one line, the verdict; unfolded, the cards scroll within at most
``ASSESSMENT_SHARE`` of the editor's height, so the sections stay usable on a 1366×768 screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.ui.assessment_card import AssessmentCards

ASSESSMENT_SHARE = 0.4  # of the editor's height, at most, for the unfolded assessment
ASSESSMENT_MIN_PX = 140


class AssessmentPanel(QGroupBox):
    """The assessment made when the visit was finalized, folding to its verdict line.

    Hidden until the editor shows it; its words follow the language when the editor's
    ``retranslate`` calls ``retranslate`` here.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVisible(False)
        self.cards: AssessmentCards | None = None  # made for finalized visits only
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self.set_open)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.cards_area = QScrollArea()
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setFrameShape(QFrame.Shape.NoFrame)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        head.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(head)
        layout.addWidget(self.cards_area)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Assessment at this visit"))
        self._head()

    def show_assessment(self, assessment: Assessment | None) -> None:
        """The assessment made when the visit was finalized, as the household view shows it."""
        if assessment is not None and self.cards is None:
            self.cards = AssessmentCards()
            self.cards_area.setWidget(self.cards)
        if self.cards is not None:
            self.cards.show_assessment(assessment)
        self._head()

    def has_assessment(self) -> bool:
        return self.cards is not None and self.cards.assessment is not None

    def set_open(self, shown: bool) -> None:
        """Fold the assessment to its verdict line, or unfold its cards."""
        if self.toggle.isChecked() != shown:
            self.toggle.setChecked(shown)  # comes back here through ``toggled``
            return
        self.cards_area.setVisible(shown)
        self._head()

    def toggle_open(self) -> None:
        self.set_open(not self.toggle.isChecked())

    def fit(self, editor_height: int) -> None:
        """Keep the unfolded cards to their share of the editor's height."""
        self.cards_area.setMaximumHeight(
            max(ASSESSMENT_MIN_PX, int(editor_height * ASSESSMENT_SHARE))
        )

    def _head(self) -> None:
        shown = self.toggle.isChecked()
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.toggle.setText(self.tr("Hide details") if shown else self.tr("Show details"))
        verdict = self.cards.verdict.text() if self.cards is not None else ""
        self.summary.setText("" if shown else verdict)
        self.summary.setVisible(not shown)
