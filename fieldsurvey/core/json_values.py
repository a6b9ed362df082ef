"""Equality of JSON values as sync and the store's outbox need it (``1 == 1.0`` but ``True != 1``).

Here in core so the store (confirming what a batch carried) and sync (merging) share one rule.
"""

from __future__ import annotations

from typing import Any


def same(a: Any, b: Any) -> bool:
    """JSON value equality as the merge needs it: ``1 == 1.0`` but ``True != 1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
