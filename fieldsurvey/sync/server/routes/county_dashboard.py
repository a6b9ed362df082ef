"""County mode: dashboards, the household list behind every number, populations, re-assessment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.sync.server import (
    assessments,
    audit,
    audit_log,
    county_lists,
    dashboard,
    populations,
)
from fieldsurvey.sync.server.county_lists import HouseholdFilter
from fieldsurvey.sync.server.deps import ServerDirDep, SessionDep, Staff

router = APIRouter(tags=["county mode"])
Scope = Annotated[str | None, Query(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="county, township or village code")]
Dimension = Literal["food", "clothing", "education", "medical", "housing", "water", "income"]
assert set(DIMENSIONS) == set(Dimension.__args__)  # type: ignore[attr-defined]


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
    f = HouseholdFilter(scope, status, household_type, monitored, poor, fails, unknown, not_assessed,
                        not_visited_days, flag, household_no)
    county_lists.check_filter(f)
    return f


FilterDep = Annotated[HouseholdFilter, Depends(household_filter)]
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


@router.get("/dashboard", summary="Counts of a county, township or village, per township or village, with their filters")
def get_dashboard(session: SessionDep, who: Staff, scope: Scope = None, today: Day = None) -> dict[str, Any]:
    return dashboard.dashboard(session, who, scope, today)


@router.get("/county/households", summary="Households under a filter, keyset-paged (pass 'next' as 'after')")
def list_households(session: SessionDep, who: Staff, f: FilterDep,
                    after: Annotated[str | None, Query(max_length=400)] = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    return county_lists.page(session, f, who, after=after, limit=limit)


@router.get("/county/records", summary="Whole households with their visits under a filter, keyset-paged (bulk ledgers)")
def list_records(session: SessionDep, who: Staff, f: FilterDep, after: Annotated[str | None, Query(max_length=400)] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    return county_lists.records_page(session, f, who, after=after, limit=limit)


@router.get("/populations", summary="Villages with the rural population the county stated (or none) and the roster's people")
def get_populations(session: SessionDep, who: Staff) -> list[dict[str, Any]]:
    return populations.list_populations(session, who)


class Population(BaseModel):
    rural_population: Annotated[int | None, Field(ge=1, le=10_000_000)] = None
    source: Annotated[str, Field(max_length=500)] = ""


@router.put("/populations/{village_code}", summary="State a village's rural population with its source (admin; audited)")
def put_population(village_code: Annotated[str, Path(pattern=r"^\d{12}$")], body: Population, sd: ServerDirDep,
                   who: Staff) -> dict[str, Any]:
    who.require("admin")
    with sd.transaction() as session:
        populations.set_population(session, sd.keys.signing, who, village_code, body.rural_population, body.source)
    return {"village_code": village_code, "rural_population": body.rural_population}


@router.post("/reassess", summary="Assess every household in scope again with the county's policy tables (audited)")
def reassess(sd: ServerDirDep, who: Staff, scope: Scope = None, on: Day = None) -> dict[str, Any]:
    who.require("county_staff", "admin")
    day = on or date.today()
    prefix = county_lists.scope_prefix(scope)
    count = assessments.reassess(sd, who.villages, prefix, day)
    with sd.transaction() as session:
        audit.append(session, sd.keys.signing, actor=who.actor, action="reassessed", subject=prefix or "county",
                     details={"households": count, "on": day.isoformat()})
    return {"households": count, "on": day.isoformat()}


@router.get("/audit", summary="The audit log, newest first (county staff and admins)")
def get_audit(session: SessionDep, who: Staff, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
              limit: Annotated[int, Query(ge=1, le=500)] = 100,
              action: Annotated[str | None, Query(max_length=32)] = None,
              subject: Annotated[str | None, Query(max_length=128)] = None) -> dict[str, Any]:
    who.require("county_staff", "admin")
    return audit_log.entries(session, action=action, subject=subject, offset=offset, limit=limit)
