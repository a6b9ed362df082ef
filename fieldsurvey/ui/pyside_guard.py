"""Two guards around PySide6 that keep the app from crashing.

1. PySide6 6.12.0 drops one reference to ``None`` each time a Python override of a void virtual
   returns to C++, and one to ``True`` on every ``emit`` of a Python-declared signal. CPython
   before 3.12 counts references to these singletons, so after a few hundred signals the
   interpreter aborts ("Fatal Python error: bool_dealloc"). 6.11.3 does not have the bug, and
   CPython 3.12 made the singletons immortal. pyproject.toml excludes 6.12.0; should it be
   installed anyway on 3.11, ``refuse_broken_pyside`` stops the app with a sentence instead of
   letting it die in the middle of a visit. (tests/test_ui_pyside_guard.py emits 60,000 signals
   and events against the installed version.)

2. ``MainThreadCollector`` (calibre's recipe): Python's cyclic garbage collector runs on whichever
   thread happens to allocate, so it can free a Qt wrapper on the database worker; PySide then
   deletes the C++ object from there or queues that for the main thread, and either can crash.
   Automatic collection is switched off while the app runs and the main thread collects on a
   timer instead, by the same generation thresholds.
"""

from __future__ import annotations

import gc
import sys

import PySide6
from PySide6.QtCore import QObject, QTimer

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

BROKEN = {"6.12.0"}


def refuse_broken_pyside() -> None:
    if PySide6.__version__ in BROKEN and sys.version_info < (3, 12):
        raise UserError(
            Text(
                f"PySide6 {PySide6.__version__} 在 Python 3.11 上会崩溃,请安装其他版本(pip install "
                "'PySide6-Essentials!=6.12.0')",
                f"PySide6 {PySide6.__version__} crashes on Python 3.11: install another version "
                "(pip install 'PySide6-Essentials!=6.12.0')",
            ),
            code="broken_pyside",
        )


class MainThreadCollector(QObject):
    """Collect garbage only on the main thread while it exists; ``stop`` gives it back to Python."""

    INTERVAL_MS = 1000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self._threshold[0]:
            return
        generation = 0
        if counts[1] > self._threshold[1]:
            generation = 2 if counts[2] > self._threshold[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
