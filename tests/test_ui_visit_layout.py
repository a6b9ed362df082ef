"""The visit editor's layout: inputs in one column per section whatever is required or nested,
labels broken at word boundaries with never one character alone on a line."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont, QFontMetrics

from fieldsurvey.ui.label_wrap import wrap_text
from fieldsurvey.ui.visit.panels import FieldRow
from tests.conftest_ui import *  # noqa: F403
from tests.test_ui_visit_support import *  # noqa: F403 - the window fixture
from tests.test_ui_visit_support import new_visit, section


def input_columns(editor, qtbot) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    """For each section, the x (in the page) where the inputs of its visible field rows start."""
    columns: dict[str, set[int]] = {}
    for name, _title in editor.session.sections():
        section(editor, qtbot, name)
        page = editor.current_page()
        qtbot.wait(30)
        xs = set()
        for widget in page.widgets.values():
            if isinstance(widget, FieldRow) and widget.field.type != "note" and widget.isVisible():
                geometry = widget.right.geometry()
                xs.add(widget.mapTo(page.content, QPoint(geometry.x(), 0)).x())
        columns[name] = xs
    return columns


def test_inputs_line_up_in_one_column_per_section(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    editor = new_visit(window, qtbot, ui_store.ids["li"])
    columns = input_columns(editor, qtbot)
    assert all(len(xs) == 1 for xs in columns.values()), columns
    assert len(columns) >= 6


def test_labels_break_at_word_boundaries_and_leave_no_character_alone(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = new_visit(window, qtbot, ui_store.ids["li"])
    wrapped = []
    for name, _title in editor.session.sections():
        section(editor, qtbot, name)
        for widget in editor.current_page().widgets.values():
            if isinstance(widget, FieldRow) and widget.field.type != "note":
                lines = widget.label.text().split("\n")
                assert "".join(lines).replace(" ", "") == widget.label_text.replace(" ", "")
                assert all(len(line) > 1 for line in lines), lines
                metrics = widget.label.fontMetrics()
                assert all(metrics.horizontalAdvance(line) <= widget.label.maximumWidth() for line in lines), lines
                if len(lines) > 1:
                    wrapped.append(lines)
    assert wrapped  # the shipped form has labels longer than the column


def test_wrap_text_rules() -> None:
    metrics = QFontMetrics(QFont())
    per_char = metrics.horizontalAdvance("户")
    # a bracketed note goes to the next line whole
    text = "其他致贫原因（最多两项）"
    lines = wrap_text(text, metrics, per_char * 9).split("\n")
    assert lines == ["其他致贫原因", "（最多两项）"]
    # one character too many: balanced lines, not a lone character
    text = "家庭成员中是否有大病患者户"
    lines = wrap_text(text, metrics, per_char * 12 + 2).split("\n")
    assert len(lines) == 2 and min(len(x) for x in lines) >= 5, lines
    # English breaks at spaces only, and a line never starts with closing punctuation
    text = "Main reason for poverty (choose the one that weighs most)"
    for line in wrap_text(text, metrics, metrics.horizontalAdvance("Main reason for poverty") + 4).split("\n"):
        assert not line.startswith((" ", ")", ",")) and not line.endswith("(")
        assert all(word in text.split(" ") for word in line.split(" "))
    assert wrap_text("收入", metrics, per_char * 9) == "收入"
