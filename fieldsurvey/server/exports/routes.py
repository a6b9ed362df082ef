"""County mode: exports of households, members, visits, assessments and answers (CSV or XLSX), streamed."""

from __future__ import annotations

from datetime import date
from itertools import chain
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from fieldsurvey.server import refusals
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.deps import ServerDirDep, Staff
from fieldsurvey.server.exports.tables import Exporter, csv_chunks, write_xlsx, xlsx_chunks
from fieldsurvey.server.households.routes import FilterDep

router = APIRouter(prefix="/exports", tags=["exports"], responses=refusals.STAFF)
Kind = Literal["households", "members", "visits", "assessments", "medical_costs", "answers"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/{kind}.{fmt}",
    summary="Export what the caller may see under the list filter, as CSV (UTF-8 with BOM) or XLSX",
    response_model=None,
    responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}}}},
)
def export(
    kind: Annotated[Kind, Path()],
    fmt: Annotated[Literal["csv", "xlsx"], Path()],
    sd: ServerDirDep,
    who: Staff,
    f: FilterDep,
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> Response:
    exporter = Exporter(sd, who, kind, f, lang)
    with sd.transaction() as session:  # who exported what is part of the record (no personal data)
        audit.append(
            session,
            sd.keys.signing,
            actor=who.actor,
            action="exported",
            subject=f"{kind}.{fmt}",
            details={"filter": f.as_params()},
        )
    name = f"{kind}-{date.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        chunks = csv_chunks(exporter)
        first = next(
            chunks
        )  # the query runs here, so a database error is a status code, not a cut stream
        return StreamingResponse(chain((first,), chunks), media_type=MEDIA["csv"], headers=headers)
    key = sd.secrets.files_key
    path = write_xlsx(exporter, sd.path / "exports", key)  # sealed: it holds ID numbers
    return StreamingResponse(
        xlsx_chunks(path, key),
        media_type=MEDIA["xlsx"],
        headers=headers,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
