"""The device's copy of the county's signed audit heads: checked, kept, compared, exported.

Every batch acceptance (the upload's answer, or the ``batch_accepted`` notice in the feed for a
batch carried by USB) brings a head signed with the county key (``sync/audit_head.py``). The
device checks it against the key it pinned at enrollment and against the batch it answers, keeps
the newest ``MAX_KEPT`` in ``sync_audit_heads``, and compares it with the heads it already holds:
the county's log only grows, so two heads for one entry with different hashes, or a head signed
clearly later than another but showing fewer entries, mean the log was rewritten or shortened,
and the secretary is told to alert the county's auditor. ``fieldsurvey sync audit-heads`` writes
the kept heads as a checkpoint file for ``fieldsurvey server audit verify --checkpoint``.

A head that does not verify is never kept. In an upload's answer (which only TLS protects) it
makes the device refuse the answer: the batch stays unconfirmed and is sent again, which is
harmless (the county answers "already received", with a fresh head). In the feed (signed by the
county as a whole, so the forged head must come from the server's stored notices) it is dropped
with a warning, and the page is applied.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.store.sync_repo import SyncWriter
from fieldsurvey.store.sync_state import KeptAuditHead
from fieldsurvey.sync import audit_head
from fieldsurvey.sync.audit_head import AuditHead
from fieldsurvey.sync.keys import signing_public_from_b64

MAX_KEPT = 300
CLOCK_SLACK = timedelta(minutes=10)  # the county's clock may step back a little (NTP); not more
NO_HEAD = Text(
    "县里的回复没有附带审计日志签名头（服务器版本较旧?）",
    "the county's answer carried no signed audit head (an older server?)",
)


def check(w: SyncWriter, doc: Any, *, batch_id: str | None) -> AuditHead:
    """Parse and verify a head against the pinned county key; it must answer ``batch_id``."""
    enrollment = w.enrollment()
    if enrollment is None:
        raise UserError(Text("本设备尚未注册", "this device is not enrolled"), code="not_enrolled")
    head = audit_head.parse(doc)
    audit_head.verify(
        head, signing_public_from_b64(enrollment.county_signing_key), enrollment.county
    )
    if batch_id is not None and head.batch_id != batch_id:
        raise UserError(
            Text(
                "审计日志签名头不是这个批次的回执，可能是重放的旧回复",
                "the audit head is not the receipt of this batch: it may be an old answer replayed",
            ),
            code="audit_head_other_batch",
        )
    return head


def keep(w: SyncWriter, head: AuditHead, *, via: str) -> list[Text]:
    """Store a verified head; returns warnings when it contradicts the heads already kept."""
    if w.has_head(head.entry_no, head.entry_hash):
        return []
    kept = [AuditHead(county, n, h, at, None, "") for county, n, h, at in w.head_summaries()]
    warnings = contradictions(head, kept)
    w.keep_head(
        KeptAuditHead(
            entry_no=head.entry_no,
            entry_hash=head.entry_hash,
            county=head.county,
            signed_at=head.signed_at,
            batch_id=head.batch_id,
            signature=head.signature,
            via=via,
            received_at=datetime.now(UTC).replace(tzinfo=None),
        ),
        keep_newest=MAX_KEPT,
    )
    return warnings


def contradictions(head: AuditHead, kept: list[AuditHead]) -> list[Text]:
    """What an append-only log can never show: one entry with two hashes, or a log that shrank."""
    out: list[Text] = []
    for other in kept:
        if other.entry_no == head.entry_no and other.entry_hash != head.entry_hash:
            out.append(
                Text(
                    f"县里的审计日志第{head.entry_no}条与本机此前收到的签名不一致：日志可能被改写，请告知县审计人员",
                    f"the county's audit log differs at entry {head.entry_no} from a signed head this laptop received "
                    "before: the log may have been rewritten; tell the county's auditor",
                )
            )
            break
        earlier, later = sorted((other, head), key=lambda h: h.signed_time())
        if (
            earlier.entry_no > later.entry_no
            and earlier.signed_time() + CLOCK_SLACK < later.signed_time()
        ):
            out.append(
                Text(
                    f"县里的审计日志变短了：{later.signed_at[:16]}签的是第{later.entry_no}条，而{earlier.signed_at[:16]}"
                    f"已到第{earlier.entry_no}条。日志可能被删减，请告知县审计人员",
                    f"the county's audit log got shorter: it was at entry {later.entry_no} when "
                    f"signed at {later.signed_at[:16]}, but already at entry {earlier.entry_no} "
                    f"at {earlier.signed_at[:16]}; entries may have been removed: "
                    "tell the county's auditor",
                )
            )
            break
    return out


def accept(w: SyncWriter, doc: Any, *, batch_id: str | None, via: str) -> list[Text]:
    """``check`` then ``keep``: raises when the head does not verify (an upload's answer)."""
    return keep(w, check(w, doc, batch_id=batch_id), via=via)


def receive_from_feed(w: SyncWriter, doc: Any, *, batch_id: str | None) -> list[Text]:
    """A head in a feed notice: kept when it verifies, otherwise dropped with a warning."""
    try:
        return accept(w, doc, batch_id=batch_id, via="feed")
    except UserError as e:
        return [
            Text(
                f"县里消息中的审计日志签名头被拒绝：{e.text.zh}。请告知县审计人员",
                f"an audit head in the county's updates was refused: {e.text.en}. Tell the county's auditor",
            )
        ]


def kept_heads(store: Any) -> list[AuditHead]:
    """The heads this device kept, oldest entry first."""
    return [_head(r) for r in store.sync_state.kept_heads()]


def _head(row: KeptAuditHead) -> AuditHead:
    return AuditHead(
        row.county, int(row.entry_no), row.entry_hash, row.signed_at, row.batch_id, row.signature
    )
