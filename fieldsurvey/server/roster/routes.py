"""County mode: importing the county's Excel roster (upload, mapping, check, all-or-nothing import)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.api import files
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import STAFF_ONLY
from fieldsurvey.server.deps import ServerDirDep, Staff
from fieldsurvey.server.roster import xlsx_check as roster_check
from fieldsurvey.server.roster.xlsx_upload import MAX_FILE, RosterUploads, preview

router = APIRouter(
    prefix="/roster", tags=["roster"], dependencies=[STAFF_ONLY], responses=refusals.STAFF
)
UploadId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


class UploadStart(BaseModel):
    size: Annotated[int, Field(gt=0, le=MAX_FILE)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    filename: Annotated[str, Field(max_length=200)] = "roster.xlsx"


class Mapping(BaseModel):
    sheet: Annotated[str | None, Field(max_length=100)] = None
    mapping: Annotated[dict[str, Annotated[int, Field(ge=0, le=1000)]], Field(max_length=40)]


@router.post(
    "/uploads",
    response_model=files.RosterUploadStarted,
    summary="Start uploading an .xlsx roster (size and SHA-256); returns its id",
)
def start(body: UploadStart, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    return {
        "upload_id": RosterUploads(sd).start(who.username, body.size, body.sha256, body.filename),
        "offset": 0,
    }


@router.put(
    "/uploads/{upload_id}/chunk",
    response_model=answers.UploadOffset,
    summary="Append a chunk (application/octet-stream, at most 1 MiB) at the offset",
)
async def chunk(
    upload_id: UploadId,
    request: Request,
    sd: ServerDirDep,
    who: Staff,
    offset: Annotated[int, Query(ge=0)],
) -> dict[str, Any]:
    return {
        "offset": RosterUploads(sd).append(upload_id, who.username, offset, await request.body())
    }


@router.get(
    "/uploads/{upload_id}",
    response_model=files.RosterPreview,
    summary="The sheets, header, suggested column mapping and a few rows",
)
def get_preview(
    upload_id: UploadId,
    sd: ServerDirDep,
    who: Staff,
    sheet: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    return preview(RosterUploads(sd).content(upload_id, who.username), sheet)


@router.post(
    "/uploads/{upload_id}/check",
    response_model=files.RosterCheck,
    summary="Dry run: every row that cannot be imported, with its reasons",
)
def check(upload_id: UploadId, body: Mapping, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    content = RosterUploads(sd).content(
        upload_id, who.username
    )  # decrypted in memory, never to disk
    with sd.transaction() as session:
        registry = roster_check.load_registry(session)
    return roster_check.check_workbook(content, body.sheet, body.mapping, registry).to_dict()


@router.post(
    "/uploads/{upload_id}/import",
    response_model=files.RosterImported,
    summary="Import all households in one transaction, or nothing if any row is rejected",
)
def do_import(upload_id: UploadId, body: Mapping, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    uploads = RosterUploads(sd)
    result = roster_check.import_workbook(
        sd, who, uploads.content(upload_id, who.username), body.sheet, body.mapping
    )
    uploads.discard(upload_id, who.username)
    return result


@router.delete("/uploads/{upload_id}", response_model=files.Discarded, summary="Discard an upload")
def discard(upload_id: UploadId, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    RosterUploads(sd).discard(upload_id, who.username)
    return {"discarded": True}
