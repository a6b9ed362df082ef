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
from fieldsurvey.forms.expr.functions import FIELD, FUNCTIONS, GROUP, LITERAL, MANY, compile_pattern

FIELD_KIND = "field"
GROUP_KIND = "group"
REPEAT_KIND = "repeat"


@dataclass(frozen=True, slots=True)
class RefInfo:
    kind: str  # FIELD_KIND, GROUP_KIND or REPEAT_KIND
    many: bool  # seen from here it has several values (inside a repeat we are not in)
    select: bool = False  # a select_one / select_multiple field


class Scope(Protocol):
    allows_current: bool
    allows_choice_attrs: bool

    def lookup(self, name: str) -> RefInfo | None: ...

    def has_param(self, name: str) -> bool: ...


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
        kind = spec.kind_of(i)
        if kind in (GROUP, FIELD) and not isinstance(arg, ast.Ref):
            what = (
                Text("分组引用 ${…}", "a group reference ${…}")
                if kind == GROUP
                else Text("字段引用 ${…}", "a field reference ${…}")
            )
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


def _check_literal(call: ast.Call, arg: ast.String, scope: Scope, out: list[ExprProblem]) -> None:
    if call.name == "param" and not scope.has_param(arg.value):
        out.append(
            ExprProblem(
                Text(f"未声明的参数 '{arg.value}'", f"undeclared parameter '{arg.value}'"), arg.col
            )
        )
    if call.name == "regex" and compile_pattern(arg.value) is None:
        out.append(ExprProblem(Text("正则表达式无效", "invalid regular expression"), arg.col))
