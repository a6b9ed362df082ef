"""User accounts, shared by the command line and the API: users, their villages, sign-in locks, sessions.

Every change here is audited. Disabling a user stops them at once: their sessions are ended, their
unused codes withdrawn, and their devices refused on every request
(``auth.identity.device_for_request``, and ``batches.checks`` for batches carried on a USB stick)
until they are enabled again. A password reset ends the user's sessions and clears their sign-in
lock.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server import drain
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth import throttle
from fieldsurvey.server.auth.identity import (
    ROLES,
    hash_password,
    user_throttle_key,
)
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    Device,
    EnrollCode,
    SessionToken,
    User,
    UserVillage,
)


def new_user(
    s: Session, username: str, role: str, display_name: str | None, password: str | None
) -> User:
    if role not in ROLES:
        raise UserError(
            Text(f"角色应为 {', '.join(ROLES)} 之一", f"the role is one of {', '.join(ROLES)}"),
            code="bad_role",
        )
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace("-", "").replace(".", "").isalnum()
    ):
        raise UserError(
            Text("用户名只能用字母、数字、-_.", "a username uses letters, digits and -_. only"),
            code="bad_username",
        )
    if s.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise UserError(Text("用户名已存在", "this username already exists"), code="user_exists")
    user = User(
        user_id=str(uuid.uuid4()),
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password, username) if password else None,
        disabled=False,
        created_at=datetime.now(UTC),
    )
    s.add(user)
    s.flush()
    return user


def add_user(
    sd: ServerDir,
    actor: str,
    *,
    username: str,
    role: str,
    display_name: str | None,
    password: str | None,
) -> User:
    with sd.transaction() as s:
        user = new_user(s, username, role, display_name, password)
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="user_added",
            subject=username,
            details={"role": role},
        )
        return user


def user_by_name(s: Session, username: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise UserError(Text("没有这个用户", "no such user"), code="no_such_user")
    return user


def assign(
    sd: ServerDir, actor: str, *, username: str, villages: list[str], remove: bool = False
) -> list[str]:
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
            raise UserError(
                Text(f"{v} 不是本县的村级代码", f"{v} is not a village of this county"),
                code="bad_village",
            )
        codes.append(code.value)
    with sd.transaction() as s:
        user = user_by_name(s, username)
        have = set(
            s.execute(
                select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)
            ).scalars()
        )
        details: dict[str, Any] = {"villages": codes}
        if remove:
            s.execute(
                delete(UserVillage).where(
                    UserVillage.user_id == user.user_id, UserVillage.village_code.in_(codes)
                )
            )
            taken = sorted(set(codes) & have)
            if user.role == "secretary" and taken:  # staff see the whole county: nothing to drain
                drain.record_removal(s, user.user_id, taken, datetime.now(UTC))
                details["drain_until_days"] = drain.DRAIN_DAYS
        else:
            s.add_all(
                UserVillage(user_id=user.user_id, village_code=c) for c in codes if c not in have
            )
            drain.cancel_removal(s, user.user_id, codes)
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="villages_removed" if remove else "villages_assigned",
            subject=username,
            details=details,
        )
        s.flush()
        return sorted(
            s.execute(
                select(UserVillage.village_code).where(UserVillage.user_id == user.user_id)
            ).scalars()
        )


def list_users(
    s: Session, sd: ServerDir | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Users with their villages; with ``sd``, also until when each one's sign-in is locked."""
    now = now or datetime.now(UTC)
    out = []
    for u in s.execute(select(User).order_by(User.username)).scalars():
        villages = sorted(
            s.execute(
                select(UserVillage.village_code).where(UserVillage.user_id == u.user_id)
            ).scalars()
        )
        row = {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "disabled": u.disabled,
            "villages": villages,
            "has_password": bool(u.password_hash),
        }
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
            admins = s.execute(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.disabled.is_(False))
            ).scalar_one()
            if admins <= 1:
                raise UserError(
                    Text(
                        "这是最后一个可用的管理员账号，不能停用",
                        "this is the last enabled admin account: it cannot be disabled",
                    ),
                    code="last_admin",
                )
        user.disabled = disabled
        counts = {"sessions_ended": 0, "codes_withdrawn": 0}
        if disabled:
            counts["sessions_ended"] = _end(s, SessionToken.user_id == user.user_id)
            counts["codes_withdrawn"] = (
                s.execute(
                    delete(EnrollCode).where(
                        EnrollCode.user_id == user.user_id, EnrollCode.used_at.is_(None)
                    )
                ).rowcount
                or 0
            )
        devices = s.execute(
            select(func.count())
            .select_from(Device)
            .where(Device.user_id == user.user_id, Device.revoked_at.is_(None))
        ).scalar_one()
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="user_disabled" if disabled else "user_enabled",
            subject=username,
            details={**counts, "devices": int(devices)},
        )
        return counts


