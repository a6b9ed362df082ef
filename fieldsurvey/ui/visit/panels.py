"""The widgets a section is drawn with: a field row, a group, a repeat and one repeat entry.

Each is made from one ``Row`` of the engine (``FormSession.rows``) and redrawn from the next
one; containers (group, repeat, entry) hold their children in a vertical layout that the
section page fills. A field row shows its label (with * when required), the input or the
computed value, the unit, the hint in grey and, right under the input, its errors in red and
warnings in amber — marked ✗ / ⚠ as well, so colour is never the only signal.

Inputs line up in one column per section: the star's place is kept whether or not the field is
required, and a row inside groups or entries gets a label narrower by exactly its indent
(``set_indent``, from ``Container.child_offset``). Labels break at word boundaries
(``ui/label_wrap.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.model import Choice, Field, Repeat
from fieldsurvey.forms.rows import FIELD_ROW, GROUP_ROW, INSTANCE_ROW, REPEAT_ROW, Row
from fieldsurvey.ui.label_wrap import wrap_text
from fieldsurvey.ui.visit.inputs import FieldInput, make_input

ERROR_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a5300"
HINT_COLOUR = "#666666"
NOTE_BACKGROUND = "#f3f3ee"
ENTRY_BACKGROUND = "#fbfbf8"
LABEL_WIDTH = 230
STAR_WIDTH = 10
MIN_LABEL_WIDTH = 120  # deep inside entries a label still holds a few words a line
INDENT = 14


def issue_lines(issues: Sequence[Issue], lang: str) -> str:
    """Issues as the lines under a field: errors first, each with its mark."""
    ordered = sorted(issues, key=lambda i: 0 if i.is_error else 1)
    return "\n".join(("✗ " if i.is_error else "⚠ ") + i.text.get(lang) for i in ordered)


def shown_issues(issues: Sequence[Issue], show_missing: bool) -> list[Issue]:
    """Required-but-empty is shown once the user tried to finalize; everything else at once."""
    return [i for i in issues if show_missing or i.code not in ("required", "min_count")]


def paint(label: QLabel, colour: str | None) -> None:
    """Text colour through the palette: per-widget style sheets make big forms slow to draw."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText,
        QColor(colour)
        if colour
        else label.style().standardPalette().color(QPalette.ColorRole.WindowText),
    )
    label.setPalette(palette)


