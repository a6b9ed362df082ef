"""``format-date()`` and ``format-date-time()`` as JavaRosa computes them.

JavaRosa (``XPathFuncExpr.formatDateTime`` → ``DateUtils.format``) first turns the value into a
moment (``toDate(value, preserveTime=true)``): a date answer is its midnight, a date-time its
moment, a time answer that time on 1970-01-01, a number that many days (fractions included)
after 1970-01-01T00:00Z, a text parsed as an ISO date or date-time; an empty value gives ``''``.
The moment is then written in the device's time zone with these escapes:

``%Y`` year (4 digits) ``%y`` year (2 digits) ``%m`` month (2 digits) ``%n`` month ``%b`` short
month name ``%d`` day (2 digits) ``%e`` day ``%H`` hour 00–23 ``%h`` hour 0–23 ``%M`` minute
``%S`` second ``%3`` milliseconds ``%a`` short day name ``%W`` ISO week ``%%`` a percent sign.

``%b`` and ``%a`` follow the phone's language in ODK Collect; here they are English (Jan, Mon),
as on an English-language phone. ``%Z``, ``%A``, ``%B`` and any other escape are errors in
JavaRosa; a form that writes one as a literal is refused when it is loaded (``format_problem``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta

from fieldsurvey.core.text import Text

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ESCAPES = frozenset("%YymnbdeHhMS3aW")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.+)?$")
EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)


def format_problem(fmt: str) -> Text | None:
    """Why JavaRosa would refuse this format text, or None."""
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            if i + 1 >= len(fmt):
                return Text("日期格式以 % 结尾", "the date format ends with %")
            if fmt[i + 1] not in ESCAPES:
                return Text(
                    f"日期格式不支持 %{fmt[i + 1]}",
                    f"the date format does not support %{fmt[i + 1]}",
                )
            i += 2
        else:
            i += 1
    return None


def local(moment: datetime) -> datetime | None:
    """``moment`` in the laptop's time zone (a naive one is taken as local wall time). Windows
    cannot convert moments before 1970 (``OSError``): those take today's offset, which is the
    offset in China (no daylight saving). None beyond the years a datetime holds."""
    try:
        return moment.astimezone()
    except (OSError, OverflowError, ValueError):
        offset = datetime.now().astimezone().tzinfo
        try:
            if moment.tzinfo is None:
                return moment.replace(tzinfo=offset)
            return moment.astimezone(offset)
        except (OverflowError, ValueError):
            return None


def to_moment(value: object) -> datetime | None:
    """``XPathFuncExpr.toDate(value, true)`` in the laptop's time zone; None when it is empty
    or cannot be a moment."""
    if isinstance(value, list):
        value = " ".join(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return local(value)
    if isinstance(value, date):
        return local(datetime(value.year, value.month, value.day))
    if isinstance(value, time):
        return local(datetime(1970, 1, 1, value.hour, value.minute, value.second))
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value) or abs(value) > 2**31 - 1:
            return None
        try:
            moment = EPOCH_UTC + timedelta(milliseconds=int(value * 86_400_000))
        except OverflowError:
            return None  # beyond year 9999
        return local(moment)
    if isinstance(value, str):
        return _parse(value.strip())
    return None


def _parse(text: str) -> datetime | None:
    m = _ISO.match(text)
    if not m:
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not m.group(4):
            return local(datetime(day.year, day.month, day.day))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return local(moment)


def format_moment(moment: datetime, fmt: str) -> str:
    """``DateUtils.format``; an escape JavaRosa refuses gives '' (refused at load if literal)."""
    if format_problem(fmt) is not None:
        return ""
    out: list[str] = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        e = fmt[i + 1]
        i += 2
        out.append(
            {
                "%": "%",
                "Y": f"{moment.year:04d}",
                "y": f"{moment.year:04d}"[2:],
                "m": f"{moment.month:02d}",
                "n": str(moment.month),
                "b": MONTHS[moment.month - 1],
                "d": f"{moment.day:02d}",
                "e": str(moment.day),
                "H": f"{moment.hour:02d}",
                "h": str(moment.hour),
                "M": f"{moment.minute:02d}",
                "S": f"{moment.second:02d}",
                "3": f"{moment.microsecond // 1000:03d}",
                "a": DAYS[moment.weekday()],
                "W": str(moment.isocalendar()[1]),
            }[e]
        )
    return "".join(out)


def format_date(value: object, fmt: str) -> str:
    moment = to_moment(value)
    return "" if moment is None else format_moment(moment, fmt)
