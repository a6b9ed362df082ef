"""The visit editor's widgets, their layout and their words (Qt Designer's ``setupUi`` and
``retranslateUi`` pattern, in code).

Left: the question search (Ctrl+F), the sections with their counts and the problem list; right:
one page per section. Above: title, state, form language, save status, the actions, a banner
(new visit, continued draft, correction, finalized) and, for a finalized visit, its assessment
(``assessment_panel.py``). What the head says follows the visit (``show_head``); it is here, with
the widgets it fills, so the editor itself only orchestrates. The strings keep the
``VisitEditor`` translation context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.visit.assessment_panel import AssessmentPanel
from fieldsurvey.ui.visit.navigator import FieldSearch, ProblemList, SectionList
from fieldsurvey.ui.visit.panels import ERROR_COLOUR
from fieldsurvey.ui.widgets import heading

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor


class EditorWidgets:
    """The widgets ``setup_ui`` makes, declared for the editor (Designer's ``Ui_`` class)."""

    stack: QStackedWidget
    message: QLabel
    title: QLabel
    state: QLabel
    save_label: QLabel
    language_label: QLabel
    language_box: QComboBox
    finalize_button: QPushButton
    amend_button: QPushButton
    discard_button: QPushButton
    banner: QLabel
    assessment_box: AssessmentPanel
    assessment_toggle: QToolButton
    assessment_summary: QLabel
    assessment_scroll: QScrollArea
    search: FieldSearch
    sections: SectionList
    problems: ProblemList
    page_stack: QStackedWidget
    splitter: QSplitter


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


def retranslate_ui(e: VisitEditor) -> None:
    """The words of ``e``'s widgets that do not depend on the visit."""
    e.finalize_button.setText(QCoreApplication.translate("VisitEditor", "Finali&ze…"))
    e.finalize_button.setToolTip(
        QCoreApplication.translate("VisitEditor", "Check the visit and finalize it (Ctrl+Enter)")
    )
    e.amend_button.setText(QCoreApplication.translate("VisitEditor", "Correct (amend)…"))
    e.discard_button.setText(QCoreApplication.translate("VisitEditor", "Discard draft…"))
    e.assessment_box.retranslate()
    e.search.setPlaceholderText(
        QCoreApplication.translate("VisitEditor", "Find a question (Ctrl+F)")
    )
    e.language_label.setText(QCoreApplication.translate("VisitEditor", "Form language:"))
    e.search.setToolTip(
        QCoreApplication.translate(
            "VisitEditor",
            "Part of a question's words, its pinyin initials or its full pinyin (e.g. tsts or "
            "tingshui for 停水天数)",
        )
    )


def fill_languages(e: VisitEditor) -> None:
    """The form language menu: the open form's languages, shown only when it has further ones."""
    box = e.language_box
    languages = e.session.languages() if e.session is not None else []
    box.blockSignals(True)
    try:
        box.clear()
        for code, name in languages:
            box.addItem(name, code)
        box.setCurrentIndex(max(box.findData(e.lang), 0))
    finally:
        box.blockSignals(False)
    shown = len(languages) > 2  # only forms with further languages need the menu
    box.setVisible(shown)
    e.language_label.setVisible(shown)


def show_head(e: VisitEditor) -> None:
    """Title, state, the buttons the visit allows, the banner and the assessment's box."""
    assert e.opened is not None
    head = e.opened.household.head
    who = head.name if head else e.opened.household.household_no
    visit = e.saver.visit or e.opened.visit
    finalized = e.read_only
    e.title.setText(
        QCoreApplication.translate("VisitEditor", "Visit to %1's household").replace("%1", who)
    )
    if finalized:
        state = QCoreApplication.translate("VisitEditor", "finalized (read-only)")
    elif visit is not None and visit.amends:
        state = QCoreApplication.translate("VisitEditor", "correction draft")
    else:
        state = QCoreApplication.translate("VisitEditor", "draft")
    e.state.setText(f"· {state}")
    e.setWindowTitle(
        QCoreApplication.translate("VisitEditor", "Visit: %1").replace("%1", who)
        + (" ✓" if finalized else "")
    )
    e.finalize_button.setVisible(not finalized)
    e.amend_button.setVisible(finalized and visit is not None)
    e.discard_button.setVisible(not finalized and visit is not None)
    banner = banner_text(e)
    e.banner.setText(banner)
    e.banner.setVisible(bool(banner))
    e.assessment_box.setVisible(finalized and e.assessment_box.has_assessment())


def show_save_state(e: VisitEditor, state: str, text: str = "") -> None:
    """The save status: "saving", "saved" (``text``: when) or "failed" (``text``: why)."""
    if state == "saving":
        e.save_label.setStyleSheet("color: #555;")
        e.save_label.setText(QCoreApplication.translate("VisitEditor", "Saving…"))
    elif state == "saved":
        e.save_label.setStyleSheet("color: #1e7b34;")
        e.save_label.setText(
            QCoreApplication.translate("VisitEditor", "Draft saved %1").replace("%1", text)
        )
    else:
        e.save_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        e.save_label.setText(
            QCoreApplication.translate("VisitEditor", "Not saved: %1").replace("%1", text)
        )


def banner_text(e: VisitEditor) -> str:
    """The banner under the head: finalized, a correction, a continued draft or a new visit."""
    opened = e.opened
    if opened is None:
        return ""
    visit = e.saver.visit or opened.visit
    if visit is not None and visit.finalized:
        when = (
            visit.finalized_at.strftime("%Y-%m-%d %H:%M")
            if visit.finalized_at
            else visit.visit_date.isoformat()
        )
        return (
            QCoreApplication.translate(
                "VisitEditor",
                "Finalized %1 by %2. A finalized visit does not change; use “Correct (amend)” for a correction.",
            )
            .replace("%1", when)
            .replace("%2", visit.visitor or "—")
        )
    if visit is not None and visit.amends:
        original = opened.original.visit_date.isoformat() if opened.original else "—"
        return (
            QCoreApplication.translate("VisitEditor", "Correction of the visit of %1. Reason: %2")
            .replace("%1", original)
            .replace("%2", visit.amendment_reason or "")
        )
    if opened.continued and visit is not None:
        started = (
            visit.created_at.strftime("%Y-%m-%d %H:%M")
            if visit.created_at
            else visit.visit_date.isoformat()
        )
        return QCoreApplication.translate(
            "VisitEditor",
            "This household already has a draft (started %1); it continues here. A household "
            "has one draft at a time.",
        ).replace("%1", started)
    if visit is None:
        return QCoreApplication.translate(
            "VisitEditor",
            "New visit: the answers start from the register. Confirm or correct each one; the "
            "draft is saved as you go.",
        )
    return ""
