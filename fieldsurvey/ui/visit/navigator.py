"""Finding one's way in a visit: the sections with their counts, the problem list, the search.

The section list shows each section's errors (✗) and warnings (⚠) as counts; the problem list
names each problem's place ("户和成员 › 王建国 › 健康状况: 此项必填") and a click goes there; the
search (Ctrl+F) finds a question by its label across all sections and members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.errors import UserError
from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.model import Repeat
from fieldsurvey.forms.rows import FIELD_ROW
from fieldsurvey.forms.session import FormSession
from fieldsurvey.ui.pinyin_search import matches, text_readings
from fieldsurvey.ui.visit.panels import ERROR_COLOUR, WARNING_COLOUR, bold

PATH_ROLE = Qt.ItemDataRole.UserRole
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1


def place_label(session: FormSession, path: str, lang: str) -> str:
    """Where a path is, in words: section › entry › question (names of members included,
    which is fine on screen; this text never goes to a log)."""
    if not path:
        return QCoreApplication.translate("VisitNavigator", "Whole visit")
    try:
        p = session.resolve_path(path)
    except UserError:
        return path
    parts: list[str] = []
    name = p.name or p.ctx[-1][0]
    el = session.element(name)
    section = next((t for s, t in session.sections() if s == el.form_id), None)
    if section is not None:
        parts.append(section.get(lang))
    for i, (rep, _key) in enumerate(p.ctx):
        repeat = session.element(rep)
        if isinstance(repeat, Repeat):
            title = session.label(repeat, p.ctx[: i + 1], "instance").get(lang)
            parts.append(title or session.label(repeat, p.ctx[:i]).get(lang))
    if p.name is not None:
        parts.append(session.label(el, p.ctx).get(lang))
    elif not p.ctx:
        parts.append(session.label(el, ()).get(lang))
    return " › ".join(x for x in parts if x)


def section_of(session: FormSession, path: str) -> str | None:
    try:
        p = session.resolve_path(path)
    except UserError:
        return None
    return session.element(p.name or p.ctx[-1][0]).form_id


@dataclass(frozen=True, slots=True)
class Counts:
    errors: int = 0
    warnings: int = 0


def count_by_section(issues: Sequence[Issue]) -> dict[str, Counts]:
    """The errors and warnings of each section, for ``SectionList.set_counts``."""
    counts: dict[str, Counts] = {}
    for issue in issues:
        key = issue.section or ""
        c = counts.get(key, Counts())
        counts[key] = Counts(c.errors + issue.is_error, c.warnings + (not issue.is_error))
    return counts


class SectionList(QListWidget):
    """The sections in order; each item says how many errors and warnings it has."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionList")
        self.setMinimumWidth(190)

    def set_sections(self, sections: Sequence[tuple[str, str]]) -> None:
        self.blockSignals(True)
        current = self.current_section()
        self.clear()
        for key, title in sections:
            item = QListWidgetItem(title)
            item.setData(SECTION_ROLE, key)
            item.setData(PATH_ROLE, title)
            self.addItem(item)
        if current is not None:
            self.select(current)
        self.blockSignals(False)
        # every section in view without scrolling, whatever else shares the column (the
        # problem list gives way first, on a small screen with the assessment unfolded)
        rows = sum(self.sizeHintForRow(i) for i in range(self.count()))
        self.setMinimumHeight(rows + 2 * self.frameWidth() + 2)

    def set_counts(self, counts: dict[str, Counts]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            title = str(item.data(PATH_ROLE))
            c = counts.get(str(item.data(SECTION_ROLE)), Counts())
            marks = []
            if c.errors:
                marks.append(f"✗{c.errors}")
            if c.warnings:
                marks.append(f"⚠{c.warnings}")
            item.setText(f"{title}    {' '.join(marks)}" if marks else title)
            tip = []
            if c.errors:
                tip.append(
                    QCoreApplication.translate("VisitNavigator", "%1 error(s) to correct").replace(
                        "%1", str(c.errors)
                    )
                )
            if c.warnings:
                tip.append(
                    QCoreApplication.translate("VisitNavigator", "%1 warning(s) to check").replace(
                        "%1", str(c.warnings)
                    )
                )
            item.setToolTip(
                "; ".join(tip) or QCoreApplication.translate("VisitNavigator", "Nothing to correct")
            )
            colour = ERROR_COLOUR if c.errors else (WARNING_COLOUR if c.warnings else None)
            item.setForeground(QBrush(QColor(colour)) if colour else QBrush())

    def current_section(self) -> str | None:
        item = self.currentItem()
        return str(item.data(SECTION_ROLE)) if item is not None else None

    def select(self, section: str) -> None:
        for i in range(self.count()):
            if self.item(i).data(SECTION_ROLE) == section:
                self.setCurrentRow(i)
                return


class ProblemList(QWidget):
    """Every problem shown now, in form order; activating one goes to its place."""

    go_to = Signal(str)  # path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = bold(QLabel())
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("problemList")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)

    def show_issues(
        self, session: FormSession, issues: Sequence[Issue], lang: str, unanswered: int = 0
    ) -> None:
        """``issues`` as a list; ``unanswered`` counts required answers still missing that are
        listed only once the user tries to finalize (so a new visit is not a wall of red)."""
        self.list.clear()
        errors = [i for i in issues if i.is_error]
        warnings = [i for i in issues if not i.is_error]
        for issue in errors + warnings:
            mark = "✗" if issue.is_error else "⚠"
            colon = "：" if lang == "zh" else ": "
            text = f"{mark} {place_label(session, issue.path, lang)}{colon}{issue.text.get(lang)}"
            item = QListWidgetItem(text)
            item.setData(PATH_ROLE, issue.path)
            item.setForeground(QBrush(QColor(ERROR_COLOUR if issue.is_error else WARNING_COLOUR)))
            self.list.addItem(item)
        lines = []
        if issues:
            lines.append(
                QCoreApplication.translate("VisitNavigator", "Problems: %1 error(s), %2 warning(s)")
                .replace("%1", str(len(errors)))
                .replace("%2", str(len(warnings)))
            )
        if unanswered:
            lines.append(
                QCoreApplication.translate(
                    "VisitNavigator",
                    "%1 required answer(s) still missing; they are listed when you finalize",
                ).replace("%1", str(unanswered))
            )
        if not lines:
            lines.append(QCoreApplication.translate("VisitNavigator", "No problems found"))
        self.title.setText("\n".join(lines))

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path:
            self.go_to.emit(str(path))


