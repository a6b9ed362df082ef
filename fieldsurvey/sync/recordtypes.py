"""The kinds of registry records a batch can create or edit, and a type check of their fields.

Households, members, helpers, assistance measures and yearly incomes are edited field by field;
each has an id field (an income is identified by its household and year). Field values are
checked against the core dataclasses' type hints with pydantic in strict JSON mode, so a batch
carrying ``"housing_area": "big"`` is refused with the field's name, before anything is applied.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.records import NESTED
from fieldsurvey.core.visit import MemberChange, Visit

DivisionText = Annotated[str, Field(pattern=r"^\d{12}$")]


@dataclass(frozen=True, slots=True)
class RecordType:
    name: str
    cls: type
    id_field: str
    label_zh: str

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields a device may edit: everything but the id, the revision and nested lists."""
        skip = {self.id_field, "revision", *NESTED}
        return tuple(f.name for f in dataclasses.fields(self.cls) if f.name not in skip)


RECORD_TYPES: dict[str, RecordType] = {
    "household": RecordType("household", Household, "household_id", "户"),
    "member": RecordType("member", Member, "member_id", "成员"),
    "helper": RecordType("helper", Helper, "helper_id", "帮扶责任人"),
    "measure": RecordType("measure", AssistanceMeasure, "measure_id", "帮扶措施"),
    "income": RecordType("income", IncomeRecord, "year", "收入"),
}
# Append-only kinds: type-checked like the others, never edited.
APPEND_ONLY_TYPES: dict[str, RecordType] = {
    "visit": RecordType("visit", Visit, "visit_id", "走访"),
    "member_change": RecordType("member_change", MemberChange, "change_id", "人员变更"),
}
NESTED_OF = {"member": "members", "helper": "helpers", "measure": "measures", "income": "incomes"}
# Fields a device may not change: moving a household between villages changes who may see it,
# so only county staff do it.
LOCKED_FIELDS = {("household", "division_code"), ("household", "household_no")}


def _json_type(tp: Any) -> Any:
    if tp is DivisionCode:
        return DivisionText
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = tuple(_json_type(a) for a in typing.get_args(tp))
        return typing.Union[args]  # noqa: UP007 - built at run time
    return tp


@cache
def _model(name: str) -> type[BaseModel]:
    rt = RECORD_TYPES.get(name) or APPEND_ONLY_TYPES[name]
    hints = get_type_hints(rt.cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(rt.cls):
        if f.name in NESTED and rt.cls is Household:
            continue
        fields[f.name] = (_json_type(hints[f.name]), None)
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"{rt.cls.__name__}Fields", __config__=ConfigDict(strict=True, extra="forbid"), **fields
    )


@cache
def _full_model(name: str) -> type[BaseModel]:
    """A whole record: required fields and the id must be there; a household's parts inline."""
    rt = RECORD_TYPES.get(name) or APPEND_ONLY_TYPES[name]
    hints = get_type_hints(rt.cls)
    required = set(required_fields(name)) | {rt.id_field}
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(rt.cls):
        if rt.cls is Household and f.name in NESTED:
            child = {
                "members": "member",
                "helpers": "helper",
                "measures": "measure",
                "incomes": "income",
            }[f.name]
            fields[f.name] = (list[_full_model(child)] | None, None)  # type: ignore[misc]
        elif f.name in required:
            fields[f.name] = (_json_type(hints[f.name]), ...)
        else:
            fields[f.name] = (_json_type(hints[f.name]), None)
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"Full{rt.cls.__name__}", __config__=ConfigDict(strict=True, extra="forbid"), **fields
    )


def full_problems(record_type: str, record: dict[str, Any]) -> list[str]:
    """Where a whole record (a household with its parts, a visit …) does not fit its type."""
    try:
        text = json.dumps(record, allow_nan=False)
    except (TypeError, ValueError):
        return ["?"]
    try:
        _full_model(record_type).model_validate_json(text, strict=True)
    except ValidationError as e:
        return sorted({".".join(str(p) for p in err["loc"]) or "?" for err in e.errors()})
    return []


