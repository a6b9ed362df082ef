"""Applying a page of the county's change feed to the device store, in one transaction.

Households are rebuilt from the local copy overlaid with the county's records (household fields,
members, helpers, measures, incomes; tombstones remove) — or, in a full resync's snapshot pages,
from the county's whole household alone — then the device's own unsent edits are
laid on top again, so downloading never hides work that is still waiting in the outbox. Visits
from other devices are added as received; the county's review notes update the review fields
only. Notices are kept for the secretary. A household tombstone (the county moved the household
to a village this device does not serve) erases the household here. The new cursor is written in
the same transaction, so a page is applied entirely or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fieldsurvey.core.records import (
    household_from_dict,
    member_change_from_dict,
    to_dict,
    visit_from_dict,
)
from fieldsurvey.core.text import Text
from fieldsurvey.store.outbox import CREATE, DELETE, UPDATE
from fieldsurvey.store.sync_repo import SyncWriter
from fieldsurvey.store.sync_state import SyncNotice
from fieldsurvey.sync.kept_heads import receive_from_feed
from fieldsurvey.sync.outgoing import wire_id
from fieldsurvey.sync.recordtypes import NESTED_OF
from fieldsurvey.sync.villages import Forgotten

PART_KEYS = {
    "member": "member_id",
    "helper": "helper_id",
    "measure": "measure_id",
    "income": "year",
}


@dataclass
class Applied:
    households: int = 0
    visits: int = 0
    deleted: int = 0
    notices: list[dict[str, Any]] = field(default_factory=list)
    full: bool = False
    # The villages the county computed the feed for (None: the whole county), when it said so.
    villages: list[str] | None = None
    told_villages: bool = False
    forgotten: Forgotten | None = (
        None  # what the client erased afterwards (villages no longer served)
    )
    warnings: list[Text] = field(
        default_factory=list
    )  # about the county's audit log (sync/kept_heads.py)

    def merge(self, other: Applied) -> None:
        self.households += other.households
        self.visits += other.visits
        self.deleted += other.deleted
        self.notices.extend(other.notices)
        self.full = self.full or other.full
        if other.told_villages:
            self.villages, self.told_villages = other.villages, True
        self.warnings.extend(other.warnings)


def _key(record_type: str, record: dict[str, Any]) -> str:
    return str(record.get(PART_KEYS[record_type]))


def _overlay(current: dict[str, Any] | None, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The local household dict with the county's records for it laid over."""
    h = current
    for item in items:
        kind = item["type"]
        if kind == "household":
            record = dict(item["record"])
            children = {k: (h or {}).get(k, []) for k in NESTED_OF.values()}
            h = {**(h or {}), **record, **children}
            continue
        if h is None:
            continue
        if kind == "tombstone":
            record_type, rid = item["record_type"], str(item["record_id"])
            key = NESTED_OF.get(record_type)
            if key:
                h[key] = [c for c in h[key] if _key(record_type, c) != rid]
            continue
        if kind in PART_KEYS:
            key = NESTED_OF[kind]
            record = dict(item["record"])
            if kind != "member":
                record.pop("revision", None)
            rid = _key(kind, record)
            if item.get("deleted"):
                h[key] = [c for c in h[key] if _key(kind, c) != rid]
            elif any(
                _key(kind, c) == rid for c in h[key]
            ):  # in its place: the order is the county's too
                h[key] = [record if _key(kind, c) == rid else c for c in h[key]]
            else:
                h[key] = [*h[key], record]
    return h


def _reapply_outbox(w: SyncWriter, h: dict[str, Any]) -> None:
    """Lay this device's unsent edits over the county's copy (they will be sent and merged)."""
    for row in w.pending_edits_of(h["household_id"]):
        rtype, rid = row.record_type, wire_id(row.record_type, row.record_id)
        if rtype == "household":
            if row.op == UPDATE:
                h[row.field] = row.new_value
            continue
        key = NESTED_OF.get(rtype)
        if key is None:
            continue
        children = h[key]
        match = [c for c in children if _key(rtype, c) == rid]
        if row.op == DELETE:
            h[key] = [c for c in children if _key(rtype, c) != rid]
        elif row.op == CREATE and not match and isinstance(row.new_value, dict):
            children.append(dict(row.new_value))
        elif row.op == UPDATE and match:
            match[0][row.field] = row.new_value


