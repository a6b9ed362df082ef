"""How the functions compute in a form with ``semantics: odk``, and the text functions XLSForms use.

Each variant follows ``org.javarosa.xpath.expr.XPathFuncExpr`` (JavaRosa, the engine of ODK
Collect) through the value rules of ``xpath.py``, so an imported form computes what its author
tested: ``regex`` matches the whole value, ``count`` counts the relevant nodes (every repeat
instance where the field applies, answered or not), ``round`` rounds half up (half towards
zero below zero), ``number('abc')`` is NaN, ``substr`` counts negative positions from the end.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import xpath
from fieldsurvey.forms.expr.functions import (
    ANY,
    _register,
    _scalars,
    odk_variant,
)
from fieldsurvey.forms.expr.values import Nodeset, Value, to_date, to_string

if TYPE_CHECKING:
    from fieldsurvey.forms.expr.evaluator import Env


# --- logic -----------------------------------------------------------------------------------
@odk_variant("not")
def _not(env: Env, v: Value) -> Value:
    return not xpath.to_boolean(v)


@odk_variant("boolean")
def _boolean(env: Env, v: Value) -> Value:
    return xpath.to_boolean(v)


@_register(
    "boolean-from-string",
    1,
    1,
    (ANY,),
    Text("文字 'true' 或 '1' 为真", "true for the text 'true' or '1'"),
)
def _boolean_from_string(env: Env, v: Value) -> Value:
    s = xpath.to_string(v)
    return s.lower() == "true" or s == "1"


# --- selections ------------------------------------------------------------------------------
@odk_variant("selected")
def _selected(env: Env, v: Value, choice: Value) -> Value:
    return f" {xpath.to_string(v).strip()} ".find(f" {xpath.to_string(choice).strip()} ") >= 0


@odk_variant("count-selected")
def _count_selected(env: Env, v: Value) -> Value:
    return len(xpath.to_string(v).split())


@odk_variant("selected-at")
def _selected_at(env: Env, v: Value, n: Value) -> Value:
    words, i = xpath.to_string(v).split(), xpath.java_int(xpath.to_int(n))
    return words[i] if 0 <= i < len(words) else ""


# --- repeats ---------------------------------------------------------------------------------
def _nodes(ns: Value | Nodeset) -> tuple[Value, ...]:
    """The relevant nodes of a nodeset (the engine leaves non-relevant places out)."""
    return ns.values if isinstance(ns, Nodeset) else (ns,)


@odk_variant("count")
def _count(env: Env, ns: Value | Nodeset) -> Value:
    return len(_nodes(ns))


@odk_variant("count-non-empty")
def _count_non_empty(env: Env, ns: Value | Nodeset) -> Value:
    return sum(1 for v in _nodes(ns) if xpath.unpack(v) != "")


@odk_variant("sum")
def _sum(env: Env, ns: Value | Nodeset) -> Value:
    total = 0.0
    for v in _nodes(ns):
        n = xpath.to_number(v)
        if not math.isnan(n):
            total += n
    return xpath.tidy(total)


def _numbers(args: Sequence[Value | Nodeset]) -> list[float]:
    return [n for v in _scalars(args) if not math.isnan(n := xpath.to_number(v))]


@odk_variant("max")
def _max(env: Env, *args: Value | Nodeset) -> Value:
    nums = _numbers(args)
    return xpath.tidy(max(nums)) if nums else xpath.NAN


@odk_variant("min")
def _min(env: Env, *args: Value | Nodeset) -> Value:
    nums = _numbers(args)
    return xpath.tidy(min(nums)) if nums else xpath.NAN


# --- numbers ---------------------------------------------------------------------------------
@odk_variant("number")
def _number(env: Env, v: Value) -> Value:
    return xpath.tidy(xpath.to_number(v))


@odk_variant("int")
def _int(env: Env, v: Value) -> Value:
    return xpath.tidy(xpath.to_int(v))


@odk_variant("round")
def _round(env: Env, v: Value, digits: Value = 0) -> Value:
    return xpath.tidy(xpath.round_half(xpath.to_number(v), xpath.to_number(digits)))


@odk_variant("abs")
def _abs(env: Env, v: Value) -> Value:
    return xpath.tidy(abs(xpath.to_number(v)))


# --- strings ---------------------------------------------------------------------------------
@odk_variant("string")
def _string(env: Env, v: Value) -> Value:
    return xpath.to_string(v)


@odk_variant("string-length")
def _string_length(env: Env, v: Value) -> Value:
    return len(xpath.to_string(v))


@odk_variant("concat")
def _concat(env: Env, *args: Value) -> Value:
    return "".join(xpath.to_string(a) for a in args)


@odk_variant("contains")
def _contains(env: Env, s: Value, t: Value) -> Value:
    return xpath.to_string(t) in xpath.to_string(s)


@odk_variant("starts-with")
def _starts_with(env: Env, s: Value, t: Value) -> Value:
    return xpath.to_string(s).startswith(xpath.to_string(t))


@odk_variant("substr")
def _substr(env: Env, s: Value, start: Value, end: Value = None) -> Value:
    return xpath.substring(s, start, end)


@odk_variant("regex")
def _regex(env: Env, s: Value, pattern: Value) -> Value:
    """Java's ``Pattern.matches``: the whole value must match, so '[0-9]{6}' refuses 1234567."""
    compiled = compile_java_pattern(to_string(pattern))
    return compiled is not None and compiled.fullmatch(xpath.to_string(s)) is not None


