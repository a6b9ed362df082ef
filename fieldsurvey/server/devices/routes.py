"""Routes for administrators: enrolled devices, revoking one, enrollment codes for a user's new device."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fieldsurvey.api import admin
from fieldsurvey.api import county as answers
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import ADMIN_ONLY
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.params import Name

router = APIRouter(
    prefix="/admin", tags=["devices"], dependencies=[ADMIN_ONLY], responses=refusals.STAFF
)


class CodeRequest(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    ttl_minutes: Annotated[int, Field(ge=1, le=1440)] = enrollment.CODE_TTL_MINUTES


@router.get("/devices", response_model=list[answers.DeviceRow], summary="Enrolled devices")
def devices(session: SessionDep, who: Staff) -> list[dict[str, Any]]:
    return enrollment.list_devices(session)


@router.post(
    "/devices/{device_id}/revoke",
    response_model=admin.DeviceRevoked,
    summary="Revoke a device: it can no longer upload or download",
)
def revoke(device_id: Name, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    enrollment.revoke_device(sd, who.actor, device_id)
    return {"device_id": device_id, "revoked": True}


@router.post(
    "/enroll-codes",
    response_model=admin.EnrollCode,
    summary="Issue a one-time, short-lived enrollment code for a user's new device",
)
def enroll_code(body: CodeRequest, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    code, expires = enrollment.new_enroll_code(
        sd, who.actor, username=body.username, ttl_minutes=body.ttl_minutes
    )
    return {"code": code, "expires_at": expires.isoformat(), "fingerprint": sd.keys.fingerprint()}
