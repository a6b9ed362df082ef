"""County administration shared by the command line and the API: setup, users, devices, codes, sessions.

Every change here is audited. Enrollment codes are one-time and short-lived; only their hash is
stored, so a database copy does not leak usable codes. Disabling a user stops them at once: their
sessions are ended, their unused codes withdrawn, and their devices refused on every request
(``auth.device_for_request``, and ``checks`` for batches carried on a USB stick) until they are
enabled again. A password reset ends the user's sessions and clears their sign-in lock.
"""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.divisions import DivisionCode, county_full_name
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.keys import (
    KeyPair,
    encryption_public_from_b64,
    signing_public_from_b64,
    write_county_keys,
)
from fieldsurvey.sync.server import audit, drain, throttle, vault
from fieldsurvey.sync.server.auth import (
    ROLES,
    TooManyAttempts,
    hash_password,
    token_hash,
    user_throttle_key,
)
from fieldsurvey.sync.server.db import ServerDir, make_private, migrate, sqlite_path, sqlite_url
from fieldsurvey.sync.server.models import (
    Device,
    Division,
    EnrollCode,
    Meta,
    SessionToken,
    User,
    UserVillage,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
CODE_TTL_MINUTES = 30


def init_server(sd: ServerDir, *, county: str, name: str | None, admin: str, password: str, db_url: str | None,
                kdf: dict[str, Any] | None = None) -> str:
    """Create keys, schema, county record and first admin; returns the key fingerprint.

    The passphrase (``sd.passphrase`` or the environment, see ``vault``) wraps a new master key;
    the recovery key that also unwraps it is left in ``sd.new_recovery_key`` to be shown once.
    ``kdf`` overrides the Argon2id parameters (tests use cheap ones).
    """
    if sd.exists():
        raise UserError(Text("该目录已初始化过县级服务器", "this directory already holds a county server"), code="server_exists")
    code = DivisionCode.parse(county)
    if code.level != "county":
        raise UserError(Text("请给出6位县级行政区划代码", "give the 6-digit county code"), code="bad_county")
    passphrase = sd.passphrase if sd.passphrase is not None else vault.passphrase_from_env(sd.path)
    if passphrase is None:
        raise UserError(vault.NO_PASSPHRASE, code="no_passphrase")
    vault.require_strong(passphrase)
    sd.path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(sd.path)  # also when the directory already existed
    unlocked, sd.new_recovery_key = vault.create(sd.keys_dir, passphrase, kdf)
    sd.passphrase = passphrase
    sd.__dict__["secrets"] = unlocked  # unwrapped already: no second Argon2id run
    keys = KeyPair.generate()
    write_county_keys(sd.keys_dir, keys, unlocked.county_keys_password)
    sd.db_url_override = db_url
    url = db_url or sqlite_url(sd.path)
    db_file = sqlite_path(url)
    if db_file is not None and not db_file.exists():
        db_file.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(db_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # SQLite gives -wal/-shm this mode too
    sd.write_config({"county": code.county, "db_url": url})
    migrate(sd.engine)
    signing, encryption = keys.public_b64()
    county_name = name or county_full_name(code.county) or code.county
    with sd.transaction() as s:
        for key, value in (("county", code.county), ("county_name", county_name), ("epoch", uuid.uuid4().hex[:12]),
                           ("signing_key", signing), ("encryption_key", encryption)):
            s.add(Meta(key=key, value=value))
        s.add(Division(code=code.value, name=county_name, parent=None, level="county"))
        user = _new_user(s, admin, "admin", admin, password)
        audit.append(s, keys.signing, actor="cli", action="server_init", subject=code.county, details={"admin": user.user_id})
    make_private(sd.path)
    return keys.fingerprint()


def _new_user(s: Session, username: str, role: str, display_name: str | None, password: str | None) -> User:
    if role not in ROLES:
        raise UserError(Text(f"角色应为 {', '.join(ROLES)} 之一", f"the role is one of {', '.join(ROLES)}"), code="bad_role")
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise UserError(Text("用户名只能用字母、数字、-_.", "a username uses letters, digits and -_. only"), code="bad_username")
    if s.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise UserError(Text("用户名已存在", "this username already exists"), code="user_exists")
    user = User(user_id=str(uuid.uuid4()), username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password, username) if password else None, disabled=False, created_at=datetime.now(UTC))
    s.add(user)
    s.flush()
    return user


def add_user(sd: ServerDir, actor: str, *, username: str, role: str, display_name: str | None, password: str | None) -> User:
    with sd.transaction() as s:
        user = _new_user(s, username, role, display_name, password)
        audit.append(s, sd.keys.signing, actor=actor, action="user_added", subject=username, details={"role": role})
        return user


def user_by_name(s: Session, username: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise UserError(Text("没有这个用户", "no such user"), code="no_such_user")
    return user


def assign(sd: ServerDir, actor: str, *, username: str, villages: list[str], remove: bool = False) -> list[str]:
    """Give (or take) villages to a user; returns the user's villages afterwards.

    Taking a village opens its drain window (``drain.py``): the user's laptops may still deliver
    the updates they hold for it until each has downloaded a feed without it. Giving it back
    ends the window.
    """
    county = str(sd.read_config()["county"])
    codes = []
    for v in villages:
        code = DivisionCode.parse(v)
        if code.level != "village" or code.county != county:
            raise UserError(Text(f"{v} 不是本县的村级代码", f"{v} is not a village of this county"), code="bad_village")
        codes.append(code.value)
    with sd.transaction() as s:
        user = user_by_name(s, username)
        have = set(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars())
        details: dict[str, Any] = {"villages": codes}
        if remove:
            s.execute(delete(UserVillage).where(UserVillage.user_id == user.user_id, UserVillage.village_code.in_(codes)))
            taken = sorted(set(codes) & have)
            if user.role == "secretary" and taken:  # staff see the whole county: nothing to drain
                drain.record_removal(s, user.user_id, taken, datetime.now(UTC))
                details["drain_until_days"] = drain.DRAIN_DAYS
        else:
            s.add_all(UserVillage(user_id=user.user_id, village_code=c) for c in codes if c not in have)
            drain.cancel_removal(s, user.user_id, codes)
        audit.append(s, sd.keys.signing, actor=actor, action="villages_removed" if remove else "villages_assigned",
                     subject=username, details=details)
        s.flush()
        return sorted(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars())


def new_enroll_code(sd: ServerDir, actor: str, *, username: str, ttl_minutes: int = CODE_TTL_MINUTES) -> tuple[str, datetime]:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=max(1, min(ttl_minutes, 24 * 60)))
    with sd.transaction() as s:
        user = user_by_name(s, username)
        if user.disabled:
            raise UserError(Text("该账号已停用，不能发注册码", "this account is disabled: no enrollment code for it"), code="account_disabled")
        s.add(EnrollCode(code_hash=token_hash(normalise_code(code)), user_id=user.user_id, created_at=now, expires_at=expires))
        audit.append(s, sd.keys.signing, actor=actor, action="enroll_code_issued", subject=username, details={"expires_at": expires.isoformat()})
    return code, expires


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


BAD_CODE = Text("注册码无效、已用过或已过期", "the enrollment code is wrong, used or expired")


def enroll(sd: ServerDir, *, code: str, signing_key: str, encryption_key: str, label: str,
           address: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Register a device's public keys against a one-time code; returns what the device pins.

    Over the network (``address`` given) wrong codes count against the address (``throttle.ENROLL``)
    and each is audited; a code of a disabled account is refused like a wrong one.
    """
    signing_public_from_b64(signing_key)
    encryption_public_from_b64(encryption_key)
    now = now or datetime.now(UTC)
    keys = [(throttle.ENROLL, throttle.ENROLL.key(address))] if address else []
    result: dict[str, Any] | None = None
    with sd.transaction() as s:
        outcome = throttle.begin(s, keys, now) if keys else None
        if isinstance(outcome, throttle.Blocked):
            if outcome.first:
                audit.append(s, sd.keys.signing, actor=f"address:{address}", action="enroll_throttled", subject=f"address:{address}",
                             details={"address": address, "until": outcome.until.isoformat()})
            blocked = outcome
        else:
            blocked = None
            row = s.get(EnrollCode, token_hash(normalise_code(code)))
            expires = None if row is None else row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
            user = None if row is None else s.get(User, row.user_id)
            if row is None or expires is None:
                reason = "unknown_code"
            elif row.used_at is not None:
                reason = "used"
            elif expires < now:
                reason = "expired"
            elif user is None or user.disabled:
                reason = "account_disabled"
            else:
                reason = ""
            if reason or row is None or user is None:
                details: dict[str, Any] = {"address": address, "reason": reason}
                if outcome is not None and outcome.refused:
                    details["refused_while_waiting"] = outcome.refused
                audit.append(s, sd.keys.signing, actor=f"address:{address}" if address else "local", action="enroll_failed",
                             subject=user.username if user else "unknown code", details=details)
            else:
                if keys:
                    throttle.succeeded(s, keys, now, clear=set())
                result = _register_device(s, sd, row, user, signing_key, encryption_key, label, now)
    if blocked is not None:
        raise TooManyAttempts(blocked, now)
    if result is None:
        raise UserError(BAD_CODE, code="bad_enroll_code")
    return result


def _register_device(s: Session, sd: ServerDir, row: EnrollCode, user: User, signing_key: str, encryption_key: str,
                     label: str, now: datetime) -> dict[str, Any]:
    device_id = str(uuid.uuid4())
    s.add(Device(device_id=device_id, user_id=user.user_id, label=label[:64] or "device", signing_key=signing_key,
                 encryption_key=encryption_key, enrolled_at=now, revoked_at=None, last_seen_at=now, last_cursor=None))
    row.used_at, row.device_id = now, device_id
    audit.append(s, sd.keys.signing, actor=f"user:{user.username}", action="device_enrolled", subject=device_id, details={"label": label[:64]})
    villages = sorted(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars())
    meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
    return {
        "device_id": device_id,
        "user": {"username": user.username, "display_name": user.display_name, "role": user.role},
        "villages": villages if user.role == "secretary" else None,
        "county": {"code": meta["county"], "name": meta["county_name"], "signing_key": meta["signing_key"],
                   "encryption_key": meta["encryption_key"], "fingerprint": sd.keys.fingerprint()},
    }


def revoke_device(sd: ServerDir, actor: str, device_id: str) -> None:
    with sd.transaction() as s:
        device = s.get(Device, device_id)
        if device is None:
            raise UserError(Text("没有这台设备", "no such device"), code="no_such_device")
        if device.revoked_at is None:
            device.revoked_at = datetime.now(UTC)
            audit.append(s, sd.keys.signing, actor=actor, action="device_revoked", subject=device_id, details={})


def list_devices(s: Session) -> list[dict[str, Any]]:
    out = []
    for d, u in s.execute(select(Device, User).join(User, User.user_id == Device.user_id).order_by(Device.enrolled_at)):
        out.append({"device_id": d.device_id, "label": d.label, "user": u.username, "enrolled_at": d.enrolled_at.isoformat(),
                    "revoked": d.revoked_at is not None, "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None})
    return out


def list_users(s: Session, sd: ServerDir | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Users with their villages; with ``sd``, also until when each one's sign-in is locked."""
    now = now or datetime.now(UTC)
    out = []
    for u in s.execute(select(User).order_by(User.username)).scalars():
        villages = sorted(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == u.user_id)).scalars())
        row = {"username": u.username, "display_name": u.display_name, "role": u.role, "disabled": u.disabled, "villages": villages,
               "has_password": bool(u.password_hash)}
        if sd is not None:
            until = throttle.blocked_until(s, user_throttle_key(sd, u.username), now)
            row["locked_until"] = until.isoformat() if until else None
        out.append(row)
    return out


