"""Who is asking, and which villages they may touch.

People (county staff, admins, secretaries at the office) log in with a password — stored as an
Argon2id PHC string from ``cryptography`` — and get a bearer token that is kept only as its
SHA-256. Devices sign every request with their enrolled Ed25519 key (``sync.signing``).
Scope: an admin and county staff see the whole county; a secretary, and a secretary's devices,
only the villages assigned to them.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.keys import signing_public_from_b64, unb64, verify_signature
from fieldsurvey.sync.server.models import Device, SessionToken, User, UserVillage
from fieldsurvey.sync.signing import MAX_SKEW, signing_base

ROLES = ("secretary", "county_staff", "admin")
SESSION_HOURS = 12
MIN_PASSWORD = 8


class AuthError(UserError):
    """401: the caller is not who they claim (or did not say)."""

    def __init__(self, text: Text, code: str = "unauthorized") -> None:
        super().__init__(text, code=code)


class Forbidden(UserError):
    """403: known caller, not allowed."""

    def __init__(self, text: Text, code: str = "forbidden") -> None:
        super().__init__(text, code=code)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(Text(f"密码至少{MIN_PASSWORD}个字符", f"a password has at least {MIN_PASSWORD} characters"), code="weak_password")
    kdf = Argon2id(salt=os.urandom(16), length=32, iterations=3, lanes=1, memory_cost=64 * 1024)
    return kdf.derive_phc_encoded(password.encode("utf-8"))


def password_ok(password: str, phc: str | None) -> bool:
    if not phc:
        return False
    try:
        Argon2id.verify_phc_encoded(password.encode("utf-8"), phc)
    except Exception:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request: a user, possibly through one of their devices."""

    user_id: str
    username: str
    role: str
    villages: frozenset[str] | None  # None: the whole county
    device_id: str | None = None

    def may_touch(self, village_code: str) -> bool:
        return self.villages is None or village_code in self.villages

    @property
    def actor(self) -> str:
        return f"device:{self.device_id}" if self.device_id else f"user:{self.username}"

    def require(self, *roles: str) -> None:
        if self.role not in roles or (self.device_id and "device" not in roles):
            raise Forbidden(Text("没有权限进行此操作", "you are not allowed to do this"))


def villages_of(session: Session, user: User) -> frozenset[str] | None:
    if user.role in ("county_staff", "admin"):
        return None
    rows = session.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars()
    return frozenset(rows)


def principal_of(session: Session, user: User, device_id: str | None = None) -> Principal:
    return Principal(user.user_id, user.username, user.role, villages_of(session, user), device_id)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def login(session: Session, username: str, password: str) -> tuple[str, datetime]:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or user.disabled or not password_ok(password, user.password_hash):
        raise AuthError(Text("用户名或密码不对", "wrong username or password"), code="bad_login")
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=SESSION_HOURS)
    session.execute(delete(SessionToken).where(SessionToken.expires_at < now))
    session.add(SessionToken(token_hash=token_hash(token), user_id=user.user_id, created_at=now, expires_at=expires))
    return token, expires


def logout(session: Session, token: str) -> None:
    session.execute(delete(SessionToken).where(SessionToken.token_hash == token_hash(token)))


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def user_for_token(session: Session, token: str) -> Principal:
    row = session.get(SessionToken, token_hash(token))
    if row is None or _aware(row.expires_at) < datetime.now(UTC):
        raise AuthError(Text("登录已过期,请重新登录", "the session has expired; log in again"), code="session_expired")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise AuthError(Text("账号已停用", "the account is disabled"), code="account_disabled")
    return principal_of(session, user)


def device_for_request(
    session: Session, *, device_id: str, timestamp: str, signature: str, method: str, path: str, body: bytes
) -> tuple[Device, Principal]:
    """Check a signed device request; revoked and unknown devices are refused."""
    device = session.get(Device, device_id[:64])
    if device is None:
        raise AuthError(Text("未注册的设备", "this device is not enrolled"), code="unknown_device")
    if device.revoked_at is not None:
        raise Forbidden(Text("该设备已被注销,不能再同步", "this device has been revoked and may not sync"), code="device_revoked")
    try:
        ts = int(timestamp)
    except ValueError as e:
        raise AuthError(Text("请求时间戳无效", "the request timestamp is invalid"), code="bad_timestamp") from e
    if abs(time.time() - ts) > MAX_SKEW:
        raise AuthError(
            Text("设备时钟与服务器相差太多,请校准电脑时间", "the device clock is too far from the server's; set the computer's time"),
            code="clock_skew",
        )
    key = signing_public_from_b64(device.signing_key)
    if not verify_signature(key, unb64(signature, length=64), signing_base(method, path, timestamp, body)):
        raise AuthError(Text("请求签名无效", "the request signature does not verify"), code="bad_request_signature")
    user = session.get(User, device.user_id)
    if user is None or user.disabled:
        raise Forbidden(Text("该设备的账号已停用", "the account of this device is disabled"), code="account_disabled")
    device.last_seen_at = datetime.now(UTC)
    return device, principal_of(session, user, device.device_id)