def apply_page(w: SyncWriter, payload: dict[str, Any]) -> Applied:
    """Apply one feed page and store its cursor, all through ``w`` (one transaction)."""
    header = payload["header"]
    applied = Applied(full=bool(header.get("full")))
    if "villages" in header and (
        header["villages"] is None or isinstance(header["villages"], list)
    ):
        applied.villages, applied.told_villages = header["villages"], True
    by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
    visits: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for item in payload["items"]:
        kind = item["type"]
        if kind == "household":
            by_household[item["record"]["household_id"]].append(item)
        elif kind in PART_KEYS or kind == "tombstone":
            by_household[item["household_id"]].append(item)
        elif kind == "visit":
            visits.append(item["record"])
        elif kind == "member_change":
            changes.append(item["record"])
        elif kind == "notice":
            _notice(w, item, applied)
    if payload.get("divisions"):
        w.upsert_divisions(payload["divisions"])
    # A household tombstone: the county moved the household to a village this device does not
    # serve (unless the same change brings it here live, for a device serving both villages).
    gone = [
        hid
        for hid, items in by_household.items()
        if any(i["type"] == "tombstone" and i.get("record_type") == "household" for i in items)
        and not any(i["type"] == "household" for i in items)
    ]
    if gone:
        here = [hid for hid in gone if w.has_household(hid)]
        w.erase_households(here)
        for hid in gone:
            del by_household[hid]
        applied.deleted += len(here)
    for hid, items in by_household.items():
        if any(i["type"] == "household" and i.get("deleted") for i in items):
            w.mark_household_deleted(hid)
            applied.deleted += 1
            continue
        # A snapshot page holds each household whole: start from it, not from the local copy,
        # so parts the county no longer has disappear here too (unsent local work is laid back).
        local = None if applied.full else w.household(hid)
        merged = _overlay(to_dict(local) if local else None, items)
        if merged is None:
            continue
        _reapply_outbox(w, merged)
        w.replace_household(household_from_dict(merged))
        applied.households += 1
    for v in visits:
        review = (v.get("review_status"), v.get("review_comment"))
        applied.visits += w.add_visit_from_server(visit_from_dict(v), review)
    for c in changes:
        w.add_member_change_from_server(member_change_from_dict(c))
    if payload.get("live_households") is not None:
        applied.deleted += _drop_missing(w, set(payload["live_households"]))
    w.set_cursor(payload["header"]["to_cursor"])
    return applied


def _notice(w: SyncWriter, item: dict[str, Any], applied: Applied) -> None:
    if w.has_notice(int(item["notice_id"])):
        return
    w.add_notice(
        SyncNotice(
            notice_id=int(item["notice_id"]),
            kind=item["kind"],
            household_id=item.get("household_id"),
            ref=item.get("ref"),
            text_zh=item["text"]["zh"],
            text_en=item["text"]["en"],
            data=item.get("data") or {},
            created_at=str(item.get("created_at", "")),
            received_at=datetime.now(UTC).replace(tzinfo=None),
            read=False,
        )
    )
    applied.notices.append(item)
    if item["kind"] == "batch_accepted" and (item.get("data") or {}).get("audit_head") is not None:
        applied.warnings.extend(
            receive_from_feed(w, item["data"]["audit_head"], batch_id=item.get("ref"))
        )
    if item["kind"] == "batch_accepted" and item.get("ref"):
        w.confirm_batch(item["ref"], item.get("data"))
    if item["kind"] == "rejected" and item.get("ref"):
        w.refuse_pending_batch(
            item["ref"],
            {
                "code": (item.get("data") or {}).get("code"),
                "zh": item["text"]["zh"],
                "en": item["text"]["en"],
            },
        )


def _drop_missing(w: SyncWriter, live: set[str]) -> int:
    """After a full resync: hide households the county no longer has, unless created here and unsent."""
    created_here = w.households_created_here()
    dropped = 0
    for hid in w.live_household_ids():
        if hid not in live and hid not in created_here:
            w.mark_household_deleted(hid)
            dropped += 1
    return dropped
