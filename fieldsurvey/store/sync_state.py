"""Device-side sync state, inside the encrypted store: enrollment, cursor, batches, notices.

- ``sync_enrollment`` (one row): this device's id and private keys, its user and villages, the
  county's pinned public keys, the server URL and the feed cursor. The private keys never leave
  the encrypted database.
- ``sync_batches``: every batch this device sealed, with its exact bytes, so a retry or a USB
  copy sends the same batch again (same id, same content) until the county confirms it, and
  with a snapshot of the outbox rows it carried, so confirming removes only what was sent.
- ``sync_notices``: what the county told the secretary — refusals, conflicts, resolutions,
  visits marked "has issues" — kept until read.
- ``sync_audit_heads``: the signed heads of the county's audit log that came with batch
  acceptances (``sync/audit_head.py``), checked against the pinned county key; the newest few
  hundred are kept, so an auditor can compare what devices hold with the server's log
  (``fieldsurvey sync audit-heads``).

Only the sync client (``fieldsurvey.sync``) uses these tables, through ``store.sync_state``
(``store/sync_repo.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class SyncBase(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, Any: JSON}


class Enrollment(SyncBase):
    __tablename__ = "sync_enrollment"
    slot: Mapped[int] = mapped_column(
        Integer, primary_key=True
    )  # always 1: one enrollment per store
    device_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    villages: Mapped[list[Any] | None] = mapped_column(JSON)  # None: the whole county
    county: Mapped[str] = mapped_column(String(6))
    county_name: Mapped[str] = mapped_column(String(64))
    server_url: Mapped[str] = mapped_column(String(256))
    signing_private: Mapped[str] = mapped_column(String(64))
    encryption_private: Mapped[str] = mapped_column(String(64))
    county_signing_key: Mapped[str] = mapped_column(String(64))
    county_encryption_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime)
    cursor: Mapped[str | None] = mapped_column(String(64))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)


class SentBatch(SyncBase):
    __tablename__ = "sync_batches"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | accepted | refused
    exported_to: Mapped[str | None] = mapped_column(Text)  # file path when carried by USB
    edits: Mapped[list[Any]] = mapped_column(JSON)  # [{edit_id, op, field, new_value}, …] as sent
    visit_ids: Mapped[list[Any]] = mapped_column(JSON)
    change_ids: Mapped[list[Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SyncNotice(SyncBase):
    __tablename__ = "sync_notices"
    notice_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False
    )  # the server's id
    kind: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[str | None] = mapped_column(String(36), index=True)
    ref: Mapped[str | None] = mapped_column(String(64))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    read: Mapped[bool] = mapped_column(Boolean, default=False)


class KeptAuditHead(SyncBase):
    """A signed head of the county's audit log as received; two rows with one ``entry_no`` and
    different hashes are both kept: together they prove the county's log was rewritten."""

    __tablename__ = "sync_audit_heads"
    entry_no: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    county: Mapped[str] = mapped_column(String(6))
    signed_at: Mapped[str] = mapped_column(String(40))
    batch_id: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    via: Mapped[str] = mapped_column(String(16))  # upload | feed
    received_at: Mapped[datetime] = mapped_column(DateTime)
