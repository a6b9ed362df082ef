"""The expression tree: what a parsed relevant, constraint or calculation is made of.

Nodes are frozen and carry the 1-based column where they start, so any later complaint (an
unknown field, a wrong argument count) can point at the place in the source text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Node:
    col: int


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: int | float


@dataclass(frozen=True, slots=True)
class String(Node):
    value: str


@dataclass(frozen=True, slots=True)
class Ref(Node):
    """``${name}``: the value of another field (or, outside its repeat, all of its values).
    ``${last-saved#name}`` (``last_saved``): its value in the household's previous visit."""

    name: str
    last_saved: bool = False


@dataclass(frozen=True, slots=True)
class Current(Node):
    """``.``: the value of the field the expression belongs to (constraints)."""


@dataclass(frozen=True, slots=True)
class ChoiceAttr(Node):
    """A bare name inside a ``choice_filter``: a column of the choice being filtered."""

    name: str


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "-"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str  # or and = != < <= > >= + - * div mod
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str  # canonical (hyphenated, lower-case) function name
    args: tuple[Node, ...]
    written: str = ""  # as the form author wrote it, for messages


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Unary):
            stack.append(n.operand)
        elif isinstance(n, Binary):
            stack.extend((n.right, n.left))
        elif isinstance(n, Call):
            stack.extend(reversed(n.args))


def references(node: Node) -> frozenset[str]:
    """Fields whose current values the expression reads (a last-saved value is not one)."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Ref) and not n.last_saved)
