"""What the county server's JSON routes answer: one model per answer, used as the route's
``response_model`` (so ``/docs`` shows it) and by county mode (``ui/county/api.py``) to read it.

Strict about fields (``extra="forbid"``): a route that starts returning a field its model lacks
fails loudly in the tests (a 500), instead of the field being dropped from the answer on the
way out. Times are ISO-8601 text as the server writes them.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from fieldsurvey.api.errors import ErrorCode

T = TypeVar("T")
Role = Literal["secretary", "county_staff", "admin"]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Answer, Generic[T]):
    """One page of a list: ``total`` matching rows, these ``items`` (``offset``/``limit`` paging)."""

    total: int
    items: list[T]


class Ok(Answer):
    ok: bool


# -- public, auth ---------------------------------------------------------------------------------
class CountyInfo(Answer):
    county: str | None
    county_name: str | None
    signing_key: str | None
    encryption_key: str | None
    fingerprint: str
    protocol: int


class EnrolledUser(Answer):
    username: str
    display_name: str | None
    role: Role


class EnrolledCounty(Answer):
    code: str
    name: str | None
    signing_key: str
    encryption_key: str
    fingerprint: str


class Enrolled(Answer):
    """What a device pins at enrollment."""

    device_id: str
    user: EnrolledUser
    villages: list[str] | None
    county: EnrolledCounty


class Token(Answer):
    token: str
    expires_at: str


class Me(Answer):
    username: str
    role: Role
    villages: list[str] | None


# -- devices: upload ------------------------------------------------------------------------------
class UploadOffset(Answer):
    offset: int


class UploadState(Answer):
    offset: int
    size: int


class Outcome(Answer):
    model_config = ConfigDict(extra="allow")  # per kind: fields, conflicts …

    i: int
    kind: str
    record_type: str | None = None
    record_id: str | None = None
    outcome: Literal["applied", "unchanged", "conflict", "created", "deleted"]


class AuditHead(Answer):
    """The county's signed receipt: the head of its audit log (docs/sync-protocol.md, "Audit log")."""

    format: Literal["fieldsurvey-audit-head"]
    version: Literal[1]
    county: str
    entry_no: int
    entry_hash: str
    signed_at: str
    batch_id: str | None
    signature: str


class IngestAnswer(Answer):
    """The answer to a committed batch (docs/sync-protocol.md, "Ingest result")."""

    batch_id: str
    status: Literal["merged", "has_conflicts"]
    already_received: bool
    counts: dict[str, int]
    conflicts: int
    summary: dict[str, int]
    outcomes: list[Outcome]
    message: str  # both languages in one line: "已合并 (merged)"
    audit_head: AuditHead | None


# -- staff ----------------------------------------------------------------------------------------
class Status(Answer):
    county: str | None
    county_name: str | None
    households: int
    members: int
    visits: int
    batches_received: int
    batches_refused: int
    open_conflicts: int
    devices: int


class Reason(Answer):
    code: ErrorCode | str
    zh: str
    en: str


class BatchDetail(Answer):
    """An accepted batch with each record's outcome, or a refused one with its reason."""

    batch_id: str
    device_id: str | None
    received_at: str
    via: str
    size: int | None
    status: Literal["merged", "has_conflicts", "refused"]
    created_at: str | None = None
    villages: list[str] | None = None
    counts: dict[str, int] | None = None
    conflicts: int | None = None
    signature_verified: bool | None = None
    outcomes: list[Outcome] | None = None
    reason: Reason | None = None


class ServerSource(Answer):
    """Where a conflict's server value came from (docs/sync-protocol.md, "Merge")."""

    source: Literal["device", "county"]
    change: str
    device_id: str | None
    user_id: str | None
    username: str | None
    batch_id: str | None
    at: str


class Conflict(Answer):
    conflict_id: str
    kind: str
    batch_id: str | None
    device_id: str | None
    record_type: str
    record_id: str
    household_id: str
    village_code: str
    field: str
    base_value: Any
    device_value: Any
    server_value: Any
    base_revision: int | None
    status: Literal["open", "resolved"]
    created_at: str
    resolved_value: Any
    resolved_by: str | None
    resolved_at: str | None
    note: str | None
    server_source: ServerSource | None


class DivisionRow(Answer):
    code: str
    name: str
    parent: str | None
    level: str


# -- administration -------------------------------------------------------------------------------
class UserRow(Answer):
    username: str
    display_name: str | None
    role: Role
    disabled: bool
    villages: list[str]
    has_password: bool
    locked_until: str | None


class SessionRow(Answer):
    session_id: str
    user: str
    role: Role
    address: str | None
    created_at: str
    expires_at: str
    last_seen_at: str | None
    current: bool


class DeviceRow(Answer):
    device_id: str
    label: str
    user: str
    enrolled_at: str
    revoked: bool
    last_seen_at: str | None


class AuditVerify(Answer):
    ok: bool
    entries: int
    head_hash: str | None
    problems: list[str]


class AuditEntry(Answer):
    entry_no: int
    at: str
    actor: str
    action: str
    subject: str | None
    details: dict[str, Any]
    entry_hash: str


class PhotoLimits(Answer):
    per_household: int
    household_bytes: int
    per_bundle: int
    bundle_bytes: int
