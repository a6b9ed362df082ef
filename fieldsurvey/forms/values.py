"""Answers by field type: what a field accepts, how it is saved as JSON, how it is shown.

The UI hands over what the user typed (often text); ``coerce`` turns it into the field's type or
raises a ``UserError`` saying what is expected. Saved answers are JSON-ready (dates as ISO text,
selections as lists) so a visit syncs and reopens unchanged; ``from_json`` reads them back and
keeps a value it cannot read as is, so an old visit still displays after a form changes.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.ids import normalise_id_text
from fieldsurvey.core.photo_refs import SHA256_HEX, is_photo_item
from fieldsurvey.core.photo_refs import item as photo_item
from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr.dateformat import local
from fieldsurvey.forms.expr.values import Value, is_empty
from fieldsurvey.forms.expr.xpath import java_double
from fieldsurvey.forms.model import PHOTO_MAX_COUNT, Field

TRUE_WORDS = {"true", "yes", "y", "1", "是", "有", "对"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "无", "不"}


class AnswerError(UserError):
    def __init__(self, text: Text) -> None:
        super().__init__(text, code="bad_answer")


def _number(raw: Any, integer: bool) -> int | float:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw if integer else float(raw)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise ValueError
        if integer:
            if not raw.is_integer():
                raise ValueError
            return int(raw)
        return raw
    text = str(raw).strip().replace(",", "").replace("，", "")
    if integer:
        return int(text)
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError
    return value


def coerce(field: Field, raw: Any) -> Value:
    """The user's input as the field's type; empty input clears the answer."""
    if (
        raw is None
        or (isinstance(raw, str) and not raw.strip())
        or (isinstance(raw, list | tuple) and not raw)
    ):
        return None
    t = field.type
    try:
        if t in ("integer", "decimal"):
            return _number(raw, t == "integer")
        if t == "range":
            return _range(field, raw)
        if t == "date":
            if isinstance(raw, datetime):
                return raw.date()
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
        if t == "time":
            return parse_time(raw)
        if t in ("datetime", "start", "end"):
            return parse_datetime(raw)
        if t in ("deviceid", "username"):
            return str(raw)
        if t == "today":
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip()[:10])
        if t == "geopoint":
            return parse_geopoint(raw)
        if t == "rank":
            return _rank(field, raw)
        if t in ("boolean", "acknowledge"):
            value = _boolean(raw)
            return True if t == "acknowledge" and value else (None if t == "acknowledge" else value)
        if t == "select_one":
            return _choice(field, str(raw).strip())
        if t == "select_multiple":
            items = raw.split() if isinstance(raw, str) else [str(x) for x in raw]
            for item in items:
                _choice(field, item)
            return list(dict.fromkeys(items))  # the order given (a main cause first), once each
        if t in ("id_number", "disability_cert"):
            # saved as checked: full-width １２３…Ｘ from a Chinese input method becomes ASCII,
            # so the store, exports, ledger and the county's duplicate checks see one number
            return normalise_id_text(str(raw))
        if t in ("hidden", "calculate"):
            return raw  # as computed (once() keeps a number)
        if t == "photo":
            return _photos(field, raw)  # type: ignore[return-value]
        return str(raw)
    except (ValueError, TypeError):
        raise AnswerError(_expected(field)) from None


def parse_time(raw: Any) -> time:
    """A time of day: 14:30, 14:30:05, or ODK's 14:30:05.000+08:00 (the offset is dropped: a
    time answer is the time on the visit's clock)."""
    if isinstance(raw, datetime):
        return raw.time().replace(microsecond=0, tzinfo=None)
    if isinstance(raw, time):
        return raw.replace(tzinfo=None)
    text = str(raw).strip().replace("：", ":")
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?", text)
    if not m:
        raise ValueError(text)
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def parse_datetime(raw: Any) -> datetime:
    """A date and time: '2024-05-01 14:30', '2024-05-01T14:30:05+08:00' (ODK's form). Without
    an offset it is the laptop's local time; it is kept with its offset, as ODK saves it."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)
    else:
        text = str(raw).strip().replace("：", ":")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)  # a datetime needs its time
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    if value.tzinfo is None:
        value = local(value) or value  # the laptop's offset at that moment
    return value.replace(microsecond=(value.microsecond // 1000) * 1000)


GEO_LIMITS = (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0))


def parse_geopoint(raw: Any) -> str:
    """Coordinates typed or pasted on a laptop without GPS: 'lat lon [altitude]', with spaces or
    a comma between ('30.66, 104.06' as a map shows it). Latitude −90..90, longitude
    −180..180; the accuracy stays empty (nothing measured it). Saved as ODK writes a geopoint:
    'lat lon altitude', each number as Java writes a double (GeoPointData's display text,
    which is what ODK's expressions read: 30 is '30.0')."""
    if isinstance(raw, list | tuple):
        parts = [str(x) for x in raw]
    else:
        parts = [p for p in re.split(r"[\s,，;；]+", str(raw).strip()) if p]
    if not 2 <= len(parts) <= 3:
        raise AnswerError(
            Text(
                "请输入纬度和经度（可加海拔），如 30.6586 104.0647",
                "enter latitude and longitude (and altitude if known), e.g. 30.6586 104.0647",
            )
        )
    numbers = [_number(p, False) for p in parts]
    for (what, low, high), n in zip(GEO_LIMITS, numbers, strict=False):
        if not low <= n <= high:
            zh = {"latitude": "纬度", "longitude": "经度"}[what]
            raise AnswerError(
                Text(
                    f"{zh}应在 {low:g} 到 {high:g} 之间",
                    f"the {what} must be between {low:g} and {high:g}",
                )
            )
    if len(numbers) == 3 and not -1000 <= numbers[2] <= 10000:
        raise AnswerError(
            Text("海拔应在 -1000 到 10000 米之间", "the altitude must be between -1000 and 10000 m")
        )
    return " ".join(_java_double(n) for n in numbers)


def geopoint_parts(value: Any) -> tuple[float | None, float | None, float | None, float | None]:
    """A saved geopoint as (latitude, longitude, altitude, accuracy); missing parts are None."""
    parts = str(value or "").split()
    out: list[float | None] = []
    for i in range(4):
        try:
            out.append(float(parts[i]))
        except (IndexError, ValueError):
            out.append(None)
    return out[0], out[1], out[2], out[3]


def _java_double(n: float) -> str:
    d = float(n)
    return repr(d) if d.is_integer() and abs(d) < 1e7 else java_double(d)


def _plain(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else repr(float(n))


def _range(field: Field, raw: Any) -> int | float:
    spec = field.range
    value = _number(raw, False)
    if spec is None:
        return value
    low, high = min(spec.start, spec.end), max(spec.start, spec.end)
    steps = (value - spec.start) / spec.step if spec.step else 0
    if not low <= value <= high or abs(steps - round(steps)) > 1e-9:
        raise AnswerError(
            Text(
                f"请在 {_plain(spec.start)} 到 {_plain(spec.end)} 之间按 {_plain(spec.step)} 取值",
                f"choose a value from {_plain(spec.start)} to {_plain(spec.end)} in steps of"
                f" {_plain(spec.step)}",
            )
        )
    return int(value) if spec.integer else value


def _rank(field: Field, raw: Any) -> list[str]:
    """A ranking: every choice once, most preferred first (ODK saves all of them, in order)."""
    items = raw.split() if isinstance(raw, str) else [str(x) for x in raw]
    for item in items:
        _choice(field, item)
    if len(set(items)) != len(items):
        raise AnswerError(Text("每项只能排一次", "each item can be ranked once only"))
    return items


def _photos(field: Field, raw: Any) -> list[dict[str, str]] | None:
    """A photo answer: a list of ``{"photo": sha256, "caption": …}`` (``core/photo_refs.py``).

    Accepts such items or bare hashes; each picture once, in the order given. The pictures
    themselves are in the store; the answer only names them.
    """
    items = raw if isinstance(raw, list | tuple) else [raw]
    out: dict[str, dict[str, str]] = {}
    for it in items:
        if isinstance(it, str) and SHA256_HEX.fullmatch(it):
            it = photo_item(it)
        if not is_photo_item(it):
            raise ValueError("not a photo")
        caption = it.get("caption")
        out.setdefault(
            it["photo"], photo_item(it["photo"], caption if isinstance(caption, str) else None)
        )
    if len(out) > PHOTO_MAX_COUNT:
        raise AnswerError(
            Text(
                f"每题最多 {PHOTO_MAX_COUNT} 张照片",
                f"at most {PHOTO_MAX_COUNT} photos per question",
            )
        )
    return list(out.values()) or None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(word)


def _choice(field: Field, name: str) -> str:
    if field.choices is not None and field.choices.get(name) is None:
        raise AnswerError(Text(f"“{name}”不是本题的选项", f"'{name}' is not one of the choices"))
    return name


def _expected(field: Field) -> Text:
    return {
        "integer": Text("请输入整数", "enter a whole number"),
        "decimal": Text("请输入数字", "enter a number"),
        "date": Text("请输入日期（如 2024-05-01）", "enter a date (e.g. 2024-05-01)"),
        "boolean": Text("请选择是或否", "choose yes or no"),
        "time": Text("请输入时间（如 14:30）", "enter a time (e.g. 14:30)"),
        "datetime": Text(
            "请输入日期和时间（如 2024-05-01 14:30）",
            "enter a date and time (e.g. 2024-05-01 14:30)",
        ),
        "range": Text("请输入数字", "enter a number"),
        "geopoint": Text(
            "请输入纬度和经度，如 30.6586 104.0647",
            "enter latitude and longitude, e.g. 30.6586 104.0647",
        ),
        "acknowledge": Text("请确认", "confirm"),
        "photo": Text("照片答案应为照片列表", "a photo answer is a list of photos"),
    }.get(field.type, Text("输入格式不正确", "the input has the wrong form"))


def to_json(value: Value) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"  # an ODK division by zero; JSON has none
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")  # ODK's 2024-05-01T14:30:00.000+08:00
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def from_json(field: Field, raw: Any) -> Value:
    """A saved answer back in its type; what cannot be read stays as saved (old forms)."""
    if raw is None:
        return None
    try:
        return coerce(field, raw)
    except UserError:
        return raw


def default_problem(field: Field, default: Any) -> Text | None:
    """Why a field's literal default does not fit it, or None."""
    if field.type in ("calculate", "note"):
        return Text("此类字段不能有默认值", "this kind of field takes no default")
    try:
        coerce(field, default)
    except UserError as e:
        return e.text
    return None


def display(field: Field, value: Value, lang: str = "zh") -> str:
    """How an answer reads on screen and in messages: choice labels, 是/否, ISO dates."""
    if is_empty(value):
        return ""
    if field.choices is not None and field.type in ("select_one", "select_multiple", "rank"):
        names = value if isinstance(value, list) else [str(value)]
        labels = []
        for n in names:
            c = field.choices.get(n)
            labels.append(c.label.get(lang) if c else n)
        return "、".join(labels) if lang.startswith("zh") else ", ".join(labels)
    if field.type == "photo" and isinstance(value, list):
        return (
            f"{len(value)} 张照片"
            if lang.startswith("zh")
            else f"{len(value)} photo{'s' if len(value) != 1 else ''}"
        )
    if isinstance(value, bool):
        return ("是" if value else "否") if lang.startswith("zh") else ("yes" if value else "no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M") if value.second == 0 else value.strftime("%H:%M:%S")
    if isinstance(value, float):
        if math.isinf(value):
            return "-Infinity" if value < 0 else "Infinity"
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return str(value)
