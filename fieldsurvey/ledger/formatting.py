"""How values read on paper: dates, money, yes/no, code labels, masked numbers."""

from __future__ import annotations

from datetime import date

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.ids import mask_id_number

DASH = "—"


def label(list_name: str, code: str | None) -> str:
    return code_list(list_name).label(code) if code else DASH


def labels(list_name: str, codes: list[str]) -> str:
    return "、".join(code_list(list_name).label(c) for c in codes) if codes else DASH


def yes_no(value: bool | None) -> str:
    if value is None:
        return "未记录"
    return "是" if value else "否"


def day(value: date | None) -> str:
    return value.isoformat() if value else DASH


def money(value: float | None) -> str:
    return DASH if value is None else f"{value:,.2f}"


def number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return DASH
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def text(value: str | None) -> str:
    value = (value or "").strip()
    return value or DASH


def id_number(value: str | None, masked: bool) -> str:
    if not value:
        return DASH
    return mask_id_number(value) if masked else value


def phone(value: str | None, masked: bool) -> str:
    """Public copies hide the middle of a household's phone number as they hide ID numbers."""
    if not value:
        return DASH
    if masked and len(value) > 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value
