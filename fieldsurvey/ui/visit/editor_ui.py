"""The visit editor's widgets and their layout (Qt Designer's ``setupUi`` pattern, in code).

Left: the question search (Ctrl+F), the sections with their counts and the problem list; right:
one page per section. Above: title, state, save status, the actions, a banner (new visit,
continued draft, correction, finalized) and, for a finalized visit, its assessment
(``assessment_panel.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.visit.assessment_panel import AssessmentPanel
from fieldsurvey.ui.visit.navigator import FieldSearch, ProblemList, SectionList
from fieldsurvey.ui.widgets import heading

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor


def setup_ui(e: VisitEditor) -> None:
    """Make ``e``'s widgets, connect them to it and lay them out."""
    e.stack = QStackedWidget()
    e.message = QLabel()
    e.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
    e.message.setWordWrap(True)
    e.stack.addWidget(e.message)
    work = QWidget()
    e.title = heading(size_delta=4)
    e.state = QLabel()
    e.save_label = QLabel()
    e.finalize_button = QPushButton()
    e.finalize_button.setDefault(False)
    e.amend_button = QPushButton()
    e.discard_button = QPushButton()
    e.finalize_button.clicked.connect(e.actions.finalize)
    e.amend_button.clicked.connect(e.actions.amend)
    e.discard_button.clicked.connect(e.actions.discard)
    e.language_label = QLabel()
    e.language_box = QComboBox()
    e.language_box.setObjectName("formLanguage")
    e.language_box.activated.connect(lambda i: e.set_form_language(str(e.language_box.itemData(i))))
    e.language_label.setBuddy(e.language_box)
    e.language_label.setVisible(False)
    e.language_box.setVisible(False)
    head = QHBoxLayout()
    head.addWidget(e.title)
    head.addWidget(e.state)
    head.addStretch(1)
    head.addWidget(e.language_label)
    head.addWidget(e.language_box)
    head.addWidget(e.save_label)
    for b in (e.discard_button, e.amend_button, e.finalize_button):
        head.addWidget(b)
    e.banner = QLabel()
    e.banner.setWordWrap(True)
    e.banner.setStyleSheet("background: #eef3fb; padding: 6px; border-radius: 3px;")
    e.assessment_box = AssessmentPanel()  # a finalized visit's assessment; hidden till then
    # the panel's parts, under the names tests and scripts use
    e.assessment_toggle = e.assessment_box.toggle
    e.assessment_summary = e.assessment_box.summary
    e.assessment_scroll = e.assessment_box.cards_area
    e.search = FieldSearch()
    e.search.go_to.connect(e.go_to)
    e.sections = SectionList()
    e.sections.currentRowChanged.connect(e._section_selected)
    e.problems = ProblemList()
    e.problems.go_to.connect(e.go_to)
    left = QWidget()
    left_box = QVBoxLayout(left)
    left_box.setContentsMargins(0, 0, 0, 0)
    left_box.addWidget(e.search)
    left_box.addWidget(e.sections, 2)
    left_box.addWidget(e.problems, 3)
    e.page_stack = QStackedWidget()
    e.splitter = QSplitter()
    e.splitter.addWidget(left)
    e.splitter.addWidget(e.page_stack)
    e.splitter.setStretchFactor(1, 1)
    e.splitter.setSizes([260, 900])
    box = QVBoxLayout(work)
    box.setContentsMargins(8, 6, 8, 6)
    box.addLayout(head)
    box.addWidget(e.banner)
    box.addWidget(e.assessment_box)
    box.addWidget(e.splitter, 1)
    e.stack.addWidget(work)
    outer = QVBoxLayout(e)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(e.stack)
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(
            QKeySequence(keys),
            e,
            e.actions.finalize,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
    QShortcut(
        QKeySequence("Ctrl+PgDown"),
        e,
        lambda: e.step_section(1),
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    )
    QShortcut(
        QKeySequence("Ctrl+PgUp"),
        e,
        lambda: e.step_section(-1),
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    )
