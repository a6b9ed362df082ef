"""The installed PySide6 does not lose references to None and True (6.12.0 did; see ui/pyside_guard.py).

Run in a child process: without the guard the interpreter aborts, which would take pytest down.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

CHILD = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import fieldsurvey.ui  # refuses a known-broken PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget
from fieldsurvey.ui.widgets import Retranslating

app = QApplication([])

class Panel(Retranslating, QWidget):
    def retranslate(self):
        pass

class Source(QObject):
    changed = Signal(int)

panel = Panel()
source = Source()
seen = []
source.changed.connect(seen.append)
event = QEvent(QEvent.Type.LanguageChange)
for i in range(60_000):
    source.changed.emit(i)                    # each emit loses a reference to True
    QCoreApplication.sendEvent(panel, event)  # each changeEvent loses one to None
print("ok", len(seen))
"""


def test_many_signals_and_overridden_events_do_not_abort_the_app() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", "60000"]
