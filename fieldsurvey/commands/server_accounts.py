"""``fieldsurvey server user / session / assign / enroll-code / device``: people and devices of the county."""

from __future__ import annotations

import argparse
from typing import Any

from fieldsurvey.commands.server_common import (
    ask_password,
    open_server_dir,
    print_result,
)
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.core.text import Text


def cmd_user_add(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import add_user

    sd = open_server_dir(args)
    password = ask_password(
        f"{args.username} 的密码(秘书可留空) Password (may be empty for a secretary): ",
        optional=args.role == "secretary",
    )
    add_user(
        sd, "cli", username=args.username, role=args.role, display_name=args.name, password=password
    )
    print(f"已添加用户 User added: {args.username} ({args.role})")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import list_users

    sd = open_server_dir(args)
    with sd.transaction() as s:
        users = list_users(s, sd)

    def state(u: dict[str, Any]) -> str:
        return (
            "DISABLED"
            if u["disabled"]
            else f"locked until {local_minute(u['locked_until'])}"
            if u.get("locked_until")
            else ""
        )

    print_result(
        args,
        users,
        "\n".join(
            f"{u['username']:<20} {u['role']:<13} {','.join(u['villages']):<40} {state(u)}".rstrip()
            for u in users
        ),
    )
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import set_disabled

    counts = set_disabled(open_server_dir(args), "cli", username=args.username, disabled=True)
    print(
        f"已停用 Disabled: {args.username} — 结束会话 sessions ended {counts['sessions_ended']}, "
        f"收回注册码 codes withdrawn {counts['codes_withdrawn']}; 其设备不能再同步 their devices can no longer sync"
    )
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import set_disabled

    set_disabled(open_server_dir(args), "cli", username=args.username, disabled=False)
    print(f"已启用 Enabled: {args.username}")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import reset_password

    sd = open_server_dir(args)
    password = ask_password(f"{args.username} 的新密码 New password for {args.username}: ")
    assert password is not None
    ended = reset_password(sd, "cli", username=args.username, password=password)
    print(f"密码已重设 Password reset: {args.username} — 结束会话 sessions ended {ended}")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import unlock

    was = unlock(open_server_dir(args), "cli", username=args.username)
    print(
        f"已解除登录锁定 Sign-in unlocked: {args.username}"
        if was
        else f"{args.username} 未被锁定 was not locked"
    )
    return 0


def cmd_session_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import list_sessions

    sd = open_server_dir(args)
    with sd.transaction() as s:
        sessions = list_sessions(s, username=args.username)
    print_result(
        args,
        sessions,
        "\n".join(
            f"{x['session_id']}  {x['user']:<16} {x['address'] or '-':<18} since {local_minute(x['created_at'])}  "
            f"last {local_minute(x['last_seen_at'], '-')}  until {local_minute(x['expires_at'])}"
            for x in sessions
        )
        or "没有会话 No open sessions",
    )
    return 0


def cmd_session_end(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import end_sessions

    if not args.session_id and not args.username:
        raise UserError(
            Text("请给出会话编号或 --username", "give session ids or --username"), code="no_input"
        )
    ended = end_sessions(
        open_server_dir(args), "cli", session_ids=args.session_id, username=args.username
    )
    print(f"已结束会话 Sessions ended: {ended}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import assign

    villages = assign(
        open_server_dir(args),
        "cli",
        username=args.username,
        villages=args.village,
        remove=args.remove,
    )
    print(f"{args.username} 负责的村 villages: {', '.join(villages) or '-'}")
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import new_enroll_code

    sd = open_server_dir(args)
    code, expires = new_enroll_code(sd, "cli", username=args.username, ttl_minutes=args.ttl_minutes)
    data = {"code": code, "expires_at": expires.isoformat(), "fingerprint": sd.keys.fingerprint()}
    print_result(
        args,
        data,
        f"注册码 Enrollment code: {code}\n"
        f"有效至 Valid until: {local_minute(expires)}\n"
        f"县级密钥指纹 County key fingerprint: {data['fingerprint']}",
    )
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import revoke_device

    revoke_device(open_server_dir(args), "cli", args.device_id)
    print(f"设备已注销 Device revoked: {args.device_id}")
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import list_devices

    sd = open_server_dir(args)
    with sd.transaction() as s:
        devices = list_devices(s)
    print_result(
        args,
        devices,
        "\n".join(
            f"{d['device_id']}  {d['user']:<16} {d['label']:<16} {'REVOKED' if d['revoked'] else 'active'}"
            for d in devices
        ),
    )
    return 0
