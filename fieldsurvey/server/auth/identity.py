"""Who is asking, and which villages they may touch.

People (county staff, admins, secretaries at the office) sign in with a password — stored as an
Argon2id PHC string from ``cryptography`` — and get a bearer token that is kept only as its
SHA-256. Devices sign every request with their enrolled Ed25519 key (``sync.signing``).
Scope: an admin and county staff see the whole county; a secretary, and a secretary's devices,
only the villages assigned to them.

Signing in is built so that guessing is slow and shows nothing: failed attempts are counted per
account and per address (``throttle.py``) and answered 429 once there are too many; an unknown
user name, an account without a password and a disabled account all cost one Argon2id
verification, as a real one does, and get the same answer; every failure is audited (the address
and why, never the password; an unknown user name only as a keyed fingerprint, since people type
passwords into that field). A password must pass the laptop's strength rule (``core.passphrase``).
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.passphrase import check_strength
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth import throttle
from fieldsurvey.server.db.models import Device, SessionToken, User, UserVillage
from fieldsurvey.sync.keys import signing_public_from_b64, unb64, verify_signature
from fieldsurvey.sync.signing import MAX_SKEW, signing_base

if TYPE_CHECKING:
    from fieldsurvey.server.db.engine import ServerDir

ROLES = ("secretary", "county_staff", "admin")
SESSION_HOURS = 12
SEEN_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often
PRODUCTION_ARGON2 = {"length": 32, "iterations": 3, "lanes": 1, "memory_cost": 64 * 1024}
ARGON2 = dict(PRODUCTION_ARGON2)  # tests lower it, as they do for stores
BAD_LOGIN = Text("用户名或密码不对", "wrong username or password")


class AuthError(UserError):
    """401: the caller is not who they claim (or did not say)."""

    def __init__(self, text: Text, code: str = "unauthorized") -> None:
        super().__init__(text, code=code)


class Forbidden(UserError):
    """403: known caller, not allowed."""

    def __init__(self, text: Text, code: str = "forbidden") -> None:
        super().__init__(text, code=code)


class TooManyAttempts(UserError):
    """429: too many failures for this account or address; says when to try again."""

    status = 429

    def __init__(self, blocked: throttle.Blocked, now: datetime) -> None:
        seconds = max(1, math.ceil((blocked.until - now).total_seconds()))
        zh_wait, en_wait = (
            (f"{seconds}秒", f"{seconds} seconds")
            if seconds < 90
            else (f"{math.ceil(seconds / 60)}分钟", f"{math.ceil(seconds / 60)} minutes")
        )
        if blocked.policy is throttle.ENROLL:
            text = Text(
                f"注册码错误次数过多，请{zh_wait}后再试",
                f"too many wrong enrollment codes; try again in {en_wait}",
            )
        elif blocked.policy is throttle.ADDRESS:
            text = Text(
                f"从此地址登录失败的次数过多，请{zh_wait}后再试",
                f"too many failed sign-ins from this address; try again in {en_wait}",
            )
        elif seconds >= 90:
            text = Text(
                f"该账号登录失败次数过多，已暂时锁定，请{zh_wait}后再试",
                f"too many failed sign-ins: this account is locked for now; try again in {en_wait}",
            )
        else:
            text = Text(
                f"登录失败次数过多，请{zh_wait}后再试",
                f"too many failed sign-ins; try again in {en_wait}",
            )
        super().__init__(text, code="too_many_attempts")
        self.extra = {"retry_after": seconds, "retry_at": blocked.until.isoformat()}
        self.headers = {"Retry-After": str(seconds)}


def password_problem(password: str, username: str | None = None) -> Text | None:
    """Why a new password is refused: the laptop's passphrase rule, and not the user name itself."""
    strength = check_strength(password)
    if not strength.acceptable:
        return strength.problems[0]
    if username and password.strip().lower() == username.strip().lower():
        return Text("密码不能与用户名相同", "the password must not be the user name")
    return None


def hash_password(password: str, username: str | None = None) -> str:
    problem = password_problem(password, username)
    if problem is not None:
        raise UserError(
            Text(f"密码太弱：{problem.zh}", f"the password is too weak: {problem.en}"),
            code="weak_password",
        )
    return Argon2id(salt=os.urandom(16), **ARGON2).derive_phc_encoded(password.encode("utf-8"))


