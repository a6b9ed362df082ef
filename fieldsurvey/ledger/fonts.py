"""The CJK font every ledger is set in, registered once per process.

Parsing the 4.6 MB TrueType file takes a few hundred milliseconds, so it happens on first use
and is cached for the process; reportlab then subsets the glyphs each document uses and embeds
them, so a printed ledger looks the same on any machine and its text can be extracted.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")

_lock = threading.Lock()
_registered = False


def ensure_fonts() -> str:
    """Register the CJK font with reportlab (once) and return its name for styles."""
    global _registered
    if _registered:
        return FONT_NAME
    with _lock:
        if not _registered:
            path = resource_path(*FONT_FILE)
            if not path.is_file():
                raise UserError(
                    Text(
                        "找不到打印台账所需的中文字体文件，请重新安装本软件",
                        "the Chinese font needed to print ledgers is missing: please reinstall",
                    ),
                    code="font_missing",
                )
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
            # One weight only: map bold and italic onto it so <b> in a paragraph never
            # falls back to a Latin-only core font that has no Chinese glyphs.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _registered = True
    return FONT_NAME
