"""Keeping an open draft's members in step with the register after a member change.

The form never deletes a registered member: leaving is recorded with a member change, either in
the visit (the member's "member change" question) or with the app's member-change dialog, which
writes the register at once. After such a dialog, the draft would still ask about someone who
left and not about someone who joined; ``follow_register`` rebuilds the session so it matches:
a member the register now shows as gone (and the draft did not already record as leaving) drops
out with every answer held for them, and a member who joined is added, prefilled like at the
start of a visit. Everything else the user entered stays.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from fieldsurvey.core.household import Household
from fieldsurvey.forms.engine import ID_KEY
from fieldsurvey.forms.household_visit import household_rules
from fieldsurvey.forms.mapping import MEMBERS
from fieldsurvey.forms.model import Repeat
from fieldsurvey.forms.prefill import prefill
from fieldsurvey.forms.session import FormSession
from fieldsurvey.ui import ops
from fieldsurvey.ui.ops import Changes

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor


def _member_lists(session: FormSession) -> list[str]:
    """The members repeat and every repeat bound to it (education, medical …)."""
    survey = session.survey
    return [MEMBERS] + [
        name
        for name, el in survey.elements.items()
        if isinstance(el, Repeat) and el.repeat_over == MEMBERS
    ]


def follow_register(session: FormSession, household: Household) -> FormSession | None:
    """A session whose members match the register, or None when they already do."""
    survey = session.survey
    if MEMBERS not in survey.elements or session.read_only:
        return None
    answers: dict[str, Any] = session.answers()
    items = answers.get(MEMBERS, [])
    registry = {m.member_id: m for m in household.members}
    gone = {
        str(item[ID_KEY])
        for item in items
        if str(item[ID_KEY]) in registry
        and not registry[str(item[ID_KEY])].present
        and item.get("present") is not False  # the draft itself recorded the leaving: keep it
    }
    in_form = {str(item[ID_KEY]) for item in items}
    joined = [m.member_id for m in household.present_members if m.member_id not in in_form]
    if not gone and not joined:
        return None
    fresh = prefill(household, survey, session.today)
    for name in _member_lists(session):
        kept = [i for i in answers.get(name, []) if str(i[ID_KEY]) not in gone]
        kept += [i for i in fresh.get(name, []) if str(i[ID_KEY]) in joined]
        answers[name] = kept
    return FormSession(
        survey,
        answers,
        parameters=session.parameters,
        today=session.today,
        cursor=session.cursor_state(),
        cross_checks=[household_rules(household, session.today)],
    )


class RegisterFollower(QObject):
    """Watches the store's change sets; when this household changed while its draft is open
    (the member-change dialog, from this editor or the household's page), it reads the
    household and rebuilds the draft's session if the members differ."""

    def __init__(self, editor: VisitEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        editor.ctx.ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        e = self.editor
        if not changes.touches(e.household_id) or not e.editing:
            return
        e.ctx.ops.run(
            ops.get_household(e.household_id),
            owner=e,
            on_done=self._loaded,
            on_error=lambda _error: None,
            name="reload household for visit",
        )

    def _loaded(self, household: Household) -> None:
        e = self.editor
        if e.session is None or not e.editing or e.opened is None:
            return
        e.opened = dataclasses.replace(e.opened, household=household)
        rebuilt = follow_register(e.session, household)
        if rebuilt is not None:
            e.replace_session(rebuilt)
