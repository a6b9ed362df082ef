"""The visit editor's layout: inputs in one column per section whatever is required or nested,
labels broken at word boundaries with never one character alone on a line."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from fieldsurvey.ui.label_wrap import wrap_text
from fieldsurvey.ui.visit.panels import FieldRow
from tests.support.visit import new_visit, section


def input_columns(editor, qtbot) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    """For each section, the x (in the page) where the inputs of its visible field rows start."""
    columns: dict[str, set[int]] = {}
    for name, _title in editor.session.sections():
        section(editor, qtbot, name)
        page = editor.current_page()
        # the section's pending layout requests delivered now (child widgets are then resized,
        # and lay out, synchronously), so every row has its final geometry when measured
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
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


def test_labels_break_at_word_boundaries_and_leave_no_character_alone(
    window, ui_store, qtbot
) -> None:  # type: ignore[no-untyped-def]
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
                assert all(
                    metrics.horizontalAdvance(line) <= widget.label.maximumWidth() for line in lines
                ), lines
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
    for line in wrap_text(
        text, metrics, metrics.horizontalAdvance("Main reason for poverty") + 4
    ).split("\n"):
        assert not line.startswith((" ", ")", ",")) and not line.endswith("(")
        assert all(word in text.split(" ") for word in line.split(" "))
    assert wrap_text("收入", metrics, per_char * 9) == "收入"


def test_a_finalized_visit_at_1366x768_keeps_sections_and_assessment_usable(
    window, ui_store, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.visit import open_household, wait_ready

    window.resize(1366, 768)
    view = open_household(window, qtbot, ui_store.ids["wang"])
    done = next(v for v in view.bundle.visits if v.finalized)
    editor = window.open_visit(ui_store.ids["wang"], done.visit_id)
    wait_ready(editor, qtbot)
    qtbot.waitUntil(
        lambda: editor.assessment_box.isVisible() and editor.assessment_scroll.isVisible(),
        timeout=5000,
    )
    # unfolded: the cards scroll inside at most 40 % of the editor; every section stays in view
    assert editor.assessment_scroll.isVisible()
    assert editor.assessment_scroll.height() <= int(editor.height() * 0.4) + 1
    assert editor.sections.verticalScrollBar().maximum() == 0
    assert editor.sections.height() >= editor.sections.sizeHintForRow(0) * editor.sections.count()
    assert editor.page_stack.height() >= 300
    form_height = editor.page_stack.height()
    # folded: one line with the verdict, and the form gets the room
    qtbot.mouseClick(editor.assessment_toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: editor.page_stack.height() > form_height + 100, timeout=5000
    )  # laid out again
    assert not editor.assessment_scroll.isVisible()
    assert editor.assessment_summary.text() == editor.cards.verdict.text() != ""
    assert editor.page_stack.height() > form_height + 100
    assert editor.assessment_toggle.text() == "展开详情"
    editor.toggle_assessment()
    assert (
        editor.assessment_scroll.isVisibleTo(editor)
        and editor.assessment_toggle.text() == "收起详情"
    )


def test_a_finalized_visit_does_not_ask_to_finalize(window, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.support.visit import open_household, wait_ready

    view = open_household(window, qtbot, ui_store.ids["wang"])
    done = next(v for v in view.bundle.visits if v.finalized)
    editor = window.open_visit(ui_store.ids["wang"], done.visit_id)
    wait_ready(editor, qtbot)
    qtbot.waitUntil(lambda: not editor.checker.busy, timeout=5000)  # the whole-visit check has run
    assert "提交" not in editor.problems.title.text()
