"""Keep ``None``, ``True`` and ``False`` alive under PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 drops one reference to ``None`` each time a Python override of a void virtual
(``changeEvent``, ``paintEvent``, ``keyPressEvent``, …) returns to C++ or a QVariant converts to
``None``, and one reference to ``True`` on every ``emit`` of a Python-declared signal. CPython
before 3.12 counts references to these singletons like any other object, so after a few thousand
such calls the count reaches zero and the interpreter aborts ("Fatal Python error: bool_dealloc:
deallocating True or False"). On this project's machine a bare script dies after ~600 signal
emits; the app would die after some minutes of use.

CPython 3.12 made the singletons immortal; this module gives 3.11 the same property by adding
2**40 to their reference counts (one decrement per call would take years to use that up).
It touches nothing else and does nothing on 3.12 and later, where the counts are fixed.

``MainThreadCollector`` is the second guard (calibre's recipe): Python's cyclic garbage
collector runs on whichever thread happens to allocate, so it can free a Qt wrapper on the
database worker; PySide then deletes the C++ object from there or queues that for the main
thread, and either can crash. Automatic collection is switched off while the app runs and the
main thread collects on a timer instead, by the same generation thresholds.
"""

from __future__ import annotations

import ctypes
import gc
import sys

from PySide6.QtCore import QObject, QTimer

PIN = 1 << 40
_state = {"done": False}


def affected() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def protect_singletons() -> bool:
    """Pin the singletons once per process; returns whether anything was done."""
    if _state["done"] or not affected():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11
        ctypes.c_ssize_t.from_address(id(obj)).value += PIN
    _state["done"] = True
    return True


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
