"""``fieldsurvey server …``: run and administer the county server from its data directory."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

PASSWORD_ENV = "FIELDSURVEY_SERVER_PASSWORD"


def _server_dir(args: argparse.Namespace) -> Any:
    from fieldsurvey.sync.server.db import ServerDir

    sd = ServerDir(Path(args.data_dir), getattr(args, "db", None))
    sd.read_config()  # a clear error when the directory is not a server's
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
    from fieldsurvey.sync.server.admin import init_server
    from fieldsurvey.sync.server.db import ServerDir

    sd = ServerDir(Path(args.data_dir))
    password = _password(f"管理员 {args.admin} 的密码 Password for {args.admin}: ")
    assert password is not None
    fp = init_server(sd, county=args.county, name=args.name, admin=args.admin, password=password, db_url=args.db)
    print(f"县级服务器已创建 County server created in {sd.path}")
    print(f"县级密钥指纹 County key fingerprint: {fp}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from fieldsurvey.sync.server.app import create_app
    from fieldsurvey.sync.server.db import migrate

    sd = _server_dir(args)
    migrate(sd.engine)
    sd.keys  # noqa: B018 - fail before listening when the keys are missing
    ssl = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key} if args.tls_cert else {}
    print(f"县级服务器运行于 Serving on http{'s' if ssl else ''}://{args.host}:{args.port}  (API docs: /docs)", flush=True)
    uvicorn.run(create_app(sd), host=args.host, port=args.port, log_level=args.log_level, timeout_graceful_shutdown=5, **ssl)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import add_user

    sd = _server_dir(args)
    password = _password(f"{args.username} 的密码(秘书可留空) Password (may be empty for a secretary): ", optional=args.role == "secretary")
    add_user(sd, "cli", username=args.username, role=args.role, display_name=args.name, password=password)
    print(f"已添加用户 User added: {args.username} ({args.role})")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import list_users

    sd = _server_dir(args)
    with sd.transaction() as s:
        users = list_users(s)
    _print(args, users, "\n".join(f"{u['username']:<20} {u['role']:<13} {','.join(u['villages'])}" for u in users))
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import assign

    villages = assign(_server_dir(args), "cli", username=args.username, villages=args.village, remove=args.remove)
    print(f"{args.username} 负责的村 villages: {', '.join(villages) or '-'}")
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import new_enroll_code

    sd = _server_dir(args)
    code, expires = new_enroll_code(sd, "cli", username=args.username, ttl_minutes=args.ttl_minutes)
    data = {"code": code, "expires_at": expires.isoformat(), "fingerprint": sd.keys.fingerprint()}
    _print(args, data, f"注册码 Enrollment code: {code}\n有效至 Valid until: {expires.isoformat()}\n县级密钥指纹 County key fingerprint: {data['fingerprint']}")
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import revoke_device

    revoke_device(_server_dir(args), "cli", args.device_id)
    print(f"设备已注销 Device revoked: {args.device_id}")
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.admin import list_devices

    sd = _server_dir(args)
    with sd.transaction() as s:
        devices = list_devices(s)
    _print(args, devices, "\n".join(f"{d['device_id']}  {d['user']:<16} {d['label']:<16} {'REVOKED' if d['revoked'] else 'active'}" for d in devices))
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.roster import import_roster, read_roster

    counts = import_roster(_server_dir(args), "cli", read_roster(Path(args.file)))
    print(f"花名册已导入 Roster imported: {counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged households")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.queries import status_counts

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
    from fieldsurvey.sync import audit_head
    from fieldsurvey.sync.server import audit

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
    raise UserError(Text(f"审计日志被改动:发现{len(result.problems)}处问题", f"the audit log was tampered with: {len(result.problems)} problems"), code="audit_broken")


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    from fieldsurvey.store.atomic import atomic_write
    from fieldsurvey.sync import audit_head
    from fieldsurvey.sync.server import audit

    sd = _server_dir(args)
    county = str(sd.read_config()["county"])
    with sd.transaction() as s:  # a checkpoint vouches for the log up to it: verify it first
        result = audit.verify(s, sd.keys.signing_public, (), county)
        if not result.ok:
            for p in result.problems[:50]:
                print(f"  {p}", file=sys.stderr)
            raise UserError(Text("审计日志已被改动,不能为它签检查点", "the audit log was tampered with: no checkpoint is signed for it"),
                            code="audit_broken")
        head = audit.signed_head(s, sd.keys.signing, county)
    atomic_write(Path(args.out), audit_head.checkpoint_bytes([head]))
    print(f"审计检查点已写入 Audit checkpoint written: {args.out} — entry {head.entry_no}, hash {head.entry_hash}")
    print("请把它保存在服务器以外 Keep it away from the server: 'server audit verify --checkpoint FILE' compares the log with it")
    return 0


def cmd_batch_import(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.server.ingest import ingest

    sd = _server_dir(args)
    for name in args.files:
        result = ingest(sd, Path(name).read_bytes(), via="file")
        print(f"{name}: {result.message().both()} ({sum(result.counts.values())} records)")
    return 0


def cmd_feed_export(args: argparse.Namespace) -> int:
    from fieldsurvey.store.atomic import atomic_write
    from fieldsurvey.sync.server.export import export_feed

    sd = _server_dir(args)
    data, count = export_feed(sd, args.device)
    atomic_write(Path(args.out), data)
    print(f"更新文件已写入 Update file written: {args.out} ({count} items)")
    return 0


def register(sub: Any) -> None:
    server = sub.add_parser("server", help="县级服务器 the county server: run it and administer it")
    ssub = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND", required=True)

    def cmd(name: str, handler: Any, help_text: str, parent: Any = ssub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text)
        p.add_argument("--data-dir", required=True, metavar="S", help="the county server's data directory")
        p.set_defaults(handler=handler)
        return p

    p = cmd("init", cmd_init, "create the county, its keys and the first admin")
    p.add_argument("--county", required=True, help="6-digit county code (GB/T 2260)")
    p.add_argument("--name", help="county name (default: from GB/T 2260)")
    p.add_argument("--admin", required=True, help="the admin's username")
    p.add_argument("--db", help="database URL (default: SQLite in S; or postgresql+psycopg://…)")

    p = cmd("run", cmd_run, "serve the API (FastAPI on uvicorn)")
    p.add_argument("--db", help="database URL overriding server.json")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8400)
    p.add_argument("--tls-cert", help="certificate file for HTTPS")
    p.add_argument("--tls-key", help="private key file for HTTPS")
    p.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))

    user = ssub.add_parser("user", help="users")
    usub = user.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)
    p = cmd("add", cmd_user_add, "add a user", usub)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=("secretary", "county_staff", "admin"))
    p.add_argument("--name", help="display name")
    p = cmd("list", cmd_user_list, "list users", usub)
    p.add_argument("--format", choices=("text", "json"), default="text")

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
