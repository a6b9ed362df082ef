"""``fieldsurvey server roster / status / audit / batch / feed``: the county's data in and out, and its audit log."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldsurvey.commands.server_common import (
    open_server_dir,
    print_result,
)
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text


def cmd_roster_import(args: argparse.Namespace) -> int:
    from fieldsurvey.server.roster.json_import import import_roster, read_roster

    counts = import_roster(open_server_dir(args), "cli", read_roster(Path(args.file)))
    print(
        f"花名册已导入 Roster imported: {counts['created']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged households"
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from fieldsurvey.server.dashboard.status import status_counts

    sd = open_server_dir(args)
    with sd.transaction() as s:
        counts = status_counts(s)
    labels = (
        ("households", "户 households"),
        ("members", "人 members"),
        ("visits", "走访 visits"),
        ("batches_received", "已收批次 batches received"),
        ("batches_refused", "拒收批次 batches refused"),
        ("open_conflicts", "待处理冲突 open conflicts"),
        ("devices", "设备 devices"),
    )
    text = f"{counts['county_name']} ({counts['county']})\n" + "\n".join(
        f"  {label:<32} {counts[k]}" for k, label in labels
    )
    print_result(args, counts, text)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from fieldsurvey.server.audit import chain as audit
    from fieldsurvey.sync import audit_head

    checkpoints = [
        h for name in args.checkpoint or [] for h in audit_head.read_checkpoint(Path(name))
    ]
    sd = open_server_dir(args)
    with sd.transaction() as s:
        result = audit.verify(
            s, sd.keys.signing_public, checkpoints, str(sd.read_config()["county"])
        )
    if result.ok:
        agreed = (
            f"; {result.checkpoints} signed heads agree 与{result.checkpoints}个签名头一致"
            if checkpoints
            else ""
        )
        print(
            f"审计日志完好 Audit log intact: {result.entries} entries, head {result.head_hash}{agreed}"
        )
        return 0
    for p in result.problems[:50]:
        print(f"  {p}", file=sys.stderr)
    raise UserError(
        Text(
            f"审计日志被改动：发现{len(result.problems)}处问题",
            f"the audit log was tampered with: {len(result.problems)} problems",
        ),
        code="audit_broken",
    )


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    from fieldsurvey.core.atomic import atomic_write
    from fieldsurvey.server.audit import chain as audit
    from fieldsurvey.sync import audit_head

    sd = open_server_dir(args)
    county = str(sd.read_config()["county"])
    with sd.transaction() as s:  # a checkpoint vouches for the log up to it: verify it first
        result = audit.verify(s, sd.keys.signing_public, (), county)
        if not result.ok:
            for p in result.problems[:50]:
                print(f"  {p}", file=sys.stderr)
            raise UserError(
                Text(
                    "审计日志已被改动，不能为它签检查点",
                    "the audit log was tampered with: no checkpoint is signed for it",
                ),
                code="audit_broken",
            )
        head = audit.signed_head(s, sd.keys.signing, county)
    atomic_write(Path(args.out), audit_head.checkpoint_bytes([head]))
    print(
        f"审计检查点已写入 Audit checkpoint written: {args.out} — entry {head.entry_no}, hash {head.entry_hash}"
    )
    print(
        "请把它保存在服务器以外 Keep it away from the server: 'server audit verify --checkpoint FILE' "
        "compares the log with it"
    )
    return 0


def cmd_batch_import(args: argparse.Namespace) -> int:
    from fieldsurvey.server.batches.ingest import ingest
    from fieldsurvey.server.photos.service import ingest_photos
    from fieldsurvey.sync import envelope
    from fieldsurvey.sync.envelope import read_file
    from fieldsurvey.sync.photo_bundle import KIND as PHOTOS

    sd = open_server_dir(args)
    for name in args.files:
        data = read_file(Path(name))  # a folder, a device or a huge file: one sentence
        if envelope.parse(data).kind == PHOTOS:  # the photo bundles written beside a batch file
            got = ingest_photos(sd, data, via="file")
            c = got["counts"]
            print(
                f"{name}: 照片 photos — {c['stored']} stored, {c['already']} already held, {c['refused']} refused"
            )
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

    sd = open_server_dir(args)
    data, count = export_feed(sd, args.device)
    atomic_write(Path(args.out), data)
    print(f"更新文件已写入 Update file written: {args.out} ({count} items)")
    return 0
