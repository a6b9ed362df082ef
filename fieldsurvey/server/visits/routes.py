"""Routes for visits: the lists staff read, and reviewing a visit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fieldsurvey.api import lists
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import STAFF_ONLY
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.server.params import After, IdPath, IdQuery, Limit, Scope
from fieldsurvey.server.visits import queries
from fieldsurvey.server.visits.review import review_visit as mark_reviewed

router = APIRouter(tags=["visits"], responses=refusals.STAFF)


class Review(BaseModel):
    status: Literal["has_issues", "ok"]
    comment: Annotated[str, Field(max_length=2000)] = ""


@router.post(
    "/visits/{visit_id}/review",
    response_model=lists.ReviewedVisit,
    summary="Mark a visit 'has issues' (with a comment the secretary sees) or ok",
    dependencies=[STAFF_ONLY],
)
def review_visit(visit_id: IdPath, body: Review, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    with sd.transaction() as session:
        return queries.visit_summary(
            mark_reviewed(session, sd.keys.signing, who, visit_id, body.status, body.comment)
        )


@router.get(
    "/county/visits",
    response_model=lists.KeysetPage[lists.ListedVisit],
    summary="Visits with household numbers and assessments, newest first",
)
def visit_queue(
    session: SessionDep,
    who: Staff,
    after: After = None,
    limit: Limit = 100,
    scope: Scope = None,
    review_status: Literal["has_issues", "ok", "unreviewed"] | None = None,
    household_id: IdQuery = None,
) -> dict[str, Any]:
    return queries.visit_queue(
        session,
        who,
        review_status=review_status,
        scope=scope,
        household_id=household_id,
        after=after,
        limit=limit,
    )
