"""What a page of the change feed (county → device) carries: its header and its items.

The county's feed (``server/feed.py``) builds these as dicts; the tests validate every page it
serves against these models, and ``docs/sync-protocol.md`` shows them field by field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field

from fieldsurvey.api.records import (
    Helper,
    HouseholdFields,
    Id,
    Income,
    Measure,
    Member,
    MemberChange,
    ReviewedVisit,
)

Cursor = Annotated[
    str,
    Field(
        max_length=200, description="EPOCH:SEQ:SCOPE, or EPOCH:SEQ:SCOPE:AFTER during a snapshot"
    ),
]
VillageCode = Annotated[str, Field(pattern=r"^\d{12}$")]


class _Item(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FeedHeader(_Item):
    schema_version: Literal[1] = Field(alias="schema")
    feed_id: Id
    device_id: Id
    user: str
    created_at: datetime
    from_cursor: Annotated[str, Field(description="the cursor asked with; empty when none")]
    to_cursor: Annotated[
        Cursor, Field(description="ask with this one next; store it with the page")
    ]
    full: Annotated[bool, Field(description="a snapshot page of a full resync")]
    first: Annotated[
        bool,
        Field(
            description="the first page of a full resync (also carries `live_households`, "
            "`divisions` and recent notices); false on every other page "
            "(absent from incremental pages of servers before December 2026)"
        ),
    ] = False
    more: Annotated[bool, Field(description="ask again with `to_cursor`")]
    count: Annotated[int, Field(ge=0, description="number of items")]
    villages: Annotated[
        list[VillageCode] | None,
        Field(description="the villages the page was computed for; null: the whole county"),
    ]

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class HouseholdItem(_Item):
    type: Literal["household"]
    record: HouseholdFields
    deleted: bool


class MemberItem(_Item):
    type: Literal["member"]
    household_id: Id
    record: Member
    deleted: bool


class HelperItem(_Item):
    type: Literal["helper"]
    household_id: Id
    record_id: Id
    record: Helper
    revision: Annotated[int, Field(ge=0)]
    deleted: bool


class MeasureItem(_Item):
    type: Literal["measure"]
    household_id: Id
    record_id: Id
    record: Measure
    revision: Annotated[int, Field(ge=0)]
    deleted: bool


class IncomeItem(_Item):
    type: Literal["income"]
    household_id: Id
    record_id: Annotated[Id, Field(description="the year, as text")]
    record: Income
    revision: Annotated[int, Field(ge=0)]
    deleted: bool


class VisitItem(_Item):
    type: Literal["visit"]
    record: ReviewedVisit


class MemberChangeItem(_Item):
    type: Literal["member_change"]
    record: MemberChange


class TombstoneItem(_Item):
    """A record gone; a ``household`` tombstone: the county moved the household to another village."""

    type: Literal["tombstone"]
    record_type: Literal["household", "member", "helper", "measure", "income"]
    record_id: Id
    household_id: Id


class NoticeText(_Item):
    zh: str
    en: str


class NoticeItem(_Item):
    """A message for the device's secretary about its batches, conflicts and reviews."""

    type: Literal["notice"]
    notice_id: int
    kind: Literal["batch_accepted", "rejected", "conflict", "resolved", "has_issues"]
    household_id: Id | None
    ref: Annotated[
        str | None, Field(description="the batch, conflict or visit the notice is about")
    ]
    text: NoticeText
    data: dict[str, Any] | None
    created_at: datetime


FeedItem = Annotated[
    HouseholdItem
    | MemberItem
    | HelperItem
    | MeasureItem
    | IncomeItem
    | VisitItem
    | MemberChangeItem
    | TombstoneItem
    | NoticeItem,
    Discriminator("type"),
]
FEED_ITEM_MODELS: tuple[type[BaseModel], ...] = (
    HouseholdItem,
    MemberItem,
    HelperItem,
    MeasureItem,
    IncomeItem,
    VisitItem,
    MemberChangeItem,
    TombstoneItem,
    NoticeItem,
)


class Division(_Item):
    code: Annotated[str, Field(pattern=r"^\d{12}$")]
    name: str
    parent: str | None
    level: Literal["province", "prefecture", "county", "township", "village"]


class FeedPage(_Item):
    """One page of the feed, as sealed into a feed envelope."""

    header: FeedHeader
    items: list[FeedItem]
    live_households: Annotated[
        list[Id] | None, Field(description="first page of a full resync only")
    ] = None
    divisions: Annotated[
        list[Division] | None, Field(description="first page of a full resync only")
    ] = None
