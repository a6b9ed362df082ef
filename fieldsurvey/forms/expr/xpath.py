"""The value rules of ODK forms: XPath 1.0 as JavaRosa (the engine ODK Collect runs) applies them.

A form imported from an XLSForm declares ``semantics: odk`` and its expressions then compute
exactly what its author saw in ODK Collect; the project's own forms keep the rules of
``values.py`` (empty-aware arithmetic, numbers in text compared as numbers), which the shipped
forms and their tests were written against. Each rule here names the JavaRosa code it follows
(``org.javarosa.xpath.expr``): ``XPathFuncExpr.toNumeric/toString/toBoolean``, ``XPathEqExpr``,
``XPathCmpExpr``, ``XPathArithExpr``. In short:

- Every value reads as a number, a text, a true/false or a date; an unanswered one (and a
  non-relevant one) reads as the empty text ``''``; a selection reads as its names joined by
  spaces.
- Text becomes a number only when it is made of digits, ``-`` and ``.`` (a ``,`` counts as
  ``.``); anything else, the empty text included, is NaN. A date is its days since 1970-01-01.
- ``=`` compares as true/false when either side is one, else as numbers when either side is a
  number, else as texts. ``<`` ``>`` always compare numbers, so two words never compare true.
- Arithmetic is on numbers: division by zero is ±Infinity (0 div 0 is NaN), ``mod`` keeps the
  sign of the dividend, anything with NaN is NaN. A calculation that ends NaN is unanswered.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from fieldsurvey.forms.expr.values import Value

NAN = float("nan")
EPOCH = date(1970, 1, 1)


def unpack(v: object) -> object:
    """A value as JavaRosa's XPath sees it: '' for unanswered, a selection as spaced text."""
    if v is None:
        return ""
    if isinstance(v, list):
        return " ".join(v)
    return v


def to_number(v: object) -> float:
    """``XPathFuncExpr.toNumeric``."""
    v = unpack(v)
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, datetime):  # DateUtils.daysSinceEpoch: whole days, the time dropped
        return float((v.date() - EPOCH).days)
    if isinstance(v, date):
        return float((v - EPOCH).days)
    if isinstance(v, time):  # a time answer is a Date on 1970-01-01 in JavaRosa
        return 0.0
    if isinstance(v, str):
        s = v.replace(",", ".").strip()
        if not s or any(c not in "-.0123456789" for c in s):
            return NAN
        try:
            return float(s)
        except ValueError:  # "1.2.3", "-", "1-2": Java's Double.parseDouble refuses them too
            return NAN
    return NAN


def to_boolean(v: object) -> bool:
    """``XPathFuncExpr.toBoolean``: a number is true when non-zero and not NaN, a text when
    non-empty (so the text 'false' is true), a date always."""
    v = unpack(v)
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return abs(v) > 1.0e-12 and not math.isnan(v)
    if isinstance(v, str):
        return len(v) > 0
    return True


def java_double(d: float) -> str:
    """Java's ``Double.toString`` for a non-integral finite double: plain from 10^-3 up to
    10^7, else scientific with ``E`` (1.0E7, 1.0E-4), with the shortest digits."""
    if 1e-3 <= abs(d) < 1e7:
        return repr(d)  # Python writes this range plainly too
    sign, digits, exponent = Decimal(repr(d)).normalize().as_tuple()
    shown = "".join(map(str, digits))
    power = len(shown) + int(exponent) - 1
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def to_string(v: object) -> str:
    """``XPathFuncExpr.toString``: whole numbers without '.0', NaN and ±Infinity by name,
    true/false, dates as yyyy-mm-dd."""
    v = unpack(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        d = float(v)
        if math.isnan(d):
            return "NaN"
        if abs(d) < 1.0e-12:
            return "0"
        if math.isinf(d):
            return "-Infinity" if d < 0 else "Infinity"
        whole = java_int(d)  # Java's (int) cast: beyond ±2^31 a number shows as 3.0E9
        if abs(d - whole) < 1.0e-12:
            return str(whole)
        return java_double(d)
    if isinstance(v, datetime):  # DateUtils.formatDate(d, FORMAT_ISO8601): the date part only
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):  # TimeData unpacks to a Date on 1970-01-01
        return EPOCH.isoformat()
    return str(v)


