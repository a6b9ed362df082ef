"""Apply a checked batch in one transaction: all of it, or (on any error) nothing.

The batch row goes in first with INSERT … ON CONFLICT DO NOTHING; if another attempt already
holds the id, this transaction rolls back and the answer is "already received" (same content)
or 409 (different content). Then the ``seq`` counter is taken, records are applied in order,
conflicts and notices are written, one audit entry lists every accepted change, and the batch
row gets its result. A refused batch is logged (rejections table, audit, a notice to the
device) in a separate transaction after the rollback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.batches.applier import RecordApplier
from fieldsurvey.server.batches.checks import (
    CheckedBatch,
    Refused,
    check_batch,
    open_batch,
    refuse,
)
from fieldsurvey.server.dashboard.assessments import assess_unassessed_visits
from fieldsurvey.server.db.dialect import insert_ignore
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    BatchRow,
    Notice,
    Rejection,
)
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.sync import envelope
from fieldsurvey.sync.schema import (
    VisitRecord,
)


@dataclass
class IngestResult:
    batch_id: str
    status: str  # merged | has_conflicts
    already_received: bool
    counts: dict[str, int]
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0
    audit_head: dict[str, Any] | None = (
        None  # the signed head of the audit log (sync/audit_head.py)
    )

    def to_dict(self) -> dict[str, Any]:
        """The answer to the device: a summary, and the records that did not simply go in.

        Every record's outcome stays in the batch row (the county's inbox shows it); sending all
        of them back would double the bytes of a visits-only batch on a slow link.
        """
        summary: dict[str, int] = {}
        for o in self.outcomes:
            summary[o["outcome"]] = summary.get(o["outcome"], 0) + 1
        return {
            "batch_id": self.batch_id,
            "status": self.status,
            "already_received": self.already_received,
            "counts": self.counts,
            "conflicts": self.conflicts,
            "summary": summary,
            "outcomes": [
                o
                for o in self.outcomes
                if o["outcome"] in ("conflict", "deleted") or o.get("conflicts")
            ],
            "message": self.message().both(),
            "audit_head": self.audit_head,
        }

    def message(self) -> Text:
        if self.already_received:
            return Text("该批次已接收过，未重复处理", "already received; nothing applied twice")
        if self.conflicts:
            return Text(
                f"已合并，{self.conflicts}处冲突交县里处理",
                f"merged; {self.conflicts} conflicts sent to the county's queue",
            )
        return Text("已合并", "merged")


def county_code(sd: ServerDir) -> str:
    return str(sd.read_config()["county"])


def ingest(
    sd: ServerDir, data: bytes, *, via: str, expected_device: str | None = None
) -> IngestResult:
    """Check and apply one batch; raises ``Refused`` (after logging it) when it changes nothing."""
    county = county_code(sd)
    try:
        with sd.transaction() as session:
            checked = check_batch(session, sd.keys, county, data, expected_device)
            result = _apply(session, sd, checked, via)
    except Refused as e:
        _log_rejection(sd, data, e, via)
        raise
    except UserError as e:  # envelope and schema errors are refusals too
        refused = Refused(e.text, e.code, 422)
        _log_rejection(sd, data, refused, via)
        raise refused from e
    if result is None:
        try:
            return _previous_result(sd, data, county)
        except Refused as e:
            if e.code != "retry":  # a batch id reused for other content is a refusal like any other
                _log_rejection(sd, data, e, via)
            raise
    return result


def _previous_result(sd: ServerDir, data: bytes, county: str) -> IngestResult:
    with sd.transaction() as session:
        env, _raw, _device, sha, _plain = open_batch(session, sd.keys, county, data, None)
        row = session.get(BatchRow, env.id)
        if row is None:  # the other attempt rolled back meanwhile: let the client retry
            raise refuse("retry", "请稍后重试", "please retry", 503)
        if row.content_sha256 != sha:
            raise refuse(
                "batch_id_reused",
                "同一批次编号已用于不同内容，拒收",
                "this batch id was already used for different content",
                409,
            )
        return _stored_result(session, sd, county, row)


def _stored_result(session: Session, sd: ServerDir, county: str, row: BatchRow) -> IngestResult:
    """The answer an accepted batch got, again: ``already_received`` with a fresh signed head."""
    result = IngestResult(
        row.batch_id,
        row.status,
        True,
        dict(row.counts),
        list(row.result.get("outcomes", [])),
        row.conflict_count,
    )
    result.audit_head = audit.signed_head(
        session, sd.keys.signing, county, batch_id=row.batch_id
    ).to_dict()
    return result


def answer_again(sd: ServerDir, device_id: str, batch_id: str) -> IngestResult | None:
    """The stored answer to this device's accepted batch ``batch_id``, or None (no such batch of it).

    A commit that comes again after the county answered (the answer was lost on the way) finds its
    upload gone; this answer lets the laptop confirm the batch without sending its bytes again."""
    with sd.transaction() as session:
        row = session.get(BatchRow, batch_id)
        if row is None or row.device_id != device_id:
            return None
        return _stored_result(session, sd, county_code(sd), row)


def _apply(session: Session, sd: ServerDir, checked: CheckedBatch, via: str) -> IngestResult | None:
    h = checked.payload.header
    now = datetime.now(UTC)
    inserted = insert_ignore(
        session,
        BatchRow,
        dict(
            batch_id=h.batch_id,
            device_id=checked.device.device_id,
            user_id=checked.principal.user_id,
            received_at=now,
            created_at=h.created_at,
            via=via,
            size=checked.size,
            content_sha256=checked.content_sha256,
            villages=sorted(set(checked.village_of.values())),
            counts=dict(h.counts),
            status="applying",
            conflict_count=0,
            result={},
        ),
    )
    if not inserted:
        session.rollback()
        return None
    seq = SeqAllocator(session)
    # The checks loaded the batch's records before this transaction held the seq lock; another
    # batch may have changed them since (PostgreSQL, concurrent uploads). Merge against what is
    # committed now, not the copies in the session, or its edit would be overwritten unseen.
    session.expire_all()
    applier = RecordApplier(session, checked, seq, now)
    applier.prepare()
    with session.no_autoflush:
        for i, record in enumerate(checked.payload.records):
            applier.apply(i, record)
        applier.flush()
    applier.provenance.flush()
    applier.check_people()
    applier.outcomes.sort(key=lambda o: o["i"])
    assess_unassessed_visits(
        session, [r.visit for r in checked.payload.records if isinstance(r, VisitRecord)]
    )
    conflicts = sum(len(o.get("conflicts", [])) for o in applier.outcomes)
    status = "has_conflicts" if conflicts else "merged"
    row = session.get(BatchRow, h.batch_id)
    assert row is not None
    row.status, row.conflict_count, row.result = status, conflicts, {"outcomes": applier.outcomes}
    checked.device.last_cursor = h.base_cursor
    result = IngestResult(h.batch_id, status, False, dict(h.counts), applier.outcomes, conflicts)
    audit.append(
        session,
        sd.keys.signing,
        actor=checked.principal.actor,
        action="batch_accepted",
        subject=h.batch_id,
        details={
            "via": via,
            "status": status,
            "counts": dict(h.counts),
            "changes": applier.audit_changes,
            **({"drained_villages": sorted(checked.drained)} if checked.drained else {}),
        },
    )
    # The acceptance carries the signed head of the log, this batch's entry last: the device keeps it.
    result.audit_head = audit.signed_head(
        session, sd.keys.signing, county_code(sd), batch_id=h.batch_id
    ).to_dict()
    # The device hears of the acceptance in its feed too: a batch carried by USB has no reply.
    session.add(
        Notice(
            seq=seq.next(),
            device_id=checked.device.device_id,
            village_code=None,
            kind="batch_accepted",
            household_id=None,
            ref=h.batch_id,
            created_at=now,
            text_zh=f"批次已被县里接收：{result.message().zh}",
            text_en=f"the county accepted a batch: {result.message().en}",
            data={
                "status": status,
                "conflicts": conflicts,
                "counts": dict(h.counts),
                "audit_head": result.audit_head,
            },
        )
    )
    seq.finish()
    return result


def _log_rejection(sd: ServerDir, data: bytes, error: Refused, via: str) -> None:
    """Record a refusal; the device hears of it on its next sync too (file batches have no reply)."""
    batch_id = device_id = None
    try:
        env = envelope.parse(data)
        batch_id, device_id = env.id, env.sender
    except UserError:
        pass
    now = datetime.now(UTC)
    with sd.transaction() as session:
        seq = SeqAllocator(session)
        session.add(
            Rejection(
                batch_id=batch_id,
                device_id=device_id,
                received_at=now,
                via=via,
                size=len(data),
                reason_code=error.code,
                reason_zh=error.text.zh,
                reason_en=error.text.en,
            )
        )
        from fieldsurvey.server.db.models import Device

        if (
            device_id
            and session.get(Device, device_id) is not None
            and error.code not in ("bad_signature", "batch_id_reused")
        ):
            session.add(
                Notice(
                    seq=seq.next(),
                    device_id=device_id,
                    village_code=None,
                    kind="rejected",
                    household_id=None,
                    ref=batch_id,
                    text_zh=f"批次被县里拒收：{error.text.zh}",
                    text_en=f"the county refused a batch: {error.text.en}",
                    data={"batch_id": batch_id, "code": error.code},
                    created_at=now,
                )
            )
        seq.finish()
        where = {k: v for k, v in getattr(error, "extra", {}).items() if k in ("record", "kind")}
        audit.append(
            session,
            sd.keys.signing,
            actor=f"device:{device_id}" if device_id else "unknown",
            action="batch_refused",
            subject=batch_id or "?",
            details={"via": via, "code": error.code, "size": len(data), **where},
        )
