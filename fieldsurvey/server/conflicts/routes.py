"""Routes for the conflict queue: the list, one conflict, resolving it (county staff and admins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.api import lists
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import STAFF_ONLY
from fieldsurvey.server.conflicts import queries
from fieldsurvey.server.conflicts.resolve import resolve_conflict
from fieldsurvey.server.db.models import (
    ConflictRow,
)
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.server.params import After, IdPath, IdQuery, Limit, Scope, not_found

router = APIRouter(tags=["conflicts"], responses=refusals.STAFF)


@router.get("/conflicts/{conflict_id}", response_model=answers.Conflict, summary="One conflict")
def conflict(conflict_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    c = session.get(ConflictRow, conflict_id)
    if c is None or not who.may_touch(c.village_code):
        raise not_found()
    return queries.conflict_dict(c)


class Resolution(BaseModel):
    value: Any = Field(description="the value to keep: the device's, the server's, or a typed one")
    note: Annotated[str, Field(min_length=1, max_length=2000)]


@router.post(
    "/conflicts/{conflict_id}/resolve",
    response_model=answers.Conflict,
    summary="Resolve a conflict with a value and a note (audited, sent to the device)",
    dependencies=[STAFF_ONLY],
)
def resolve(conflict_id: IdPath, body: Resolution, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    with sd.transaction() as session:
        return queries.conflict_dict(
            resolve_conflict(session, sd.keys.signing, who, conflict_id, body.value, body.note)
        )


@router.get(
    "/county/conflicts",
    response_model=lists.KeysetPage[lists.ListedConflict],
    summary="Conflicts with their household numbers, newest first",
)
def conflict_queue(
    session: SessionDep,
    who: Staff,
    after: After = None,
    limit: Limit = 100,
    scope: Scope = None,
    status: Literal["open", "resolved"] | None = "open",
    household_id: IdQuery = None,
) -> dict[str, Any]:
    return queries.conflict_queue(
        session,
        who,
        status=status,
        scope=scope,
        after=after,
        limit=limit,
        household_id=household_id,
    )