def equals(a: Value, b: Value) -> bool:
    """``XPathEqExpr``."""
    a, b = unpack(a), unpack(b)  # type: ignore[assignment]
    if isinstance(a, bool) or isinstance(b, bool):
        return to_boolean(a) == to_boolean(b)
    if _is_number(a) or _is_number(b):
        return abs(to_number(a) - to_number(b)) < 1e-12  # NaN never equals
    return to_string(a) == to_string(b)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def order(op: str, a: Value, b: Value) -> bool:
    """``XPathCmpExpr``: both sides as numbers; NaN compares false."""
    x, y = to_number(a), to_number(b)
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def tidy(n: float) -> int | float:
    """A whole double as an int, so it shows as JavaRosa shows it (6, not 6.0)."""
    if math.isfinite(n) and n.is_integer() and abs(n) < 2**53:
        return int(n)
    return n


def arithmetic(op: str, a: Value, b: Value) -> int | float:
    """``XPathArithExpr``: IEEE doubles, as Java computes them."""
    x, y = to_number(a), to_number(b)
    if op == "+":
        return tidy(x + y)
    if op == "-":
        return tidy(x - y)
    if op == "*":
        return tidy(x * y)
    if op == "div":
        if y == 0:
            if x == 0 or math.isnan(x):
                return NAN
            return math.copysign(math.inf, x) * math.copysign(1.0, y)
        return tidy(x / y)
    # Java's % keeps the sign of the dividend; x % 0, inf % y and NaN give NaN
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return NAN
    if math.isinf(y):
        return tidy(x)
    return tidy(math.fmod(x, y))


def negate(a: Value) -> int | float:
    return tidy(-to_number(a))


def is_null(v: object) -> bool:
    """``XPathFuncExpr.isNull``: the empty text or NaN (what ``coalesce`` skips)."""
    v = unpack(v)
    return (isinstance(v, str) and not v) or (isinstance(v, float) and math.isnan(v))


def to_int(v: object) -> float:
    """``XPathFuncExpr.toInt``: truncate towards zero; NaN and ±Infinity stay."""
    d = to_number(v)
    if math.isnan(d) or math.isinf(d) or abs(d) >= 2**63:
        return d
    return float(math.trunc(d))


def round_half(number: float, places: float) -> float:
    """``XPathFuncExpr.round``: half up for positive numbers and half towards zero for
    negative ones ('towards positive infinity', XPath), on the decimal text of the double;
    negative places round to tens, hundreds …"""
    if math.isnan(number) or math.isinf(number):
        return number
    digits = 0 if math.isnan(places) or math.isinf(places) else int(places)
    if digits > 30 or digits < -30:
        return NAN
    if digits >= 0:
        method = ROUND_HALF_DOWN if number < 0 else ROUND_HALF_UP
        try:
            return float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits), method))
        except InvalidOperation:
            return NAN
    scaled = float(Decimal(repr(number)).scaleb(digits))
    rounded = float(math.trunc(scaled + 0.5))  # Java's (long) cast truncates
    return float(Decimal(repr(rounded)).scaleb(-digits))


def substring(s: Value, start: Value, end: Value = None) -> str:
    """``XPathFuncExpr.substring`` (``substr``): from 0, negative positions count from the end."""
    text = to_string(s)
    n = len(text)
    a = java_int(to_int(start))
    b = n if end is None else java_int(to_int(end))
    if a < 0:
        a = n + a
    if b < 0:
        b = n + b
    b = min(max(0, b), n)
    a = min(max(0, a), n)
    return text[a:b] if a <= b else ""


def java_int(d: float) -> int:
    """Java's ``Double.intValue``: NaN is 0, beyond the int range is clamped."""
    if math.isnan(d):
        return 0
    if d >= 2**31 - 1:
        return 2**31 - 1
    if d <= -(2**31):
        return -(2**31)
    return int(d)
