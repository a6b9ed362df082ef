"""Resolving a conflict: the chosen value written to the record, the conflict closed, the device told.

A resolution writes the chosen value to the record (new revision, new change number), closes
the conflict with who, when and why, is audited, and sends a notice to the device that raised it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import FIELD_LABELS
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import ConflictRow, HouseholdRow, Notice
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.provenance import RESOLVED, ProvenanceLog, county_source
from fieldsurvey.sync.recordtypes import field_problems


def _not_found(what: Text) -> UserError:
    return UserError(what, code="not_found")


def resolve_conflict(
    s: Session, signer: Any, who: Principal, conflict_id: str, value: Any, note: str
) -> ConflictRow:
    c = s.get(ConflictRow, conflict_id)
    if c is None or not who.may_touch(c.village_code):
        raise _not_found(Text("没有这条冲突", "no such conflict"))
    if c.status != "open":
        raise UserError(
            Text("该冲突已处理", "this conflict is already resolved"), code="already_resolved"
        )
    seq = SeqAllocator(s)
    now = datetime.now(UTC)
    if c.kind in ("field", "deleted"):
        bad = field_problems(c.record_type, {c.field: value})
        if bad:
            raise UserError(
                Text("所选的值类型不对", "the chosen value has the wrong type"), code="bad_value"
            )
        row = registry.get_record(s, c.record_type, c.household_id, c.record_id)
        if row is not None and not registry.is_deleted(row):
            registry.set_fields(s, row, {c.field: value}, seq.next())
            log = ProvenanceLog(
                s
            )  # the value is now the county's choice, whichever side it came from
            log.note(
                c.record_type,
                c.household_id,
                c.record_id,
                [c.field],
                county_source(RESOLVED, now, user_id=who.user_id, username=who.username),
            )
            log.flush()
    c.status, c.resolved_value, c.resolved_by, c.resolved_at, c.note = (
        "resolved",
        value,
        who.username,
        now,
        note[:2000],
    )
    household = s.get(HouseholdRow, c.household_id)
    label = FIELD_LABELS.get(c.field, Text(c.field, c.field))
    no = household.household_no if household else "?"
    s.add(
        Notice(
            seq=seq.next(),
            device_id=c.device_id,
            village_code=None,
            kind="resolved",
            household_id=c.household_id,
            ref=c.conflict_id,
            text_zh=f"户{no}的“{label.zh}”冲突已由县里处理：{note[:200]}",
            text_en=f"household {no}: the conflict on '{label.en}' was resolved by the county: {note[:200]}",
            data={
                "conflict_id": c.conflict_id,
                "field": c.field,
                "record_type": c.record_type,
                "record_id": c.record_id,
            },
            created_at=now,
        )
    )
    seq.finish()
    audit.append(
        s,
        signer,
        actor=who.actor,
        action="conflict_resolved",
        subject=c.conflict_id,
        details={"record_type": c.record_type, "record_id": c.record_id, "field": c.field},
    )
    return c
