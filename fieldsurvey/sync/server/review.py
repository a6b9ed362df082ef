"""County staff's work on what devices sent: resolving conflicts and reviewing visits.

A resolution writes the chosen value to the record (new revision, new change number), closes
the conflict with who, when and why, is audited, and sends a notice to the device that raised
it. Marking a visit "has issues" changes only the county's review fields (the visit itself stays
immutable); devices of the village receive it through the feed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import FIELD_LABELS
from fieldsurvey.sync.recordtypes import field_problems
from fieldsurvey.sync.server import audit, registry
from fieldsurvey.sync.server.auth import Forbidden, Principal
from fieldsurvey.sync.server.models import ConflictRow, HouseholdRow, Notice, VisitRow
from fieldsurvey.sync.server.provenance import RESOLVED, ProvenanceLog, county_source
from fieldsurvey.sync.server.seq import SeqAllocator

REVIEW_STATUSES = ("has_issues", "ok")


def _not_found(what: Text) -> UserError:
    return UserError(what, code="not_found")


def resolve_conflict(s: Session, signer: Any, who: Principal, conflict_id: str, value: Any, note: str) -> ConflictRow:
    c = s.get(ConflictRow, conflict_id)
    if c is None or not who.may_touch(c.village_code):
        raise _not_found(Text("没有这条冲突", "no such conflict"))
    if c.status != "open":
        raise UserError(Text("该冲突已处理", "this conflict is already resolved"), code="already_resolved")
    seq = SeqAllocator(s)
    now = datetime.now(UTC)
    if c.kind in ("field", "deleted"):
        bad = field_problems(c.record_type, {c.field: value})
        if bad:
            raise UserError(Text("所选的值类型不对", "the chosen value has the wrong type"), code="bad_value")
        row = registry.get_record(s, c.record_type, c.household_id, c.record_id)
        if row is not None and not registry.is_deleted(row):
            registry.set_fields(s, row, {c.field: value}, seq.next())
            log = ProvenanceLog(s)  # the value is now the county's choice, whichever side it came from
            log.note(c.record_type, c.household_id, c.record_id, [c.field],
                     county_source(RESOLVED, now, user_id=who.user_id, username=who.username))
            log.flush()
    c.status, c.resolved_value, c.resolved_by, c.resolved_at, c.note = "resolved", value, who.username, now, note[:2000]
    household = s.get(HouseholdRow, c.household_id)
    label = FIELD_LABELS.get(c.field, Text(c.field, c.field))
    no = household.household_no if household else "?"
    s.add(Notice(
        seq=seq.next(), device_id=c.device_id, village_code=None, kind="resolved", household_id=c.household_id, ref=c.conflict_id,
        text_zh=f"户{no}的“{label.zh}”冲突已由县里处理：{note[:200]}", text_en=f"household {no}: the conflict on '{label.en}' was resolved by the county: {note[:200]}",
        data={"conflict_id": c.conflict_id, "field": c.field, "record_type": c.record_type, "record_id": c.record_id}, created_at=now,
    ))
    seq.finish()
    audit.append(s, signer, actor=who.actor, action="conflict_resolved", subject=c.conflict_id,
                 details={"record_type": c.record_type, "record_id": c.record_id, "field": c.field})
    return c


def review_visit(s: Session, signer: Any, who: Principal, visit_id: str, status: str, comment: str) -> VisitRow:
    if status not in REVIEW_STATUSES:
        raise UserError(Text("审核状态应为 has_issues 或 ok", "the review status is has_issues or ok"), code="bad_status")
    if who.role not in ("county_staff", "admin") or who.device_id:
        raise Forbidden(Text("只有县里的工作人员可以审核走访", "only county staff review visits"))
    v = s.get(VisitRow, visit_id)
    if v is None:
        raise _not_found(Text("没有这次走访", "no such visit"))
    seq = SeqAllocator(s)
    now = datetime.now(UTC)
    v.review_status, v.review_comment, v.reviewed_by, v.reviewed_at, v.seq = status, comment[:2000], who.username, now, seq.next()
    if status == "has_issues":
        household = s.get(HouseholdRow, v.household_id)
        s.add(Notice(
            seq=seq.next(), device_id=None, village_code=v.village_code, kind="has_issues", household_id=v.household_id, ref=visit_id,
            text_zh=f"户{household.household_no if household else '?'}的走访（{v.visit_date}）被县里标记为有问题：{comment[:200]}",
            text_en=f"household {household.household_no if household else '?'}: the visit of {v.visit_date} was marked as having issues: {comment[:200]}",
            data={"visit_id": visit_id}, created_at=now,
        ))
    seq.finish()
    audit.append(s, signer, actor=who.actor, action="visit_reviewed", subject=visit_id, details={"status": status})
    return v
