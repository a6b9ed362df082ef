"""Routes for enrolled devices (signed requests): the change feed, sealed to the device."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from fieldsurvey.server import drain, refusals
from fieldsurvey.server.batches.ingest import county_code
from fieldsurvey.server.db.models import Device
from fieldsurvey.server.deps import DeviceCaller, ServerDirDep
from fieldsurvey.server.feed import pages as feed
from fieldsurvey.sync import envelope
from fieldsurvey.sync.keys import encryption_public_from_b64

router = APIRouter(tags=["feed"], responses=refusals.DEVICE)


@router.get(
    "/feed",
    summary="One page of this device's change feed, sealed to the device (application/octet-stream)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_feed(
    who: DeviceCaller,
    sd: ServerDirDep,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=feed.PAGE)] = feed.PAGE,
) -> Response:
    with sd.transaction() as session:
        if sd.engine.dialect.name == "postgresql":
            session.connection(execution_options=feed.SNAPSHOT)
        device = session.get(Device, who.device_id)
        assert device is not None
        device.last_cursor = cursor  # what the device has applied: where a USB update file starts
        payload = feed.build_feed(session, who, cursor, limit)
    drain.feed_served(
        sd, who
    )  # it goes out computed without any village taken away: those drains end
    data = seal_feed(sd, device, payload)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"X-FS-More": "1" if payload["header"]["more"] else "0"},
    )


def seal_feed(sd: Any, device: Device, payload: dict[str, Any]) -> bytes:
    return envelope.seal(
        kind="feed",
        envelope_id=payload["header"]["feed_id"],
        sender=f"county:{county_code(sd)}",
        recipient=device.device_id,
        created_at=datetime.now(UTC).isoformat(),
        payload=payload,
        signer=sd.keys.signing,
        recipient_key=encryption_public_from_b64(device.encryption_key),
    )