class FieldSearch(QLineEdit):
    """Ctrl+F: type part of a question's label, or its pinyin ("lx", "leixing" for 户类型), pick
    it, and the editor goes there. The list under the field is filtered here, not by the
    completer, so the pinyin matches show too."""

    go_to = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldSearch")
        self.setClearButtonEnabled(True)
        self.model = QStringListModel(self)
        self.completer_ = QCompleter(self.model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(14)
        self.completer_.setWidget(self)
        self.completer_.activated[str].connect(self._chosen)
        self.returnPressed.connect(lambda: self._picked(self.text()))
        self.textEdited.connect(self._typed)
        self.places: dict[str, str] = {}
        self.readings: dict[str, tuple[str, str]] = {}

    def index(self, session: FormSession, lang: str) -> None:
        """Every visible question of every section, named by its place."""
        places: dict[str, str] = {}
        for section, _title in session.sections():
            for row in session.rows(section):
                if row.kind == FIELD_ROW:
                    places.setdefault(place_label(session, row.path, lang), row.path)
        self.places = places
        self.readings = {label: text_readings(label) for label in places}

    def matching(self, text: str) -> list[str]:
        """The places whose words, pinyin initials or full pinyin contain ``text``."""
        return [label for label in self.places if matches(text, label, self.readings[label])]

    def find(self, text: str) -> str | None:
        """The path of the place named ``text``, or of the first place that matches it."""
        if text in self.places:
            return self.places[text]
        found = self.matching(text)
        return self.places[found[0]] if found else None

    def escape(self, back_to: QWidget | None) -> None:
        """Esc in the search: clear the text; with none, go back to ``back_to`` (the form)."""
        if self.text():
            self.clear()
        elif back_to is not None:
            back_to.setFocus()

    def _typed(self, text: str) -> None:
        found = self.matching(text) if text.strip() else []
        self.model.setStringList(found)
        if found:
            self.completer_.complete()
        else:
            self.completer_.popup().hide()

    def _chosen(self, text: str) -> None:
        self.setText(text)
        self._picked(text)

    def _picked(self, text: str) -> None:
        path = self.find(text)
        if path is not None:
            self.go_to.emit(path)
