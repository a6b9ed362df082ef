"""Routes for the batch inbox: every batch received, merged or refused (county staff and admins)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from fieldsurvey.api import county as answers
from fieldsurvey.api import lists
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import STAFF_ONLY
from fieldsurvey.server.batches import inbox
from fieldsurvey.server.deps import SessionDep, Staff
from fieldsurvey.server.params import After, IdPath, IdQuery, Limit, not_found

router = APIRouter(tags=["batches"], dependencies=[STAFF_ONLY], responses=refusals.STAFF)


@router.get(
    "/batches/{batch_id}",
    response_model=answers.BatchDetail,
    summary="One batch with the outcome of each record, or why it was refused",
)
def batch(batch_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    detail = inbox.batch_detail(session, batch_id)
    if detail is None:
        raise not_found()
    return detail


@router.get(
    "/county/batches",
    response_model=lists.KeysetPage[lists.InboxBatch],
    summary="Batch inbox, newest first: device, secretary, villages, counts, result or reason",
)
def batch_queue(
    session: SessionDep,
    who: Staff,
    after: After = None,
    limit: Limit = 100,
    status: Literal["merged", "has_conflicts", "refused"] | None = None,
    device_id: IdQuery = None,
    username: IdQuery = None,
) -> dict[str, Any]:
    return inbox.inbox(
        session, status=status, device_id=device_id, username=username, after=after, limit=limit
    )
