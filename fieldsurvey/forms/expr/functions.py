"""The functions a form expression may call: a fixed table, nothing else is reachable.

Each entry says how many arguments it takes and what kind (an aggregate takes the values of a
field across a repeat; ``param`` takes a literal name; ``sum-fields`` a group), so a form that
calls one wrongly is rejected when it is loaded, with the column of the call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from fieldsurvey.core.ids import IdNumberError, IdNumberInfo, age_on, parse_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr.values import (
    Nodeset,
    Value,
    is_empty,
    to_date,
    to_number,
    to_string,
    truthy,
)

if TYPE_CHECKING:
    from fieldsurvey.forms.expr.evaluator import Env

# Argument kinds checked at load time.
ANY = "any"  # a scalar value
MANY = "many"  # a scalar or the values of a field in a repeat (aggregates)
GROUP = "group"  # ${group}: a group or repeat whose number fields are summed
FIELD = "field"  # ${field}: a select field whose choice is looked at
LITERAL = "literal"  # a string literal (parameter names, regex patterns)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    min_args: int
    max_args: int | None  # None: any number
    kinds: tuple[str, ...]  # kind of each argument; the last one repeats
    impl: Callable[..., Value]
    summary: Text
    odk_impl: Callable[..., Value] | None = None  # the JavaRosa rule, for ``semantics: odk``

    def kind_of(self, index: int) -> str:
        return self.kinds[min(index, len(self.kinds) - 1)] if self.kinds else ANY


FUNCTIONS: dict[str, FunctionSpec] = {}
# Functions the evaluator handles itself because they must not evaluate every argument.
LAZY = frozenset({"if", "coalesce", "once", "indexed-repeat"})


def _register(name: str, min_args: int, max_args: int | None, kinds: Sequence[str], summary: Text):
    def deco(fn: Callable[..., Value]) -> Callable[..., Value]:
        FUNCTIONS[name] = FunctionSpec(name, min_args, max_args, tuple(kinds), fn, summary)
        return fn

    return deco


def odk_variant(name: str) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
    """Register how ``name`` computes in a form with ``semantics: odk`` (``functions_odk.py``)."""

    def deco(fn: Callable[..., Value]) -> Callable[..., Value]:
        FUNCTIONS[name] = replace(FUNCTIONS[name], odk_impl=fn)
        return fn

    return deco


def _scalars(args: Sequence[Value | Nodeset]) -> list[Value]:
    out: list[Value] = []
    for a in args:
        if isinstance(a, Nodeset):
            out.extend(a.values)
        else:
            out.append(a)
    return out


def _words(v: Value) -> list[str]:
    if is_empty(v):
        return []
    if isinstance(v, list):
        # a photo field's answer counts its pictures: count-selected(${house_photos})
        return [x["photo"] if isinstance(x, dict) and "photo" in x else x for x in v]
    return to_string(v).split()


# --- logic -----------------------------------------------------------------------------------
FUNCTIONS["if"] = FunctionSpec(
    "if", 3, 3, (ANY,), lambda env: None, Text("条件取值", "if(condition, then, else)")
)
FUNCTIONS["coalesce"] = FunctionSpec(
    "coalesce", 2, None, (ANY,), lambda env: None, Text("第一个非空值", "first non-empty argument")
)


@_register("not", 1, 1, (ANY,), Text("取反", "logical not"))
def _not(env: Env, v: Value) -> Value:
    return not truthy(v)


@_register("true", 0, 0, (), Text("真", "true"))
def _true(env: Env) -> Value:
    return True


@_register("false", 0, 0, (), Text("假", "false"))
def _false(env: Env) -> Value:
    return False


@_register("boolean", 1, 1, (ANY,), Text("转为是/否", "to true/false"))
def _boolean(env: Env, v: Value) -> Value:
    return truthy(v)


# --- selections ------------------------------------------------------------------------------
@_register("selected", 2, 2, (ANY, ANY), Text("是否选中某项", "whether a choice is selected"))
def _selected(env: Env, v: Value, choice: Value) -> Value:
    return to_string(choice) in _words(v)


@_register("count-selected", 1, 1, (ANY,), Text("选中项数", "number of choices selected"))
def _count_selected(env: Env, v: Value) -> Value:
    return len(_words(v))


@_register(
    "selected-at", 2, 2, (ANY, ANY), Text("第n个选中项（从0起）", "n-th selected choice, from 0")
)
def _selected_at(env: Env, v: Value, n: Value) -> Value:
    words, i = _words(v), to_number(n)
    return words[int(i)] if i is not None and 0 <= int(i) < len(words) else None


@_register(
    "choice-extra", 2, 2, (FIELD, LITERAL), Text("所选项的附加列", "a column of the chosen choice")
)
def _choice_extra(env: Env, field: Value, column: Value) -> Value:
    return env.choice_extra(to_string(field), to_string(column))


# --- repeats ---------------------------------------------------------------------------------
@_register("count", 1, 1, (MANY,), Text("实例数或已答数", "number of instances or answers"))
def _count(env: Env, ns: Value | Nodeset) -> Value:
    return sum(1 for v in _scalars([ns]) if not is_empty(v))


@_register("count-non-empty", 1, 1, (MANY,), Text("已答数", "number of answered values"))
def _count_non_empty(env: Env, ns: Value | Nodeset) -> Value:
    return _count(env, ns)


@_register("sum", 1, 1, (MANY,), Text("求和（空值不计）", "sum, empty values skipped"))
def _sum(env: Env, ns: Value | Nodeset) -> Value:
    total: int | float = 0
    for v in _scalars([ns]):
        n = None if is_empty(v) else to_number(v)
        if n is not None:
            total += n
    return total


def _numbers(args: Sequence[Value | Nodeset]) -> list[int | float]:
    return [n for v in _scalars(args) if not is_empty(v) and (n := to_number(v)) is not None]


@_register("max", 1, None, (MANY,), Text("最大值", "largest value"))
def _max(env: Env, *args: Value | Nodeset) -> Value:
    nums = _numbers(args)
    return max(nums) if nums else None


@_register("min", 1, None, (MANY,), Text("最小值", "smallest value"))
def _min(env: Env, *args: Value | Nodeset) -> Value:
    nums = _numbers(args)
    return min(nums) if nums else None


@_register(
    "position", 0, 0, (), Text("当前实例序号（从1起）", "position of this repeat instance, from 1")
)
def _position(env: Env) -> Value:
    return env.position()


@_register(
    "sum-fields",
    1,
    2,
    (GROUP, ANY),
    Text(
        "组内已填数值字段求和（都未填则为空）",
        "sum of a group's answered number fields (empty if none)",
    ),
)
def _sum_fields(env: Env, group: Value, names: Value = None) -> Value:
    """Sum of the group's number fields (only those named in ``names`` when given). Empty
    when none of them is answered, so "nothing recorded" never reads as zero income."""
    only = None if names is None else set(_words(names))
    values = [v for v in env.group_values(to_string(group), only) if not is_empty(v)]
    return _sum(env, Nodeset(tuple(values))) if values else None


@_register(
    "param",
    1,
    1,
    (LITERAL,),
    Text("表单参数（如政策表）", "a form parameter (e.g. from the policy table)"),
)
def _param(env: Env, name: Value) -> Value:
    return env.param(to_string(name))


# --- numbers ---------------------------------------------------------------------------------
@_register("number", 1, 1, (ANY,), Text("转为数字", "to a number"))
def _number(env: Env, v: Value) -> Value:
    return None if is_empty(v) else to_number(v)


@_register("int", 1, 1, (ANY,), Text("取整（向零）", "integer part"))
def _int(env: Env, v: Value) -> Value:
    n = None if is_empty(v) else to_number(v)
    return None if n is None else int(n)


@_register("round", 1, 2, (ANY, ANY), Text("四舍五入", "round half away from zero"))
def _round(env: Env, v: Value, digits: Value = 0) -> Value:
    n, d = (None if is_empty(v) else to_number(v)), to_number(digits)
    if n is None or d is None:
        return None
    try:
        q = Decimal(str(n)).quantize(Decimal(1).scaleb(-int(d)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return int(q) if int(d) <= 0 else float(q)


@_register("abs", 1, 1, (ANY,), Text("绝对值", "absolute value"))
def _abs(env: Env, v: Value) -> Value:
    n = None if is_empty(v) else to_number(v)
    return None if n is None else abs(n)


# --- strings ---------------------------------------------------------------------------------
@_register("string", 1, 1, (ANY,), Text("转为文字", "to text"))
def _string(env: Env, v: Value) -> Value:
    return to_string(v)


@_register("string-length", 1, 1, (ANY,), Text("文字长度", "length of text"))
def _string_length(env: Env, v: Value) -> Value:
    return len(to_string(v))


@_register("concat", 1, None, (ANY,), Text("连接文字", "join texts"))
def _concat(env: Env, *args: Value) -> Value:
    return "".join(to_string(a) for a in args)


@_register("contains", 2, 2, (ANY, ANY), Text("是否包含", "whether text contains"))
def _contains(env: Env, s: Value, t: Value) -> Value:
    return to_string(t) in to_string(s)


@_register("starts-with", 2, 2, (ANY, ANY), Text("是否以…开头", "whether text starts with"))
def _starts_with(env: Env, s: Value, t: Value) -> Value:
    return to_string(s).startswith(to_string(t))


@_register("substr", 2, 3, (ANY, ANY, ANY), Text("截取（从0起）", "part of text, from 0"))
def _substr(env: Env, s: Value, start: Value, end: Value = None) -> Value:
    text, a = to_string(s), to_number(start)
    b = len(text) if end is None else to_number(end)
    if a is None or b is None:
        return None
    return text[max(int(a), 0) : max(int(b), 0)]


@_register(
    "regex", 2, 2, (ANY, LITERAL), Text("是否匹配正则表达式", "whether text matches a pattern")
)
def _regex(env: Env, s: Value, pattern: Value) -> Value:
    compiled = compile_pattern(to_string(pattern))
    return compiled is not None and compiled.search(to_string(s)) is not None


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


# --- dates and ID numbers --------------------------------------------------------------------
@_register("today", 0, 0, (), Text("走访当天日期", "the date of the visit"))
def _today(env: Env) -> Value:
    return env.today()


@_register("date", 1, 1, (ANY,), Text("转为日期", "to a date"))
def _date(env: Env, v: Value) -> Value:
    return to_date(v)


@_register("year", 1, 1, (ANY,), Text("年份", "year of a date"))
def _year(env: Env, v: Value) -> Value:
    d = to_date(v)
    return d.year if d else None


def _id_info(v: Value) -> IdNumberInfo | None:
    if is_empty(v):
        return None
    try:
        return parse_id_number(to_string(v)[:18])
    except IdNumberError:
        return None


@_register(
    "age",
    1,
    2,
    (ANY, ANY),
    Text("周岁（出生日期或身份证号）", "age in years, from a birth date or ID number"),
)
def _age(env: Env, v: Value, on: Value = None) -> Value:
    born: date | None = to_date(v) if isinstance(v, date) else None
    if born is None and not is_empty(v):
        info = _id_info(v)
        born = info.birth_date if info else to_date(v)
    when = env.today() if on is None else to_date(on)
    if born is None or when is None:
        return None
    return age_on(born, when)


@_register("id-valid", 1, 1, (ANY,), Text("身份证号是否有效", "whether an ID number is valid"))
def _id_valid(env: Env, v: Value) -> Value:
    return _id_info(v) is not None


@_register(
    "id-birth-date", 1, 1, (ANY,), Text("身份证号中的出生日期", "birth date from an ID number")
)
def _id_birth_date(env: Env, v: Value) -> Value:
    info = _id_info(v)
    return info.birth_date if info else None


@_register("id-sex", 1, 1, (ANY,), Text("身份证号中的性别", "sex from an ID number (male/female)"))
def _id_sex(env: Env, v: Value) -> Value:
    info = _id_info(v)
    return info.sex if info else None


# The ODK (JavaRosa) variants and the functions only XLSForms use; registered last, on this table.
from fieldsurvey.forms.expr import functions_odk, functions_xlsform  # noqa: E402,F401
