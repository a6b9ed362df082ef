"""Answers by field type: what a field accepts, how it is saved as JSON, how it is shown.

The UI hands over what the user typed (often text); ``coerce`` turns it into the field's type or
raises a ``UserError`` saying what is expected. Saved answers are JSON-ready (dates as ISO text,
selections as lists) so a visit syncs and reopens unchanged; ``from_json`` reads them back and
keeps a value it cannot read as is, so an old visit still displays after a form changes.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.photo_refs import SHA256_HEX, is_photo_item
from fieldsurvey.core.photo_refs import item as photo_item
from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr.values import Value, is_empty
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
        if t == "date":
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
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
            return str(raw).strip().upper().replace(" ", "")
        if t == "hidden":
            return raw  # type: ignore[no-any-return]
        if t == "photo":
            return _photos(field, raw)  # type: ignore[return-value]
        return str(raw)
    except (ValueError, TypeError):
        raise AnswerError(_expected(field)) from None


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
        out.setdefault(it["photo"], photo_item(it["photo"], caption if isinstance(caption, str) else None))
    if len(out) > PHOTO_MAX_COUNT:
        raise AnswerError(Text(f"每题最多 {PHOTO_MAX_COUNT} 张照片", f"at most {PHOTO_MAX_COUNT} photos per question"))
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
        "acknowledge": Text("请确认", "confirm"),
        "photo": Text("照片答案应为照片列表", "a photo answer is a list of photos"),
    }.get(field.type, Text("输入格式不正确", "the input has the wrong form"))


def to_json(value: Value) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"  # an ODK division by zero; JSON has none
    if isinstance(value, date):
        return value.isoformat()
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
        return raw  # type: ignore[no-any-return]


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
    if field.choices is not None and field.type in ("select_one", "select_multiple"):
        names = value if isinstance(value, list) else [str(value)]
        labels = []
        for n in names:
            c = field.choices.get(n)
            labels.append(c.label.get(lang) if c else n)
        return "、".join(labels) if lang.startswith("zh") else ", ".join(labels)
    if field.type == "photo" and isinstance(value, list):
        return f"{len(value)} 张照片" if lang.startswith("zh") else f"{len(value)} photo{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang.startswith("zh") else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isinf(value):
            return "-Infinity" if value < 0 else "Infinity"
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return str(value)
