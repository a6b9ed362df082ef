"""What the county's staff lists answer: batches, conflicts, households, whole records and visits,
keyset-paged (``next`` is the cursor to pass as ``after``; ``total`` comes on the first page only,
counting again on later pages being wasted work). Strict as ``api/county.py``'s models are.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from fieldsurvey.api.county import Answer, Conflict, Reason, ServerSource

T = TypeVar("T")


class KeysetPage(Answer, Generic[T]):
    """One page of a keyset-paged list: these ``items``, and ``next`` when there are more."""

    total: int | None = None
    items: list[T]
    next: str | None


class InboxBatch(Answer):
    """A batch in the inbox, accepted or refused (a refused one has its ``reason``)."""

    batch_id: str | None
    device_id: str | None
    device: str | None
    user: str | None
    display_name: str | None
    villages: list[str] | None
    received_at: str
    created_at: str | None
    via: str
    size: int | None
    counts: dict[str, int]
    records: int | None
    status: Literal["merged", "has_conflicts", "refused"]
    conflicts: int
    signature_verified: bool
    reason: Reason | None


class ListedSource(ServerSource):
    """A conflict's server source as the queue names it: the device's label, the user's name."""

    device: str | None
    display_name: str | None


class ListedConflict(Conflict):
    """A conflict in the queue, with what people call its household, village, device and record."""

    server_source: ListedSource | None
    household_no: str
    village: str
    device: str | None
    user: str | None
    display_name: str | None
    record_label: str | None


class HouseholdItem(Answer):
    """A household in the list: its indexed columns, head and assessment (ID numbers masked)."""

    household_id: str
    household_no: str
    village_code: str
    village: str
    township: str
    group: str | None
    head_name: str | None
    head_id_number: str | None
    member_count: int
    status: str | None
    household_type: str | None
    poverty_category: str | None
    monitored: bool
    flags: list[str]
    failing: list[str]
    assessed: bool
    assessed_on: str | None
    last_visit_date: str | None
    revision: int


class HouseholdRecords(Answer):
    """A whole household (``api/records.py``'s ``Household``) with its visits, for bulk ledgers."""

    record: dict[str, Any]
    visits: list[dict[str, Any]]


class ListedVisit(Answer):
    visit_id: str
    household_id: str
    household_no: str
    village_code: str
    village: str
    visit_date: str
    visitor: str | None
    findings: str | None
    amends: str | None
    amendment_reason: str | None
    form_id: str
    form_version: str
    review_status: Literal["has_issues", "ok"] | None
    review_comment: str | None
    reviewed_by: str | None
    assessment: dict[str, Any] | None
    answers: dict[str, Any] | None


class ReviewedVisit(Answer):
    """A visit after its review: what the route answers to ``POST /visits/{id}/review``."""

    visit_id: str
    household_id: str
    village_code: str
    visit_date: str
    form_id: str
    form_version: str
    batch_id: str | None
    review_status: Literal["has_issues", "ok"] | None
    review_comment: str | None


class HouseholdSummary(Answer):
    household_id: str
    household_no: str
    village_code: str
    status: str | None
    household_type: str | None
    poverty_category: str | None
    monitored: bool
    flags: list[str]
    last_visit_date: str | None
    member_count: int
    revision: int


class HouseholdDetail(Answer):
    """One household: its indexed columns and the whole record (``api/records.py``'s ``Household``)."""

    summary: HouseholdSummary
    record: dict[str, Any]
