"""``fieldsurvey server …``: run and administer the county server from its data directory."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.core.text import Text

PASSWORD_ENV = "FIELDSURVEY_SERVER_PASSWORD"
NEW_PASSPHRASE_ENV = "FIELDSURVEY_SERVER_NEW_PASSPHRASE"
RECOVERY_ENV = "FIELDSURVEY_SERVER_RECOVERY_KEY"


def _passphrase(args: argparse.Namespace, *, new: bool = False) -> str:
    """The server passphrase: --passphrase-file, else the environment, else asked on the terminal.

    Never read from a pipe: commands that take a password on standard input would mix the two.
    ``new`` asks twice and applies the strength rule (``server init``, ``server encrypt``).
    """
    from fieldsurvey.server.db import vault

    data_dir = Path(args.data_dir)
    if getattr(args, "passphrase_file", None):
        found: str | None = vault.read_passphrase_file(Path(args.passphrase_file), data_dir)
    else:
        found = vault.passphrase_from_env(data_dir)
    if found is None:
        if not sys.stdin.isatty():
            raise UserError(vault.NO_PASSPHRASE, code="no_passphrase")
        found = getpass.getpass("县级服务器密码短语 Server passphrase: ")
        if new:
            vault.require_strong(found)
            if getpass.getpass("再输入一次 Again: ") != found:
                raise UserError(Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch")
    if new:
        vault.require_strong(found)
    return found


def _server_dir(args: argparse.Namespace) -> Any:
    """The data directory, unlocked: every command but ``init`` and ``encrypt`` comes through here."""
    import os

    from fieldsurvey.server.db.engine import NOT_ENCRYPTED, ServerDir

    os.umask(0o077)  # whatever this process writes (uploads, exports, WAL) is the user's alone
    sd = ServerDir(Path(args.data_dir), getattr(args, "db", None))
    sd.read_config()  # a clear error when the directory is not a server's
    if sd.unencrypted_parts():
        raise UserError(NOT_ENCRYPTED, code="server_not_encrypted")
    sd.passphrase = _passphrase(args)
    sd.secrets  # noqa: B018 - a wrong passphrase is one sentence here, before any work
    return sd


def _password(prompt: str, *, optional: bool = False) -> str | None:
    import os

    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        return line or (None if optional else _no_password())
    first = getpass.getpass(prompt)
    if not first and optional:
        return None
    if getpass.getpass("再输入一次 Again: ") != first:
        raise UserError(Text("两次输入的密码不一致", "the two passwords differ"), code="password_mismatch")
    return first


def _no_password() -> str:
    raise UserError(Text("没有输入密码", "no password was given"), code="no_input")


def _print(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if getattr(args, "format", "text") == "json" else text)


def cmd_init(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db.engine import ServerDir
    from fieldsurvey.server.setup import init_server

    os.umask(0o077)
    sd = ServerDir(Path(args.data_dir))
    if sd.exists():
        raise UserError(Text("该目录已初始化过县级服务器", "this directory already holds a county server"), code="server_exists")
    sd.passphrase = _passphrase(args, new=True)
    password = _password(f"管理员 {args.admin} 的密码 Password for {args.admin}: ")
    assert password is not None
    fp = init_server(sd, county=args.county, name=args.name, admin=args.admin, password=password, db_url=args.db)
    print(f"县级服务器已创建 County server created in {sd.path}")
    print(f"县级密钥指纹 County key fingerprint: {fp}")
    _print_recovery_key(sd.new_recovery_key)
    return 0


def _print_recovery_key(recovery_key: str | None) -> None:
    if recovery_key:
        print(f"县级服务器恢复密钥 Server recovery key: {recovery_key}")
        print("请抄下并与服务器分开保管，它只显示这一次；忘记密码短语时用它设置新的。"
              "Write it down and keep it apart from the server: it is shown only this once, and sets a new passphrase if the passphrase is forgotten.")


def cmd_encrypt(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db.engine import ServerDir
    from fieldsurvey.server.db.upgrade import encrypt_in_place

    os.umask(0o077)
    sd = ServerDir(Path(args.data_dir), getattr(args, "db", None))
    sd.read_config()
    parts = sd.unencrypted_parts()
    if not parts:
        print("数据已加密,无需处理 The data is already encrypted; nothing to do.")
        return 0
    new_key_file = "key file" in parts
    passphrase = _passphrase(args, new=new_key_file)
    encrypt_in_place(sd, passphrase, progress=lambda line: print(line, flush=True), on_recovery_key=_print_recovery_key)
    print(f"县级服务器数据已加密 The county server's data is encrypted: {sd.path}")
    return 0


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db import vault
    from fieldsurvey.server.db.engine import NOT_ENCRYPTED, ServerDir

    sd = ServerDir(Path(args.data_dir))
    sd.read_config()
    if sd.unencrypted_parts():
        raise UserError(NOT_ENCRYPTED, code="server_not_encrypted")
    if args.recovery_key is not None:
        key = args.recovery_key or os.environ.get(RECOVERY_ENV) or getpass.getpass("县级服务器恢复密钥 Server recovery key: ")
        unlocked = vault.unlock(sd.keys_dir, recovery_key=key)
    else:
        unlocked = vault.unlock(sd.keys_dir, passphrase=_passphrase(args))
    new = os.environ.get(NEW_PASSPHRASE_ENV)
    if new is None:
        if not sys.stdin.isatty():
            raise UserError(Text(f"请在 {NEW_PASSPHRASE_ENV} 中给出新的密码短语", f"give the new passphrase in {NEW_PASSPHRASE_ENV}"), code="no_passphrase")
        new = getpass.getpass("新密码短语 New passphrase: ")
        vault.require_strong(new)
        if getpass.getpass("再输入一次 Again: ") != new:
            raise UserError(Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch")
    vault.change_passphrase(sd.keys_dir, unlocked, new)
    print("县级服务器的密码短语已更改(数据无需重新加密)。The county server's passphrase is changed (the data is not re-encrypted).")
    return 0


def listen_refusal(host: str, *, tls: bool, insecure_http: bool) -> Text | None:
    """Why ``server run`` will not listen as asked (None: it may).

    Passwords, tokens and enrollment codes must not cross a network in clear text, a private LAN
    included: a non-loopback address needs TLS here, or ``--insecure-http`` when a TLS proxy in
    front of this server terminates it.
    """
    from fieldsurvey.sync.urls import is_loopback_host

    if tls or insecure_http or is_loopback_host(host):
        return None
    return Text(
        f"不在本机的地址 {host} 上只能用 HTTPS 提供服务：请给出 --tls-cert 和 --tls-key；"
        "若前面有负责 HTTPS 的反向代理，加上 --insecure-http",
        f"serving on {host}, which is not this computer's loopback, needs HTTPS: give --tls-cert and --tls-key, "
        "or --insecure-http when a TLS proxy in front of this server handles HTTPS",
    )


def _tls_files(args: argparse.Namespace) -> dict[str, str]:
    """uvicorn's ssl options, after checking the pair loads (a clear error instead of a traceback)."""
    if not args.tls_cert and not args.tls_key:
        return {}
    if not (args.tls_cert and args.tls_key):
        raise UserError(Text("--tls-cert 和 --tls-key 要一起给出", "give --tls-cert and --tls-key together"), code="tls_pair")
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as e:
        raise UserError(Text(f"无法读取证书或私钥：{e.__class__.__name__}", f"cannot load the certificate and key: {e}"),
                        code="tls_files") from e
    return {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}


