"""The visit editor: a household visit drawn from the form engine, saved as it is filled in.

Nothing here knows a particular form. The sections, their rows, skip logic, computed values and
issues all come from ``FormSession``; the editor draws them (``SectionPage``), hands the user's
input back (``set_value``, add/remove entries) and redraws what the engine says. Each change
queues a draft save (``DraftSaver``); the whole-visit check (§7 rules included) runs a moment
after typing stops and feeds the section counts and the problem list.

Opening runs on the database worker (compiling the forms from cold takes a few hundred
milliseconds), with a "loading" page meanwhile. What the editor accepts follows from its one
``editor_state`` (``state.py``: loading, editing, finalizing, read-only, discarded). The host
(``ui/visit_host.py``) calls ``flush`` before lock, close and quit, ``save_shortcut`` for Ctrl+S,
and reads ``visit_id`` and ``household_id``.

The editor orchestrates; its widgets and their words are in ``editor_ui.py``, what its buttons do
in ``editor_actions.py``, a finalized visit's assessment in ``assessment_panel.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import weakref

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from fieldsurvey.app.visits import Opened
from fieldsurvey.core.errors import UserError
from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.session import Changes, FinalizeResult, FormSession
from fieldsurvey.ui import ops
from fieldsurvey.ui.assessment_card import AssessmentCards
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.visit.autosave import DraftSaver
from fieldsurvey.ui.visit.checker import Checker, placed_elsewhere
from fieldsurvey.ui.visit.editor_actions import EditorActions
from fieldsurvey.ui.visit.editor_ui import (
    EditorWidgets,
    fill_languages,
    retranslate_ui,
    setup_ui,
    show_head,
    show_save_state,
)
from fieldsurvey.ui.visit.members import RegisterFollower
from fieldsurvey.ui.visit.navigator import count_by_section, section_of
from fieldsurvey.ui.visit.panels import ERROR_COLOUR, row_of, shown_issues
from fieldsurvey.ui.visit.section_page import SectionPage
from fieldsurvey.ui.visit.state import EditorState
from fieldsurvey.ui.widgets import Retranslating

CHECK_DELAY_MS = 300
PAGE_MESSAGE, PAGE_WORK = 0, 1
_open_editors: weakref.WeakSet[VisitEditor] = weakref.WeakSet()  # one tab per draft


class VisitEditor(Retranslating, EditorWidgets, QWidget):
    visit_finalized = Signal(str)
    visit_saved = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        household_id: str,
        visit_id: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.opened: Opened | None = None
        self.session: FormSession | None = None
        self.pages: dict[str, SectionPage] = {}
        self.issues: list[Issue] = []
        self.extra: dict[str, list[Issue]] = {}
        self.show_missing = False
        self.editor_state = EditorState.LOADING
        self.message_error = False
        self.form_lang: str | None = None  # the language menu's choice; None: the program's
        self.saver = DraftSaver(ctx, household_id, self)
        self.saver.saving.connect(lambda: show_save_state(self, "saving"))
        self.saver.saved.connect(self._saved)
        self.saver.failed.connect(lambda text: show_save_state(self, "failed", text))
        self.actions = EditorActions(self)
        self.checker = Checker(self)
        self.checker.checked.connect(self._checked)
        setup_ui(self)
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.refresh_check)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.follower = RegisterFollower(self)
        self.retranslate()
        _open_editors.add(self)
        self.load(visit_id)

    # -- opening ----------------------------------------------------------------------------
    def load(self, visit_id: str | None) -> None:
        """Open (or reopen) a visit on the worker; the loading page shows meanwhile."""
        self.saver.attach(None, None)
        self.session = None
        self.set_state(EditorState.LOADING)
        self.show_message(self.tr("Opening the visit…"))
        self.ctx.ops.run(
            ops.open_editor(
                self.household_id, visit_id, self.ctx.profile.visitor, lang=self.ctx.lang
            ),
            owner=self,
            on_done=self._opened,
            on_error=self._open_failed,
            name="open visit",
        )

    def _open_failed(self, error: BaseException) -> None:
        self.show_message(message_for(error) or "", error=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_error = error
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "color: #555;")
        self.stack.setCurrentIndex(PAGE_MESSAGE)

    def _opened(self, opened: Opened) -> None:
        if any(self._same_draft(e, opened) for e in list(_open_editors)):
            self.show_message(
                self.tr(
                    "This household's draft is already open in another tab. Press Esc to close this one."
                )
            )
            return
        self.opened = opened
        self.session = opened.session
        self.set_state(EditorState.READ_ONLY if opened.session.read_only else EditorState.EDITING)
        self.saver.attach(opened.session, opened.visit)
        self.show_missing = False
        for page in self.pages.values():
            self.page_stack.removeWidget(page)
            page.deleteLater()
        self.pages = {}  # made when a section is first shown
        self.stack.setCurrentIndex(PAGE_WORK)
        self.assessment_box.show_assessment(opened.assessment)
        fill_languages(self)
        if self.form_lang is not None:
            opened.session.set_language(self.lang)
        self.retranslate()
        cursor = opened.session.cursor
        self.sections.select(cursor.section)
        self._section_selected(self.sections.currentRow())
        if cursor.path:
            self.go_to(cursor.path)
        self.refresh_check()

    def _same_draft(self, other: VisitEditor, opened: Opened) -> bool:
        """Whether another live tab of this app edits the draft ``opened`` would edit: its saved
        draft, or (for a new visit) the household's new visit not saved yet."""
        if (
            other is self
            or not isValid(other)
            or other.ctx is not self.ctx
            or not other.window().isVisible()
        ):
            return False
        if other.editor_state not in (EditorState.EDITING, EditorState.FINALIZING):
            return False
        if opened.visit is not None:
            return not opened.visit.finalized and other.visit_id() == opened.visit.visit_id
        return other.household_id == self.household_id and other.saver.visit is None

    # -- state ------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        """The language labels are shown in: the language menu's choice, else the program's."""
        return self.form_lang or self.ctx.lang

    def set_form_language(self, code: str) -> None:
        """The language menu: labels (and ``jr:choice-name``) in one of the form's languages."""
        self.form_lang = None if code == self.ctx.lang else code
        if self.session is not None:
            self.session.set_language(self.lang)
            self.retranslate()

    def set_state(self, state: EditorState) -> None:
        """Move to ``state``; while finalizing the form and the Finalize button take no input."""
        self.editor_state = state
        working = state is not EditorState.FINALIZING
        self.splitter.setEnabled(working)
        self.finalize_button.setEnabled(working)

    @property
    def editing(self) -> bool:
        """A draft open and ours: answers may change, be saved and be checked."""
        return self.editor_state is EditorState.EDITING

    @property
    def read_only(self) -> bool:
        return self.editor_state is EditorState.READ_ONLY

    def visit_id(self) -> str | None:
        return self.saver.visit.visit_id if self.saver.visit is not None else None

    def retranslate(self) -> None:
        retranslate_ui(self)
        if (
            self.editor_state is EditorState.LOADING
            and self.session is None
            and not self.message_error
        ):
            self.message.setText(self.tr("Opening the visit…"))
        if self.session is None or self.opened is None:
            self.setWindowTitle(self.tr("Visit"))
            return
        lang = self.lang
        self.sections.set_sections(
            [(key, title.get(lang)) for key, title in self.session.sections()]
        )
        show_head(self)
        for page in self.pages.values():
            page.dirty = True
        self.redraw()
        self._show_issues()

    # -- the assessment (``assessment_panel.py``) -------------------------------------------
    def toggle_assessment(self) -> None:
        """Fold or unfold the finalized visit's assessment (tests and the screenshot script)."""
        self.assessment_box.toggle_open()

    @property
    def cards(self) -> AssessmentCards | None:
        """The assessment's cards, kept under this name for tests."""
        return self.assessment_box.cards

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.assessment_box.fit(self.height())
        super().resizeEvent(event)

    def _saved(self, visit_id: str) -> None:
        when = self.saver.last_saved.strftime("%H:%M:%S") if self.saver.last_saved else ""
        show_save_state(self, "saved", when)
        if self.opened is not None:
            show_head(self)
        self.visit_saved.emit(visit_id)

    # -- drawing ----------------------------------------------------------------------------
    def page(self, section: str) -> SectionPage:
        """The page of a section, made the first time it is needed."""
        page = self.pages.get(section)
        if page is None:
            page = SectionPage(section)
            page.committed.connect(self._commit)
            page.add_requested.connect(self.actions.add_entry)
            page.remove_requested.connect(self.actions.remove_entry)
            page.member_change_requested.connect(self.actions.member_change)
            self.pages[section] = page
            self.page_stack.addWidget(page)
        return page

    def current_page(self) -> SectionPage | None:
        page = self.page_stack.currentWidget()
        return page if isinstance(page, SectionPage) else None

    def redraw(self) -> None:
        page = self.current_page()
        if page is not None and self.session is not None:
            page.apply(
                self.session.rows(page.section),
                self.session.choices,
                self.lang,
                self.extra,
                self.show_missing,
            )

    def _section_selected(self, row: int) -> None:
        section = self.sections.current_section()
        if section is None or self.session is None:
            return
        page = self.page(section)
        self.page_stack.setCurrentWidget(page)
        if page.dirty:
            self.redraw()
        if (
            self.session.cursor.section != section
            and self.editor_state is not EditorState.FINALIZING
        ):
            self.session.move_to_section(section)
            self.saver.cursor_moved()

    def step_section(self, step: int) -> None:
        row = self.sections.currentRow() + step
        if 0 <= row < self.sections.count():
            self.sections.setCurrentRow(row)
            page = self.current_page()
            if page is not None and page.first_focus is not None:
                page.first_focus.setFocus()

    def go_to(self, path: str) -> None:
        """Show the section of ``path`` and put the focus on it (problem list, search, reopen)."""
        if self.session is None:
            return
        section = section_of(self.session, path) if path else None
        if section is None:
            return
        self.sections.select(section)
        page = self.page(section)
        if page.dirty:
            self.redraw()
        page.reveal(path)
        if self.editor_state is not EditorState.FINALIZING:
            with contextlib.suppress(UserError):
                self.session.move_to(path)

    # -- changes ----------------------------------------------------------------------------
    def _commit(self, path: str, raw: object) -> None:
        session = self.session
        page = self.current_page()
        if session is None or not self.editing:
            return
        try:
            changes = session.set_value(path, raw)
        except UserError as e:
            if page is not None:
                extra = self.extra.get(path, ())
                page.show_input_error(path, self.ctx.t(e.text), self.lang, extra, self.show_missing)
            return
        if page is not None:
            page.clear_input_error(path)
        session.move_to(path)
        self.after_change(changes)

    def after_change(self, changes: Changes | None = None) -> None:
        """Redraw what the engine changed, save soon, check the whole visit soon."""
        for page in self.pages.values():
            page.dirty = True
        self.redraw()
        self.saver.changed()
        self.check_timer.start()

    def refresh_check(self) -> None:
        """Start the whole-visit check (§7 rules included) in the background."""
        self.check_timer.stop()
        # while finalizing the worker has the session
        if self.session is not None and self.editor_state in (
            EditorState.EDITING,
            EditorState.READ_ONLY,
        ):
            self.checker.request(self.session)

    def _checked(self, result: FinalizeResult) -> None:
        """Section counts, problem list, rule problems at their fields."""
        if self.session is None:
            return
        self.issues = [*result.errors, *result.warnings]
        self.extra = placed_elsewhere(self.issues)
        self._show_issues()
        page = self.current_page()
        if page is not None:
            page.show_extra_issues(self.extra, self.lang, self.show_missing)

    def _show_issues(self) -> None:
        if self.session is None:
            return
        shown = shown_issues(self.issues, self.show_missing)
        self.sections.set_counts(count_by_section(shown))
        # a finalized visit is not finalized again: "listed when you finalize" would mislead there
        unanswered = (
            0
            if self.show_missing or self.read_only
            else sum(1 for i in self.issues if i.code == "required")
        )
        self.problems.show_issues(self.session, shown, self.lang, unanswered)

    def replace_session(self, session: FormSession) -> None:
        """Carry on with a rebuilt session (members followed the register)."""
        self.session = session
        self.saver.session = session
        if self.opened is not None:
            self.opened = dataclasses.replace(self.opened, session=session)
        self.after_change()
        self.refresh_check()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Where the user is, for the cursor a draft reopens at."""
        if (
            not isValid(self)
            or new is None
            or self.session is None
            or not self.editing
            or not self.isAncestorOf(new)
        ):
            return
        row = row_of(new, self)
        if row is not None and row.path != self.session.cursor.path:
            try:
                self.session.move_to(row.path)
            except UserError:
                return
            self.saver.cursor_moved()

    # -- the host's calls -------------------------------------------------------------------
    def commit_typing(self) -> None:
        """Hand typing that is still waiting for its pause to the engine."""
        page = self.current_page()
        for p in [page, *self.pages.values()] if page is not None else self.pages.values():
            p.commit_typing()

    def flush(self) -> None:
        if self.editor_state is EditorState.FINALIZING:
            return  # the worker holds the session and writes everything
        if self.editing:
            self.commit_typing()
        self.saver.flush()

    def save_shortcut(self) -> None:
        """Ctrl+S: save now, making the draft if this new visit has none yet."""
        self.flush()
        if self.saver.visit is None and self.saver.writable:
            self.saver.dirty = True
            self.saver.save_now()
        elif not self.saver.in_flight and self.saver.writable:
            self._saved(self.saver.visit.visit_id if self.saver.visit else "")

    def focus_search(self) -> None:
        if self.session is not None:
            self.search.index(self.session, self.lang)
        self.search.setFocus()
        self.search.selectAll()

    def escape(self) -> bool:
        """Esc in the editor (the host's ``visit_host.escape``): True when the key stays here.

        In a field of the form or in the question search Esc never closes the visit, a slip of
        the finger mid-interview: in the search it clears the text and goes back to the form;
        in a field it does nothing (a popup, such as the search's list, has taken Esc before
        the window's shortcut sees it). From the section list, the buttons or a message page Esc
        closes the tab as before, after the host flushes the draft, so nothing is lost."""
        focus = QApplication.focusWidget()
        if self.stack.currentIndex() != PAGE_WORK or focus is None or not self.isAncestorOf(focus):
            return False
        if focus is self.search or self.search.isAncestorOf(focus):
            self.search.escape(self.current_page())
            return True
        return self.page_stack.isAncestorOf(focus)

    # Ctrl+F is the window's "find household"; inside the editor it finds a question instead.
    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Find)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
            return
        super().keyPressEvent(event)
