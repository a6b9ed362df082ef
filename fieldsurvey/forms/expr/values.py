"""The values expressions compute with, and the rules for unanswered ones.

Types: number (int or float), string, bool, date, list of strings (select_multiple) and None
for "unanswered". The rules, which ``docs/forms.md`` repeats for form authors:

- An unanswered value, ``''`` and an empty list are all *empty*. ``=`` treats empties as equal
  to each other (so XLSForm's ``${x} = ''`` means "not answered"); ``!=`` is its negation.
- ``<``, ``<=``, ``>``, ``>=`` with an empty side are false (nothing is known about it).
- Arithmetic with an empty operand gives empty; so does division by zero.
- In a condition (relevant, constraint, ``if``, ``and``/``or``) empty counts as false.
- Strings that look like numbers compare and add as numbers; ISO strings compare as dates
  against dates. Anything else that cannot be compared compares false.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Union

Value = Union[None, bool, int, float, str, date, time, list[str]]  # noqa: UP007 - a type alias


@dataclass(frozen=True, slots=True)
class Nodeset:
    """All values of a field inside a repeat, seen from outside that repeat (or a repeat's
    instances, one ``True`` each). Only aggregate functions accept one."""

    values: tuple[Value, ...]


def is_empty(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, list) and not v)


def truthy(v: object) -> bool:
    if is_empty(v):
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v != 0 and not math.isnan(v)
    return True


def to_number(v: object) -> int | float | None:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        return None if isinstance(v, float) and not math.isfinite(v) else v
    if isinstance(v, str):
        s = v.strip()
        try:
            return int(s)
        except ValueError:
            pass
        try:
            f = float(s)
        except ValueError:
            return None
        return None if math.isnan(f) or math.isinf(f) else f
    return None


def to_date(v: object) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def to_string(v: object) -> str:
    if is_empty(v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return " ".join(v)
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds")
    if isinstance(v, date | time):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _comparable(a: object, b: object) -> tuple[object, object] | None:
    """Bring two non-empty values to one type, or None when they cannot meet."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a, b
    if isinstance(a, time) and isinstance(b, time):
        return a, b
    if isinstance(a, time) or isinstance(b, time):
        return None
    if isinstance(a, date) or isinstance(b, date):
        da, db = to_date(a), to_date(b)
        return (da, db) if da is not None and db is not None else None
    if isinstance(a, bool) or isinstance(b, bool):
        return truthy(a), truthy(b)
    na, nb = to_number(a), to_number(b)
    if na is not None and nb is not None:
        return na, nb
    return None


def equals(a: Value, b: Value) -> bool:
    if is_empty(a) or is_empty(b):
        return is_empty(a) and is_empty(b)
    pair = _comparable(a, b)
    if pair is not None:
        return pair[0] == pair[1]
    return to_string(a) == to_string(b)


def order(op: str, a: Value, b: Value) -> bool:
    if is_empty(a) or is_empty(b):
        return False
    pair = _comparable(a, b)
    if pair is None:
        if isinstance(a, str) and isinstance(b, str):
            pair = (a, b)
        else:
            return False
    x, y = pair
    if op == "<":
        return x < y  # type: ignore[operator]
    if op == "<=":
        return x <= y  # type: ignore[operator]
    if op == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def _tidy(n: float) -> int | float:
    """Whole results stay integers so ``2 * 3`` shows as 6, not 6.0."""
    if isinstance(n, float) and n.is_integer() and abs(n) < 2**53:
        return int(n)
    return n


def arithmetic(op: str, a: Value, b: Value) -> Value:
    if is_empty(a) or is_empty(b):
        return None
    try:
        if isinstance(a, date) or isinstance(b, date):
            return _date_arithmetic(op, a, b)
        result = _numeric(op, a, b)
    except (OverflowError, ValueError):  # beyond dates or floats: nothing sensible to show
        return None
    if isinstance(result, float) and not math.isfinite(result):
        return None
    return result


def _numeric(op: str, a: Value, b: Value) -> int | float | None:
    x, y = to_number(a), to_number(b)
    if x is None or y is None:
        return None
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        return None
    if op == "div":
        return _tidy(x / y)
    return _tidy(math.fmod(x, y))


def _date_arithmetic(op: str, a: Value, b: Value) -> Value:
    """date − date = days; date ± days = date. Nothing else is defined on dates."""
    if isinstance(a, date) and isinstance(b, date):
        return (a - b).days if op == "-" else None
    if isinstance(a, date):
        n = to_number(b)
        if n is None or op not in ("+", "-"):
            return None
        return a + timedelta(days=int(n)) if op == "+" else a - timedelta(days=int(n))
    n = to_number(a)
    if n is None or op != "+" or not isinstance(b, date):
        return None
    return b + timedelta(days=int(n))


def negate(a: Value) -> Value:
    n = None if is_empty(a) else to_number(a)
    return None if n is None else -n
