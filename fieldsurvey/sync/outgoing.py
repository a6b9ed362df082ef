"""What a device sends: the outbox turned into batch records, sealed once, confirmed carefully.

A batch is built from the outbox and stored with its exact bytes before it is sent, so every
retry and every USB copy is the same batch. Confirming a batch (``SyncWriter.confirm_batch`` in
the store) removes from the outbox only what it carried: an outbox row edited again after
sealing stays, with the sent value as its new base (a created record edited again becomes field
edits against what was sent), so a later edit is never lost by confirming an earlier one.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from fieldsurvey.core.records import member_change_to_dict, visit_to_dict
from fieldsurvey.store.outbox import CREATE, DELETE
from fieldsurvey.store.sync_repo import PENDING
from fieldsurvey.store.sync_state import SentBatch
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch

LOCAL_ONLY_VISIT_FIELDS = ("cursor", "review_status", "review_comment")


def wire_id(record_type: str, record_id: str) -> str:
    """An income's id on the wire is its year (the store keys it as ``household:year``)."""
    return record_id.rsplit(":", 1)[-1] if record_type == "income" else record_id


def outbox_records(
    store: Any,
    skip: tuple[set[int], set[str], set[str]] = (set(), set(), set()),
    *,
    existing_only: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[str]]:
    """Batch records for what is pending, and what they carry (edit snapshots, visit and change ids).

    ``skip`` holds outbox items already travelling in an unconfirmed batch: they wait for its
    confirmation (which rebases them) instead of going out twice with an outdated base.
    ``existing_only`` leaves out households made here and not yet sent, with everything about
    them: what remains are updates to households the county has.
    """
    edits = [e for e in store.outbox.pending_edits() if e.edit_id not in skip[0]]
    new_households = (
        {e.household_id for e in edits if e.op == CREATE and e.record_type == "household"}
        if existing_only
        else set()
    )
    edits = [e for e in edits if e.household_id not in new_households]
    records: list[dict[str, Any]] = []
    snapshots: list[dict[str, Any]] = []
    updates: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
    for e in edits:
        snapshots.append(
            {"edit_id": e.edit_id, "op": e.op, "field": e.field, "new_value": e.new_value}
        )
        rid = wire_id(e.record_type, e.record_id)
        if e.op == CREATE and e.record_type == "household":
            records.append({"kind": "household.create", "household": e.new_value})
        elif e.op == CREATE:
            records.append(
                {
                    "kind": "record.create",
                    "record_type": e.record_type,
                    "household_id": e.household_id,
                    "record": e.new_value,
                }
            )
        elif e.op == DELETE:
            records.append(
                {
                    "kind": "record.delete",
                    "record_type": e.record_type,
                    "record_id": rid,
                    "household_id": e.household_id,
                    "base_revision": e.base_revision,
                }
            )
        else:
            key = (e.record_type, e.record_id)
            if key not in updates:
                updates[key] = {
                    "kind": "record.update",
                    "record_type": e.record_type,
                    "record_id": rid,
                    "household_id": e.household_id,
                    "base_revision": e.base_revision,
                    "changes": [],
                }
                records.append(updates[key])
            updates[key]["changes"].append(
                {"field": e.field, "base": e.base_value, "value": e.new_value}
            )
    visits = [
        v
        for v in store.outbox.pending_visits()
        if v.visit_id not in skip[1] and v.household_id not in new_households
    ]
    for v in visits:
        d = visit_to_dict(v)
        for name in LOCAL_ONLY_VISIT_FIELDS:
            d.pop(name, None)
        records.append({"kind": "visit", "visit": d})
    changes = [
        c
        for c in store.outbox.pending_member_changes()
        if c.change_id not in skip[2] and c.household_id not in new_households
    ]
    records.extend({"kind": "member_change", "change": member_change_to_dict(c)} for c in changes)
    return records, snapshots, [v.visit_id for v in visits], [c.change_id for c in changes]


def carried_elsewhere(store: Any) -> tuple[set[int], set[str], set[str]]:
    """Outbox items already inside a sealed, unconfirmed batch."""
    edit_ids: set[int] = set()
    visit_ids: set[str] = set()
    change_ids: set[str] = set()
    for b in store.sync_state.pending_batches():
        edit_ids.update(int(e["edit_id"]) for e in b.edits)
        visit_ids.update(b.visit_ids)
        change_ids.update(b.change_ids)
    return edit_ids, visit_ids, change_ids


def seal_pending(
    store: Any, identity: Identity, cursor: str | None, *, existing_only: bool = False
) -> SentBatch | None:
    """Seal what is pending and not yet in an unconfirmed batch; None when there is nothing.

    ``existing_only``: only updates to households the county has (see ``outbox_records``)."""
    skip = carried_elsewhere(store)
    records, snapshots, visit_ids, change_ids = outbox_records(
        store, skip, existing_only=existing_only
    )
    if not records:
        return None
    return _store_batch(store, identity, cursor, records, snapshots, visit_ids, change_ids)


def _store_batch(
    store: Any,
    identity: Identity,
    cursor: str | None,
    records: list[dict[str, Any]],
    snapshots: list[dict[str, Any]],
    visit_ids: list[str],
    change_ids: list[str],
) -> SentBatch:
    payload = batch_payload(identity, records, base_cursor=cursor, batch_id=str(uuid.uuid4()))
    data = seal_batch(identity, payload)
    now = datetime.now(UTC).replace(tzinfo=None)
    row = SentBatch(
        batch_id=payload["header"]["batch_id"],
        created_at=now,
        data=data,
        status=PENDING,
        exported_to=None,
        edits=snapshots,
        visit_ids=visit_ids,
        change_ids=change_ids,
        counts=payload["header"]["counts"],
        result=None,
        updated_at=now,
    )
    store.sync_state.add_batch(row)
    return row
