"""Waiting until the app has nothing left to do, for scripted runs (screenshots, the wording
tests, the installation check): instead of pausing a fixed time and hoping the last answer came.

"Quiet" means no operation queued or running on the given runners, no single-shot timer waiting
(a typing pause, the visit check's delay, the autosave's), no visit check running, and no posted
event left, on several passes in a row; periodic timers (the idle lock, the county's refresh)
never end and are not waited for.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from fieldsurvey.ui.ops import Ops

CALM_PASSES = 3


def _waiting_timer() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    for top in app.topLevelWidgets():
        for timer in top.findChildren(QTimer):
            if timer.isActive() and timer.isSingleShot():
                return True
    return False


def _checking() -> bool:
    from fieldsurvey.ui.visit.checker import Checker

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    return any(c.busy for top in app.topLevelWidgets() for c in top.findChildren(Checker))


def wait_quiet(runners: Iterable[Ops] = (), timeout_s: float = 60.0) -> None:
    """Process events until the app is quiet (see the module); ``TimeoutError`` after
    ``timeout_s``."""
    runners = list(runners)
    deadline = time.monotonic() + timeout_s
    calm = 0
    while calm < CALM_PASSES:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not become quiet")
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        if any(r.pending for r in runners) or _waiting_timer() or _checking():
            calm = 0
            time.sleep(0.005)
        else:
            calm += 1
