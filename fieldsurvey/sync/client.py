"""The device side of sync, for the command line and the desktop app's sync panel alike.

``SyncClient(store)`` enrolls the device, syncs (send sealed batches, then download the feed),
and moves batches and update files by USB stick. Every method is synchronous and safe to run on
a worker thread: it reports through ``progress(phase, done, total)`` and stops at the next step
when ``cancel`` is set. Nothing here touches Qt.
"""

from __future__ import annotations

import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from fieldsurvey.api.errors import ErrorCode
from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.store.sync_state import Enrollment, SentBatch, SyncNotice
from fieldsurvey.sync import audit_head, envelope, kept_heads
from fieldsurvey.sync.audit_head import AuditHead
from fieldsurvey.sync.batch import Identity, open_feed
from fieldsurvey.sync.incoming import Applied, apply_page
from fieldsurvey.sync.keys import (
    KeyPair,
    encryption_public_from_b64,
    fingerprint,
    signing_public_from_b64,
)
from fieldsurvey.sync.outgoing import seal_pending
from fieldsurvey.sync.photo_upload import PhotoReport, PhotoSender
from fieldsurvey.sync.transport import Progress, RetryPolicy, ServerError, Transport
from fieldsurvey.sync.urls import normalise_url, refuse_insecure_http
from fieldsurvey.sync.villages import forget_other_villages, pending_by_village

NOT_ENROLLED = Text(
    "本设备尚未注册到县级服务器,请先运行 fieldsurvey enroll",
    "this device is not enrolled; run 'fieldsurvey enroll' first",
)
MAX_PAGES = 10_000


@dataclass
class SyncReport:
    """What moved in one sync, for the panel and the command line."""

    sent_batches: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    downloaded: Applied = field(default_factory=Applied)
    warnings: list[Text] = field(
        default_factory=list
    )  # about the county's audit log (sync/kept_heads.py)
    photos: PhotoReport | None = None  # photos go after the records (sync/photo_upload.py)

    def lines(self) -> list[Text]:
        """The report a person reads, each line in both languages (the server's status codes named)."""
        out = []
        for b in self.sent_batches:
            counts = b.get("counts") or {}
            moved = sum(counts.values())
            status = str(b.get("status") or "")
            note = (
                Text("已接收过", "already received")
                if b.get("already_received")
                else BATCH_STATUS.get(status, Text(status, status))
            )
            out.append(
                Text(
                    f"上传批次：{moved}条记录（{note.zh}）",
                    f"uploaded a batch of {moved} records ({note.en})",
                )
            )
            if b.get("conflicts"):
                out.append(
                    Text(
                        f"  其中{b['conflicts']}处冲突交县里处理",
                        f"  {b['conflicts']} conflicts went to the county's queue",
                    )
                )
        for r in self.refused:
            out.append(Text(f"批次被拒收：{r['zh']}", f"batch refused: {r['en']}"))
        d = self.downloaded
        out.append(
            Text(
                f"下载：{d.households}户更新，{d.visits}次走访，{d.deleted}户移除"
                + ("，已完整重新同步" if d.full else ""),
                f"downloaded: {d.households} households updated, {d.visits} visits, {d.deleted} removed"
                + (", full resync" if d.full else ""),
            )
        )
        if d.forgotten is not None:
            out.append(d.forgotten.sentence())
        for n in d.notices:
            if n["kind"] != "batch_accepted":
                out.append(
                    Text(f"县里的消息：{n['text']['zh']}", f"from the county: {n['text']['en']}")
                )
        p = self.photos
        if p is not None and (p.stored or p.already or p.refused or p.bundles):
            out.append(
                Text(
                    f"照片：上传{p.stored}张，县里已有{p.already}张，共{p.bytes_sent // 1024} KB",
                    f"photos: {p.stored} uploaded, {p.already} already at the county, {p.bytes_sent // 1024} KB",
                )
            )
            for r in p.refused:
                out.append(
                    Text(
                        f"  照片未被接收：{r.get('zh', '')}",
                        f"  a photo was not accepted: {r.get('en', '')}",
                    )
                )
        for w in self.all_warnings():
            out.append(Text(f"警告：{w.zh}", f"warning: {w.en}"))
        return out

    def all_warnings(self) -> list[Text]:
        return [*self.warnings, *self.downloaded.warnings]

    def to_dict(self) -> dict[str, Any]:
        d = self.downloaded
        return {
            "sent": self.sent_batches,
            "refused": self.refused,
            "downloaded": {
                "households": d.households,
                "visits": d.visits,
                "deleted": d.deleted,
                "full": d.full,
            },
            "notices": [n for n in d.notices if n["kind"] != "batch_accepted"],
            "erased": None
            if d.forgotten is None
            else {**d.forgotten.to_dict(), "message": d.forgotten.sentence().both()},
            "warnings": [{"zh": w.zh, "en": w.en} for w in self.all_warnings()],
            "photos": None
            if self.photos is None
            else {
                "stored": self.photos.stored,
                "already": self.photos.already,
                "refused": self.photos.refused,
                "bytes_sent": self.photos.bytes_sent,
                "bundles": self.photos.bundles,
            },
        }