def cmd_run(args: argparse.Namespace) -> int:
    from fieldsurvey.commands.server_config import apply_config

    apply_config(args)  # --config FILE (the system service's /etc/fieldsurvey/server.toml)
    ssl = _tls_files(args)
    refusal = listen_refusal(args.host, tls=bool(ssl), insecure_http=args.insecure_http)
    if refusal is not None:
        raise UserError(refusal, code="needs_tls")

    import uvicorn

    from fieldsurvey.server.app import create_app
    from fieldsurvey.server.db.engine import make_private, migrate
    from fieldsurvey.sync.urls import is_loopback_host

    sd = _server_dir(args)
    make_private(sd.path)
    migrate(sd.engine)
    sd.keys  # noqa: B018 - fail before listening when the keys are missing
    print(f"县级服务器运行于 Serving on http{'s' if ssl else ''}://{args.host}:{args.port}  (API docs: /docs)", flush=True)
    if not ssl and not is_loopback_host(args.host):
        print("注意：本服务以未加密的 HTTP 监听，只应位于负责 HTTPS 的反向代理之后 "
              "Note: plain HTTP on a network address — only behind a TLS proxy (--insecure-http)", flush=True)
    forwarded = {"forwarded_allow_ips": args.forwarded_allow_ips} if args.forwarded_allow_ips else {}
    uvicorn.run(create_app(sd), host=args.host, port=args.port, log_level=args.log_level, timeout_graceful_shutdown=5,
                **ssl, **forwarded)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import add_user

    sd = _server_dir(args)
    password = _password(f"{args.username} 的密码(秘书可留空) Password (may be empty for a secretary): ", optional=args.role == "secretary")
    add_user(sd, "cli", username=args.username, role=args.role, display_name=args.name, password=password)
    print(f"已添加用户 User added: {args.username} ({args.role})")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import list_users

    sd = _server_dir(args)
    with sd.transaction() as s:
        users = list_users(s, sd)

    def state(u: dict[str, Any]) -> str:
        return "DISABLED" if u["disabled"] else f"locked until {local_minute(u['locked_until'])}" if u.get("locked_until") else ""

    _print(args, users, "\n".join(f"{u['username']:<20} {u['role']:<13} {','.join(u['villages']):<40} {state(u)}".rstrip()
                                  for u in users))
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import set_disabled

    counts = set_disabled(_server_dir(args), "cli", username=args.username, disabled=True)
    print(f"已停用 Disabled: {args.username} — 结束会话 sessions ended {counts['sessions_ended']}, "
          f"收回注册码 codes withdrawn {counts['codes_withdrawn']}; 其设备不能再同步 their devices can no longer sync")
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import set_disabled

    set_disabled(_server_dir(args), "cli", username=args.username, disabled=False)
    print(f"已启用 Enabled: {args.username}")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import reset_password

    sd = _server_dir(args)
    password = _password(f"{args.username} 的新密码 New password for {args.username}: ")
    assert password is not None
    ended = reset_password(sd, "cli", username=args.username, password=password)
    print(f"密码已重设 Password reset: {args.username} — 结束会话 sessions ended {ended}")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import unlock

    was = unlock(_server_dir(args), "cli", username=args.username)
    print(f"已解除登录锁定 Sign-in unlocked: {args.username}" if was else f"{args.username} 未被锁定 was not locked")
    return 0