# -- disabling, passwords, sessions -----------------------------------------------------------
def set_disabled(sd: ServerDir, actor: str, *, username: str, disabled: bool) -> dict[str, int]:
    """Disable (or enable) an account; disabling ends its sessions and withdraws its unused codes.

    The last enabled admin cannot be disabled: nobody could administer the county afterwards.
    """
    with sd.transaction() as s:
        user = user_by_name(s, username)
        if disabled == bool(user.disabled):
            return {"sessions_ended": 0, "codes_withdrawn": 0}
        if disabled and user.role == "admin":
            admins = s.execute(select(func.count()).select_from(User).where(User.role == "admin", User.disabled.is_(False))).scalar_one()
            if admins <= 1:
                raise UserError(Text("这是最后一个可用的管理员账号，不能停用", "this is the last enabled admin account: it cannot be disabled"),
                                code="last_admin")
        user.disabled = disabled
        counts = {"sessions_ended": 0, "codes_withdrawn": 0}
        if disabled:
            counts["sessions_ended"] = _end(s, SessionToken.user_id == user.user_id)
            counts["codes_withdrawn"] = s.execute(delete(EnrollCode).where(EnrollCode.user_id == user.user_id,
                                                                           EnrollCode.used_at.is_(None))).rowcount or 0
        devices = s.execute(select(func.count()).select_from(Device).where(Device.user_id == user.user_id,
                                                                           Device.revoked_at.is_(None))).scalar_one()
        audit.append(s, sd.keys.signing, actor=actor, action="user_disabled" if disabled else "user_enabled", subject=username,
                     details={**counts, "devices": int(devices)})
        return counts


