"""County staff reviewing a visit: "has issues" (with a comment the secretary sees) or ok.

Marking a visit changes only the county's review fields (the visit itself stays immutable);
devices of the village receive it through the feed, and a "has issues" mark sends a notice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import HouseholdRow, Notice, VisitRow
from fieldsurvey.server.db.seq import SeqAllocator

REVIEW_STATUSES = ("has_issues", "ok")


def _not_found(what: Text) -> UserError:
    return UserError(what, code="not_found")


def review_visit(
    s: Session, signer: Any, who: Principal, visit_id: str, status: str, comment: str
) -> VisitRow:
    """Mark a visit; the route lets only county staff and admins here."""
    if status not in REVIEW_STATUSES:
        raise UserError(
            Text("审核状态应为 has_issues 或 ok", "the review status is has_issues or ok"),
            code="bad_status",
        )
    v = s.get(VisitRow, visit_id)
    if v is None:
        raise _not_found(Text("没有这次走访", "no such visit"))
    seq = SeqAllocator(s)
    now = datetime.now(UTC)
    v.review_status, v.review_comment, v.reviewed_by, v.reviewed_at, v.seq = (
        status,
        comment[:2000],
        who.username,
        now,
        seq.next(),
    )
    if status == "has_issues":
        household = s.get(HouseholdRow, v.household_id)
        s.add(
            Notice(
                seq=seq.next(),
                device_id=None,
                village_code=v.village_code,
                kind="has_issues",
                household_id=v.household_id,
                ref=visit_id,
                text_zh=f"户{household.household_no if household else '?'}的走访（{v.visit_date}）"
                f"被县里标记为有问题：{comment[:200]}",
                text_en=f"household {household.household_no if household else '?'}: the visit of "
                f"{v.visit_date} was marked as having issues: {comment[:200]}",
                data={"visit_id": visit_id},
                created_at=now,
            )
        )
    seq.finish()
    audit.append(
        s,
        signer,
        actor=who.actor,
        action="visit_reviewed",
        subject=visit_id,
        details={"status": status},
    )
    return v
