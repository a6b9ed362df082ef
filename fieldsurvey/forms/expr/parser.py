"""Parsing the XLSForm-flavoured expression language with a lark LALR grammar.

Expressions are parsed once, when a form is loaded, into the tree of ``ast.py``; sessions only
walk trees. The grammar has no attribute access, no indexing and no way to name anything but
form fields, choice columns and the functions in ``functions.py``: there is nothing to escape to.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.tree import Meta

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import ast

MAX_LENGTH = 4000
MAX_DEPTH = 200  # deeper trees are refused at load, so evaluating one cannot exhaust the stack

GRAMMAR = r"""
?start: expr

?expr: or_expr
?or_expr: and_expr
        | or_expr OR and_expr                  -> binary
?and_expr: equality
         | and_expr AND equality               -> binary
?equality: relational
         | relational EQ_OP relational         -> binary
?relational: additive
           | additive REL_OP additive          -> binary
?additive: multiplicative
         | additive ADD_OP multiplicative      -> binary
?multiplicative: unary
               | multiplicative MUL_OP unary   -> binary
?unary: atom
      | MINUS unary                            -> neg
?atom: NUMBER                                  -> number
     | STRING                                  -> string
     | REF                                     -> ref
     | DOT                                     -> current
     | NAME "(" [expr ("," expr)*] ")"         -> call
     | NAME                                    -> bare
     | "(" expr ")"

OR: "or"
AND: "and"
EQ_OP: "=" | "!="
REL_OP: "<=" | ">=" | "<" | ">"
ADD_OP: "+" | MINUS
MINUS: "-"
MUL_OP: "*" | "/" | "div" | "mod"
DOT: "."
NUMBER: /\d+(\.\d+)?|\.\d+/
STRING: /'[^']*'|"[^"]*"/
REF: /\$\{(last-saved#)?[A-Za-z_][A-Za-z0-9_.\-]*\}/
NAME: /[A-Za-z_][A-Za-z0-9_]*([-:][A-Za-z_][A-Za-z0-9_]*)*/

%import common.WS
%ignore WS
"""


class ExpressionError(Exception):
    """A syntax error, with the 1-based column it was found at."""

    def __init__(self, text: Text, col: int) -> None:
        super().__init__(text.en)
        self.text = text
        self.col = col


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def canonical_function_name(name: str) -> str:
    """``count_selected`` and ``count-selected`` name the same function."""
    return name.replace("_", "-").lower()


@v_args(meta=True)
class _ToAst(Transformer[Token, ast.Node]):
    def number(self, meta: Meta, children: list[Any]) -> ast.Node:
        tok: Token = children[0]
        text = str(tok)
        value: int | float = float(text) if "." in text else int(text)
        return ast.Number(meta.column, value)

    def string(self, meta: Meta, children: list[Any]) -> ast.Node:
        return ast.String(meta.column, str(children[0])[1:-1])

    def ref(self, meta: Meta, children: list[Any]) -> ast.Node:
        name = str(children[0])[2:-1]
        if name.startswith("last-saved#"):
            return ast.Ref(meta.column, name[len("last-saved#") :], True)
        return ast.Ref(meta.column, name)

    def current(self, meta: Meta, children: list[Any]) -> ast.Node:
        return ast.Current(meta.column)

    def bare(self, meta: Meta, children: list[Any]) -> ast.Node:
        return ast.ChoiceAttr(meta.column, str(children[0]))

    def call(self, meta: Meta, children: list[Any]) -> ast.Node:
        written = str(children[0])
        return ast.Call(meta.column, canonical_function_name(written), tuple(children[1:]), written)

    def neg(self, meta: Meta, children: list[Any]) -> ast.Node:
        return ast.Unary(meta.column, "-", children[1])

    def binary(self, meta: Meta, children: list[Any]) -> ast.Node:
        left, op, right = children
        symbol = {"/": "div"}.get(str(op), str(op))
        return ast.Binary(meta.column, symbol, left, right)


def _describe(token: Token | None) -> str:
    if token is None or token.type == "$END":
        return "end of expression"
    return repr(str(token))


def parse_expression(source: str) -> ast.Node:
    """Parse one expression; raise ``ExpressionError`` with a column on any syntax problem."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            Text(
                f"表达式过长（超过{MAX_LENGTH}个字符）",
                f"expression is longer than {MAX_LENGTH} characters",
            ),
            1,
        )
    if not source.strip():
        raise ExpressionError(Text("表达式为空", "expression is empty"), 1)
    try:
        tree = _parser().parse(source)
        node: ast.Node = _ToAst().transform(tree)
    except UnexpectedCharacters as e:
        pos = e.pos_in_stream
        char = source[pos] if pos is not None and pos < len(source) else ""
        raise ExpressionError(
            Text(f"无法识别的字符 {char!r}", f"unexpected character {char!r}"), e.column
        ) from None
    except UnexpectedEOF:
        raise ExpressionError(
            Text("表达式不完整", "expression ends too early"), len(source) + 1
        ) from None
    except UnexpectedToken as e:
        if e.token.type == "$END":
            raise ExpressionError(
                Text("表达式不完整", "expression ends too early"), len(source) + 1
            ) from None
        what = _describe(e.token)
        col = e.column if isinstance(e.column, int) and e.column > 0 else len(source) + 1
        raise ExpressionError(Text(f"此处不应出现 {what}", f"unexpected {what}"), col) from None
    except UnexpectedInput as e:  # pragma: no cover - lark's remaining kinds
        raise ExpressionError(
            Text("语法错误", "syntax error"), getattr(e, "column", 1) or 1
        ) from None
    except (RecursionError, VisitError):
        raise ExpressionError(
            Text("表达式嵌套过深", "expression is nested too deeply"), 1
        ) from None
    if _depth(node) > MAX_DEPTH:
        raise ExpressionError(
            Text(
                f"表达式嵌套超过{MAX_DEPTH}层", f"expression is nested more than {MAX_DEPTH} deep"
            ),
            1,
        )
    return node


def _depth(node: ast.Node) -> int:
    deepest = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, ast.Unary):
            stack.append((n.operand, d + 1))
        elif isinstance(n, ast.Binary):
            stack += [(n.left, d + 1), (n.right, d + 1)]
        elif isinstance(n, ast.Call):
            stack += [(a, d + 1) for a in n.args]
    return deepest
