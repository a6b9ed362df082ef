"""The visit editor: household visits drawn from the form engine (``fieldsurvey.forms``).

The app finds this package through ``fieldsurvey.ui.visit_host`` and calls
``open_visit_editor``; see that module for the contract (flush, save_shortcut, visit_id and the
``visit_finalized`` / ``visit_saved`` signals).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor


def open_visit_editor(
    parent: QWidget, ctx: AppContext, household_id: str, visit_id: str | None
) -> VisitEditor:
    """A new visit (``visit_id`` None), a draft where it was left, or a finalized visit read-only.

    Returns at once with a "loading" page; the forms are compiled and the visit read on the
    database worker.
    """
    return VisitEditor(ctx, household_id, visit_id, parent)


__all__ = ["VisitEditor", "open_visit_editor"]