def reset_password(sd: ServerDir, actor: str, *, username: str, password: str) -> int:
    """Set a new password (the strength rule applies); ends the user's sessions, clears their lock."""
    phc = hash_password(password, username)
    with sd.transaction() as s:
        user = user_by_name(s, username)
        user.password_hash = phc
        ended = _end(s, SessionToken.user_id == user.user_id)
        throttle.clear(s, user_throttle_key(sd, username), datetime.now(UTC))
        audit.append(s, sd.keys.signing, actor=actor, action="password_reset", subject=username, details={"sessions_ended": ended})
        return ended


def unlock(sd: ServerDir, actor: str, *, username: str) -> bool:
    """Lift an account's sign-in lock (say, after someone locked the admin out by guessing); True if it was locked."""
    with sd.transaction() as s:
        user_by_name(s, username)
        was = throttle.clear(s, user_throttle_key(sd, username), datetime.now(UTC))
        audit.append(s, sd.keys.signing, actor=actor, action="sign_in_unlocked", subject=username, details={"was_locked": was})
        return was


def _end(s: Session, where: Any) -> int:
    return int(s.execute(delete(SessionToken).where(where)).rowcount or 0)


def list_sessions(s: Session, *, username: str | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open sessions, newest first: id (first 16 hex digits of the token's hash), user, address, times."""
    now = now or datetime.now(UTC)
    stmt = (select(SessionToken, User).join(User, User.user_id == SessionToken.user_id)
            .where(SessionToken.expires_at >= now).order_by(SessionToken.created_at.desc()))
    if username:
        stmt = stmt.where(User.username == username)
    return [{"session_id": t.token_hash[:16], "user": u.username, "role": u.role, "address": t.address,
             "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat(),
             "last_seen_at": t.last_seen_at.isoformat() if t.last_seen_at else None}
            for t, u in s.execute(stmt)]


def end_sessions(sd: ServerDir, actor: str, *, session_ids: list[str] | None = None, username: str | None = None) -> int:
    """End sessions by id, or all of a user's; their tokens stop working at the next request."""
    ids = [i.lower() for i in session_ids or []]
    if any(len(i) != 16 or any(c not in "0123456789abcdef" for c in i) for i in ids):
        raise UserError(Text("会话编号是16位十六进制数", "a session id is 16 hexadecimal digits"), code="bad_session_id")
    with sd.transaction() as s:
        ended = 0
        if username:
            user = user_by_name(s, username)
            ended += _end(s, SessionToken.user_id == user.user_id)
        for sid in ids:
            found = _end(s, SessionToken.token_hash.startswith(sid))
            if not found:
                raise UserError(Text(f"没有会话 {sid}（也许已结束或过期）", f"no session {sid} (it may have ended or expired)"),
                                code="no_such_session")
            ended += found
        audit.append(s, sd.keys.signing, actor=actor, action="sessions_ended", subject=username or ",".join(ids)[:128],
                     details={"sessions": ids, "user": username, "ended": ended})
        return ended


def data_dir_for(path: str | Path, db: str | None = None) -> ServerDir:
    return ServerDir(Path(path), db)
