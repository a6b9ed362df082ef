"""What a batch and a feed hold once opened: pydantic models, checked before anything is applied.

A batch (device → county) has a header and records:

- ``household.create``: a household made on the device, in full (members, helpers … inline);
- ``record.create``: a member, helper, measure or income added to an existing household;
- ``record.update``: field changes of one record, each with the value it was made on (``base``)
  and the record's ``base_revision``, so the server can merge field by field;
- ``record.delete``: a member, helper, measure or income removed as entered by mistake (a member
  who leaves is not deleted: a member change marks them not present and keeps the history);
- ``visit``: a finalized visit in full (immutable, append-only);
- ``member_change``: a member joining or leaving, in full (append-only).

A feed (county → device) carries current records, tombstones and notices; see ``feed.py``.
Errors name the record by position and the field by name, never a value (values may be personal).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

SCHEMA_VERSION = 1
MAX_RECORDS = 100_000
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
FieldName = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[a-z_][a-z0-9_]*$")]
Village = Annotated[str, Field(pattern=r"^\d{12}$")]
PartType = Literal["member", "helper", "measure", "income"]
RecordTypeName = Literal["household", "member", "helper", "measure", "income"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BatchHeader(_Strict):
    schema_version: Literal[1] = Field(alias="schema")
    batch_id: Id
    device_id: Id
    user: Annotated[str, Field(min_length=1, max_length=64)]
    county: Annotated[str, Field(pattern=r"^\d{6}$")]
    created_at: Annotated[str, Field(min_length=10, max_length=40)]
    base_cursor: Annotated[str, Field(max_length=64)] | None
    counts: dict[str, Annotated[int, Field(ge=0)]]
    form_versions: dict[
        Annotated[str, Field(max_length=64)], list[Annotated[str, Field(max_length=32)]]
    ]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FieldChange(_Strict):
    field: FieldName
    base: Any = None
    value: Any = None


class HouseholdCreate(_Strict):
    kind: Literal["household.create"]
    household: dict[str, Any]


class RecordCreate(_Strict):
    kind: Literal["record.create"]
    record_type: PartType
    household_id: Id
    record: dict[str, Any]


class RecordUpdate(_Strict):
    kind: Literal["record.update"]
    record_type: RecordTypeName
    record_id: Id
    household_id: Id
    base_revision: Annotated[int, Field(ge=0)]
    changes: Annotated[list[FieldChange], Field(min_length=1, max_length=200)]


class RecordDelete(_Strict):
    kind: Literal["record.delete"]
    record_type: PartType
    record_id: Id
    household_id: Id
    base_revision: Annotated[int, Field(ge=0)]


class VisitRecord(_Strict):
    kind: Literal["visit"]
    visit: dict[str, Any]


class MemberChangeRecord(_Strict):
    kind: Literal["member_change"]
    change: dict[str, Any]


BatchRecord = Annotated[
    HouseholdCreate | RecordCreate | RecordUpdate | RecordDelete | VisitRecord | MemberChangeRecord,
    Field(discriminator="kind"),
]


class BatchPayload(_Strict):
    header: BatchHeader
    records: Annotated[list[BatchRecord], Field(max_length=MAX_RECORDS)]


def describe(error: ValidationError) -> Text:
    """Where the first problems are, without echoing any value."""
    places = []
    for err in error.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"])
        places.append(f"{loc or '?'} ({err['type']})")
    where = "; ".join(places)
    return Text(f"批次内容格式不对：{where}", f"the batch content is malformed: {where}")


def parse_batch(payload: Any) -> BatchPayload:
    try:
        return BatchPayload.model_validate(payload)
    except ValidationError as e:
        raise UserError(describe(e), code="bad_batch_schema") from e


def counts_of(records: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        kind = r["kind"] if isinstance(r, dict) else r.kind
        counts[kind] = counts.get(kind, 0) + 1
    return counts