def cmd_session_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import list_sessions

    sd = _server_dir(args)
    with sd.transaction() as s:
        sessions = list_sessions(s, username=args.username)
    _print(args, sessions, "\n".join(
        f"{x['session_id']}  {x['user']:<16} {x['address'] or '-':<18} since {local_minute(x['created_at'])}  "
        f"last {local_minute(x['last_seen_at'], '-')}  until {local_minute(x['expires_at'])}" for x in sessions) or "没有会话 No open sessions")
    return 0


def cmd_session_end(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import end_sessions

    if not args.session_id and not args.username:
        raise UserError(Text("请给出会话编号或 --username", "give session ids or --username"), code="no_input")
    ended = end_sessions(_server_dir(args), "cli", session_ids=args.session_id, username=args.username)
    print(f"已结束会话 Sessions ended: {ended}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from fieldsurvey.server.users.accounts import assign

    villages = assign(_server_dir(args), "cli", username=args.username, villages=args.village, remove=args.remove)
    print(f"{args.username} 负责的村 villages: {', '.join(villages) or '-'}")
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import new_enroll_code

    sd = _server_dir(args)
    code, expires = new_enroll_code(sd, "cli", username=args.username, ttl_minutes=args.ttl_minutes)
    data = {"code": code, "expires_at": expires.isoformat(), "fingerprint": sd.keys.fingerprint()}
    _print(args, data, f"注册码 Enrollment code: {code}\n有效至 Valid until: {local_minute(expires)}\n县级密钥指纹 County key fingerprint: {data['fingerprint']}")
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import revoke_device

    revoke_device(_server_dir(args), "cli", args.device_id)
    print(f"设备已注销 Device revoked: {args.device_id}")
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    from fieldsurvey.server.devices.enrollment import list_devices

    sd = _server_dir(args)
    with sd.transaction() as s:
        devices = list_devices(s)
    _print(args, devices, "\n".join(f"{d['device_id']}  {d['user']:<16} {d['label']:<16} {'REVOKED' if d['revoked'] else 'active'}" for d in devices))
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from fieldsurvey.server.roster.json_import import import_roster, read_roster

    counts = import_roster(_server_dir(args), "cli", read_roster(Path(args.file)))
    print(f"花名册已导入 Roster imported: {counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged households")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from fieldsurvey.server.dashboard.status import status_counts

    sd = _server_dir(args)
    with sd.transaction() as s:
        counts = status_counts(s)
    labels = (("households", "户 households"), ("members", "人 members"), ("visits", "走访 visits"),
              ("batches_received", "已收批次 batches received"), ("batches_refused", "拒收批次 batches refused"),
              ("open_conflicts", "待处理冲突 open conflicts"), ("devices", "设备 devices"))
    text = f"{counts['county_name']} ({counts['county']})\n" + "\n".join(f"  {label:<32} {counts[k]}" for k, label in labels)
    _print(args, counts, text)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from fieldsurvey.server.audit import chain as audit
    from fieldsurvey.sync import audit_head

    checkpoints = [h for name in args.checkpoint or [] for h in audit_head.read_checkpoint(Path(name))]
    sd = _server_dir(args)
    with sd.transaction() as s:
        result = audit.verify(s, sd.keys.signing_public, checkpoints, str(sd.read_config()["county"]))
    if result.ok:
        agreed = f"; {result.checkpoints} signed heads agree 与{result.checkpoints}个签名头一致" if checkpoints else ""
        print(f"审计日志完好 Audit log intact: {result.entries} entries, head {result.head_hash}{agreed}")
        return 0
    for p in result.problems[:50]:
        print(f"  {p}", file=sys.stderr)
    raise UserError(Text(f"审计日志被改动：发现{len(result.problems)}处问题", f"the audit log was tampered with: {len(result.problems)} problems"), code="audit_broken")


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    from fieldsurvey.core.atomic import atomic_write
    from fieldsurvey.server.audit import chain as audit
    from fieldsurvey.sync import audit_head

    sd = _server_dir(args)
    county = str(sd.read_config()["county"])
    with sd.transaction() as s:  # a checkpoint vouches for the log up to it: verify it first
        result = audit.verify(s, sd.keys.signing_public, (), county)
        if not result.ok:
            for p in result.problems[:50]:
                print(f"  {p}", file=sys.stderr)
            raise UserError(Text("审计日志已被改动，不能为它签检查点", "the audit log was tampered with: no checkpoint is signed for it"),
                            code="audit_broken")
        head = audit.signed_head(s, sd.keys.signing, county)
    atomic_write(Path(args.out), audit_head.checkpoint_bytes([head]))
    print(f"审计检查点已写入 Audit checkpoint written: {args.out} — entry {head.entry_no}, hash {head.entry_hash}")
    print("请把它保存在服务器以外 Keep it away from the server: 'server audit verify --checkpoint FILE' compares the log with it")
    return 0


def cmd_batch_import(args: argparse.Namespace) -> int:
    from fieldsurvey.server.batches.ingest import ingest
    from fieldsurvey.server.photos.service import ingest_photos
    from fieldsurvey.sync import envelope
    from fieldsurvey.sync.envelope import read_file
    from fieldsurvey.sync.photo_bundle import KIND as PHOTOS

    sd = _server_dir(args)
    for name in args.files:
        data = read_file(Path(name))  # a folder, a device or a huge file: one sentence
        if envelope.parse(data).kind == PHOTOS:  # the photo bundles written beside a batch file
            got = ingest_photos(sd, data, via="file")
            c = got["counts"]
            print(f"{name}: 照片 photos — {c['stored']} stored, {c['already']} already held, {c['refused']} refused")
            for o in got["outcomes"]:
                if o["outcome"] == "refused":
                    print(f"  {o['message']['zh']} ({o['message']['en']})")
            continue
        result = ingest(sd, data, via="file")
        print(f"{name}: {result.message().both()} ({sum(result.counts.values())} records)")
    return 0


def cmd_feed_export(args: argparse.Namespace) -> int:
    from fieldsurvey.core.atomic import atomic_write
    from fieldsurvey.server.feed.update_file import export_feed

    sd = _server_dir(args)
    data, count = export_feed(sd, args.device)
    atomic_write(Path(args.out), data)
    print(f"更新文件已写入 Update file written: {args.out} ({count} items)")
    return 0


def register(sub: Any) -> None:
    server = sub.add_parser("server", help="县级服务器 the county server: run it and administer it")
    ssub = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND", required=True)

    def cmd(name: str, handler: Any, help_text: str, parent: Any = ssub, *, data_dir_required: bool = True) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text)
        p.add_argument("--data-dir", required=data_dir_required, metavar="S", help="the county server's data directory")
        p.add_argument("--passphrase-file", metavar="FILE",
                       help="read the server passphrase from the first line of FILE (outside S); default: "
                            "$FIELDSURVEY_SERVER_PASSPHRASE_FILE, $FIELDSURVEY_SERVER_PASSPHRASE, or asked on the terminal")
        p.set_defaults(handler=handler)
        return p

    p = cmd("init", cmd_init, "create the county, its keys and the first admin")
    p.add_argument("--county", required=True, help="6-digit county code (GB/T 2260)")
    p.add_argument("--name", help="county name (default: from GB/T 2260)")
    p.add_argument("--admin", required=True, help="the admin's username")
    p.add_argument("--db", help="database URL (default: SQLite in S; or postgresql+psycopg://…)")

    p = cmd("encrypt", cmd_encrypt, "encrypt a data directory made by an earlier version, in place (asks for a new passphrase)")
    p.add_argument("--db", help="database URL overriding server.json")

    passphrase = ssub.add_parser("passphrase", help="the server passphrase")
    psub = passphrase.add_subparsers(dest="passphrase_command", metavar="SUBCOMMAND", required=True)
    p = cmd("change", cmd_passphrase_change, "set a new passphrase (from $FIELDSURVEY_SERVER_NEW_PASSPHRASE or asked twice)", psub)
    p.add_argument("--recovery-key", nargs="?", const="", default=None, metavar="KEY",
                   help="unlock with the server's recovery key instead (or $FIELDSURVEY_SERVER_RECOVERY_KEY, or asked)")

    p = cmd("run", cmd_run, "serve the API (FastAPI on uvicorn)", data_dir_required=False)
    p.add_argument("--config", metavar="FILE",
                   help="read the settings from a TOML file (the system service uses /etc/fieldsurvey/server.toml); "
                        "options given here win. Keys: data_dir, database_url, passphrase_file, host, port, tls_cert, "
                        "tls_key, insecure_http, forwarded_allow_ips, log_level")
    p.add_argument("--db", help="database URL overriding server.json")
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8400)")
    p.add_argument("--tls-cert", help="certificate file (PEM, with its chain) for HTTPS")
    p.add_argument("--tls-key", help="private key file (PEM) for HTTPS")
    p.add_argument("--insecure-http", action="store_true",
                   help="serve plain HTTP on a non-loopback address: only behind a TLS proxy that handles HTTPS")
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="proxy addresses trusted for X-Forwarded-For (default 127.0.0.1), so sign-in limits count the real clients")
    p.add_argument("--log-level", default=None, choices=("critical", "error", "warning", "info", "debug"))

    user = ssub.add_parser("user", help="users")
    usub = user.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)
    p = cmd("add", cmd_user_add, "add a user", usub)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=("secretary", "county_staff", "admin"))
    p.add_argument("--name", help="display name")
    p = cmd("list", cmd_user_list, "list users", usub)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = cmd("disable", cmd_user_disable, "disable a user: their sessions end and their devices stop syncing at once", usub)
    p.add_argument("--username", required=True)
    p = cmd("enable", cmd_user_enable, "enable a disabled user again", usub)
    p.add_argument("--username", required=True)
    p = cmd("reset-password", cmd_user_reset_password,
            f"set a new password (from {PASSWORD_ENV}, stdin or a prompt); ends the user's sessions", usub)
    p.add_argument("--username", required=True)
    p = cmd("unlock", cmd_user_unlock, "lift a sign-in lock left by too many failed attempts", usub)
    p.add_argument("--username", required=True)

    session = ssub.add_parser("session", help="signed-in sessions of people")
    sesub = session.add_subparsers(dest="session_command", metavar="SUBCOMMAND", required=True)
    p = cmd("list", cmd_session_list, "open sessions: who, from where, since when", sesub)
    p.add_argument("--username", help="only this user's")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = cmd("end", cmd_session_end, "end sessions by id, or all of a user's", sesub)
    p.add_argument("session_id", nargs="*", metavar="SESSION_ID", help="16 hex digits, from 'session list'")
    p.add_argument("--username", help="end all of this user's sessions")

    p = cmd("assign", cmd_assign, "assign villages to a user")
    p.add_argument("--username", required=True)
    p.add_argument("--village", required=True, nargs="+", help="12-digit village codes")
    p.add_argument("--remove", action="store_true", help="take the villages away instead")

    p = cmd("enroll-code", cmd_enroll_code, "issue a one-time enrollment code for a user's device")
    p.add_argument("--username", required=True)
    p.add_argument("--ttl-minutes", type=int, default=30)
    p.add_argument("--format", choices=("text", "json"), default="text")

    device = ssub.add_parser("device", help="devices")
    dsub = device.add_subparsers(dest="device_command", metavar="SUBCOMMAND", required=True)
    p = cmd("revoke", cmd_device_revoke, "revoke a device", dsub)
    p.add_argument("device_id")
    p = cmd("list", cmd_device_list, "list devices", dsub)
    p.add_argument("--format", choices=("text", "json"), default="text")

    roster = ssub.add_parser("roster", help="the county's household roster")
    rsub = roster.add_subparsers(dest="roster_command", metavar="SUBCOMMAND", required=True)
    p = cmd("import", cmd_roster_import, "import a roster file (JSON)", rsub)
    p.add_argument("file")

    p = cmd("status", cmd_status, "county counts")
    p.add_argument("--format", choices=("text", "json"), default="text")

    audit = ssub.add_parser("audit", help="the audit log")
    asub = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    p = cmd("verify", cmd_audit_verify, "check the hash chain: detects edited or removed entries", asub)
    p.add_argument("--checkpoint", nargs="+", action="extend", metavar="FILE",
                   help="signed heads kept elsewhere (audit checkpoint, a laptop's 'sync audit-heads'): fail when the log is shorter or differs")
    p = cmd("checkpoint", cmd_audit_checkpoint, "write a signed head of the audit log for an auditor to keep elsewhere", asub)
    p.add_argument("--out", required=True, metavar="FILE")

    batch = ssub.add_parser("batch", help="batch files carried by USB")
    bsub = batch.add_subparsers(dest="batch_command", metavar="SUBCOMMAND", required=True)
    p = cmd("import", cmd_batch_import, "check and apply batch files from devices", bsub)
    p.add_argument("files", nargs="+", metavar="FILE")

    feed = ssub.add_parser("feed", help="update files for devices, carried by USB")
    fsub = feed.add_subparsers(dest="feed_command", metavar="SUBCOMMAND", required=True)
    p = cmd("export", cmd_feed_export, "write the updates for one device to a file", fsub)
    p.add_argument("--device", required=True, help="device id")
    p.add_argument("--out", required=True, metavar="FILE")
