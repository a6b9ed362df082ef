"""``fieldsurvey enroll``, ``fieldsurvey sync [audit-heads]`` and ``fieldsurvey batch export|import`` on the laptop."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fieldsurvey.commands.common import add_data_dir, add_unlock_options, open_store
from fieldsurvey.core.local_time import local_minute

EXIT_REFUSED = 2  # the county refused a batch: its work did not reach the county
EXIT_ERASED = (
    3  # everything went up, but a village the county took away was erased from this laptop
)
SYNC_EPILOG = (
    "退出码 Exit status: 0 同步完成 synced; 2 县里拒收了批次 the county refused a batch; "
    "3 县里收回了村,本机已删除其资料 a village the county took away was erased from this laptop"
)


def _client(args: argparse.Namespace) -> Any:
    from fieldsurvey.sync.client import SyncClient

    store = open_store(args)
    return store, SyncClient(store, progress=_progress if sys.stderr.isatty() else None)


def _progress(phase: str, done: int, total: int) -> None:
    if phase == "upload" and total:
        print(f"\r上传 uploading {done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def cmd_enroll(args: argparse.Namespace) -> int:
    from fieldsurvey.sync.urls import refuse_insecure_http

    refuse_insecure_http(
        args.server, allow=args.allow_insecure_http, hint="--allow-insecure-http"
    )  # before asking for the passphrase
    store, client = _client(args)
    with store:
        row = client.enroll(
            args.server,
            args.code,
            label=args.label,
            expect_fingerprint=args.fingerprint,
            allow_insecure_http=args.allow_insecure_http,
        )
    print(f"设备已注册 Device enrolled: {row.device_id}")
    print(
        f"县 County: {row.county_name} ({row.county})  用户 User: {row.display_name} ({row.username})"
    )
    print(f"村 Villages: {', '.join(row.villages) if row.villages else '全县 whole county'}")
    print(f"县级密钥指纹 County key fingerprint: {row.fingerprint}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    store, client = _client(args)
    with store:
        report = client.sync()
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        for line in report.lines():
            print(f"{line.zh}  {line.en}")
    if report.refused:
        return EXIT_REFUSED
    return EXIT_ERASED if report.downloaded.forgotten is not None else 0


def cmd_audit_heads(args: argparse.Namespace) -> int:
    store, client = _client(args)
    with store:
        heads = client.export_audit_heads(Path(args.out))
    newest = max(heads, key=lambda h: h.entry_no)
    print(
        f"审计签名头已写入 Audit heads written: {args.out} — {len(heads)} heads, newest entry "
        f"{newest.entry_no} ({local_minute(newest.signed_at)})"
    )
    print(
        "交给县审计人员 For the county's auditor: fieldsurvey server audit verify --checkpoint FILE"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store, client = _client(args)
    with store:
        info = client.export_batch(Path(args.out))
    total = sum(info["counts"].values())
    again = (
        "(上次导出的批次尚未确认,再次导出同一批次 the last batch is not confirmed yet: the same batch again)"
        if info["again"]
        else ""
    )
    print(
        f"批次文件已写入 Batch file written: {args.out} — {total} records, {info['bytes']} bytes {again}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    store, client = _client(args)
    with store:
        applied = client.import_updates(Path(args.file))
    print(
        f"更新已导入 Updates applied: {applied.households} households, {applied.visits} visits, "
        f"{applied.deleted} removed"
    )
    for n in applied.notices:
        if n["kind"] != "batch_accepted":
            print(f"县里的消息 From the county: {n['text']['zh']} ({n['text']['en']})")
    if applied.forgotten is not None:
        sentence = applied.forgotten.sentence()
        print(f"{sentence.zh}  {sentence.en}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "enroll", help="注册本设备到县级服务器 enroll this device with the county server"
    )
    add_data_dir(p)
    add_unlock_options(p)
    p.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the county server, e.g. https://county.example:8400",
    )
    p.add_argument("--code", required=True, help="the one-time enrollment code from the county")
    p.add_argument("--label", help="a name for this device (default: the computer's name)")
    p.add_argument(
        "--fingerprint", help="the county key fingerprint to expect (read out by the county)"
    )
    p.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow an http:// address on another computer (the code travels unencrypted; compare the fingerprint)",
    )
    p.set_defaults(handler=cmd_enroll)

    p = sub.add_parser(
        "sync", help="同步 upload pending work and download updates", epilog=SYNC_EPILOG
    )
    add_data_dir(p)
    add_unlock_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_sync)
    ssub = p.add_subparsers(
        dest="sync_command", metavar="[SUBCOMMAND]", title="without a subcommand: sync now"
    )
    p = ssub.add_parser(
        "audit-heads",
        help="write the county's signed audit heads this laptop holds, for the county's auditor",
    )
    # Given before or after the subcommand alike: no default here, or it would replace sync's.
    p.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR", help="as for sync"
    )
    p.add_argument(
        "--recovery-key",
        nargs="?",
        const="",
        default=argparse.SUPPRESS,
        metavar="KEY",
        help="as for sync",
    )
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_audit_heads)

    batch = sub.add_parser("batch", help="批次文件 batch and update files carried by USB stick")
    bsub = batch.add_subparsers(dest="batch_command", metavar="SUBCOMMAND", required=True)
    p = bsub.add_parser("export", help="write pending work to a batch file for the county office")
    add_data_dir(p)
    add_unlock_options(p)
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_export)
    p = bsub.add_parser("import", help="apply an update file from the county office")
    add_data_dir(p)
    add_unlock_options(p)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_import)
