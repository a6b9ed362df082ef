"""The records a batch (device → county) carries, typed body and all.

``sync/schema.py`` checks a batch's frame (kinds, ids, counts) with bodies left as dicts, and the
server then checks each body against the core dataclasses; these models say the same in one
place, for the reference in ``docs/sync-protocol.md`` and for anyone who writes a client. A
``record.create`` and a ``record.update`` are told apart by ``kind`` and then ``record_type``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from fieldsurvey.api.records import (
    Helper,
    Household,
    Id,
    Income,
    Measure,
    Member,
    MemberChange,
    Visit,
)

FieldName = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[a-z_][a-z0-9_]*$")]


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class HouseholdCreate(_Record):
    """A household made on the device, in full."""

    kind: Literal["household.create"]
    household: Household


class MemberCreate(_Record):
    """A member added to a household the county has."""

    kind: Literal["record.create"]
    record_type: Literal["member"]
    household_id: Id
    record: Member


class HelperCreate(_Record):
    kind: Literal["record.create"]
    record_type: Literal["helper"]
    household_id: Id
    record: Helper


class MeasureCreate(_Record):
    kind: Literal["record.create"]
    record_type: Literal["measure"]
    household_id: Id
    record: Measure


class IncomeCreate(_Record):
    kind: Literal["record.create"]
    record_type: Literal["income"]
    household_id: Id
    record: Income


class FieldChange(_Record):
    """One field's edit: the value it was made on (``base``) and the new value, both typed as the
    record's field (``field``) is."""

    field: FieldName
    base: Any = None
    value: Any = None


class RecordUpdate(_Record):
    """Field edits of one record, made on the county's ``base_revision`` of it."""

    kind: Literal["record.update"]
    record_type: Literal["household", "member", "helper", "measure", "income"]
    record_id: Annotated[Id, Field(description="the record's id; an income's is its year, as text")]
    household_id: Id
    base_revision: Annotated[int, Field(ge=0)]
    changes: Annotated[list[FieldChange], Field(min_length=1, max_length=200)]


class RecordDelete(_Record):
    """A part removed as entered by mistake (a member who leaves is a member change instead)."""

    kind: Literal["record.delete"]
    record_type: Literal["member", "helper", "measure", "income"]
    record_id: Id
    household_id: Id
    base_revision: Annotated[int, Field(ge=0)]


class VisitRecord(_Record):
    kind: Literal["visit"]
    visit: Visit


class MemberChangeRecord(_Record):
    kind: Literal["member_change"]
    change: MemberChange


def _tag(value: Any) -> str | None:
    """``kind``, and for a ``record.create`` its ``record_type``: the variant a record is."""
    if isinstance(value, dict):
        kind, record_type = value.get("kind"), value.get("record_type")
    else:
        kind, record_type = getattr(value, "kind", None), getattr(value, "record_type", None)
    if kind == "record.create":
        return f"record.create:{record_type}"
    return kind if isinstance(kind, str) else None


BatchRecord = Annotated[
    Annotated[HouseholdCreate, Tag("household.create")]
    | Annotated[MemberCreate, Tag("record.create:member")]
    | Annotated[HelperCreate, Tag("record.create:helper")]
    | Annotated[MeasureCreate, Tag("record.create:measure")]
    | Annotated[IncomeCreate, Tag("record.create:income")]
    | Annotated[RecordUpdate, Tag("record.update")]
    | Annotated[RecordDelete, Tag("record.delete")]
    | Annotated[VisitRecord, Tag("visit")]
    | Annotated[MemberChangeRecord, Tag("member_change")],
    Discriminator(_tag),
]

BATCH_RECORD_MODELS: tuple[type[BaseModel], ...] = (
    HouseholdCreate,
    MemberCreate,
    HelperCreate,
    MeasureCreate,
    IncomeCreate,
    RecordUpdate,
    RecordDelete,
    VisitRecord,
    MemberChangeRecord,
)


class BatchRecords(_Record):
    """The ``records`` of a batch payload, in the order they are applied."""

    records: list[BatchRecord]