# The server's batch statuses (server/batches/), as the sync report names them.
BATCH_STATUS = {
    "merged": Text("已合并", "merged"),
    "has_conflicts": Text("已合并，有冲突待县里处理", "merged, with conflicts for the county"),
    "refused": Text("被拒收", "refused"),
    "applying": Text("正在合并", "being merged"),
}


class SyncClient:
    """``http``: makes the HTTP client each call uses (by default one to the enrolled server's URL;
    an in-process client for the county's app where a test needs no server process)."""

    def __init__(
        self,
        store: Any,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        policy: RetryPolicy | None = None,
        http: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.store = store
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self.policy = policy
        self.http = http

    # -- state --------------------------------------------------------------------------------
    def enrollment(self) -> Enrollment | None:
        return self.store.sync_state.enrollment()

    def identity(self) -> tuple[Identity, Enrollment]:
        row = self.enrollment()
        if row is None:
            raise UserError(NOT_ENROLLED, code="not_enrolled")
        keys = KeyPair.from_private_b64(row.signing_private, row.encryption_private)
        return Identity(
            row.device_id,
            row.username,
            row.county,
            keys,
            row.county_signing_key,
            row.county_encryption_key,
        ), row

    def _transport(self, url: str, identity: Identity | None) -> Transport:
        return Transport(
            url,
            identity=identity,
            policy=self.policy,
            progress=self.progress,
            cancel=self.cancel,
            client=self.http() if self.http else None,
        )

    # -- enrollment -----------------------------------------------------------------------------
    def enroll(
        self,
        server_url: str,
        code: str,
        *,
        label: str | None = None,
        expect_fingerprint: str | None = None,
        allow_insecure_http: bool = False,
    ) -> Enrollment:
        """Register this device with a one-time code and pin the county's keys.

        ``http://`` to another computer is refused unless the user allowed it: the code and the
        county's keys would cross the network unprotected (a fingerprint check still catches a
        substituted server).
        """
        server_url = normalise_url(
            server_url
        )  # "county.example.cn" is completed, not an unreachable network
        refuse_insecure_http(server_url, allow=allow_insecure_http, hint="--allow-insecure-http")
        if self.enrollment() is not None:
            raise UserError(
                Text("本设备已注册", "this device is already enrolled"), code="already_enrolled"
            )
        keys = KeyPair.generate()
        t = self._transport(server_url, None)
        try:
            info = t.enroll(code, keys, label or platform.node()[:64] or "laptop")
        finally:
            t.close()
        county = info["county"]
        actual = fingerprint(
            signing_public_from_b64(county["signing_key"]),
            encryption_public_from_b64(county["encryption_key"]),
        )
        if expect_fingerprint and _norm(expect_fingerprint) != _norm(actual):
            raise UserError(
                Text(
                    "县级密钥指纹不符，可能连到了假冒的服务器",
                    "the county key fingerprint does not match: this may not be your county's server",
                ),
                code="fingerprint_mismatch",
            )
        signing, encryption = keys.private_b64()
        row = Enrollment(
            slot=1,
            device_id=info["device_id"],
            username=info["user"]["username"],
            display_name=info["user"]["display_name"],
            role=info["user"]["role"],
            villages=info.get("villages"),
            county=county["code"],
            county_name=county["name"],
            server_url=server_url.rstrip("/"),
            signing_private=signing,
            encryption_private=encryption,
            county_signing_key=county["signing_key"],
            county_encryption_key=county["encryption_key"],
            fingerprint=actual,
            enrolled_at=datetime.now(UTC).replace(tzinfo=None),
            cursor=None,
            last_sync_at=None,
        )
        self.store.sync_state.enroll(row)
        return row

    # -- sync -------------------------------------------------------------------------------------
    def sync(self) -> SyncReport:
        """Send every unconfirmed batch and what is pending, then download all feed pages.

        The feed names the villages the user has now; households of any other village are then
        erased from this laptop (``villages.py``) — after everything pending was sent: the county
        accepts this device's updates to a village it took away until this device has downloaded
        a feed without it (``server/drain.py``). Work for the remaining villages that
        travelled in a batch refused because of a lost village (after the drain) is sealed again
        without it and sent in the same sync.
        """
        identity, row = self.identity()
        report = SyncReport()
        pending_before = pending_by_village(
            self.store
        )  # to tell what of an erased village went up first
        t = self._transport(row.server_url, identity)
        try:
            self._send_pending(t, report)
            batch = seal_pending(self.store, identity, row.cursor)
            if batch is not None:
                self._send(t, batch, report)
                if _new_household_refused(report, batch.batch_id) and not self.cancel.is_set():
                    # A household made here in a village the county has just taken away cannot
                    # go (the county takes no new household there); the updates to its existing
                    # households still can, until this device downloads (server/drain.py).
                    rest = seal_pending(self.store, identity, row.cursor, existing_only=True)
                    if rest is not None:
                        self._send(t, rest, report)
            report.downloaded = self._download(t, identity)
            self._forget(report.downloaded, pending_before)
            if (
                report.downloaded.forgotten is not None
                and report.refused
                and not self.cancel.is_set()
            ):
                again = seal_pending(self.store, identity, self.enrollment().cursor)  # type: ignore[union-attr]
                if again is not None:
                    self._send(t, again, report)
                    forgotten = report.downloaded.forgotten
                    report.downloaded.merge(self._download(t, identity))
                    report.downloaded.forgotten = forgotten
            if not self.cancel.is_set():  # the records are in: now the pictures
                report.photos = PhotoSender(
                    self.store, identity, t, self.progress, self.cancel
                ).send()
        finally:
            t.close()
        return report

    def _forget(self, applied: Applied, pending_before: dict[str, int] | None = None) -> None:
        """Erase the households of villages the county no longer assigns (when the feed said so)."""
        if applied.told_villages and not self.cancel.is_set():
            applied.forgotten = forget_other_villages(self.store, applied.villages, pending_before)

    def _send_pending(self, t: Transport, report: SyncReport) -> None:
        for b in self.store.sync_state.pending_batches():
            self._send(t, b, report)

    def _send(self, t: Transport, batch: SentBatch, report: SyncReport) -> None:
        try:
            result = t.upload(batch.batch_id, batch.data)
        except ServerError as e:
            if e.status in (400, 403, 409, 413, 422):
                reason = {
                    "batch_id": batch.batch_id,
                    "code": e.code,
                    "zh": e.text.zh,
                    "en": e.text.en,
                }
                if isinstance(e.body.get("kind"), str):  # which kind of record the county refused
                    reason["kind"] = e.body["kind"]
                self.store.sync_state.refuse_batch(batch.batch_id, reason)
                report.refused.append(reason)
                if e.status == 403 and e.code in (
                    ErrorCode.DEVICE_REVOKED,
                    ErrorCode.ACCOUNT_DISABLED,
                ):
                    raise
                return
            raise
        with self.store.sync_state.transaction() as w:
            # A head that does not verify, or answers another batch, makes the whole answer
            # untrusted: nothing is confirmed and the batch is sent again next time.
            head = result.get("audit_head")
            if head is None:
                report.warnings.append(kept_heads.NO_HEAD)
            else:
                report.warnings.extend(
                    kept_heads.accept(w, head, batch_id=batch.batch_id, via="upload")
                )
            w.confirm_batch(
                batch.batch_id,
                {k: result.get(k) for k in ("status", "conflicts", "already_received")},
            )
        report.sent_batches.append(result)

    def _download(self, t: Transport, identity: Identity) -> Applied:
        total = Applied()
        for _page in range(MAX_PAGES):
            if self.cancel.is_set():
                break
            cursor = self.enrollment().cursor  # type: ignore[union-attr]
            payload = open_feed(identity, t.feed_page(cursor))
            total.merge(self.apply(payload))
            if self.progress:
                self.progress("download", total.households, total.households)
            if not payload["header"]["more"]:
                break
        return total

    def apply(self, payload: dict[str, Any]) -> Applied:
        """Apply one verified feed page in one transaction."""
        with self.store.sync_state.transaction() as w:
            return apply_page(w, payload)

    # -- USB --------------------------------------------------------------------------------------
    def export_batch(self, out: Path) -> dict[str, Any]:
        """Write a batch file for the county office: unconfirmed batches first, else a new one."""
        identity, row = self.identity()
        pending = next(iter(self.store.sync_state.pending_batches()), None)
        batch = pending or seal_pending(self.store, identity, row.cursor)
        if batch is None:
            raise UserError(
                Text("没有待上传的数据", "there is nothing waiting to be sent"),
                code="nothing_pending",
            )
        atomic_write(out, batch.data)
        self.store.sync_state.mark_exported(batch.batch_id, str(out))
        sender = PhotoSender(self.store, identity, None, self.progress, self.cancel)  # type: ignore[arg-type]
        photos = sender.export(out.parent, out.stem)
        return {
            "batch_id": batch.batch_id,
            "counts": batch.counts,
            "bytes": len(batch.data),
            "again": pending is not None,
            "photo_files": [str(p) for p in photos],
        }

    def import_updates(self, path: Path) -> Applied:
        """Apply an update file the county office wrote for this device."""
        identity, row = self.identity()
        payload = open_feed(
            identity, envelope.read_file(path)
        )  # bounded: a folder or /dev/zero is one sentence
        start = payload["header"].get("from_cursor") or None
        if start and row.cursor and start != row.cursor and not payload["header"].get("full"):
            older = _seq(start) <= _seq(row.cursor) if _same_epoch(start, row.cursor) else False
            if not older:
                raise UserError(
                    Text(
                        "这个更新文件与本机的进度不衔接，请先导入更早的文件或联网同步",
                        "this update file does not follow on from this device's state; import the "
                        "earlier file first or sync online",
                    ),
                    code="feed_gap",
                )
        applied = self.apply(payload)
        self._forget(applied)
        return applied

    # -- audit heads ------------------------------------------------------------------------------
    def audit_heads(self) -> list[AuditHead]:
        """The county's signed audit heads this device received and kept, oldest entry first."""
        return kept_heads.kept_heads(self.store)

    def export_audit_heads(self, out: Path) -> list[AuditHead]:
        """Write the kept heads as a checkpoint file for ``fieldsurvey server audit verify --checkpoint``."""
        heads = self.audit_heads()
        if not heads:
            raise UserError(
                Text(
                    "本机还没有收到县里签名的审计日志头（还没有批次被县里接收）",
                    "this laptop holds no signed audit heads yet (the county has not accepted any of its batches)",
                ),
                code="no_audit_heads",
            )
        atomic_write(out, audit_head.checkpoint_bytes(heads))
        return heads

    def notices(self, unread_only: bool = True) -> list[SyncNotice]:
        return self.store.sync_state.notices(unread_only)

    def mark_read(self, notice_ids: list[int]) -> None:
        self.store.sync_state.mark_read(notice_ids)


def _new_household_refused(report: SyncReport, batch_id: str) -> bool:
    """The county refused this batch for a new household in a village the user does not have."""
    return any(
        r["batch_id"] == batch_id
        and r["code"] == "village_not_assigned"
        and r.get("kind") == "household.create"
        for r in report.refused
    )


def _norm(fp: str) -> str:
    return "".join(fp.split()).upper()


def _seq(cursor: str) -> int:
    parts = cursor.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else -1


def _same_epoch(a: str, b: str) -> bool:
    return a.split(":")[0] == b.split(":")[0] and a.split(":")[-1] == b.split(":")[-1]
