"""Helpers for the visit editor's tests (no tests here): open an editor through the real app,
find a field's row by member and name, type, click and choose as a user does.

Chinese text goes in with ``setText`` (as an input method delivers it); ASCII with key clicks
where the keys matter; choices with clicks on the real radio buttons and combo popups.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.ui.household_view import HouseholdView
from fieldsurvey.ui.visit import VisitEditor
from fieldsurvey.ui.visit.inputs import (
    BooleanInput,
    ComboInput,
    LineInput,
    MultilineInput,
    RadioInput,
)
from fieldsurvey.ui.visit.panels import FieldRow

LEFT = Qt.MouseButton.LeftButton


def open_household(window, qtbot, household_id: str) -> HouseholdView:  # type: ignore[no-untyped-def]
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    return view


def wait_ready(editor: VisitEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Until the visit is open and the current section is fully drawn."""
    qtbot.waitUntil(
        lambda: (
            editor.session is not None
            and editor.current_page() is not None
            and not editor.current_page().pending
        ),
        timeout=15_000,
    )


def new_visit(window, qtbot, household_id: str) -> VisitEditor:  # type: ignore[no-untyped-def]
    view = open_household(window, qtbot, household_id)
    qtbot.mouseClick(view.new_visit_button, LEFT)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    wait_ready(editor, qtbot)
    return editor


def section(editor: VisitEditor, qtbot, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click the section in the list on the left."""
    sections = editor.sections
    for i in range(sections.count()):
        if sections.item(i).data(Qt.ItemDataRole.UserRole + 1) == name:
            rect = sections.visualItemRect(sections.item(i))
            qtbot.mouseClick(sections.viewport(), LEFT, pos=rect.center())
            break
    else:
        raise KeyError(name)
    assert editor.sections.current_section() == name
    wait_ready(editor, qtbot)


def member_id(editor: VisitEditor, name: str, repeat: str = "members") -> str:
    session = editor.session
    assert session is not None
    for key in session.instances("members"):
        if session.value(f"members[{key}]/name") == name:
            assert key in session.instances(repeat)
            return key
    raise KeyError(name)


def path_of(
    editor: VisitEditor, field: str, member: str | None = None, repeat: str = "members"
) -> str:
    return f"{repeat}[{member_id(editor, member, repeat)}]/{field}" if member else field


def row(editor: VisitEditor, path: str) -> FieldRow:
    page = editor.current_page()
    assert page is not None
    found = page.field_row(path)
    assert found is not None, f"no row {path} on {page.section}"
    return found


def type_text(editor: VisitEditor, qtbot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Enter text as an input method does, and wait until the engine has it."""
    r = row(editor, path)
    inp = r.input
    if isinstance(inp, LineInput):
        inp.line.setText(text)
    elif isinstance(inp, MultilineInput):
        inp.edit.setPlainText(text)
    else:
        raise TypeError(type(inp))
    qtbot.waitUntil(
        lambda: editor.session.display_value(path) == text or r.input_error is not None,
        timeout=3000,
    )


def type_keys(editor: VisitEditor, qtbot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Real key presses into an empty line, then Tab out of it."""
    r = row(editor, path)
    assert isinstance(r.input, LineInput)
    r.input.line.setFocus()
    r.input.line.selectAll()
    qtbot.keyClick(r.input.line, Qt.Key.Key_Delete)
    qtbot.keyClicks(r.input.line, text)
    r.input.commit_pending()  # what leaving the field does


def click_choice(editor: VisitEditor, qtbot, path: str, value: object) -> None:  # type: ignore[no-untyped-def]
    """Click the radio button (yes/no or a short choice list) for ``value``."""
    inp = row(editor, path).input
    assert isinstance(inp, RadioInput | BooleanInput), type(inp)
    qtbot.mouseClick(inp.buttons[value], LEFT)
    qtbot.waitUntil(lambda: editor.session.value(path) == value, timeout=3000)


def choose(editor: VisitEditor, qtbot, path: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Open the combo's popup and click the choice."""
    inp = row(editor, path).input
    assert isinstance(inp, ComboInput), type(inp)
    combo = inp.combo
    index = combo.findData(value)
    assert index >= 0, value
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    rect = view.visualRect(view.model().index(index, 0))
    view.scrollTo(view.model().index(index, 0))
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: editor.session.value(path) == value, timeout=3000)


def question(qtbot) -> QMessageBox:  # type: ignore[no-untyped-def]
    box: list[QMessageBox] = []

    def found() -> bool:
        box[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        return bool(box)

    qtbot.waitUntil(found, timeout=3000)
    return box[-1]


def answer(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the button of the open question whose text contains ``text``."""
    box = question(qtbot)
    button = next(b for b in box.buttons() if text in b.text())
    qtbot.mouseClick(button, LEFT, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)


def fill_required(editor: VisitEditor, qtbot, education: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """What the register of the test family does not hold: each present member's education,
    the schoolchild's school, everyone's insurance answers and the head's chronic-disease card."""
    section(editor, qtbot, "household")
    for name, level in education.items():
        choose(editor, qtbot, path_of(editor, "education", name), level)
    section(editor, qtbot, "education")
    type_text(
        editor, qtbot, path_of(editor, "school_name", "王子涵", "compulsory_children"), "示范村小学"
    )
    section(editor, qtbot, "medical")
    for name in education:
        for field in ("employee_medical_insurance", "medical_assistance"):
            click_choice(editor, qtbot, path_of(editor, field, name, "medical"), False)
        click_choice(editor, qtbot, path_of(editor, "family_doctor", name, "medical"), True)
    if "王建国" in education:
        click_choice(
            editor, qtbot, path_of(editor, "chronic_disease_card", "王建国", "medical"), True
        )


def confirm_and_finalize(editor: VisitEditor, qtbot) -> str:  # type: ignore[no-untyped-def]
    """Tick the household's confirmation, finalize, accept the warnings; the finalized id."""
    section(editor, qtbot, "needs")
    qtbot.mouseClick(row(editor, "household_confirmed").input.check, LEFT)
    qtbot.waitUntil(
        lambda: editor.current_page().field_row("confirmed_by") is not None, timeout=3000
    )
    type_text(editor, qtbot, "confirmed_by", "王建国")
    qtbot.mouseClick(editor.finalize_button, LEFT)
    with qtbot.waitSignal(editor.visit_finalized, timeout=10_000) as finalized:
        answer(qtbot, "提交")
    return str(finalized.args[0])


def stored_drafts(window, qtbot, household_id: str) -> list:  # type: ignore[no-untyped-def]
    """The household's drafts as the store holds them, read on the app's own database worker
    (after every queued save), so the test never opens a second connection mid-write."""
    box: list = []
    window.ctx.ops.run(
        lambda env: env.store.visits.drafts(household_id),
        on_done=box.append,
        name="test: read drafts",
    )
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return list(box[0])
