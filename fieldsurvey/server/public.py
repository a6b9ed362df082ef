"""Routes anyone may call: the county's public keys, and enrollment with a one-time code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from fieldsurvey.api import county as answers
from fieldsurvey.server import refusals
from fieldsurvey.server.db.models import Meta
from fieldsurvey.server.deps import Address, Now, ServerDirDep, SessionDep
from fieldsurvey.server.devices import enrollment

router = APIRouter(tags=["public"], responses=refusals.PUBLIC)


class EnrollRequest(BaseModel):
    code: Annotated[str, Field(min_length=4, max_length=40)]
    signing_key: Annotated[
        str,
        Field(
            min_length=40,
            max_length=64,
            description="device Ed25519 public key, base64 of 32 bytes",
        ),
    ]
    encryption_key: Annotated[
        str,
        Field(
            min_length=40, max_length=64, description="device X25519 public key, base64 of 32 bytes"
        ),
    ]
    label: Annotated[str, Field(max_length=64)] = "laptop"


@router.get(
    "/info",
    response_model=answers.CountyInfo,
    summary="County code, name and public keys (compare the fingerprint when enrolling)",
)
def info(session: SessionDep, sd: ServerDirDep) -> dict[str, Any]:
    meta = {m.key: m.value for m in session.execute(select(Meta)).scalars()}
    return {
        "county": meta.get("county"),
        "county_name": meta.get("county_name"),
        "signing_key": meta.get("signing_key"),
        "encryption_key": meta.get("encryption_key"),
        "fingerprint": sd.keys.fingerprint(),
        "protocol": 1,
    }


@router.post(
    "/enroll",
    response_model=answers.Enrolled,
    summary="Enroll a device with a one-time code; returns the keys to pin",
    description="Too many wrong codes from one address answer 429 with `retry_after` seconds.",
)
def enroll(body: EnrollRequest, sd: ServerDirDep, now: Now, address: Address) -> dict[str, Any]:
    return enrollment.enroll(
        sd,
        code=body.code,
        signing_key=body.signing_key,
        encryption_key=body.encryption_key,
        label=body.label,
        address=address,
        now=now,
    )
