"""Routes for households: the lists (the staff API's and the county app's, under one filter), one household, villages.

Secretaries at the office see only their villages; county staff and admins the whole county.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from fieldsurvey.api import county as answers
from fieldsurvey.api import lists
from fieldsurvey.server import refusals
from fieldsurvey.server.db.models import Division, HouseholdRow
from fieldsurvey.server.deps import SessionDep, Staff
from fieldsurvey.server.households import filters
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.params import After, Dimension, IdPath, Limit, Scope, not_found

router = APIRouter(tags=["households"], responses=refusals.STAFF)


@router.get(
    "/households/{household_id}",
    response_model=lists.HouseholdDetail,
    summary="One household in full (members, helpers, measures, incomes)",
)
def household(household_id: IdPath, session: SessionDep, who: Staff) -> dict[str, Any]:
    row = session.get(HouseholdRow, household_id)
    if row is None or row.deleted or not who.may_touch(row.village_code):
        raise not_found()
    return {
        "summary": registry.household_summary(row),
        "record": registry.full_household(session, row),
    }


@router.get(
    "/villages",
    response_model=list[answers.DivisionRow],
    summary="Divisions of the county the caller may see",
)
def villages(session: SessionDep, who: Staff) -> list[dict[str, Any]]:
    rows = session.query(Division).order_by(Division.code).all()
    return [
        {"code": r.code, "name": r.name, "parent": r.parent, "level": r.level}
        for r in rows
        if r.level != "village" or who.may_touch(r.code)
    ]


def household_filter(
    scope: Scope = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    household_type: Annotated[str | None, Query(max_length=24)] = None,
    monitored: bool | None = None,
    poor: bool | None = None,
    fails: Dimension | None = None,
    unknown: Dimension | None = None,
    not_assessed: bool | None = None,
    not_visited_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
    flag: Annotated[str | None, Query(max_length=24)] = None,
    household_no: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_-]{1,32}$")] = None,
) -> HouseholdFilter:
    """The list filter from query parameters; the same names the dashboard's filters use.

    Checked here, before any answer starts (an export streams: an error found later would cut it).
    """
    f = HouseholdFilter(
        scope,
        status,
        household_type,
        monitored,
        poor,
        fails,
        unknown,
        not_assessed,
        not_visited_days,
        flag,
        household_no,
    )
    filters.check_filter(f)
    return f


FilterDep = Annotated[HouseholdFilter, Depends(household_filter)]


@router.get(
    "/county/households",
    response_model=lists.KeysetPage[lists.HouseholdItem],
    response_model_exclude_unset=True,
    summary="Households under a filter, keyset-paged (pass 'next' as 'after')",
)
def list_households(
    session: SessionDep,
    who: Staff,
    f: FilterDep,
    after: After = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    return filters.page(session, f, who, after=after, limit=limit)


@router.get(
    "/county/records",
    response_model=lists.KeysetPage[lists.HouseholdRecords],
    response_model_exclude_unset=True,
    summary="Whole households with their visits under a filter, keyset-paged (bulk ledgers)",
)
def list_records(
    session: SessionDep,
    who: Staff,
    f: FilterDep,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    return filters.records_page(session, f, who, after=after, limit=limit)
