"""The bundled CJK font, loaded before any widget exists.

Many cheap laptops (and this project's build machine) have no Chinese font at all; without one
every label would draw as empty boxes. WenQuanYi Micro Hei (Apache-2.0, licence beside it in
``resources/fonts/``) is registered with Qt and made the application font, so Chinese renders
the same everywhere.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from fieldsurvey.core.resources import resource_path

FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")
POINT_SIZE = 10
log = logging.getLogger(__name__)


def load_app_font(app: QApplication) -> str | None:
    """Register the shipped font and make it the default; returns its family name."""
    path = resource_path(*FONT_FILE)
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.error("the bundled CJK font could not be loaded")
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    family = families[0]
    font = QFont(family, POINT_SIZE)
    # Latin text keeps the font's own glyphs; anything missing falls back to the system fonts.
    font.setFamilies([family, *QFont().families()])
    app.setFont(font)
    return family
