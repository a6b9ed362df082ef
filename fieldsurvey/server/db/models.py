"""Tables of the county server (SQLite by default, PostgreSQL for larger counties).

Everything a county screen filters or sorts on over 100,000 households is a typed, indexed
column (village, status, household type, poverty category, monitored, flag bits, last visit
date); the full record travels as the JSON ``data`` column in the shape of ``core.records``,
sealed (AES-256-GCM, see ``sealed.py``) because it holds names, ID numbers, phones and health.
Every row a device may download carries ``seq``, the global change number its last change got,
and ``village_code``, so the change feed is one indexed range scan per table. The Alembic
migrations in ``db/migrations`` are the schema's source of truth; a test compares the two.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, attributes, mapped_column

from fieldsurvey.server.db.sealed_columns import BlindIndex, SealedJson

JsonType = JSON().with_variant(JSONB(), "postgresql")
# Personal records are sealed (see sealed.py): the id field in each names the record it belongs to.
PART_IDS = ("helper_id", "measure_id", "year")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType, Any: JsonType}


class Meta(Base):
    """County code and name, public keys, the database epoch (a cursor from another is unknown)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonType)


class Counter(Base):
    """``seq`` (change numbers) and ``audit`` (last audit entry); updating one locks it."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class User(Base):
    __tablename__ = "users"
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # secretary | county_staff | admin
    password_hash: Mapped[str | None] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserVillage(Base):
    __tablename__ = "user_villages"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True, index=True)


class VillageRemoval(Base):
    """A village the county took from a user, and when: its drain window (``server/drain.py``).

    Until each of the user's devices has downloaded a feed page computed without the village (or
    ``drain.DRAIN_DAYS`` have passed), that device may still deliver updates to the village's
    existing records, so work done before the removal is not lost. Re-assigning the village
    deletes the row (and its drains).
    """

    __tablename__ = "village_removals"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    removed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VillageDrain(Base):
    """A device that has downloaded a feed page without a removed village: its drain is over."""

    __tablename__ = "village_drains"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.device_id"), primary_key=True)
    drained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionToken(Base):
    """A signed-in person's bearer token, kept as its SHA-256; its first 16 hex digits name it to admins."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(String(64))  # where it signed in from
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # to the minute


class Device(Base):
    __tablename__ = "devices"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    signing_key: Mapped[str] = mapped_column(String(64))
    encryption_key: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_cursor: Mapped[str | None] = mapped_column(String(64))


class EnrollCode(Base):
    __tablename__ = "enroll_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    device_id: Mapped[str | None] = mapped_column(String(36))


class SignInThrottle(Base):
    """Failed sign-ins and enrollment attempts per account and per address (see ``throttle.py``).

    ``key`` is ``user:<keyed hash of the user name>``, ``addr:<address>`` or ``enroll:<address>``;
    a user name is never stored as typed here, since people type passwords into that field too.
    """

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refused: Mapped[int] = mapped_column(
        Integer, default=0
    )  # attempts refused while blocked, not yet audited


class Division(Base):
    __tablename__ = "divisions"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))


# Every column the county's counts and dashboards read, so they scan this narrow index and never
# the rows with their JSON records (index-only: on 100,000 households about half the time).
LIVE_COLUMNS = (
    "village_code",
    "deleted",
    "status",
    "household_type",
    "monitored",
    "member_count",
    "fail_bits",
    "unknown_bits",
    "assessed_on",
    "last_visit_date",
    "flag_bits",
)


class HouseholdRow(Base):
    __tablename__ = "households"
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_no: Mapped[str] = mapped_column(String(32), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    household_type: Mapped[str | None] = mapped_column(String(24), index=True)
    poverty_category: Mapped[str | None] = mapped_column(String(16), index=True)
    registered_poor: Mapped[bool] = mapped_column(Boolean, default=True)
    monitored: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flag_bits: Mapped[int] = mapped_column(Integer, default=0, index=True)
    last_visit_date: Mapped[date | None] = mapped_column(Date, index=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("households.data", ("household_id",)))
    # The latest assessment per dimension (bit i = DIMENSIONS[i]; see flags.py): not met, unknown.
    fail_bits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unknown_bits: Mapped[int] = mapped_column(Integer, default=127, server_default="127")
    assessed_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_households_village_seq", "village_code", "seq"),
        Index("ix_households_village_no", "village_code", "household_no", "household_id"),
        Index("ix_households_live", *LIVE_COLUMNS),
    )


class MemberRow(Base):
    __tablename__ = "members"
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # entered by mistake and removed
    position: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # order within the household
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("members.data", ("member_id",)))
    # HMAC of the ID number (``sealed.BlindIndex``): exact lookup and duplicate checks without decrypting.
    # Set from ``data`` on every ORM write (below) and by ``registry.insert_households``.
    id_index: Mapped[str | None] = mapped_column(BlindIndex(), index=True)


