"""Evaluating an expression tree against the answers of one place in a form.

The evaluator only walks the tree and calls the functions of ``functions.py``; everything it may
read comes through the ``Env`` protocol, which the form session implements for the place being
evaluated (which repeat instance, which field). Unanswered values follow ``values.py``; in a
form with ``semantics: odk`` (an imported XLSForm; the Env says so with ``odk``) operators and
functions follow XPath as JavaRosa computes it (``xpath.py``, ``functions_odk.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from fieldsurvey.forms.expr import ast, xpath
from fieldsurvey.forms.expr.functions import FIELD, FUNCTIONS, GROUP, MANY
from fieldsurvey.forms.expr.values import (
    Nodeset,
    Value,
    arithmetic,
    equals,
    is_empty,
    negate,
    order,
    truthy,
)

if TYPE_CHECKING:
    from fieldsurvey.forms.model import Table


class Env(Protocol):
    odk: bool  # the form runs with ODK's (JavaRosa's) value rules

    def value(self, name: str) -> Value | Nodeset: ...

    def current(self) -> Value: ...

    def choice_attr(self, name: str) -> Value: ...

    def choice_extra(self, field: str, column: str) -> Value: ...

    def position(self) -> int | None: ...

    def param(self, name: str) -> Value: ...

    def today(self) -> date: ...

    def group_values(self, group: str, only: set[str] | None) -> Iterable[Value]: ...

    def previous(self) -> Value: ...

    def now(self) -> datetime: ...

    def uuid(self, length: int | None) -> str: ...

    def choice_label(self, field: str, value: Value) -> Value: ...

    def table(self, name: str) -> Table | None: ...

    def indexed(self, name: str, at: list[tuple[str, int]]) -> Value: ...

    def last_saved(self, name: str) -> Value: ...


def evaluate(node: ast.Node, env: Env) -> Value | Nodeset:
    if isinstance(node, ast.Ref):
        if node.last_saved:
            return env.last_saved(node.name)
        return env.value(node.name)
    if isinstance(node, ast.Number | ast.String):
        return node.value
    if isinstance(node, ast.Current):
        return env.current()
    if isinstance(node, ast.Binary):
        return _binary(node, env)
    if isinstance(node, ast.Call):
        return _call(node, env)
    if isinstance(node, ast.Unary):
        if _odk(env):
            return xpath.negate(scalar(node.operand, env))
        return negate(scalar(node.operand, env))
    if isinstance(node, ast.ChoiceAttr):
        return env.choice_attr(node.name)
    raise TypeError(f"unknown expression node {type(node).__name__}")


def scalar(node: ast.Node, env: Env) -> Value:
    """Evaluate where one value is expected; a stray set of values counts as unanswered."""
    v = evaluate(node, env)
    return None if isinstance(v, Nodeset) else v


def condition(node: ast.Node, env: Env) -> bool:
    if _odk(env):
        return xpath.to_boolean(scalar(node, env))
    return truthy(scalar(node, env))


def _odk(env: Env) -> bool:
    return getattr(env, "odk", False)


def _binary(node: ast.Binary, env: Env) -> Value:
    op = node.op
    if _odk(env) and op not in ("and", "or"):
        a, b = scalar(node.left, env), scalar(node.right, env)
        if op == "=":
            return xpath.equals(a, b)
        if op == "!=":
            return not xpath.equals(a, b)
        if op in ("<", "<=", ">", ">="):
            return xpath.order(op, a, b)
        return xpath.arithmetic(op, a, b)
    if op == "and":
        return condition(node.left, env) and condition(node.right, env)
    if op == "or":
        return condition(node.left, env) or condition(node.right, env)
    a, b = scalar(node.left, env), scalar(node.right, env)
    if op == "=":
        return equals(a, b)
    if op == "!=":
        return not equals(a, b)
    if op in ("<", "<=", ">", ">="):
        return order(op, a, b)
    return arithmetic(op, a, b)


def _call(node: ast.Call, env: Env) -> Value | Nodeset:
    if node.name == "if":
        cond, then, otherwise = node.args
        return scalar(then if condition(cond, env) else otherwise, env)
    if node.name == "once":  # JavaRosa: the field's own value once it has one
        before = env.previous()
        if not xpath.is_null(before) if _odk(env) else not is_empty(before):
            return before
        return scalar(node.args[0], env)
    if node.name == "indexed-repeat":
        return _indexed_repeat(node, env)
    if node.name == "coalesce":
        empty = xpath.is_null if _odk(env) else is_empty
        for arg in node.args:
            v = scalar(arg, env)
            if not empty(v):
                return v
        return "" if _odk(env) else None
    spec = FUNCTIONS[node.name]
    args: list[Value | Nodeset] = []
    for i, arg in enumerate(node.args):
        kind = spec.kind_of(i)
        if kind in (GROUP, FIELD) and isinstance(arg, ast.Ref):
            args.append(arg.name)
        elif kind == MANY:
            args.append(evaluate(arg, env))
        else:
            args.append(scalar(arg, env))
    impl = spec.odk_impl if spec.odk_impl is not None and _odk(env) else spec.impl
    return impl(env, *args)


def _indexed_repeat(node: ast.Call, env: Env) -> Value:
    """``indexed-repeat(${field}, ${repeat}, n[, ${repeat2}, n2 …])`` (checked at load: the
    field and repeats are references, each repeat encloses the field)."""
    target = node.args[0]
    at: list[tuple[str, int]] = []
    refs = node.args[1::2]
    if not isinstance(target, ast.Ref) or not all(isinstance(r, ast.Ref) for r in refs):
        return "" if _odk(env) else None  # refused when the form is loaded
    for i in range(1, len(node.args) - 1, 2):
        rep = node.args[i]
        assert isinstance(rep, ast.Ref)
        at.append((rep.name, xpath.java_int(xpath.to_int(scalar(node.args[i + 1], env)))))
    value = env.indexed(target.name, at)
    return "" if value is None and _odk(env) else value
