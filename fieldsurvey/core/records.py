"""Domain objects ↔ plain JSON-ready dicts, the one serialisation every layer shares.

Batches, the server, exports and ledger fingerprints all need the same flat shape; keeping it here
(one function pair per record type, driven by the dataclass fields) means a new field travels
everywhere without a second copy of the mapping.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, get_type_hints

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.visit import MemberChange, Visit

T = TypeVar("T")

# Nested collections of a household, serialised inline.
NESTED: dict[str, type] = {
    "members": Member,
    "helpers": Helper,
    "measures": AssistanceMeasure,
    "incomes": IncomeRecord,
}


# Values that are JSON-ready as they are; by exact type, the common case, before any isinstance.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def encode_value(value: Any) -> Any:
    """A field value as JSON-ready data (dates as ISO text, division codes as digits)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else encode_value(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else encode_value(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DivisionCode):
        return value.value
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_value(v) for k, v in value.items()}
    return value


def to_dict(obj: Any, *, nested: bool = True) -> dict[str, Any]:
    """Flat dict of a record's fields; a household's members etc. inline unless ``nested=False``."""
    out: dict[str, Any] = {}
    household = isinstance(obj, Household)
    for name in field_names(type(obj)):
        if household and name in NESTED:
            if nested:
                out[name] = [to_dict(item) for item in getattr(obj, name)]
            continue
        value = getattr(obj, name)
        out[name] = value if type(value) in _PLAIN else encode_value(value)
    return out


def field_names(cls: type) -> tuple[str, ...]:
    """A record type's field names in order; kept once asked, as every serialisation asks."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:  # setdefault(cls, get_type_hints(cls)) would evaluate the hints every call
        hints = _HINTS[cls] = get_type_hints(cls)
    return hints


_HINTS: dict[type, dict[str, Any]] = {}


def _float_if_int(value: Any) -> Any:
    return float(value) if isinstance(value, int) else value


def _float_dict(value: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in value.items()}


def _decoder(tp: Any) -> Callable[[Any], Any] | None:
    """How a field's non-null JSON value becomes its Python value; None when it is kept as is."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decoder(args[0]) if len(args) == 1 else None
    if tp is datetime:
        return datetime.fromisoformat
    if tp is date:
        return date.fromisoformat
    if tp is DivisionCode:
        return DivisionCode
    if tp is float:
        return _float_if_int
    if origin is dict and typing.get_args(tp)[1:] == (float,):
        return _float_dict
    return None


# Per record class: (field, decoder or None, nested record class or None), worked out once.
# A household is rebuilt for every record of every batch the county receives; inspecting the
# type hints per value made that the largest cost of the server's checks.
_PLANS: dict[type, tuple[tuple[str, Callable[[Any], Any] | None, type | None], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Callable[[Any], Any] | None, type | None], ...]:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _hints(cls)
        plan = _PLANS[cls] = tuple(
            (
                f.name,
                _decoder(hints[f.name]),
                NESTED[f.name] if cls is Household and f.name in NESTED else None,
            )
            for f in dataclasses.fields(cls)
        )
    return plan


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record; unknown keys are ignored so an older build reads a newer record."""
    kwargs: dict[str, Any] = {}
    for name, decoder, nested in _plan(cls):
        if name not in data:
            continue
        value = data[name]
        if nested is not None:
            kwargs[name] = [from_dict(nested, item) for item in value]
        elif decoder is None or value is None:
            kwargs[name] = value
        else:
            kwargs[name] = decoder(value)
    return cls(**kwargs)


def household_to_dict(h: Household) -> dict[str, Any]:
    return to_dict(h)


def household_from_dict(d: dict[str, Any]) -> Household:
    return from_dict(Household, d)


def visit_to_dict(v: Visit) -> dict[str, Any]:
    return to_dict(v)


def visit_from_dict(d: dict[str, Any]) -> Visit:
    return from_dict(Visit, d)


def member_change_to_dict(c: MemberChange) -> dict[str, Any]:
    return to_dict(c)


def member_change_from_dict(d: dict[str, Any]) -> MemberChange:
    return from_dict(MemberChange, d)
