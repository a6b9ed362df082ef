"""Canonical JSON: one byte string per value, so hashes and signatures mean the same everywhere.

Rules (docs/sync-protocol.md repeats them for other implementations):

- UTF-8, no byte-order mark, no insignificant whitespace (``,`` and ``:`` separators only).
- Object keys are strings, sorted by Unicode code point; duplicate keys are refused on parsing.
- Strings are written as is except what JSON requires escaping (``"``, ``\\``, control characters
  as ``\\u00XX`` or the short forms ``\\n`` ``\\t`` …); non-ASCII characters are not escaped.
- ``true``, ``false``, ``null`` as usual.
- Integers are written in decimal without leading zeros and must lie within ±(2**53 − 1), the
  range every JSON reader keeps exactly.
- Non-integral numbers are IEEE-754 doubles written in Python's shortest round-trip form
  (``repr``): ``0.1``, ``1e-07``, ``1.5e+16``; integral doubles keep a ``.0`` (``2.0``). NaN and
  infinities are refused; ``-0.0`` is written as ``0.0``. Amounts of money are yuan as doubles,
  which is exact enough for the survey's sums (two decimals) and is what the forms record.
- Dates and times travel as ISO-8601 strings (``2025-03-01``, ``2025-03-01T10:00:00+08:00``).

Parsing is strict: a document that is not canonical still parses (so a field tool can read a
hand-edited file), but ``is_canonical`` tells, and duplicate keys or NaN are always refused.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fieldsurvey.core.json_values import same as same  # one rule for sync and the store

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(ValueError):
    """The value cannot be written canonically, or the text is not acceptable JSON."""


def _normalise(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalError("integer out of the exactly representable range")
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise CanonicalError("NaN and infinities have no canonical form")
        return 0.0 if value == 0 else value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise CanonicalError("object keys must be strings")
            out[k] = _normalise(v)
        return out
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    raise CanonicalError(f"type {type(value).__name__} has no canonical JSON form")


def dumps(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON-ready value."""
    return json.dumps(
        _normalise(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # built in C; a duplicate key leaves fewer entries than pairs
    if len(out) != len(pairs):
        raise CanonicalError("duplicate key in a JSON object")
    return out


def _refuse_constant(name: str) -> Any:
    raise CanonicalError(f"{name} is not allowed")


def loads(data: bytes | str) -> Any:
    """Parse JSON strictly: duplicate keys, NaN and infinities are refused."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except CanonicalError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CanonicalError("not valid JSON text") from e


def is_canonical(data: bytes) -> bool:
    try:
        return dumps(loads(data)) == data
    except CanonicalError:
        return False
