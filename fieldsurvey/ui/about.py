"""The About box of both windows: FieldSurvey's version and the versions it runs on.

County IT asks which SQLCipher, Qt and Python a laptop runs (to match them against security
advisories), and a standalone bundle carries its own of each, which no other tool on the
laptop reports: so the About box says them, and the text can be copied.
"""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldsurvey import __version__


def component_versions() -> list[tuple[str, str]]:
    """(component, version) pairs, FieldSurvey first."""
    from fieldsurvey.store.engine import cipher_version

    build = "standalone bundle" if getattr(sys, "frozen", False) else "Python package"
    return [
        ("FieldSurvey", f"{__version__} ({build})"),
        ("SQLCipher", cipher_version()),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("Python", f"{platform.python_version()} ({platform.machine() or 'unknown'})"),
        ("OS", platform.platform(terse=True)),
    ]


def about_text(summary: str, extra: list[tuple[str, str]] | None = None) -> str:
    lines = [summary, ""]
    lines += [f"{name}: {value}" for name, value in [*component_versions(), *(extra or [])]]
    return "\n".join(lines)


def show_about(parent: QWidget, title: str, summary: str) -> QMessageBox:
    """A non-blocking About box whose text can be selected and copied."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        title,
        about_text(summary),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setObjectName("aboutBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
