"""The seam between the app and the visit editor in ``fieldsurvey.ui.visit``.

The app owns the window, the tabs and the store worker; the visit editor (built on the headless
form engine ``fieldsurvey.forms``) owns drawing a form. They meet in one function the editor
package provides::

    fieldsurvey.ui.visit.open_visit_editor(
        parent: QWidget, ctx: AppContext, household_id: str, visit_id: str | None
    ) -> QWidget

- ``visit_id`` None starts a new visit of that household; the id of a draft continues it where
  it was left (``Visit.cursor``); the id of a finalized visit shows it read-only.
- The returned widget goes into a tab of the main window. Its ``windowTitle()`` is the tab's
  title (emit ``windowTitleChanged`` by calling ``setWindowTitle`` when it changes).
- All store access goes through ``ctx.ops.run(fn, owner=editor, on_done=...)`` (see
  ``ops.py`` and ``context.py``); a function returning ``WithChanges(value, Changes(
  household_ids=frozenset({household_id}), visits=True, household_list=<on finalize>))`` lets
  the household view and the list refresh themselves.
- The widget may define (the host calls them when present):

  ``flush() -> None``
      queue a save of any unsaved change now. The host calls it before it locks the store
      (idle auto-lock, File → Lock), closes the tab (Esc, Ctrl+W) or quits; because the worker
      runs operations in order, that save is on disk before the store closes.
  ``save_shortcut() -> None``
      what Ctrl+S does (default: ``flush``).
  ``visit_id() -> str | None``
      the visit it edits once a draft exists, so the host does not open the same draft twice.
  ``escape() -> bool``
      what Esc does inside the editor; True when the editor used the key (Esc in a field must
      not close a visit half filled in: it may clear a search or a popup), False to let the
      host close the tab.

- Signals it may define: ``visit_finalized(str)`` (the host refreshes the household and shows
  the assessment), ``visit_saved(str)``.
- ``ctx.about_to_lock`` is also emitted before a lock, for editors that prefer a signal.

Until the package exists the "New visit" and "Continue draft" actions stay disabled with a
tooltip that says so.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from PySide6.QtWidgets import QWidget

from fieldsurvey.ui.context import AppContext

EDITOR_MODULE = "fieldsurvey.ui.visit"
log = logging.getLogger(__name__)


def editor_available() -> bool:
    """Whether the editor package is installed (checked without importing it: start-up time)."""
    try:
        return importlib.util.find_spec(EDITOR_MODULE) is not None
    except (ImportError, ValueError):
        return False


def warm_up() -> None:
    """Import the editor ahead of use; called on the worker thread while the user unlocks."""
    if editor_available():
        try:
            importlib.import_module(EDITOR_MODULE)
            from fieldsurvey.ui.pinyin_search import text_readings

            text_readings("查找")  # the question finder's pinyin dictionaries, loaded here and not on Ctrl+F
        except Exception as e:  # noqa: BLE001 - reported when the user opens a visit
            log.error("the visit editor failed to import: %s", type(e).__name__)


def open_visit_editor(parent: QWidget, ctx: AppContext, household_id: str, visit_id: str | None) -> QWidget:
    module: Any = importlib.import_module(EDITOR_MODULE)
    return module.open_visit_editor(parent, ctx, household_id, visit_id)


def flush(editor: QWidget) -> None:
    """Ask an editor to queue its unsaved changes (no-op for editors without ``flush``)."""
    fn = getattr(editor, "flush", None)
    if callable(fn):
        fn()


def save_shortcut(editor: QWidget) -> None:
    fn = getattr(editor, "save_shortcut", None)
    if callable(fn):
        fn()
    else:
        flush(editor)


def escape(editor: QWidget) -> bool:
    """Offer Esc to an editor first; True when it used the key and the tab must stay open."""
    fn = getattr(editor, "escape", None)
    return bool(fn()) if callable(fn) else False


def editor_visit_id(editor: QWidget) -> str | None:
    fn = getattr(editor, "visit_id", None)
    if callable(fn):
        value = fn()
        return str(value) if value else None
    return None