# The kinds whose whole body is type-checked in one pass over a batch's text: kind → (key, type).
WHOLE_RECORD_KINDS = {
    "household.create": ("household", "household"),
    "visit": ("visit", "visit"),
    "member_change": ("change", "member_change"),
}
# Numbers in JSON text that may not fit a double (``1e400`` parses to infinity) are refused by
# ``full_problems`` (their JSON cannot be written back) but would pass a check on the text, so a
# batch with one is checked record by record. Only a number with an exponent of three or more
# digits, or with 200 or more digits before it, can overflow. The text is searched with every
# digit made "0", "E" made "e" and "+" dropped (bytes.find is fast where a regular expression
# over 2 MB is not); each place found is then read back to the start of its token.
_FOLD = bytes.maketrans(b"123456789E", b"000000000e")
_OVERFLOW_SHAPES = (b"0e000", b"0" * 200)
_NUMBER_BYTES = frozenset(b"0.-e")
_BEFORE_NUMBER = frozenset(b":,[")
_WHITESPACE = frozenset(b" \t\r\n")


def _may_hold_huge_number(plaintext: bytes) -> bool:
    """Whether a JSON number token of the text may overflow a double (False only when none can)."""
    text = plaintext.translate(_FOLD, b"+")
    for shape in _OVERFLOW_SHAPES:
        at = text.find(shape)
        while at >= 0:
            start = at
            while start > 0 and text[start - 1] in _NUMBER_BYTES:
                start -= 1
            while start > 0 and text[start - 1] in _WHITESPACE:
                start -= 1
            if start > 0 and text[start - 1] in _BEFORE_NUMBER:
                return (
                    True  # a number token (or a string that looks like one: the slow path decides)
                )
            at = text.find(shape, at + 1)
    return False


@cache
def _batch_bodies_model() -> type[BaseModel]:
    """A batch's records with the bodies of ``WHOLE_RECORD_KINDS`` typed; everything else ignored."""
    loose = ConfigDict(extra="ignore")
    variants: list[Any] = []
    for kind, (key, record_type) in WHOLE_RECORD_KINDS.items():
        variants.append(
            create_model(  # type: ignore[call-overload]
                f"Typed{record_type.title().replace('_', '')}Record",
                __config__=loose,
                kind=(Literal[kind], ...),
                **{key: (_full_model(record_type), ...)},
            )
        )
    others = tuple(
        k
        for k in ("record.create", "record.update", "record.delete")
        if k not in WHOLE_RECORD_KINDS
    )
    variants.append(create_model("OtherRecord", __config__=loose, kind=(Literal[others], ...)))  # type: ignore[call-overload]
    union = Annotated[typing.Union[tuple(variants)], Field(discriminator="kind")]  # noqa: UP007 - built at run time
    return create_model("TypedBatchBodies", __config__=loose, records=(list[union], ...))  # type: ignore[call-overload,no-any-return,valid-type]


def whole_record_problems(plaintext: bytes) -> dict[int, list[str]] | None:
    """``full_problems`` of every record of ``WHOLE_RECORD_KINDS`` in a batch, by position, in one pass.

    The batch's JSON text is validated once against the same strict models instead of writing
    each record back to JSON and validating it alone (the largest cost of checking a batch).
    Call only after the batch passed its schema check: records are where the schema puts them.
    Returns None when the per-record path must decide (a number that may not fit a double, or a
    problem outside a record body); records without problems are absent from the answer.
    """
    if _may_hold_huge_number(plaintext):
        return None
    try:
        _batch_bodies_model().model_validate_json(plaintext, strict=True)
    except ValidationError as e:
        found: dict[int, set[str]] = {}
        for err in e.errors():
            loc = err["loc"]  # ("records", i, kind, key, *where in the record)
            if (
                len(loc) < 4
                or loc[0] != "records"
                or not isinstance(loc[1], int)
                or loc[2] not in WHOLE_RECORD_KINDS
            ):
                return None
            found.setdefault(loc[1], set()).add(".".join(str(p) for p in loc[4:]) or "?")
        return {i: sorted(names) for i, names in found.items()}
    return {}


def field_problems(record_type: str, values: dict[str, Any]) -> list[str]:
    """Names of fields whose values do not fit their type (empty when all fit)."""
    try:
        text = json.dumps(values, allow_nan=False)  # plain JSON suffices to check types
    except (TypeError, ValueError):
        return sorted(values)
    try:
        _model(record_type).model_validate_json(text, strict=True)
    except ValidationError as e:
        return sorted({".".join(str(p) for p in err["loc"]) or "?" for err in e.errors()})
    return []


def required_fields(record_type: str) -> list[str]:
    return list(_required_fields(record_type))


@cache
def _required_fields(record_type: str) -> tuple[str, ...]:
    rt = RECORD_TYPES.get(record_type) or APPEND_ONLY_TYPES[record_type]
    return tuple(
        f.name
        for f in dataclasses.fields(rt.cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
    )