class PartRow(Base):
    """Helpers, assistance measures and yearly incomes (an income's id is its year)."""

    __tablename__ = "household_parts"
    household_id: Mapped[str] = mapped_column(
        ForeignKey("households.household_id"), primary_key=True
    )
    part_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # order within its kind
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("household_parts.data", PART_IDS))


class VisitRow(Base):
    __tablename__ = "visits"
    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[str | None] = mapped_column(String(64), index=True)
    device_id: Mapped[str | None] = mapped_column(String(36))
    content_sha256: Mapped[str] = mapped_column(String(64))
    review_status: Mapped[str | None] = mapped_column(String(16), index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("visits.data", ("visit_id",)))


class MemberChangeRow(Base):
    __tablename__ = "member_changes"
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.household_id"), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("member_changes.data", ("change_id",)))


class Tombstone(Base):
    __tablename__ = "tombstones"
    tombstone_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BatchRow(Base):
    """An accepted batch: one row per batch id, inserted on conflict do nothing."""

    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(8))  # http | file
    size: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    villages: Mapped[list[Any]] = mapped_column(JsonType)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(16), index=True)  # merged | has_conflicts
    conflict_count: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JsonType)


class Rejection(Base):
    """A refused batch; nothing of it was applied. Kept apart so a corrected resend may reuse the id."""

    __tablename__ = "rejections"
    rejection_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str | None] = mapped_column(String(128), index=True)
    device_id: Mapped[str | None] = mapped_column(String(128), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    via: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    reason_code: Mapped[str] = mapped_column(String(48))
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)


class ConflictRow(Base):
    __tablename__ = "conflicts"
    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # field | deleted | duplicate_no
    batch_id: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(36))
    record_type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    field: Mapped[str] = mapped_column(String(48))
    base_value: Mapped[Any] = mapped_column(SealedJson("conflicts.base_value"), nullable=True)
    device_value: Mapped[Any] = mapped_column(SealedJson("conflicts.device_value"), nullable=True)
    server_value: Mapped[Any] = mapped_column(SealedJson("conflicts.server_value"), nullable=True)
    base_revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    resolved_value: Mapped[Any] = mapped_column(
        SealedJson("conflicts.resolved_value"), nullable=True
    )
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    # Where the server's value came from when the conflict was filed (``provenance.py``); all
    # null for conflicts filed before migration 0008 or values written before it: "unknown".
    server_change: Mapped[str | None] = mapped_column(
        String(16)
    )  # created | edited | deleted | resolved | imported
    server_device_id: Mapped[str | None] = mapped_column(
        String(36)
    )  # a laptop's sync; null for a county change
    server_user_id: Mapped[str | None] = mapped_column(String(36))
    server_username: Mapped[str | None] = mapped_column(
        String(64)
    )  # the county user (or the command line's actor)
    server_batch_id: Mapped[str | None] = mapped_column(String(64))
    server_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecordProvenance(Base):
    """Who last wrote a field of a record (``provenance.py``); ``field`` ``*`` is the whole record
    as created or removed. Ids, field names, user and device names and times only: never values."""

    __tablename__ = "record_provenance"
    record_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(48), primary_key=True)
    change: Mapped[str] = mapped_column(
        String(16)
    )  # created | edited | deleted | resolved | imported
    device_id: Mapped[str | None] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str | None] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notice(Base):
    """Something a secretary should see on the next sync: a rejection, conflict, resolution, review."""

    __tablename__ = "notices"
    notice_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    device_id: Mapped[str | None] = mapped_column(String(36), index=True)
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[str | None] = mapped_column(String(36))
    ref: Mapped[str | None] = mapped_column(String(64))  # batch, conflict or visit id
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    entry_no: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(128), index=True)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))


class VillagePopulation(Base):
    """A village's rural population as the county states it (the divisor of poverty incidence)."""

    __tablename__ = "village_populations"
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    rural_population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _index_id_number(_mapper: Any, _connection: Any, member: MemberRow) -> None:
    """Keep ``id_index`` in step with the sealed record on every ORM insert and update of a member."""
    if member.id_index is None or attributes.get_history(member, "data").has_changes():
        member.id_index = (member.data or {}).get("id_number")


event.listen(MemberRow, "before_insert", _index_id_number)
event.listen(MemberRow, "before_update", _index_id_number)


class PhotoRow(Base):
    """A picture the county holds, once per SHA-256 of its JPEG (``server/photos.py``).

    ``jpeg`` is AES-256-GCM ciphertext (nonce ‖ ct) under the column key with the hash as
    associated data; ``meta`` (size, capture time, GPS position) is a sealed JSON column: a
    position tells where a family lives.
    """

    __tablename__ = "photos"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    byte_size: Mapped[int] = mapped_column(Integer)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any]] = mapped_column(SealedJson("photos.meta", ("sha256",)))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HouseholdPhotoRow(Base):
    """Which household a photo belongs to: who may see it follows the household's village."""

    __tablename__ = "household_photos"
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    byte_size: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[str | None] = mapped_column(String(36))
    bundle_id: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
