"""What the administrators' writes answer: users, their villages, sign-in locks, sessions, devices
and enrollment codes. Each names what it changed, so the admin page can say so."""

from __future__ import annotations

from fieldsurvey.api.county import Answer, Role


class UserAdded(Answer):
    username: str
    role: Role


class VillagesAssigned(Answer):
    username: str
    villages: list[str]


class Disabled(Answer):
    """A user disabled: their sessions ended and enrollment codes withdrawn (enabling: no counts)."""

    username: str
    disabled: bool
    sessions_ended: int | None = None
    codes_withdrawn: int | None = None


class PasswordSet(Answer):
    username: str
    sessions_ended: int


class Unlocked(Answer):
    username: str
    was_locked: bool


class SessionsEnded(Answer):
    ended: int


class DeviceRevoked(Answer):
    device_id: str
    revoked: bool


class EnrollCode(Answer):
    """A one-time enrollment code; the fingerprint is read to the secretary to compare."""

    code: str
    expires_at: str
    fingerprint: str
