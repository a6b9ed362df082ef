"""Routes for county staff (and secretaries at the office, limited to their villages)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.server import queries, registry, review
from fieldsurvey.sync.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.sync.server.models import ConflictRow, Division, HouseholdRow

router = APIRouter(tags=["county"])
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)]
IdPath = Annotated[str, Path(min_length=1, max_length=64)]
Village = Annotated[str | None, Query(pattern=r"^\d{6,12}$")]


def _not_found() -> UserError:
    return UserError(Text("找不到", "not found"), code="not_found")


@router.get("/status", summary="Counts: households, members, visits, batches, open conflicts")
def status(session: SessionDep, who: Staff) -> dict[str, Any]:
    return queries.status_counts(session, who)


@router.get("/batches", summary="Batch inbox: every batch received, merged or refused, newest first")
def batches(session: SessionDep, who: Staff, offset: Offset = 0, limit: Limit = 50,
            status: Literal["merged", "has_conflicts", "refused"] | None = None,
            device_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    who.require("county_staff", "admin")
    return queries.batch_inbox(session, status=status, device_id=device_id, offset=offset, limit=limit)


@router.get("/batches/{batch_id}", summary="One batch with the outcome of each record, or why it was refused")
def batch(batch_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    who.require("county_staff", "admin")
    detail = queries.batch_detail(session, batch_id)
    if detail is None:
        raise _not_found()
    return detail


@router.get("/conflicts", summary="The conflict queue (base, device and server value per field)")
def conflicts(session: SessionDep, who: Staff, offset: Offset = 0, limit: Limit = 50,
              status: Literal["open", "resolved"] | None = "open",
              household_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    return queries.conflicts(session, who, status=status, household_id=household_id, offset=offset, limit=limit)


@router.get("/conflicts/{conflict_id}", summary="One conflict")
def conflict(conflict_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    c = session.get(ConflictRow, conflict_id)
    if c is None or not who.may_touch(c.village_code):
        raise _not_found()
    return queries.conflict_dict(c)


class Resolution(BaseModel):
    value: Any = Field(description="the value to keep: the device's, the server's, or a typed one")
    note: Annotated[str, Field(min_length=1, max_length=2000)]


@router.post("/conflicts/{conflict_id}/resolve", summary="Resolve a conflict with a value and a note (audited, sent to the device)")
def resolve(conflict_id: IdPath, body: Resolution, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    who.require("county_staff", "admin")
    with sd.transaction() as session:
        return queries.conflict_dict(review.resolve_conflict(session, sd.keys.signing, who, conflict_id, body.value, body.note))


@router.get("/households", summary="Households, paged and filtered on indexed columns")
def households(session: SessionDep, who: Staff, offset: Offset = 0, limit: Limit = 50, village: Village = None,
               status: Annotated[str | None, Query(max_length=16)] = None,
               household_type: Annotated[str | None, Query(max_length=24)] = None,
               flag: Annotated[str | None, Query(max_length=24)] = None, monitored: bool | None = None,
               visited_before: date | None = None, household_no: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
    return queries.households(session, who, village=village, status=status, household_type=household_type, flag=flag,
                              monitored=monitored, visited_before=visited_before, household_no=household_no, offset=offset, limit=limit)


@router.get("/households/{household_id}", summary="One household in full (members, helpers, measures, incomes)")
def household(household_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    row = session.get(HouseholdRow, household_id)
    if row is None or row.deleted or not who.may_touch(row.village_code):
        raise _not_found()
    return {"summary": queries.household_summary(row), "record": registry.full_household(session, row)}


@router.get("/visits", summary="Visits, newest first")
def visits(session: SessionDep, who: Staff, offset: Offset = 0, limit: Limit = 50,
           household_id: Annotated[str | None, Query(max_length=64)] = None,
           review_status: Literal["has_issues", "ok"] | None = None) -> dict[str, Any]:
    return queries.visits(session, who, household_id=household_id, review_status=review_status, offset=offset, limit=limit)


class Review(BaseModel):
    status: Literal["has_issues", "ok"]
    comment: Annotated[str, Field(max_length=2000)] = ""


@router.post("/visits/{visit_id}/review", summary="Mark a visit 'has issues' (with a comment the secretary sees) or ok")
def review_visit(visit_id: IdPath, body: Review, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    with sd.transaction() as session:
        return queries.visit_summary(review.review_visit(session, sd.keys.signing, who, visit_id, body.status, body.comment))


@router.get("/villages", summary="Divisions of the county the caller may see")
def villages(session: SessionDep, who: Staff) -> list[dict[str, Any]]:
    rows = session.query(Division).order_by(Division.code).all()
    return [{"code": r.code, "name": r.name, "parent": r.parent, "level": r.level}
            for r in rows if r.level != "village" or who.may_touch(r.code)]
