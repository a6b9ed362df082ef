"""The seam between the main window and the visit editor in ``fieldsurvey.ui.visit``.

The main window owns the tabs and the store worker; the visit editor (built on the headless
form engine ``fieldsurvey.forms``) owns drawing a form. The window imports the editor package
only when a visit is first opened (or on the worker by ``warm_up``), so the editor's forms and
expression parser never delay the start; it knows an editor tab by the ``VisitEditorTab``
protocol below, not by its class.

- ``open_visit_editor(parent, ctx, household_id, visit_id)``: ``visit_id`` None starts a new
  visit of that household; the id of a draft continues it where it was left
  (``Visit.cursor``); the id of a finalized visit shows it read-only. The widget goes into a
  tab; its ``windowTitle()`` is the tab's title.
- All store access goes through ``ctx.ops`` (see ``ops.py``); an operation returning
  ``WithChanges`` lets the household view and the list refresh themselves.
- ``ctx.about_to_lock`` is also emitted before a lock, for editors that prefer a signal.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

from fieldsurvey.ui.context import AppContext

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

EDITOR_MODULE = "fieldsurvey.ui.visit"
log = logging.getLogger(__name__)


@runtime_checkable
class VisitEditorTab(Protocol):
    """What the main window asks of a visit editor tab."""

    household_id: str
    visit_finalized: SignalInstance  # (visit_id): the host refreshes the household
    visit_saved: SignalInstance  # (visit_id)

    def flush(self) -> None:
        """Queue a save of any unsaved change now: called before a lock, a tab's close and
        quitting; the worker runs operations in order, so the save is on disk before the
        store closes."""

    def save_shortcut(self) -> None:
        """What Ctrl+S does."""

    def visit_id(self) -> str | None:
        """The visit edited once a draft exists, so the host never opens one draft twice."""

    def escape(self) -> bool:
        """What Esc does inside the editor: True when the editor used the key (Esc in a field
        must not close a visit half filled in), False to let the host close the tab."""


def warm_up() -> None:
    """Import the editor ahead of use; called on the worker thread while the user unlocks."""
    try:
        importlib.import_module(EDITOR_MODULE)
        from fieldsurvey.ui.pinyin_search import text_readings

        text_readings(
            "查找"
        )  # the question finder's pinyin dictionaries, loaded here and not on Ctrl+F
    except Exception as e:
        log.error("the visit editor failed to import: %s", type(e).__name__)


def open_visit_editor(
    parent: QWidget, ctx: AppContext, household_id: str, visit_id: str | None
) -> QWidget:
    from fieldsurvey.ui.visit import open_visit_editor as open_editor

    return open_editor(parent, ctx, household_id, visit_id)


def as_editor(widget: QWidget | None) -> VisitEditorTab | None:
    """The tab's widget as a visit editor, or None for the list and household pages."""
    return widget if isinstance(widget, VisitEditorTab) else None
