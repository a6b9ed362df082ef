"""Values bound for a CSV or XLSX cell, made safe to open in Excel or WPS.

A name, a comment or a household number typed on a laptop travels to the county and into
exports that staff open in a spreadsheet. A text starting with ``=``, ``+``, ``-`` or ``@`` is
read there as a formula (``=HYPERLINK(…)`` leaking the sheet, ``=cmd|…`` DDE), and a leading tab
or carriage return hides such a start from a glance. The OWASP rule for CSV injection is to
prefix every such text with a single quote, which spreadsheets show as text and never evaluate.

The decision is made per value type, not per appearance: only ``str`` values are touched. A
genuine number (``int``/``float``, e.g. a negative income) stays a number — a numeric cell in
XLSX and plain digits in CSV, where ``-1234.5`` is data, not a formula — and dates and booleans
keep their types. A text that merely looks numeric (``"-5"`` typed into a text field) is text
and gets the quote, as it is not a number the county computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may hold it: a text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through ``safe_cell``."""
    return [safe_cell(v) for v in values]