def bold(label: QLabel, size_delta: int = 0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    if size_delta:
        font.setPointSize(font.pointSize() + size_delta)
    label.setFont(font)
    return label


def style_issue_label(label: QLabel | None, issues: Sequence[Issue], lang: str) -> None:
    if label is None:
        return
    if not issues:
        label.clear()
        label.setVisible(False)
        return
    paint(label, ERROR_COLOUR if any(i.is_error for i in issues) else WARNING_COLOUR)
    label.setText(issue_lines(issues, lang))
    label.setVisible(True)


def _issue_label() -> QLabel:
    label = QLabel()
    label.setObjectName("issues")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def _hint_label() -> QLabel:
    label = QLabel()
    label.setObjectName("hint")
    label.setWordWrap(True)
    paint(label, HINT_COLOUR)
    return label


class FieldRow(QWidget):
    """One field: label, input (or computed value / note), unit, hint and issues.

    Labels that most rows never need (unit, hint, star, issues) are made only when they are.
    """

    committed = Signal(str, object)  # path, what the user entered

    def __init__(self, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert isinstance(row.element, Field)
        self.kind = FIELD_ROW
        self.path = row.path
        self.field: Field = row.element
        self.row = row
        self.choices: Sequence[Choice] = ()
        self.input_error: str | None = None
        fld = self.field
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.input: FieldInput | None = None
        self.value_label: QLabel | None = None
        self.star: QLabel | None = None
        self.unit: QLabel | None = None
        self.hint: QLabel | None = _hint_label() if fld.hint is not None else None
        self.issues: QLabel | None = None
        self.label_text = ""  # as the engine gave it; ``self.label`` shows it wrapped
        self.indent = 0
        self.right = QVBoxLayout()
        self.right.setContentsMargins(0, 0, 0, 0)
        self.right.setSpacing(2)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 3, 0, 3)
        if fld.type == "note":
            self.label.setAutoFillBackground(True)
            palette = self.label.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(NOTE_BACKGROUND))
            self.label.setPalette(palette)
            self.label.setContentsMargins(6, 6, 6, 6)
            self.right.addWidget(self.label)
            outer.addLayout(self.right, 1)
            return
        self.label.setFixedWidth(LABEL_WIDTH)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.label.setContentsMargins(0, 4, 0, 0)  # level with the text in the input
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        wide = fld.type in ("text", "select_multiple", "photo")
        if not fld.is_input:
            self.value_label = bold(QLabel())
            self.value_label.setObjectName("computed")
            self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            line.addWidget(self.value_label)
        else:
            self.input = make_input(fld)
            self.input.committed.connect(lambda raw: self.committed.emit(self.path, raw))
            line.addWidget(self.input, 1 if wide else 0)
            self.label.setBuddy(self.input.focus_target())
        if fld.unit is not None:
            self.unit = QLabel()
            line.addWidget(self.unit)
        if not wide:
            line.addStretch(1)
        self.right.addLayout(line)
        if self.hint is not None:
            self.right.addWidget(self.hint)
        outer.addWidget(self.label)
        # the star's place is there on every row, so inputs line up whatever is required
        self.star = bold(QLabel("*" if fld.is_input and fld.required is not False else ""))
        paint(self.star, ERROR_COLOUR)
        self.star.setFixedWidth(STAR_WIDTH)
        self.star.setAlignment(Qt.AlignmentFlag.AlignTop)
        policy = self.star.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.star.setSizePolicy(policy)
        outer.addWidget(self.star)
        outer.addLayout(self.right, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_row(
        self,
        row: Row,
        choices: Sequence[Choice],
        lang: str,
        extra: Sequence[Issue],
        show_missing: bool,
    ) -> None:
        self.row = row
        self.choices = choices
        label = row.label.get(lang)
        if self.label_text != label:
            self.label_text = label
            self._wrap_label()
            self.setAccessibleName(label)
        if self.star is not None:
            self.star.setVisible(row.required and bool(self.star.text()))
            self.star.setToolTip(QCoreApplication.translate("VisitPanels", "Required"))
        if self.hint is not None:
            hint = row.hint.get(lang) if row.hint else ""
            self.hint.setText(hint)
            self.hint.setVisible(bool(hint) and not row.read_only)
            self.label.setToolTip(hint)
        if self.unit is not None and self.field.unit is not None:
            self.unit.setText(self.field.unit.get(lang))
        if self.value_label is not None:
            self.value_label.setText(row.display.get(lang) or "—")
        if self.input is not None:
            if self.input.editable == row.read_only:
                self.input.set_editable(not row.read_only)
            if self.input_error is None:
                self.input.show_row(row, choices, lang)
        issues = shown_issues([*row.issues, *extra], show_missing)
        if self.input_error is not None:
            label = self._issue_label()
            paint(label, ERROR_COLOUR)
            label.setText("✗ " + self.input_error)
            label.setVisible(True)
        elif issues:
            style_issue_label(self._issue_label(), issues, lang)
        else:
            style_issue_label(self.issues, (), lang)

    def set_indent(self, indent: int) -> None:
        """How far in from the section's edge the row sits; the label gives that up, so the
        inputs of nested rows start where the top-level ones do."""
        if indent == self.indent or self.field.type == "note":
            return
        self.indent = indent
        self.label.setFixedWidth(max(MIN_LABEL_WIDTH, LABEL_WIDTH - indent))
        self._wrap_label()

    def _wrap_label(self) -> None:
        if self.field.type == "note":
            self.label.setText(self.label_text)
            return
        margins = self.label.contentsMargins()
        width = self.label.maximumWidth() - margins.left() - margins.right()
        self.label.setText(wrap_text(self.label_text, self.label.fontMetrics(), width))

    def _issue_label(self) -> QLabel:
        if self.issues is None:
            self.issues = _issue_label()
            self.right.insertWidget(1, self.issues)
        return self.issues

    def issue_text(self) -> str:
        """What is shown under the field now ("" when nothing)."""
        return self.issues.text() if self.issues is not None and not self.issues.isHidden() else ""

    def set_input_error(self, text: str | None) -> None:
        """What the engine said about input it could not take ("enter a whole number")."""
        self.input_error = text

    def focus_target(self) -> QWidget:
        return self.input.focus_target() if self.input is not None else self

    def tab_widgets(self) -> list[QWidget]:
        if self.input is None or not self.input.editable:
            return []
        return [self.input.focus_target()]


def row_of(widget: QWidget | None, top: QWidget) -> FieldRow | None:
    """The field row ``widget`` sits in, looking no higher than ``top``."""
    while widget is not None and widget is not top and not isinstance(widget, FieldRow):
        widget = widget.parentWidget()
    return widget if isinstance(widget, FieldRow) else None


class Container(QFrame):
    """A panel that holds child rows in order."""

    kind = GROUP_ROW

    def __init__(self, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = row.path
        self.row = row
        self.children_box = QVBoxLayout()
        self.children_box.setContentsMargins(INDENT, 0, 0, 0)
        self.children_box.setSpacing(2)
        self.child_widgets: list[QWidget] = []

    def set_children(self, widgets: list[QWidget]) -> bool:
        """Put ``widgets`` in this order; True when the layout changed."""
        if widgets == self.child_widgets:
            return False
        set_layout_children(self.children_box, widgets)
        self.child_widgets = list(widgets)
        return True

    def tab_widgets(self) -> list[QWidget]:
        return []

    def child_offset(self) -> int:
        """How far right of this panel's own edge its child rows start."""
        layout = self.layout()
        own = layout.contentsMargins().left() if layout is not None else 0
        return own + self.frameWidth() + self.children_box.contentsMargins().left()


def set_layout_children(layout: QVBoxLayout, widgets: list[QWidget]) -> None:
    while layout.count():
        layout.takeAt(0)
    for w in widgets:
        layout.addWidget(w)
        w.setVisible(True)


class GroupPanel(Container):
    kind = GROUP_ROW

    def __init__(self, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(row, parent)
        self.title = bold(QLabel(), 1)
        self.title.setContentsMargins(0, 6, 0, 0)
        self.hint = _hint_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(self.children_box)

    def show_row(self, row: Row, lang: str, extra: Sequence[Issue], show_missing: bool) -> None:
        self.row = row
        self.title.setText(row.label.get(lang))
        hint = row.hint.get(lang) if row.hint else ""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))


class RepeatPanel(Container):
    """A repeat: its title, add button, checks that concern it, and one panel per entry."""

    kind = REPEAT_ROW
    add_requested = Signal(str, str)  # repeat name, the instance path it sits in ("" at the top)
    member_change_requested = Signal()

    def __init__(self, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(row, parent)
        assert isinstance(row.element, Repeat)
        self.repeat: Repeat = row.element
        self.title = bold(QLabel(), 1)
        self.title.setContentsMargins(0, 6, 0, 0)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add)
        self.member_button: QPushButton | None = None
        self.hint = _hint_label()
        self.issues = _issue_label()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.add_button)
        if self.repeat.name == "members":
            self.member_button = QPushButton()
            self.member_button.clicked.connect(self.member_change_requested)
            head.addWidget(self.member_button)
        self.empty = QLabel()
        paint(self.empty, HINT_COLOUR)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(head)
        layout.addWidget(self.hint)
        layout.addWidget(self.issues)
        layout.addWidget(self.empty)
        layout.addLayout(self.children_box)

    def _add(self) -> None:
        within = self.path.rsplit("/", 1)[0] if "/" in self.path else ""
        self.add_requested.emit(self.repeat.name, within)

    def show_row(self, row: Row, lang: str, extra: Sequence[Issue], show_missing: bool) -> None:
        self.row = row
        self.title.setText(row.label.get(lang))
        hint = row.hint.get(lang) if row.hint else ""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.add_button.setText(
            QCoreApplication.translate("VisitPanels", "Add an entry")
            if self.repeat.name != "members"
            else QCoreApplication.translate("VisitPanels", "Add a member")
        )
        self.add_button.setVisible(row.can_add)
        if self.member_button is not None:
            self.member_button.setText(QCoreApplication.translate("VisitPanels", "Member change…"))
            self.member_button.setToolTip(
                QCoreApplication.translate(
                    "VisitPanels", "Record a birth, marriage, death or move in the register"
                )
            )
            self.member_button.setVisible(
                not row.read_only and self.repeat.bound is False and row.can_add
            )
        style_issue_label(self.issues, shown_issues(extra, show_missing), lang)

    def set_children(self, widgets: list[QWidget]) -> bool:
        changed = super().set_children(widgets)
        self.empty.setText(QCoreApplication.translate("VisitPanels", "No entries."))
        self.empty.setVisible(not widgets)
        return changed

    def tab_widgets(self) -> list[QWidget]:
        out: list[QWidget] = [self.add_button] if self.add_button.isVisibleTo(self) else []
        if self.member_button is not None and self.member_button.isVisibleTo(self):
            out.append(self.member_button)
        return out


