"""Logging in and out (people; devices sign their requests instead)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from fieldsurvey.api import county as answers
from fieldsurvey.server import refusals
from fieldsurvey.server.auth import identity as auth
from fieldsurvey.server.deps import Address, Now, ServerDirDep, Staff, bearer

router = APIRouter(prefix="/auth", tags=["auth"], responses=refusals.PUBLIC)


class LoginRequest(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


@router.post(
    "/login",
    response_model=answers.Token,
    summary="Exchange a username and password for a bearer token",
    description="Too many failures for the account or the address answer 429 with `retry_after` seconds.",
)
def login(body: LoginRequest, sd: ServerDirDep, now: Now, address: Address) -> dict[str, Any]:
    token, expires = auth.sign_in(
        sd, body.username, body.password, address=address, now=now
    )  # committed before it is handed out
    return {"token": token, "expires_at": expires.isoformat()}


@router.post("/logout", response_model=answers.Ok, summary="End this session")
def logout(
    sd: ServerDirDep,
    who: Staff,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict[str, Any]:
    if creds is not None:
        with sd.transaction() as session:
            auth.logout(session, creds.credentials)
    return {"ok": True}


@router.get(
    "/me",
    response_model=answers.Me,
    summary="Who this token belongs to, and the villages it may see",
)
def me(who: Staff) -> dict[str, Any]:
    return {
        "username": who.username,
        "role": who.role,
        "villages": sorted(who.villages) if who.villages is not None else None,
    }
