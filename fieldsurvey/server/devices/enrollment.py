"""Devices: one-time enrollment codes, enrolling a device's public keys, revoking it, listing them.

Enrollment codes are one-time and short-lived; only their hash is stored, so a database copy does
not leak usable codes. Over the network wrong codes count against the caller's address
(``auth.throttle.ENROLL``), and a code of a disabled account is refused like a wrong one.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth import throttle
from fieldsurvey.server.auth.identity import (
    TooManyAttempts,
    token_hash,
)
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    Device,
    EnrollCode,
    Meta,
    User,
    UserVillage,
)
from fieldsurvey.server.users.accounts import user_by_name
from fieldsurvey.sync.keys import (
    encryption_public_from_b64,
    signing_public_from_b64,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
CODE_TTL_MINUTES = 30


def new_enroll_code(
    sd: ServerDir, actor: str, *, username: str, ttl_minutes: int = CODE_TTL_MINUTES
) -> tuple[str, datetime]:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=max(1, min(ttl_minutes, 24 * 60)))
    with sd.transaction() as s:
        user = user_by_name(s, username)
        if user.disabled:
            raise UserError(
                Text(
                    "该账号已停用，不能发注册码",
                    "this account is disabled: no enrollment code for it",
                ),
                code="account_disabled",
            )
        s.add(
            EnrollCode(
                code_hash=token_hash(normalise_code(code)),
                user_id=user.user_id,
                created_at=now,
                expires_at=expires,
            )
        )
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="enroll_code_issued",
            subject=username,
            details={"expires_at": expires.isoformat()},
        )
    return code, expires


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


BAD_CODE = Text("注册码无效、已用过或已过期", "the enrollment code is wrong, used or expired")


def enroll(
    sd: ServerDir,
    *,
    code: str,
    signing_key: str,
    encryption_key: str,
    label: str,
    address: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
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
                audit.append(
                    s,
                    sd.keys.signing,
                    actor=f"address:{address}",
                    action="enroll_throttled",
                    subject=f"address:{address}",
                    details={"address": address, "until": outcome.until.isoformat()},
                )
            blocked = outcome
        else:
            blocked = None
            row = s.get(EnrollCode, token_hash(normalise_code(code)))
            expires = (
                None
                if row is None
                else row.expires_at
                if row.expires_at.tzinfo
                else row.expires_at.replace(tzinfo=UTC)
            )
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
                audit.append(
                    s,
                    sd.keys.signing,
                    actor=f"address:{address}" if address else "local",
                    action="enroll_failed",
                    subject=user.username if user else "unknown code",
                    details=details,
                )
            else:
                if keys:
                    throttle.succeeded(s, keys, now, clear=set())
                result = _register_device(s, sd, row, user, signing_key, encryption_key, label, now)
    if blocked is not None:
        raise TooManyAttempts(blocked, now)
    if result is None:
        raise UserError(BAD_CODE, code="bad_enroll_code")
    return result


def _register_device(
    s: Session,
    sd: ServerDir,
    row: EnrollCode,
    user: User,
    signing_key: str,
    encryption_key: str,
    label: str,
    now: datetime,
) -> dict[str, Any]:
    device_id = str(uuid.uuid4())
    s.add(
        Device(
            device_id=device_id,
            user_id=user.user_id,
            label=label[:64] or "device",
            signing_key=signing_key,
            encryption_key=encryption_key,
            enrolled_at=now,
            revoked_at=None,
            last_seen_at=now,
            last_cursor=None,
        )
    )
    row.used_at, row.device_id = now, device_id
    audit.append(
        s,
        sd.keys.signing,
        actor=f"user:{user.username}",
        action="device_enrolled",
        subject=device_id,
        details={"label": label[:64]},
    )
    villages = sorted(
        s.execute(
            select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)
        ).scalars()
    )
    meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
    return {
        "device_id": device_id,
        "user": {"username": user.username, "display_name": user.display_name, "role": user.role},
        "villages": villages if user.role == "secretary" else None,
        "county": {
            "code": meta["county"],
            "name": meta["county_name"],
            "signing_key": meta["signing_key"],
            "encryption_key": meta["encryption_key"],
            "fingerprint": sd.keys.fingerprint(),
        },
    }


def revoke_device(sd: ServerDir, actor: str, device_id: str) -> None:
    with sd.transaction() as s:
        device = s.get(Device, device_id)
        if device is None:
            raise UserError(Text("没有这台设备", "no such device"), code="no_such_device")
        if device.revoked_at is None:
            device.revoked_at = datetime.now(UTC)
            audit.append(
                s,
                sd.keys.signing,
                actor=actor,
                action="device_revoked",
                subject=device_id,
                details={},
            )


def list_devices(s: Session) -> list[dict[str, Any]]:
    out = []
    for d, u in s.execute(
        select(Device, User).join(User, User.user_id == Device.user_id).order_by(Device.enrolled_at)
    ):
        out.append(
            {
                "device_id": d.device_id,
                "label": d.label,
                "user": u.username,
                "enrolled_at": d.enrolled_at.isoformat(),
                "revoked": d.revoked_at is not None,
                "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
            }
        )
    return out
