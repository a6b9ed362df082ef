"""Load-time checks of an expression against the form it belongs to.

Whatever can be wrong without answers is found here, before anyone fills the form: unknown
fields and functions, wrong argument counts, the values of a repeated field used where one value
is meant, a ``.`` outside a field's own rule, a bare name outside a ``choice_filter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import ast
from fieldsurvey.forms.expr.dateformat import format_problem
from fieldsurvey.forms.expr.functions import FIELD, FUNCTIONS, GROUP, LITERAL, MANY, compile_pattern
from fieldsurvey.forms.expr.functions_xlsform import NODE, REPEAT, indexed_repeat_kind

FIELD_KIND = "field"
GROUP_KIND = "group"
REPEAT_KIND = "repeat"


@dataclass(frozen=True, slots=True)
class RefInfo:
    kind: str  # FIELD_KIND, GROUP_KIND or REPEAT_KIND
    many: bool  # seen from here it has several values (inside a repeat we are not in)
    select: bool = False  # a select_one / select_multiple field
    in_repeat: bool = False  # inside a repeat (wherever it is seen from)


class Scope(Protocol):
    allows_current: bool
    allows_choice_attrs: bool

    def lookup(self, name: str) -> RefInfo | None: ...

    def has_param(self, name: str) -> bool: ...

    def encloses(self, repeat: str, name: str) -> bool: ...

    def table_columns(self, name: str) -> tuple[str, ...] | None: ...


@dataclass(frozen=True, slots=True)
class ExprProblem:
    text: Text
    col: int


def check_expression(node: ast.Node, scope: Scope) -> list[ExprProblem]:
    problems: list[ExprProblem] = []
    _check(node, scope, problems, arg_kind=None)
    return problems


def _check(node: ast.Node, scope: Scope, out: list[ExprProblem], arg_kind: str | None) -> None:
    if isinstance(node, ast.Ref):
        _check_ref(node, scope, out, arg_kind)
    elif isinstance(node, ast.Current):
        if not scope.allows_current:
            out.append(
                ExprProblem(
                    Text(
                        "“.”只能用于字段自身的约束等规则", "'.' only works in a field's own rules"
                    ),
                    node.col,
                )
            )
    elif isinstance(node, ast.ChoiceAttr):
        if not scope.allows_choice_attrs:
            out.append(
                ExprProblem(
                    Text(
                        f"未知名称 {node.name}（引用字段请写成 ${{{node.name}}}）",
                        f"unknown name {node.name} (write ${{{node.name}}} for a field)",
                    ),
                    node.col,
                )
            )
    elif isinstance(node, ast.Unary):
        _check(node.operand, scope, out, None)
    elif isinstance(node, ast.Binary):
        _check(node.left, scope, out, None)
        _check(node.right, scope, out, None)
    elif isinstance(node, ast.Call):
        _check_call(node, scope, out)


def _check_ref(node: ast.Ref, scope: Scope, out: list[ExprProblem], arg_kind: str | None) -> None:
    info = scope.lookup(node.name)
    ref = f"${{{node.name}}}"
    if info is None:
        out.append(ExprProblem(Text(f"未知引用 {ref}", f"unknown reference {ref}"), node.col))
        return
    if node.last_saved:
        if info.kind != FIELD_KIND or info.in_repeat:
            out.append(
                ExprProblem(
                    Text(
                        f"${{last-saved#{node.name}}} 只能用于重复组外的字段",
                        f"${{last-saved#{node.name}}} works for fields outside repeats only",
                    ),
                    node.col,
                )
            )
        return
    if arg_kind == NODE:
        if info.kind != FIELD_KIND:
            out.append(ExprProblem(Text(f"{ref} 应为字段", f"{ref} must be a field"), node.col))
        return
    if arg_kind == REPEAT:
        if info.kind != REPEAT_KIND:
            out.append(ExprProblem(Text(f"{ref} 应为重复组", f"{ref} must be a repeat"), node.col))
        return
    if arg_kind == GROUP:
        if info.kind == FIELD_KIND:
            out.append(ExprProblem(Text(f"{ref} 应为分组", f"{ref} must be a group"), node.col))
        return
    if info.kind == GROUP_KIND:
        out.append(
            ExprProblem(Text(f"{ref} 是分组，不是字段", f"{ref} is a group, not a field"), node.col)
        )
    elif info.kind == REPEAT_KIND and arg_kind != MANY:
        out.append(
            ExprProblem(
                Text(
                    f"{ref} 是重复组，只能用于 count() 等", f"{ref} is a repeat: use it in count()"
                ),
                node.col,
            )
        )
    elif info.many and arg_kind != MANY:
        out.append(
            ExprProblem(
                Text(
                    f"{ref} 在重复组内有多个值,请用 sum()、count()、max() 等",
                    f"{ref} has one value per repeat instance here: use sum(), count(), max() …",
                ),
                node.col,
            )
        )
    elif arg_kind == FIELD and not info.select:
        out.append(
            ExprProblem(Text(f"{ref} 应为选择题", f"{ref} must be a select field"), node.col)
        )


def _check_call(node: ast.Call, scope: Scope, out: list[ExprProblem]) -> None:
    spec = FUNCTIONS.get(node.name)
    if spec is None:
        out.append(
            ExprProblem(
                Text(f"未知函数 {node.written}()", f"unknown function {node.written}()"), node.col
            )
        )
        return
    n = len(node.args)
    if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
        want = (
            str(spec.min_args)
            if spec.min_args == spec.max_args
            else f"{spec.min_args}–{spec.max_args}"
            if spec.max_args is not None
            else f"≥{spec.min_args}"
        )
        out.append(
            ExprProblem(
                Text(
                    f"{node.written}() 需要 {want} 个参数，实际 {n} 个",
                    f"{node.written}() takes {want} arguments, got {n}",
                ),
                node.col,
            )
        )
    for i, arg in enumerate(node.args):
        kind = indexed_repeat_kind(i) if node.name == "indexed-repeat" else spec.kind_of(i)
        if node.name == "indexed-repeat":
            _check_indexed(node, i, arg, scope, out)
        if kind in (GROUP, FIELD, NODE, REPEAT) and not isinstance(arg, ast.Ref):
            what = {
                GROUP: Text("分组引用 ${…}", "a group reference ${…}"),
                REPEAT: Text("重复组引用 ${…}", "a repeat reference ${…}"),
            }.get(kind, Text("字段引用 ${…}", "a field reference ${…}"))
            out.append(
                ExprProblem(
                    Text(
                        f"{node.written}() 的参数{i + 1}应为{what.zh}",
                        f"argument {i + 1} of {node.written}() must be {what.en}",
                    ),
                    arg.col,
                )
            )
            continue
        if kind == LITERAL:
            if not isinstance(arg, ast.String):
                out.append(
                    ExprProblem(
                        Text(
                            f"{node.written}() 的参数{i + 1}应为带引号的文字",
                            f"argument {i + 1} of {node.written}() must be a quoted text",
                        ),
                        arg.col,
                    )
                )
                continue
            _check_literal(node, arg, scope, out)
            continue
        _check(arg, scope, out, kind)
    if node.name in ("format-date", "format-date-time") and len(node.args) == 2:
        fmt = node.args[1]
        if isinstance(fmt, ast.String) and (problem := format_problem(fmt.value)) is not None:
            out.append(ExprProblem(problem, fmt.col))


def _check_indexed(
    node: ast.Call, i: int, arg: ast.Node, scope: Scope, out: list[ExprProblem]
) -> None:
    """indexed-repeat's repeats must each enclose its field (JavaRosa refuses it otherwise)."""
    if i == 0 and len(node.args) % 2 == 0:
        out.append(
            ExprProblem(
                Text(
                    "indexed-repeat() 的参数应为 字段，重复组，序号[, 重复组，序号 …]",
                    "indexed-repeat() takes field, repeat, index[, repeat, index …]",
                ),
                node.col,
            )
        )
    target = node.args[0]
    if i % 2 == 1 and isinstance(arg, ast.Ref) and isinstance(target, ast.Ref):
        info = scope.lookup(arg.name)
        if (
            info is not None
            and info.kind == REPEAT_KIND
            and not scope.encloses(arg.name, target.name)
        ):
            out.append(
                ExprProblem(
                    Text(
                        f"${{{target.name}}} 不在重复组 ${{{arg.name}}} 内",
                        f"${{{target.name}}} is not inside the repeat ${{{arg.name}}}",
                    ),
                    arg.col,
                )
            )


