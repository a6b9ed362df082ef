"""County mode: the batch inbox, the conflict queue and visits to review, as staff read them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from fieldsurvey.sync.server import county_review
from fieldsurvey.sync.server.deps import SessionDep, Staff
from fieldsurvey.sync.server.routes.county_dashboard import Scope

router = APIRouter(prefix="/county", tags=["county mode"])
After = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/batches", summary="Batch inbox, newest first: device, secretary, villages, counts, result or reason")
def batches(session: SessionDep, who: Staff, after: After = None, limit: Limit = 100,
            status: Literal["merged", "has_conflicts", "refused"] | None = None,
            device_id: Annotated[str | None, Query(max_length=64)] = None,
            username: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    who.require("county_staff", "admin")
    return county_review.inbox(session, status=status, device_id=device_id, username=username, after=after, limit=limit)


@router.get("/conflicts", summary="Conflicts with their household numbers, newest first")
def conflicts(session: SessionDep, who: Staff, after: After = None, limit: Limit = 100, scope: Scope = None,
              status: Literal["open", "resolved"] | None = "open") -> dict[str, Any]:
    return county_review.conflicts(session, who, status=status, scope=scope, after=after, limit=limit)


@router.get("/visits", summary="Visits with household numbers and assessments, newest first")
def visits(session: SessionDep, who: Staff, after: After = None, limit: Limit = 100, scope: Scope = None,
           review_status: Literal["has_issues", "ok", "unreviewed"] | None = None,
           household_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    return county_review.visits(session, who, review_status=review_status, scope=scope, household_id=household_id,
                                after=after, limit=limit)
