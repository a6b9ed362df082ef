"""Routes for administrators: users, village assignment, sign-in locks, sessions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from fieldsurvey.api import admin
from fieldsurvey.api import county as answers
from fieldsurvey.server import refusals
from fieldsurvey.server.auth.roles import ADMIN_ONLY
from fieldsurvey.server.deps import Now, ServerDirDep, SessionDep, Staff
from fieldsurvey.server.params import Name
from fieldsurvey.server.users import accounts

router = APIRouter(
    prefix="/admin", tags=["users"], dependencies=[ADMIN_ONLY], responses=refusals.STAFF
)


class NewUser(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    role: Literal["secretary", "county_staff", "admin"]
    display_name: Annotated[str | None, Field(max_length=64)] = None
    password: Annotated[str | None, Field(min_length=8, max_length=256)] = None


class NewPassword(BaseModel):
    password: Annotated[str, Field(min_length=1, max_length=256)]


class Villages(BaseModel):
    villages: Annotated[list[Annotated[str, Field(pattern=r"^\d{12}$")]], Field(max_length=500)]
    remove: bool = False


@router.get(
    "/users",
    response_model=list[answers.UserRow],
    summary="Users with their roles, villages, and until when their sign-in is locked",
)
def users(session: SessionDep, sd: ServerDirDep, who: Staff, now: Now) -> list[dict[str, Any]]:
    return accounts.list_users(session, sd, now)


@router.post("/users", response_model=admin.UserAdded, summary="Add a user")
def add_user(body: NewUser, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    user = accounts.add_user(
        sd,
        who.actor,
        username=body.username,
        role=body.role,
        display_name=body.display_name,
        password=body.password,
    )
    return {"username": user.username, "role": user.role}


@router.put(
    "/users/{username}/villages",
    response_model=admin.VillagesAssigned,
    summary="Assign villages to a user (or remove them)",
)
def assign(username: Name, body: Villages, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    return {
        "username": username,
        "villages": accounts.assign(
            sd, who.actor, username=username, villages=body.villages, remove=body.remove
        ),
    }


@router.post(
    "/users/{username}/disable",
    response_model=admin.Disabled,
    summary="Disable a user: their sessions end and their devices are refused at once",
)
def disable(username: Name, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    return {
        "username": username,
        "disabled": True,
        **accounts.set_disabled(sd, who.actor, username=username, disabled=True),
    }


@router.post(
    "/users/{username}/enable",
    response_model=admin.Disabled,
    summary="Enable a disabled user again (their devices work again)",
)
def enable(username: Name, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    accounts.set_disabled(sd, who.actor, username=username, disabled=False)
    return {"username": username, "disabled": False}


@router.put(
    "/users/{username}/password",
    response_model=admin.PasswordSet,
    summary="Set a user's password: ends their sessions and lifts their sign-in lock",
)
def reset_password(
    username: Name, body: NewPassword, sd: ServerDirDep, who: Staff
) -> dict[str, Any]:
    return {
        "username": username,
        "sessions_ended": accounts.reset_password(
            sd, who.actor, username=username, password=body.password
        ),
    }


@router.post(
    "/users/{username}/unlock",
    response_model=admin.Unlocked,
    summary="Lift a user's sign-in lock after too many failed attempts",
)
def unlock(username: Name, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    return {"username": username, "was_locked": accounts.unlock(sd, who.actor, username=username)}


@router.get(
    "/sessions",
    response_model=list[answers.SessionRow],
    summary="Open sessions: who, from where, since when",
)
def sessions(session: SessionDep, who: Staff, now: Now) -> list[dict[str, Any]]:
    return [
        {**row, "current": row["session_id"] == who.session_id}
        for row in accounts.list_sessions(session, now=now)
    ]


@router.delete(
    "/sessions/{session_id}",
    response_model=admin.SessionsEnded,
    summary="End a session: its token stops working at once",
)
def end_session(
    session_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], sd: ServerDirDep, who: Staff
) -> dict[str, Any]:
    return {"ended": accounts.end_sessions(sd, who.actor, session_ids=[session_id])}


@router.delete(
    "/users/{username}/sessions",
    response_model=admin.SessionsEnded,
    summary="End all of a user's sessions",
)
def end_user_sessions(username: Name, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    return {"ended": accounts.end_sessions(sd, who.actor, username=username)}
