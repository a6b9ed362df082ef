"""How a written workbook looks when opened: sheet names people read, header kept in view, and
columns wide enough for what is in them.

Excel opens a new sheet with every column 8.43 characters wide and the header scrolling away;
a clerk then widens twenty columns by hand before reading a household number. Widths are
measured the way Excel counts them: a Chinese character takes two columns of width, other
characters one. Sheets written as a stream (``write_only``) measure the header and the first
rows only (``SAMPLE_ROWS``), enough to size columns whose values look alike all the way down.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

SAMPLE_ROWS = 500
MIN_WIDTH = 6.0
MAX_WIDTH = 60.0
_NOT_IN_TITLE = re.compile(r"[\[\]:*?/\\]")


def display_width(value: Any) -> int:
    """Columns of width ``value`` takes in a cell: wide (CJK) characters count two."""
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in longest)


def column_widths(rows: Iterable[Sequence[Any]]) -> list[float]:
    """A width per column fitting the widest value of ``rows`` (header included), with a margin."""
    widths: list[int] = []
    for row in rows:
        for i, value in enumerate(row):
            w = display_width(value)
            if i >= len(widths):
                widths.append(w)
            elif w > widths[i]:
                widths[i] = w
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2.0)) for w in widths]


def sheet_title(text: str) -> str:
    """``text`` as a valid sheet name: no []:*?/\\ and at most 31 characters (Excel's rules)."""
    cleaned = _NOT_IN_TITLE.sub(" ", text).strip().strip("'") or "Sheet"
    return cleaned[:31]


def column_letter(index: int) -> str:
    """Excel's name of column ``index`` (0-based): A … Z, AA …"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def dress(ws: Any, widths: Sequence[float], header_rows: int = 1) -> None:
    """Freeze the header and set the widths; for a write-only sheet, before any row is added."""
    ws.freeze_panes = f"A{header_rows + 1}"
    for i, width in enumerate(widths):
        ws.column_dimensions[column_letter(i)].width = width
