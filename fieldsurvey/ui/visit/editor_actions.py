"""What the visit editor's buttons do: finalize, amend, discard, add and remove entries.

Finalizing first runs the whole-visit check: blocking errors are listed (a click goes to the
field) and the visit stays a draft; otherwise one confirmation names the warnings, and the
store finalizes the visit, updates the register and keeps the assessment in one operation. A
finalized visit never changes; a correction is a new draft that says why (``store.visits.amend``).
Registered members are never deleted from a visit: the remove button explains how leaving is
recorded and offers the member-change dialog.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QAbstractButton, QMessageBox

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit
from fieldsurvey.forms.mapping import MEMBERS
from fieldsurvey.ui import ops
from fieldsurvey.ui.dialogs import AmendmentDialog
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.visit.navigator import place_label
from fieldsurvey.ui.visit.panels import FieldRow
from fieldsurvey.ui.visit.state import EditorState

if TYPE_CHECKING:
    from fieldsurvey.forms.household_visit import FinalizedVisit
    from fieldsurvey.ui.visit.editor import VisitEditor

MAX_LISTED = 12


def _box(parent: VisitEditor, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("visitQuestion")
    return box


class EditorActions(QObject):
    def __init__(self, editor: VisitEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.question: QMessageBox | None = None  # the open question, for tests and Esc
        self.deciding = False  # a finalize waits for its check

    def _ask(self, box: QMessageBox, answers: dict[QAbstractButton, object]) -> None:
        def clicked(button: QAbstractButton) -> None:
            self.question = None
            action = answers.get(button)
            if callable(action):
                action()

        box.buttonClicked.connect(clicked)
        self.question = box
        box.open()

    # -- finalizing -------------------------------------------------------------------------
    def finalize(self) -> None:
        e = self.editor
        session = e.session
        if session is None or not e.editing:
            return
        if self.deciding:
            return
        e.commit_typing()
        e.show_missing = True
        e.redraw()
        self.deciding = True
        e.checker.request(session, then=self._decide)

    def _decide(self, _result: object) -> None:
        """With the check of the answers as they are: list the errors, or confirm and go."""
        self.deciding = False
        e = self.editor
        session = e.session
        if session is None or not e.editing:
            return
        errors = [i for i in e.issues if i.is_error]
        warnings = [i for i in e.issues if not i.is_error]
        lang = e.ctx.lang
        if errors:
            first = next((i.path for i in errors if i.path), "")
            if first:
                e.go_to(first)
            box = _box(
                e,
                QMessageBox.Icon.Warning,
                QCoreApplication.translate("VisitEditor", "Not finalized yet"),
                QCoreApplication.translate(
                    "VisitEditor",
                    "%1 problem(s) must be corrected before the visit can be finalized. They are "
                    "marked in red and listed on the left; click one to go there.",
                ).replace("%1", str(len(errors))),
            )
            ok = box.addButton(QMessageBox.StandardButton.Ok)
            self._ask(box, {ok: e.problems.list.setFocus})
            return
        box = _box(
            e,
            QMessageBox.Icon.Question,
            QCoreApplication.translate("VisitEditor", "Finalize the visit"),
            QCoreApplication.translate(
                "VisitEditor",
                "Finalize this visit? It cannot be changed afterwards; a correction is made as an "
                "amendment with a reason. The household's register takes the answers now.",
            ),
        )
        if warnings:
            colon = "：" if lang == "zh" else ": "
            lines = [
                f"⚠ {place_label(session, i.path, lang)}{colon}{i.text.get(lang)}"
                for i in warnings[:MAX_LISTED]
            ]
            if len(warnings) > MAX_LISTED:
                lines.append(
                    QCoreApplication.translate("VisitEditor", "… and %1 more").replace(
                        "%1", str(len(warnings) - MAX_LISTED)
                    )
                )
            box.setInformativeText(
                QCoreApplication.translate(
                    "VisitEditor", "Please check these %1 warning(s) first:"
                ).replace("%1", str(len(warnings)))
                + "\n"
                + "\n".join(lines)
            )
        go = box.addButton(
            QCoreApplication.translate("VisitEditor", "Finalize"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(go)
        self._ask(box, {go: self.finalize_now})

    def finalize_now(self) -> None:
        """Hand the session to the worker: check, apply to the register, assess, store."""
        e = self.editor
        if e.session is None or not e.editing:
            return
        e.flush()  # queued saves run first; the finalize then updates the same row
        e.check_timer.stop()
        e.set_state(EditorState.FINALIZING)
        e.save_label.setText(QCoreApplication.translate("VisitEditor", "Finalizing…"))
        visit = copy.deepcopy(e.saver.visit) if e.saver.visit is not None else None
        e.ctx.ops.run(
            ops.finalize(e.session, visit, e.household_id),
            owner=e,
            on_done=self._finalized,
            on_error=self._finalize_failed,
            name="finalize visit",
        )

    def _finalized(self, done: FinalizedVisit) -> None:
        e = self.editor
        assert e.session is not None and e.opened is not None
        e.session.read_only = True
        e.set_state(EditorState.READ_ONLY)
        e.saver.attach(e.session, done.visit)
        e.opened = dataclasses.replace(
            e.opened, household=done.household, visit=done.visit, assessment=done.assessment
        )
        e.assessment_box.show_assessment(done.assessment)
        e.show_missing = False
        e.retranslate()
        e.refresh_check()
        e.save_label.setStyleSheet("color: #1e7b34;")
        e.save_label.setText(QCoreApplication.translate("VisitEditor", "Finalized and saved."))
        e.visit_finalized.emit(done.visit.visit_id)

    def _finalize_failed(self, error: BaseException) -> None:
        e = self.editor
        e.set_state(EditorState.EDITING)
        e.save_label.clear()
        show_error(e, error, "finalize visit")

    # -- amending and discarding ------------------------------------------------------------
    def amend(self) -> None:
        e = self.editor
        visit = e.saver.visit
        if visit is None or not visit.finalized:
            return
        dialog = AmendmentDialog(e)

        def start(reason: str) -> None:
            e.ctx.ops.run(
                ops.amend_visit(visit.visit_id, reason, e.ctx.profile.visitor),
                owner=e,
                on_done=lambda draft: e.load(draft.visit_id),
                name="amend visit",
            )

        dialog.reason_given.connect(start)
        dialog.open()
        self.amendment_dialog = dialog

    def discard(self) -> None:
        e = self.editor
        visit = e.saver.visit
        if visit is None or visit.finalized:
            return
        box = _box(
            e,
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("VisitEditor", "Discard draft"),
            QCoreApplication.translate(
                "VisitEditor",
                "Discard this draft? Its answers are deleted. The household's register is not changed.",
            ),
        )
        yes = box.addButton(
            QCoreApplication.translate("VisitEditor", "Discard"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        self._ask(box, {yes: lambda: self._discard(visit)})

    def _discard(self, visit: Visit) -> None:
        e = self.editor
        e.saver.attach(None, None)  # nothing may save it again
        e.session = None
        e.set_state(EditorState.DISCARDED)
        e.ctx.ops.run(
            ops.delete_draft(e.household_id, visit.visit_id),
            owner=e,
            on_done=lambda _r: self._discarded(),
            name="discard visit draft",
        )

    def _discarded(self) -> None:
        e = self.editor
        e.show_message(
            QCoreApplication.translate(
                "VisitEditor", "The draft was discarded. Press Esc to close this page."
            )
        )
        e.setWindowTitle(QCoreApplication.translate("VisitEditor", "Visit (discarded)"))

    # -- entries ----------------------------------------------------------------------------
    def add_entry(self, repeat: str, within: str) -> None:
        e = self.editor
        if e.session is None or not e.editing:
            return
        try:
            key = e.session.add_instance(repeat, within)
        except UserError as error:
            show_error(e, error, "add entry")
            return
        e.after_change()
        path = f"{within}/{repeat}[{key}]" if within else f"{repeat}[{key}]"
        page = e.current_page()
        if page is None:
            return
        first = next(
            (
                p
                for p in page.order
                if p.startswith(path + "/") and isinstance(page.widgets.get(p), FieldRow)
            ),
            path,
        )
        page.reveal(first)

    def remove_entry(self, path: str) -> None:
        e = self.editor
        session = e.session
        if session is None or not e.editing:
            return
        lang = e.ctx.lang
        who = place_label(session, path, lang).split(" › ")[-1]
        if path.startswith(MEMBERS + "[") and session.value(path + "/registered") is True:
            box = _box(
                e,
                QMessageBox.Icon.Information,
                QCoreApplication.translate("VisitEditor", "Registered member"),
                QCoreApplication.translate(
                    "VisitEditor",
                    "%1 is in the register and is not deleted from a visit. If they left the "
                    "household, choose the reason under “Member change” in their entry (it is "
                    "recorded when the visit is finalized), or record it now with the "
                    "member-change dialog. Delete only entries made by mistake.",
                ).replace("%1", who),
            )
            field = box.addButton(
                QCoreApplication.translate("VisitEditor", "Go to “Member change”"),
                QMessageBox.ButtonRole.AcceptRole,
            )
            dialog = box.addButton(
                QCoreApplication.translate("VisitEditor", "Member change dialog…"),
                QMessageBox.ButtonRole.ActionRole,
            )
            box.addButton(QMessageBox.StandardButton.Cancel)
            self._ask(
                box, {field: lambda: e.go_to(path + "/change_reason"), dialog: self.member_change}
            )
            return
        box = _box(
            e,
            QMessageBox.Icon.Question,
            QCoreApplication.translate("VisitEditor", "Remove entry"),
            QCoreApplication.translate(
                "VisitEditor", "Remove “%1” and everything entered for it?"
            ).replace("%1", who),
        )
        yes = box.addButton(
            QCoreApplication.translate("VisitEditor", "Remove"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        self._ask(box, {yes: lambda: self._remove(path)})

    def _remove(self, path: str) -> None:
        e = self.editor
        if e.session is None or not e.editing:
            return
        try:
            changes = e.session.remove_instance(path)
        except UserError as error:
            show_error(e, error, "remove entry")
            return
        e.after_change(changes)

    def member_change(self) -> None:
        """The app's member-change dialog on the register as it is now; the draft follows it."""
        e = self.editor
        e.flush()

        def show(household: Household) -> None:
            from fieldsurvey.ui.member_change import MemberChangeDialog

            dialog = MemberChangeDialog(e.ctx, household, e)
            self.member_dialog = dialog
            dialog.open()

        e.ctx.ops.run(
            ops.get_household(e.household_id), owner=e, on_done=show, name="load household"
        )
