"""County administration shared by the command line and the API: setup, users, devices, codes.

Every change here is audited. Enrollment codes are one-time and short-lived; only their hash is
stored, so a database copy does not leak usable codes.
"""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
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
from fieldsurvey.sync.server import audit, vault
from fieldsurvey.sync.server.auth import ROLES, hash_password, token_hash
from fieldsurvey.sync.server.db import ServerDir, make_private, migrate, sqlite_path, sqlite_url
from fieldsurvey.sync.server.models import Device, Division, EnrollCode, Meta, User, UserVillage

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
                password_hash=hash_password(password) if password else None, disabled=False, created_at=datetime.now(UTC))
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
    """Give (or take) villages to a user; returns the user's villages afterwards."""
    county = str(sd.read_config()["county"])
    codes = []
    for v in villages:
        code = DivisionCode.parse(v)
        if code.level != "village" or code.county != county:
            raise UserError(Text(f"{v} 不是本县的村级代码", f"{v} is not a village of this county"), code="bad_village")
        codes.append(code.value)
    with sd.transaction() as s:
        user = user_by_name(s, username)
        if remove:
            s.execute(delete(UserVillage).where(UserVillage.user_id == user.user_id, UserVillage.village_code.in_(codes)))
        else:
            have = set(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars())
            s.add_all(UserVillage(user_id=user.user_id, village_code=c) for c in codes if c not in have)
        audit.append(s, sd.keys.signing, actor=actor, action="villages_removed" if remove else "villages_assigned",
                     subject=username, details={"villages": codes})
        s.flush()
        return sorted(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)).scalars())


def new_enroll_code(sd: ServerDir, actor: str, *, username: str, ttl_minutes: int = CODE_TTL_MINUTES) -> tuple[str, datetime]:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=max(1, min(ttl_minutes, 24 * 60)))
    with sd.transaction() as s:
        user = user_by_name(s, username)
        s.add(EnrollCode(code_hash=token_hash(normalise_code(code)), user_id=user.user_id, created_at=now, expires_at=expires))
        audit.append(s, sd.keys.signing, actor=actor, action="enroll_code_issued", subject=username, details={"expires_at": expires.isoformat()})
    return code, expires


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def enroll(sd: ServerDir, *, code: str, signing_key: str, encryption_key: str, label: str) -> dict[str, Any]:
    """Register a device's public keys against a one-time code; returns what the device pins."""
    signing_public_from_b64(signing_key)
    encryption_public_from_b64(encryption_key)
    now = datetime.now(UTC)
    with sd.transaction() as s:
        row = s.get(EnrollCode, token_hash(normalise_code(code)))
        expires = None if row is None else row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if row is None or expires is None or row.used_at is not None or expires < now:
            raise UserError(Text("注册码无效、已用过或已过期", "the enrollment code is wrong, used or expired"), code="bad_enroll_code")
        user = s.get(User, row.user_id)
        assert user is not None
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


def list_users(s: Session) -> list[dict[str, Any]]:
    out = []
    for u in s.execute(select(User).order_by(User.username)).scalars():
        villages = sorted(s.execute(select(UserVillage.village_code).where(UserVillage.user_id == u.user_id)).scalars())
        out.append({"username": u.username, "display_name": u.display_name, "role": u.role, "disabled": u.disabled, "villages": villages})
    return out


def data_dir_for(path: str | Path, db: str | None = None) -> ServerDir:
    return ServerDir(Path(path), db)
