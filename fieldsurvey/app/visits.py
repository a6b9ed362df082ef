"""Visits: opening one in the form engine, saving its draft, finalizing, amending, deleting.

``finalize`` is the one way a visit becomes final — the laptop's editor and the demo county
(``commands/demo_server.py``) both call it: check, project onto the household as it is in the
store now (member changes recorded since included), assess, and write it all in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from fieldsurvey.app.changes import WithChanges, household_changed
from fieldsurvey.app.households import get_household
from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import Visit
from fieldsurvey.forms.engine import VisitContext
from fieldsurvey.forms.household_visit import (
    FinalizedVisit,
    finalize_visit,
    open_visit,
    start_visit,
)
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.session import FormSession

if TYPE_CHECKING:
    from fieldsurvey.store import Store

VISIT_GONE = Text(
    "找不到该走访记录（可能已被删除）", "the visit was not found (it may have been deleted)"
)
OTHER_HOUSEHOLD = Text("该走访记录不属于这一户", "this visit belongs to another household")

_library: dict[str, FormLibrary] = {}


def library() -> FormLibrary:
    """One form library for the app: compiled surveys are kept, so a second visit opens fast.

    Only the database worker calls this, so the library is never used by two threads at once.
    """
    if "default" not in _library:
        _library["default"] = FormLibrary()
    return _library["default"]


@dataclass(frozen=True)
class Opened:
    """Everything the editor needs to draw a visit."""

    household: Household
    session: FormSession
    visit: Visit | None  # None: a new visit, saved as a draft at its first change
    original: Visit | None  # the finalized visit an amendment corrects
    assessment: Assessment | None  # of a finalized visit
    continued: bool  # "new visit" found this household's draft and continues it


def visit_context(
    store: Store, household_id: str, visitor: str, lang: str, current: Visit | None
) -> VisitContext:
    """What an imported form's metadata and functions read: the moment the visit is opened,
    this laptop's enrolled device id (before enrollment, its store's id), the user (enrolled
    user, else the visitor), the label language and the answers of the household's last
    finalized visit (``${last-saved#x}``)."""
    enrolled = store.sync_state.enrollment()
    device_id, username = (enrolled.device_id, enrolled.username) if enrolled else ("", "")
    device_id = device_id or store.store_id  # before enrollment: this store
    last = next(
        (
            v
            for v in store.visits.for_household(household_id)
            if v.finalized and (current is None or v.visit_id != current.visit_id)
        ),
        None,
    )
    return VisitContext(
        now=datetime.now().astimezone(),
        device_id=device_id or "",
        username=username or visitor,
        last_saved=dict(last.answers) if last is not None else {},
        language=lang,
    )


def open_editor(
    store: Store,
    household_id: str,
    visit_id: str | None,
    visitor: str,
    *,
    today: date | None = None,
    lang: str = "zh",
) -> Opened:
    """Open a visit in the form engine: ``visit_id`` None starts one (or continues the
    household's draft), a draft's id continues it, a finalized visit's id shows it."""
    household = get_household(store, household_id)
    visit: Visit | None = None
    continued = False
    if visit_id is not None:
        visit = store.visits.get(visit_id)
        if visit is None:
            raise UserError(VISIT_GONE, code="not_found")
        if visit.household_id != household_id:
            raise UserError(OTHER_HOUSEHOLD, code="wrong_household")
    else:
        # one draft per household: a second one would overwrite the first one's facts
        visit = next((d for d in store.visits.drafts(household_id) if not d.amends), None)
        continued = visit is not None
    policy = load_policy()
    context = visit_context(store, household_id, visitor, lang, visit)
    if visit is None:
        session = start_visit(
            household, today=today, library=library(), policy=policy, context=context
        )
        if visitor and "visitor" in session.survey.elements and not session.value("visitor"):
            session.set_value("visitor", visitor)
    else:
        session = open_visit(visit, household, library=library(), policy=policy, context=context)
    original = store.visits.get(visit.amends) if visit is not None and visit.amends else None
    assessment = None
    if visit is not None and visit.finalized and visit.assessment:
        assessment = Assessment.from_dict(visit.assessment)
    return Opened(household, session, visit, original, assessment, continued)


def save_draft(store: Store, visit: Visit, *, first: bool) -> Visit | WithChanges:
    """Save a copy of the draft; the first save tells the household view a draft exists."""
    saved = store.visits.save_draft(visit)
    if first:
        return WithChanges(saved, household_changed(visit.household_id, visits=True))
    return saved


def finalize(
    store: Store, session: FormSession, visit: Visit | None, household_id: str
) -> WithChanges:
    """Check, project onto the household as it is in the store now, assess, and write it all
    in one transaction. Returns the ``FinalizedVisit``; a failed check raises ``UserError``."""
    household = get_household(store, household_id)
    done: FinalizedVisit = finalize_visit(
        session, household, visit, member_changes=store.households.member_changes(household_id)
    )
    store.visits.finalize(
        done.visit, done.household, done.assessment.to_dict(), done.member_changes
    )
    return WithChanges(done, household_changed(household_id, household_list=True, visits=True))


def amend(store: Store, visit_id: str, reason: str, visitor: str) -> WithChanges:
    """A draft correcting a finalized visit, which it names."""
    draft = store.visits.amend(visit_id, reason, visitor)
    return WithChanges(draft, household_changed(draft.household_id, visits=True))


def delete_draft(store: Store, household_id: str, visit_id: str) -> WithChanges:
    store.visits.delete_draft(visit_id)
    return WithChanges(None, household_changed(household_id, visits=True))
