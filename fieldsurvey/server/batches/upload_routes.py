"""Routes for enrolled devices (signed requests): chunked batch upload, and its commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.api import files
from fieldsurvey.api.errors import ErrorCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.server import refusals
from fieldsurvey.server.batches.ingest import answer_again, ingest
from fieldsurvey.server.batches.uploads import UploadError
from fieldsurvey.server.deps import DeviceCaller, ServerDirDep, UploadsDep
from fieldsurvey.server.photos import service as photos
from fieldsurvey.sync import envelope, photo_bundle

router = APIRouter(tags=["batches"], responses=refusals.DEVICE)
BatchId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")
]


class UploadStart(BaseModel):
    size: Annotated[int, Field(gt=0, le=envelope.MAX_BODY + 65536)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


@router.post(
    "/uploads/{batch_id}",
    response_model=answers.UploadOffset,
    summary="Announce a batch upload (size and SHA-256); returns the offset to continue from",
)
def start_upload(
    batch_id: BatchId, body: UploadStart, who: DeviceCaller, up: UploadsDep
) -> dict[str, Any]:
    assert who.device_id
    return {"offset": up.start(who.device_id, batch_id, body.size, body.sha256)}


@router.get(
    "/uploads/{batch_id}",
    response_model=answers.UploadState,
    summary="How many bytes of this upload the server holds",
)
def upload_status(batch_id: BatchId, who: DeviceCaller, up: UploadsDep) -> dict[str, Any]:
    assert who.device_id
    return up.status(who.device_id, batch_id)


@router.put(
    "/uploads/{batch_id}/chunk",
    response_model=answers.UploadOffset,
    summary="Append a chunk (application/octet-stream) at the given offset",
)
async def upload_chunk(
    batch_id: BatchId,
    request: Request,
    who: DeviceCaller,
    up: UploadsDep,
    offset: Annotated[int, Query(ge=0)],
) -> dict[str, Any]:
    assert who.device_id
    return {"offset": up.append(who.device_id, batch_id, offset, await request.body())}


@router.post(
    "/uploads/{batch_id}/commit",
    response_model=answers.IngestAnswer | files.PhotoIngest,
    summary="Check and apply the uploaded batch (idempotent: committed again, the same answer)",
)
def commit_upload(
    batch_id: BatchId, who: DeviceCaller, up: UploadsDep, sd: ServerDirDep
) -> dict[str, Any]:
    assert who.device_id
    try:
        data = up.complete(who.device_id, batch_id)
    except UploadError as e:
        again = answer_again(sd, who.device_id, batch_id) if e.code == ErrorCode.NO_UPLOAD else None
        if again is None:
            raise
        return (
            again.to_dict()
        )  # committed before, the answer lost: the same answer, nothing sent twice
    try:
        if _kind(data) == photo_bundle.KIND:  # photos travel the same resumable way
            return photos.ingest_photos(sd, data, via="http", expected_device=who.device_id)
        result = ingest(sd, data, via="http", expected_device=who.device_id)
    finally:
        up.discard(who.device_id, batch_id)
    return result.to_dict()


def _kind(data: bytes) -> str:
    """The envelope's kind; an envelope that does not parse goes to ingest, which refuses and logs it."""
    try:
        return envelope.parse(data).kind
    except UserError:
        return "batch"