def dummy_hash() -> str:
    """A hash of a random password with the parameters in force: what unknown names are checked against."""
    return _dummy(tuple(sorted(ARGON2.items())))


@cache
def _dummy(params: tuple[tuple[str, int], ...]) -> str:
    return Argon2id(salt=os.urandom(16), **dict(params)).derive_phc_encoded(secrets.token_bytes(24))


def password_ok(password: str, phc: str | None) -> bool:
    if not phc:
        return False
    try:
        Argon2id.verify_phc_encoded(password.encode("utf-8"), phc)
    except Exception:
        return False
    return True


def name_fingerprint(sd: ServerDir, username: str) -> str:
    """A keyed hash of a user name as typed (keyed by the county key, so a database copy cannot test guesses)."""
    key = hashlib.blake2b(
        sd.keys.signing.private_bytes_raw(), person=b"fs-user-names", digest_size=32
    ).digest()
    return hashlib.blake2b(username.encode("utf-8"), key=key, digest_size=16).hexdigest()


def user_throttle_key(sd: ServerDir, username: str) -> str:
    return throttle.USER.key(name_fingerprint(sd, username))


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request: a user, possibly through one of their devices."""

    user_id: str
    username: str
    role: str
    villages: frozenset[str] | None  # None: the whole county
    device_id: str | None = None
    session_id: str | None = None  # a person's session: the first 16 hex digits of its token's hash
    # Villages taken from the user whose existing records this device may still update (drain.py);
    # filled in only where a batch is checked.
    draining: frozenset[str] = frozenset()

    def may_touch(self, village_code: str) -> bool:
        return self.villages is None or village_code in self.villages

    def may_drain(self, village_code: str) -> bool:
        """An update (never a new household) to a record of a village this device is draining."""
        return village_code in self.draining

    @property
    def actor(self) -> str:
        return f"device:{self.device_id}" if self.device_id else f"user:{self.username}"

    def require(self, *roles: str) -> None:
        if self.role not in roles or (self.device_id and "device" not in roles):
            raise Forbidden(Text("没有权限进行此操作", "you are not allowed to do this"))


def villages_of(session: Session, user: User) -> frozenset[str] | None:
    if user.role in ("county_staff", "admin"):
        return None
    rows = session.execute(
        select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)
    ).scalars()
    return frozenset(rows)


def principal_of(
    session: Session, user: User, device_id: str | None = None, session_id: str | None = None
) -> Principal:
    return Principal(
        user.user_id, user.username, user.role, villages_of(session, user), device_id, session_id
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class _Account:
    user_id: str
    username: str
    password_hash: str | None
    disabled: bool


def sign_in(
    sd: ServerDir, username: str, password: str, *, address: str, now: datetime
) -> tuple[str, datetime]:
    """Check a password and open a session: three short transactions, the slow hash outside them.

    1. the throttle: refuse at once if the account or the address waits, else count the attempt;
    2. one Argon2id verification, against the account's hash or, for an unknown name, an account
       without a password or a disabled one, against ``dummy_hash`` (the same work either way);
    3. success: a session and the attempt given back; failure: an audit entry.
    """
    user_key, addr_key = user_throttle_key(sd, username), throttle.ADDRESS.key(address)
    keys = [(throttle.USER, user_key), (throttle.ADDRESS, addr_key)]
    account: _Account | None = None
    with sd.transaction() as s:
        outcome = throttle.begin(s, keys, now)
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is not None:
            account = _Account(user.user_id, user.username, user.password_hash, bool(user.disabled))
        subject = account.username if account else f"unknown:{name_fingerprint(sd, username)}"
        if isinstance(outcome, throttle.Blocked) and outcome.first:
            audit.append(
                s,
                sd.keys.signing,
                actor=f"address:{address}",
                action="sign_in_throttled",
                subject=subject,
                details={
                    "address": address,
                    "by": outcome.policy.kind,
                    "until": outcome.until.isoformat(),
                },
            )
    if isinstance(outcome, throttle.Blocked):
        raise TooManyAttempts(outcome, now)

    verified = password_ok(
        password, account.password_hash if account and account.password_hash else dummy_hash()
    )
    if account is None:
        reason = "unknown_user"
    elif not account.password_hash:
        reason = "no_password"
    elif not verified:
        reason = "wrong_password"
    elif account.disabled:
        reason = "disabled"
    else:
        reason = ""

    with sd.transaction() as s:
        if reason:
            details: dict[str, object] = {
                "address": address,
                "reason": reason,
                "failures": outcome.failures[user_key],
            }
            if outcome.waits:
                details["waits"] = {k.split(":", 1)[0]: v for k, v in outcome.locked().items()}
            if outcome.refused:
                details["refused_while_waiting"] = outcome.refused
            audit.append(
                s,
                sd.keys.signing,
                actor=f"address:{address}",
                action="sign_in_failed",
                subject=subject,
                details=details,
            )
        else:
            assert account is not None
            throttle.succeeded(s, keys, now, clear={user_key})
            token = secrets.token_urlsafe(32)
            expires = now + timedelta(hours=SESSION_HOURS)
            s.execute(delete(SessionToken).where(SessionToken.expires_at < now))
            s.add(
                SessionToken(
                    token_hash=token_hash(token),
                    user_id=account.user_id,
                    created_at=now,
                    expires_at=expires,
                    address=address[:64],
                    last_seen_at=now,
                )
            )
            signed_in: dict[str, object] = {"address": address, "session": token_hash(token)[:16]}
            if outcome.refused:
                signed_in["refused_while_waiting"] = outcome.refused
            audit.append(
                s,
                sd.keys.signing,
                actor=f"user:{account.username}",
                action="signed_in",
                subject=account.username,
                details=signed_in,
            )
    if reason:
        raise AuthError(BAD_LOGIN, code="bad_login")
    return token, expires


def logout(session: Session, token: str) -> None:
    session.execute(delete(SessionToken).where(SessionToken.token_hash == token_hash(token)))


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def user_for_token(session: Session, token: str, now: datetime | None = None) -> Principal:
    """The person behind a bearer token; an ended or expired session and a disabled account stop here."""
    now = now or datetime.now(UTC)
    row = session.get(SessionToken, token_hash(token))
    if row is None or _aware(row.expires_at) < now:
        raise AuthError(
            Text("登录已过期，请重新登录", "the session has expired; log in again"),
            code="session_expired",
        )
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise AuthError(Text("账号已停用", "the account is disabled"), code="account_disabled")
    if row.last_seen_at is None or now - _aware(row.last_seen_at) >= SEEN_EVERY:
        row.last_seen_at = now
    return principal_of(session, user, session_id=row.token_hash[:16])


def device_for_request(
    session: Session,
    *,
    device_id: str,
    timestamp: str,
    signature: str,
    method: str,
    path: str,
    body: bytes,
) -> tuple[Device, Principal]:
    """Check a signed device request; revoked and unknown devices are refused."""
    device = session.get(Device, device_id[:64])
    if device is None:
        raise AuthError(Text("未注册的设备", "this device is not enrolled"), code="unknown_device")
    if device.revoked_at is not None:
        raise Forbidden(
            Text("该设备已被注销，不能再同步", "this device has been revoked and may not sync"),
            code="device_revoked",
        )
    try:
        ts = int(timestamp)
    except ValueError as e:
        raise AuthError(
            Text("请求时间戳无效", "the request timestamp is invalid"), code="bad_timestamp"
        ) from e
    if abs(time.time() - ts) > MAX_SKEW:
        raise AuthError(
            Text(
                "设备时钟与服务器相差太多，请校准电脑时间",
                "the device clock is too far from the server's; set the computer's time",
            ),
            code="clock_skew",
        )
    key = signing_public_from_b64(device.signing_key)
    if not verify_signature(
        key, unb64(signature, length=64), signing_base(method, path, timestamp, body)
    ):
        raise AuthError(
            Text("请求签名无效", "the request signature does not verify"),
            code="bad_request_signature",
        )
    user = session.get(User, device.user_id)
    if user is None or user.disabled:
        raise Forbidden(
            Text("该设备的账号已停用", "the account of this device is disabled"),
            code="account_disabled",
        )
    device.last_seen_at = datetime.now(UTC)
    return device, principal_of(session, user, device.device_id)
