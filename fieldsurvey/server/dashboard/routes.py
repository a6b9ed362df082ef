"""Routes for the dashboards: headline counts, counts per township or village, populations, re-assessment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.api import dashboard as dash
from fieldsurvey.server import refusals
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.roles import ADMIN_ONLY, STAFF_ONLY
from fieldsurvey.server.dashboard import assessments, populations
from fieldsurvey.server.dashboard import counts as dashboard
from fieldsurvey.server.dashboard import status as status_counts
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.server.households import filters
from fieldsurvey.server.params import Day, Scope

router = APIRouter(tags=["dashboard"], responses=refusals.STAFF)


@router.get(
    "/dashboard",
    response_model=dash.Dashboard,
    summary="Counts of a county, township or village, per township or village, with their filters",
)
def get_dashboard(
    session: SessionDep, who: Staff, scope: Scope = None, today: Day = None
) -> dict[str, Any]:
    return dashboard.dashboard(session, who, scope, today)


@router.get(
    "/populations",
    response_model=list[dash.Population],
    summary="Villages with the rural population the county stated (or none) and the roster's people",
)
def get_populations(session: SessionDep, who: Staff) -> list[dict[str, Any]]:
    return populations.list_populations(session, who)


class Population(BaseModel):
    rural_population: Annotated[int | None, Field(ge=1, le=10_000_000)] = None
    source: Annotated[str, Field(max_length=500)] = ""


@router.put(
    "/populations/{village_code}",
    response_model=dash.PopulationSet,
    summary="State a village's rural population with its source (admin; audited)",
    dependencies=[ADMIN_ONLY],
)
def put_population(
    village_code: Annotated[str, Path(pattern=r"^\d{12}$")],
    body: Population,
    sd: ServerDirDep,
    who: Staff,
) -> dict[str, Any]:
    with sd.transaction() as session:
        populations.set_population(
            session, sd.keys.signing, who, village_code, body.rural_population, body.source
        )
    return {"village_code": village_code, "rural_population": body.rural_population}


@router.post(
    "/reassess",
    response_model=dash.Reassessed,
    summary="Assess every household in scope again with the county's policy tables (audited)",
    dependencies=[STAFF_ONLY],
)
def reassess(sd: ServerDirDep, who: Staff, scope: Scope = None, on: Day = None) -> dict[str, Any]:
    day = on or date.today()
    prefix = filters.scope_prefix(scope)
    count = assessments.reassess(sd, who.villages, prefix, day)
    with sd.transaction() as session:
        audit.append(
            session,
            sd.keys.signing,
            actor=who.actor,
            action="reassessed",
            subject=prefix or "county",
            details={"households": count, "on": day.isoformat()},
        )
    return {"households": count, "on": day.isoformat()}


@router.get(
    "/status",
    response_model=answers.Status,
    summary="Counts: households, members, visits, batches, open conflicts",
)
def status(session: SessionDep, who: Staff) -> dict[str, Any]:
    return status_counts.status_counts(session, who)
