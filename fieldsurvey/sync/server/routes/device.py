"""Routes for enrolled devices (signed requests): chunked batch upload and the change feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from fieldsurvey.core.errors import UserError
from fieldsurvey.sync import envelope, photo_bundle
from fieldsurvey.sync.keys import encryption_public_from_b64
from fieldsurvey.sync.server import drain, feed, photos
from fieldsurvey.sync.server.deps import DeviceCaller, ServerDirDep, UploadsDep
from fieldsurvey.sync.server.ingest import county_code, ingest
from fieldsurvey.sync.server.models import Device

router = APIRouter(tags=["device"])
BatchId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")]


class UploadStart(BaseModel):
    size: Annotated[int, Field(gt=0, le=envelope.MAX_BODY + 65536)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


@router.post("/uploads/{batch_id}", summary="Announce a batch upload (size and SHA-256); returns the offset to continue from")
def start_upload(batch_id: BatchId, body: UploadStart, who: DeviceCaller, up: UploadsDep) -> dict[str, Any]:
    assert who.device_id
    return {"offset": up.start(who.device_id, batch_id, body.size, body.sha256)}


@router.get("/uploads/{batch_id}", summary="How many bytes of this upload the server holds")
def upload_status(batch_id: BatchId, who: DeviceCaller, up: UploadsDep) -> dict[str, Any]:
    assert who.device_id
    return up.status(who.device_id, batch_id)


@router.put("/uploads/{batch_id}/chunk", summary="Append a chunk (application/octet-stream) at the given offset")
async def upload_chunk(batch_id: BatchId, request: Request, who: DeviceCaller, up: UploadsDep,
                       offset: Annotated[int, Query(ge=0)]) -> dict[str, Any]:
    assert who.device_id
    return {"offset": up.append(who.device_id, batch_id, offset, await request.body())}


@router.post("/uploads/{batch_id}/commit", summary="Check and apply the uploaded batch (idempotent)")
def commit_upload(batch_id: BatchId, who: DeviceCaller, up: UploadsDep, sd: ServerDirDep) -> dict[str, Any]:
    assert who.device_id
    data = up.complete(who.device_id, batch_id)
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


@router.get("/feed", summary="One page of this device's change feed, sealed to the device (application/octet-stream)",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def get_feed(who: DeviceCaller, sd: ServerDirDep,
             cursor: Annotated[str | None, Query(max_length=64)] = None,
             limit: Annotated[int, Query(ge=1, le=feed.PAGE)] = feed.PAGE) -> Response:
    with sd.transaction() as session:
        if sd.engine.dialect.name == "postgresql":
            session.connection(execution_options=feed.SNAPSHOT)
        device = session.get(Device, who.device_id)
        assert device is not None
        device.last_cursor = cursor  # what the device has applied: where a USB update file starts
        payload = feed.build_feed(session, who, cursor, limit)
    drain.feed_served(sd, who)  # it goes out computed without any village taken away: those drains end
    data = seal_feed(sd, device, payload)
    return Response(data, media_type="application/octet-stream", headers={"X-FS-More": "1" if payload["header"]["more"] else "0"})


def seal_feed(sd: Any, device: Device, payload: dict[str, Any]) -> bytes:
    return envelope.seal(
        kind="feed", envelope_id=payload["header"]["feed_id"], sender=f"county:{county_code(sd)}", recipient=device.device_id,
        created_at=datetime.now(UTC).isoformat(), payload=payload, signer=sd.keys.signing,
        recipient_key=encryption_public_from_b64(device.encryption_key),
    )