def reset_password(sd: ServerDir, actor: str, *, username: str, password: str) -> int:
    """Set a new password (the strength rule applies); ends the user's sessions, clears their lock."""
    phc = hash_password(password, username)
    with sd.transaction() as s:
        user = user_by_name(s, username)
        user.password_hash = phc
        ended = _end(s, SessionToken.user_id == user.user_id)
        throttle.clear(s, user_throttle_key(sd, username), datetime.now(UTC))
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="password_reset",
            subject=username,
            details={"sessions_ended": ended},
        )
        return ended


def unlock(sd: ServerDir, actor: str, *, username: str) -> bool:
    """Lift an account's sign-in lock (say, after someone locked the admin out by guessing); True if it was locked."""
    with sd.transaction() as s:
        user_by_name(s, username)
        was = throttle.clear(s, user_throttle_key(sd, username), datetime.now(UTC))
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="sign_in_unlocked",
            subject=username,
            details={"was_locked": was},
        )
        return was


def _end(s: Session, where: Any) -> int:
    return int(s.execute(delete(SessionToken).where(where)).rowcount or 0)


def list_sessions(
    s: Session, *, username: str | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Open sessions, newest first: id (first 16 hex digits of the token's hash), user, address, times."""
    now = now or datetime.now(UTC)
    stmt = (
        select(SessionToken, User)
        .join(User, User.user_id == SessionToken.user_id)
        .where(SessionToken.expires_at >= now)
        .order_by(SessionToken.created_at.desc())
    )
    if username:
        stmt = stmt.where(User.username == username)
    return [
        {
            "session_id": t.token_hash[:16],
            "user": u.username,
            "role": u.role,
            "address": t.address,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "last_seen_at": t.last_seen_at.isoformat() if t.last_seen_at else None,
        }
        for t, u in s.execute(stmt)
    ]


def end_sessions(
    sd: ServerDir, actor: str, *, session_ids: list[str] | None = None, username: str | None = None
) -> int:
    """End sessions by id, or all of a user's; their tokens stop working at the next request."""
    ids = [i.lower() for i in session_ids or []]
    if any(len(i) != 16 or any(c not in "0123456789abcdef" for c in i) for i in ids):
        raise UserError(
            Text("会话编号是16位十六进制数", "a session id is 16 hexadecimal digits"),
            code="bad_session_id",
        )
    with sd.transaction() as s:
        ended = 0
        if username:
            user = user_by_name(s, username)
            ended += _end(s, SessionToken.user_id == user.user_id)
        for sid in ids:
            found = _end(s, SessionToken.token_hash.startswith(sid))
            if not found:
                raise UserError(
                    Text(
                        f"没有会话 {sid}（也许已结束或过期）",
                        f"no session {sid} (it may have ended or expired)",
                    ),
                    code="no_such_session",
                )
            ended += found
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="sessions_ended",
            subject=username or ",".join(ids)[:128],
            details={"sessions": ids, "user": username, "ended": ended},
        )
        return ended
