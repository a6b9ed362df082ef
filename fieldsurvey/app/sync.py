"""Syncing with the county from the laptop app: status, sync, enroll, USB files, notices.

Each function takes a ``SyncClient`` the caller made (the ui gives it its progress labels and
cancel event) and the store, and says what changed: a sync or an update file may change any
household.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey.app.changes import EVERYTHING, WithChanges
from fieldsurvey.core.local_time import local_minute

if TYPE_CHECKING:
    from fieldsurvey.store import Store
    from fieldsurvey.sync.client import SyncClient


@dataclass(frozen=True, slots=True)
class SyncStatus:
    enrolled: bool
    server_url: str = ""
    county_name: str = ""
    user: str = ""
    fingerprint: str = ""
    last_sync: str = ""
    pending: dict[str, int] | None = None
    notices: tuple[tuple[int, str, str], ...] = ()  # (id, zh, en)
    photos_waiting: int = 0  # (household, photo) pairs not yet confirmed by the county
    photo_bytes: int = 0  # their pictures' size, each picture once


def status(store: Store, client: SyncClient) -> SyncStatus:
    """Enrollment, what waits to be sent (records and photos) and the county's unread notices."""
    row = client.enrollment()
    pending = store.outbox.count()
    if row is None:
        return SyncStatus(False, pending=pending)
    notices = tuple((n.notice_id, n.text_zh, n.text_en) for n in client.notices())
    last = local_minute(row.last_sync_at)  # kept in UTC, shown in local time
    waiting = store.photos.unsent()
    size = sum(i.byte_size for i in store.photos.info(sha for _, sha in waiting).values())
    return SyncStatus(
        True,
        row.server_url,
        row.county_name,
        row.display_name,
        row.fingerprint,
        last,
        pending,
        notices,
        len(waiting),
        size,
    )


def sync(client: SyncClient) -> WithChanges:
    return WithChanges(client.sync(), EVERYTHING)


def enroll(
    store: Store,
    client: SyncClient,
    url: str,
    code: str,
    *,
    fingerprint: str | None,
    allow_insecure_http: bool = False,
) -> WithChanges:
    """Enroll, take the county's name when the store has none yet, then the first download
    (which brings the villages' households)."""
    row = client.enroll(
        url, code, expect_fingerprint=fingerprint or None, allow_insecure_http=allow_insecure_http
    )
    if not store.county()[0]:
        store.set_county(row.county, row.county_name)
    return WithChanges(client.sync(), EVERYTHING)


def export_batch(client: SyncClient, out: Path) -> dict[str, Any]:
    return client.export_batch(out)


def import_updates(client: SyncClient, path: Path) -> WithChanges:
    return WithChanges(client.import_updates(path), EVERYTHING)