class InstancePanel(Container):
    """One entry of a repeat (a member, a child, a measure) in its own frame."""

    kind = INSTANCE_ROW
    remove_requested = Signal(str)  # instance path

    def __init__(self, row: Row, parent: QWidget | None = None) -> None:
        super().__init__(row, parent)
        self.setObjectName("instancePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(ENTRY_BACKGROUND))
        self.setPalette(palette)
        self.title = bold(QLabel())
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.path))
        self.issues = _issue_label()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(head)
        layout.addWidget(self.issues)
        layout.addLayout(self.children_box)
        self.children_box.setContentsMargins(0, 0, 0, 0)

    def show_row(self, row: Row, lang: str, extra: Sequence[Issue], show_missing: bool) -> None:
        self.row = row
        self.title.setText(row.label.get(lang) or "—")
        self.remove_button.setText(QCoreApplication.translate("VisitPanels", "Remove"))
        self.remove_button.setVisible(row.can_remove)
        style_issue_label(self.issues, shown_issues(extra, show_missing), lang)

    def tab_widgets(self) -> list[QWidget]:
        return [self.remove_button] if self.remove_button.isVisibleTo(self) else []


def make_panel(row: Row) -> FieldRow | Container:
    if row.kind == FIELD_ROW:
        return FieldRow(row)
    if row.kind == REPEAT_ROW:
        return RepeatPanel(row)
    if row.kind == INSTANCE_ROW:
        return InstancePanel(row)
    return GroupPanel(row)