@lru_cache(maxsize=256)
def compile_java_pattern(pattern: str) -> re.Pattern[str] | None:
    """Java's classes \\d \\w \\s are ASCII only: '１２' (full-width) is not '\\d+' in ODK."""
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


@_register("ends-with", 2, 2, (ANY, ANY), Text("是否以…结尾", "whether text ends with"))
def _ends_with(env: Env, s: Value, t: Value) -> Value:
    return xpath.to_string(s).endswith(xpath.to_string(t))


@_register(
    "normalize-space",
    1,
    1,
    (ANY,),
    Text("去掉首尾空白并合并空白", "trim and collapse white space"),
)
def _normalize_space(env: Env, v: Value) -> Value:
    return " ".join(xpath.to_string(v).split())


@_register(
    "substring-before", 2, 2, (ANY, ANY), Text("某文字之前的部分", "the text before another")
)
def _substring_before(env: Env, s: Value, t: Value) -> Value:
    text, part = xpath.to_string(s), xpath.to_string(t)
    pos = text.find(part)
    return text[:pos] if pos >= 0 else ""


@_register("substring-after", 2, 2, (ANY, ANY), Text("某文字之后的部分", "the text after another"))
def _substring_after(env: Env, s: Value, t: Value) -> Value:
    text, part = xpath.to_string(s), xpath.to_string(t)
    pos = text.find(part)
    return text[pos + len(part) :] if pos >= 0 else ""


@_register("translate", 3, 3, (ANY, ANY, ANY), Text("逐字替换", "replace characters"))
def _translate(env: Env, s: Value, src: Value, dst: Value) -> Value:
    text, frm, to = xpath.to_string(s), xpath.to_string(src), xpath.to_string(dst)
    out = []
    for ch in text:
        i = frm.find(ch)
        if i < 0:
            out.append(ch)
        elif i < len(to):
            out.append(to[i])
    return "".join(out)


# --- dates -----------------------------------------------------------------------------------
@odk_variant("date")
def _date(env: Env, v: Value) -> Value:
    """``XPathFuncExpr.toDate``: a number is days since 1970-01-01; a text is an ISO date."""
    raw = xpath.unpack(v)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        days = xpath.to_int(raw)
        if math.isnan(days) or math.isinf(days) or abs(days) > 2_000_000:
            return xpath.NAN
        return xpath.EPOCH.fromordinal(xpath.EPOCH.toordinal() + int(days))
    if raw == "":
        return ""
    return to_date(raw)