def _check_literal(call: ast.Call, arg: ast.String, scope: Scope, out: list[ExprProblem]) -> None:
    if call.name == "param" and not scope.has_param(arg.value):
        out.append(
            ExprProblem(
                Text(f"未声明的参数 '{arg.value}'", f"undeclared parameter '{arg.value}'"), arg.col
            )
        )
    if call.name == "regex" and compile_pattern(arg.value) is None:
        out.append(ExprProblem(Text("正则表达式无效", "invalid regular expression"), arg.col))
    if call.name == "jr:choice-name":
        name = arg.value.strip()
        name = name[2:-1] if name.startswith("${") and name.endswith("}") else ""
        info = scope.lookup(name) if name else None
        if info is None or not info.select:
            out.append(
                ExprProblem(
                    Text(
                        "jr:choice-name() 的第2个参数应为带引号的选择题引用，如 '${crop}'",
                        "the second argument of jr:choice-name() must be a quoted select"
                        " field reference such as '${crop}'",
                    ),
                    arg.col,
                )
            )
    if call.name == "pulldata":
        first = call.args[0]
        table = first.value if isinstance(first, ast.String) else None
        columns = scope.table_columns(table) if table is not None else None
        if arg is first and columns is None:
            out.append(
                ExprProblem(
                    Text(
                        f"表单没有附带数据文件 '{arg.value}'",
                        f"the form carries no data file '{arg.value}'",
                    ),
                    arg.col,
                )
            )
        elif arg is not first and columns is not None and arg.value not in columns:
            out.append(
                ExprProblem(
                    Text(
                        f"数据文件 '{table}' 没有列 '{arg.value}'",
                        f"data file '{table}' has no column '{arg.value}'",
                    ),
                    arg.col,
                )
            )
