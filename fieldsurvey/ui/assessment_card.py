"""The assessment as cards: one per dimension, met / not met / unknown with the reasons.

Colour is never the only signal: each card also says its outcome in words and carries a mark
(✓ ✗ ?), so it reads the same on a grey-scale screen or printout.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from fieldsurvey.core.assessment_result import (
    DIMENSION_LABELS,
    DIMENSIONS,
    MET,
    NOT_MET,
    OUTCOME_LABELS,
    UNKNOWN,
    Assessment,
)
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.widgets import Retranslating

STYLE = {
    MET: ("✓", "#e6f4ea", "#1e7b34"),
    NOT_MET: ("✗", "#fdecea", "#b3261e"),
    UNKNOWN: ("?", "#f1f1f1", "#5f6368"),
}
COLUMNS = 4


class DimensionCard(QFrame):
    def __init__(self, dimension: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dimension = dimension
        self.setObjectName("dimensionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.outcome = QLabel()
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.outcome)
        layout.addWidget(self.reasons, 1)
        self.setMinimumWidth(210)
        self.current_outcome = UNKNOWN

    def show_result(self, assessment: Assessment | None) -> None:
        result = assessment.dimensions.get(self.dimension) if assessment else None
        outcome = result.outcome if result else UNKNOWN
        self.current_outcome = outcome
        mark, background, colour = STYLE.get(outcome, STYLE[UNKNOWN])
        self.title.setText(t(DIMENSION_LABELS[self.dimension]))
        self.outcome.setText(f"{mark} {t(OUTCOME_LABELS.get(outcome, OUTCOME_LABELS[UNKNOWN]))}")
        self.outcome.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.setStyleSheet(
            f"QFrame#dimensionCard {{ background: {background}; border: 1px solid {colour}; border-radius: 4px; }}"
        )
        reasons = [f"• {t(r.text)}" for r in result.reasons] if result else []
        self.reasons.setText("\n".join(reasons))
        self.reasons.setVisible(bool(reasons))


class AssessmentCards(Retranslating, QWidget):
    """All dimensions in a grid, the exit verdict and the risk flags."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {d: DimensionCard(d) for d in DIMENSIONS}
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-weight: bold;")
        self.income = QLabel()
        self.income.setWordWrap(True)
        self.risks = QLabel()
        self.risks.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, d in enumerate(DIMENSIONS):
            grid.addWidget(self.cards[d], i // COLUMNS, i % COLUMNS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.verdict)
        layout.addWidget(self.income)
        layout.addLayout(grid)
        layout.addWidget(self.risks)
        self.assessment: Assessment | None = None
        self.retranslate()

    def show_assessment(self, assessment: Assessment | None) -> None:
        self.assessment = assessment
        self.retranslate()

    def retranslate(self) -> None:
        a = self.assessment
        for card in self.cards.values():
            card.show_result(a)
        if a is None:
            self.verdict.setText(self.tr("No assessment yet."))
            self.income.clear()
            self.risks.clear()
            return
        failing = a.failing()
        if a.exit_eligible:
            self.verdict.setText(
                self.tr("All dimensions are met: the household meets the exit criteria.")
            )
        elif failing:
            names = "、".join(t(DIMENSION_LABELS[d]) for d in failing)
            self.verdict.setText(self.tr("Not met: %1").replace("%1", names))
        else:
            self.verdict.setText(
                self.tr(
                    "Some dimensions are unknown: information is missing, so the household cannot be judged yet."
                )
            )
        parts: list[str] = []
        if a.net_income_per_capita is not None:
            parts.append(
                self.tr("Net income per person: %1 yuan").replace(
                    "%1", f"{a.net_income_per_capita:,.0f}"
                )
            )
        if a.monitoring_threshold is not None:
            parts.append(
                self.tr("monitoring threshold %1 yuan").replace(
                    "%1", f"{a.monitoring_threshold:,.0f}"
                )
            )
        if a.poverty_line is not None:
            parts.append(self.tr("poverty line %1 yuan").replace("%1", f"{a.poverty_line:,.0f}"))
        parts.append(self.tr("policy year %1").replace("%1", str(a.policy_year)))
        self.income.setText(" · ".join(parts))
        if a.risk_flags:
            self.risks.setText(
                self.tr("Risks: %1").replace(
                    "%1", self.tr("; ").join(t(f.text) for f in a.risk_flags)
                )
            )
            self.risks.setStyleSheet("color: #b3261e;")
        else:
            self.risks.setText(self.tr("No relapse risk found."))
            self.risks.setStyleSheet("")
