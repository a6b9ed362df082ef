"""Auto-lock: after a stretch with no keyboard or mouse input, the store is closed.

An event filter on the application notes the time of each input event; a coarse timer checks
how long it has been. Noting a timestamp costs next to nothing, unlike restarting a timer on
every mouse move.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.InputMethod,
    }
)
MAX_CHECK_MS = 5000


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_ms`` without input; ``start`` arms it again."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeout_s = timeout_ms / 1000
        self._last = time.monotonic()
        self._check = QTimer(self)
        self._check.timeout.connect(self._tick)
        self._set_interval(timeout_ms)
        self._installed = False

    def _set_interval(self, timeout_ms: int) -> None:
        self._check.setInterval(max(20, min(MAX_CHECK_MS, timeout_ms // 4)))

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timeout_s = timeout_ms / 1000
        self._set_interval(timeout_ms)

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._last = time.monotonic()
        self._check.start()

    def stop(self) -> None:
        self._check.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    def _tick(self) -> None:
        if time.monotonic() - self._last >= self._timeout_s:
            self.stop()
            self.idle.emit()
