"""Where sync meets the app: a menu entry and panel once ``fieldsurvey.sync.client`` exists.

The sync client (device side of the county server) is its own package. The app asks it for
two things only, so either side can change inside:

- ``fieldsurvey.sync.client.SyncClient`` usable from the database worker;
- the panel in ``fieldsurvey.ui.sync_panel`` (drawn here when both exist).

Until then ``available()`` is False and no Sync menu is shown.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from PySide6.QtWidgets import QWidget

from fieldsurvey.ui.context import AppContext

CLIENT_MODULE = "fieldsurvey.sync.client"
PANEL_MODULE = "fieldsurvey.ui.sync_panel"
log = logging.getLogger(__name__)


def _present(name: str) -> bool:
    """Whether the module is installed, without importing it (the client pulls in the whole
    sync stack, which must not slow down the start of the app)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    return _present(CLIENT_MODULE) and _present(PANEL_MODULE)


def open_sync_panel(parent: QWidget, ctx: AppContext) -> None:
    module = importlib.import_module(PANEL_MODULE)
    module.open_sync_panel(parent, ctx)


def enrollment_available() -> bool:
    """The setup assistant offers enrollment when the panel module provides its widget."""
    if not available():
        return False
    module = importlib.import_module(PANEL_MODULE)
    return callable(getattr(module, "enrollment_widget", None))


def enrollment_widget(ctx: AppContext, parent: QWidget) -> QWidget | None:
    """``fieldsurvey.ui.sync_panel.enrollment_widget(ctx, parent)``: server address and code."""
    if not enrollment_available():
        return None
    module = importlib.import_module(PANEL_MODULE)
    return module.enrollment_widget(ctx, parent)
