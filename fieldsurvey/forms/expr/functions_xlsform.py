"""The functions real XLSForms use beyond XPath 1.0, each as JavaRosa (or, for ``pulldata``,
ODK Collect) computes it: ``once``, ``now``, ``uuid``, ``format-date``, ``format-date-time``,
``decimal-date-time``, ``indexed-repeat``, ``jr:choice-name`` and ``pulldata``.

``once`` and ``indexed-repeat`` are evaluated by the evaluator itself (they must not evaluate
their arguments as plain values); their entries here give the load-time checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import xpath
from fieldsurvey.forms.expr.dateformat import EPOCH_UTC, format_date, to_moment
from fieldsurvey.forms.expr.functions import ANY, FUNCTIONS, LITERAL, FunctionSpec, _register
from fieldsurvey.forms.expr.values import Value, to_string

if TYPE_CHECKING:
    from fieldsurvey.forms.expr.evaluator import Env

NODE = "node"  # ${field}: a field, possibly inside repeats (indexed-repeat's first argument)
REPEAT = "repeat"  # ${repeat}: a repeat enclosing the NODE argument

FUNCTIONS["once"] = FunctionSpec(
    "once",
    1,
    1,
    (ANY,),
    lambda env: None,
    Text("字段已有值时保留，否则取此值", "keep the field's value once it has one"),
)
FUNCTIONS["indexed-repeat"] = FunctionSpec(
    "indexed-repeat",
    3,
    11,
    (NODE, REPEAT, ANY),
    lambda env: None,
    Text("重复组第n条中的字段值", "a field's value in the n-th repeat instance"),
)


def indexed_repeat_kind(index: int) -> str:
    """indexed-repeat(${field}, ${repeat}, n, ${repeat2}, n2 …): the kind of argument i."""
    if index == 0:
        return NODE
    return REPEAT if index % 2 == 1 else ANY


@_register("now", 0, 0, (), Text("打开走访的时刻", "the moment the visit was opened"))
def _now(env: Env) -> Value:
    return env.now()


@_register("uuid", 0, 1, (ANY,), Text("随机编号", "a random identifier"))
def _uuid(env: Env, length: Value = None) -> Value:
    if length is None:
        return env.uuid(None)
    n = xpath.java_int(xpath.to_int(length))
    return env.uuid(max(n, 0))


def _format(env: Env, value: Value, fmt: Value) -> Value:
    return format_date(xpath.unpack(value), xpath.to_string(fmt))


_register("format-date", 2, 2, (ANY, ANY), Text("按格式写出日期", "a date written in a format"))(
    _format
)
_register(
    "format-date-time", 2, 2, (ANY, ANY), Text("按格式写出日期时间", "a date-time in a format")
)(_format)


@_register(
    "decimal-date-time",
    1,
    1,
    (ANY,),
    Text("1970-01-01 起的天数（含小数）", "days since 1970-01-01, with the fraction"),
)
def _decimal_date_time(env: Env, value: Value) -> Value:
    """``toDecimalDateTime(value, true)``: milliseconds since the epoch / one day."""
    raw = xpath.unpack(value)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    if raw == "":
        return ""
    moment = to_moment(raw)
    if moment is None:
        return xpath.NAN
    ms = (moment - EPOCH_UTC).total_seconds() * 1000
    return ms / 86_400_000


@_register(
    "jr:choice-name",
    2,
    2,
    (ANY, LITERAL),
    Text("选项的标签", "the label of a choice"),
)
def _choice_name(env: Env, value: Value, field: Value) -> Value:
    """``jr:choice-name(${crop}, '${crop}')``: the label of the choice named by the value
    among the choices of the select field written (quoted) as the second argument."""
    name = to_string(field).strip()
    if name.startswith("${") and name.endswith("}"):
        name = name[2:-1]
    return env.choice_label(name, xpath.to_string(value))


@_register(
    "pulldata",
    4,
    4,
    (LITERAL, LITERAL, LITERAL, ANY),
    Text("从表单附带的数据表取值", "a value from a data file carried by the form"),
)
def _pulldata(env: Env, table: Value, column: Value, key_column: Value, key: Value) -> Value:
    """ODK Collect's ``pulldata('file', 'column', 'key column', key)``: the column of the first
    row whose key column equals the key (as text), '' when no row does."""
    found = env.table(to_string(table))
    if found is None:
        return ""
    col, key_col = found.column(to_string(column)), found.column(to_string(key_column))
    if col is None or key_col is None:
        return ""
    wanted = xpath.to_string(key)
    for row in found.rows:
        if row[key_col] == wanted:
            return row[col]
    return ""
