"""The audit log: append-only, hash-chained and signed by the county key.

Each entry's hash covers its number, time, actor, action, subject, details and the previous
entry's hash; the county signing key signs the hash. Editing an entry breaks its hash, removing
one breaks the numbering and the chain, and rewriting the chain from there on needs the private
key, which lives outside the database. Entries are written in the same transaction as the change
they record, so a rolled-back batch leaves no entry either. Details hold ids, field names and
counts, never personal values.

What the chain alone cannot show is its own end: deleting the newest entries and lowering the
counter leaves a shorter chain that still verifies, and someone holding the key could write a
whole new one. So the county hands out signed heads (``sync/audit_head.py``) — with every batch
acceptance, and as an auditor's checkpoint — and ``verify`` checks the log against every head it
is shown: the entry at that number must exist and have that hash.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.db.models import AuditEntry, Counter
from fieldsurvey.sync import audit_head, canonical
from fieldsurvey.sync.audit_head import AuditHead
from fieldsurvey.sync.keys import b64, unb64, verify_signature

GENESIS = "0" * 64


def _hash(
    entry_no: int, at: str, actor: str, action: str, subject: str, details: str, prev_hash: str
) -> str:
    body = canonical.dumps(
        {
            "entry_no": entry_no,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "details": details,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body).hexdigest()


def append(
    session: Session,
    signer: Ed25519PrivateKey,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
) -> int:
    """Add an entry inside the caller's transaction; the counter row lock keeps the chain linear."""
    entry_no = session.execute(
        update(Counter)
        .where(Counter.name == "audit")
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    prev_hash = GENESIS
    if entry_no > 1:
        prev_hash = session.execute(
            select(AuditEntry.entry_hash).where(AuditEntry.entry_no == entry_no - 1)
        ).scalar_one()
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    text = canonical.dumps(details).decode("utf-8")
    entry_hash = _hash(entry_no, at, actor[:128], action, subject[:128], text, prev_hash)
    session.add(
        AuditEntry(
            entry_no=entry_no,
            at=at,
            actor=actor[:128],
            action=action,
            subject=subject[:128],
            details=text,
            prev_hash=prev_hash,
            entry_hash=entry_hash,
            signature=b64(signer.sign(bytes.fromhex(entry_hash))),
        )
    )
    session.flush()
    return int(entry_no)


def head(session: Session) -> tuple[int, str]:
    """The number and hash of the newest entry (inside a writer's transaction: its own last entry)."""
    count = int(session.execute(select(Counter.value).where(Counter.name == "audit")).scalar_one())
    entry_hash = session.execute(
        select(AuditEntry.entry_hash).where(AuditEntry.entry_no == count)
    ).scalar_one_or_none()
    if count < 1 or entry_hash is None:
        raise UserError(
            Text(
                "审计日志为空或最后一条缺失", "the audit log is empty or its last entry is missing"
            ),
            code="audit_broken",
        )
    return count, str(entry_hash)


def signed_head(
    session: Session, signer: Ed25519PrivateKey, county: str, *, batch_id: str | None = None
) -> AuditHead:
    """The current head signed with the county key: what a device or an auditor keeps."""
    entry_no, entry_hash = head(session)
    return audit_head.sign(
        signer, county=county, entry_no=entry_no, entry_hash=entry_hash, batch_id=batch_id
    )


@dataclass(frozen=True, slots=True)
class VerifyResult:
    entries: int
    head_hash: str
    problems: list[str]
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    session: Session,
    public: Ed25519PublicKey,
    checkpoints: Sequence[AuditHead] = (),
    county: str | None = None,
) -> VerifyResult:
    """Walk the whole chain; every break is reported with the entry number where it shows.

    Each checkpoint (a signed head kept outside the server) must be signed with this county's
    key, and the log must hold its entry with its hash: a log shorter than a head, or one that
    differs at a head's entry, fails.
    """
    problems: list[str] = []
    wanted: dict[int, list[AuditHead]] = defaultdict(list)
    for cp in checkpoints:
        try:
            audit_head.verify(cp, public, county or cp.county)
        except UserError as e:
            problems.append(f"head {cp.describe()}: {e.text.en}")
            continue
        wanted[cp.entry_no].append(cp)
    expected_no = 1
    prev_hash = GENESIS
    count = 0
    columns = (
        AuditEntry.entry_no,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.subject,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.entry_hash,
        AuditEntry.signature,
    )
    rows = session.execute(
        select(*columns).order_by(AuditEntry.entry_no).execution_options(yield_per=2000)
    )
    for entry_no, at, actor, action, subject, details, entry_prev, entry_hash, signature in rows:
        count += 1
        if entry_no != expected_no:
            problems.append(f"entry {expected_no}..{entry_no - 1} missing")
        if entry_prev != prev_hash:
            problems.append(f"entry {entry_no}: does not follow the previous entry")
        recomputed = _hash(entry_no, at, actor, action, subject, details, entry_prev)
        if recomputed != entry_hash:
            problems.append(f"entry {entry_no}: content was changed")
        try:
            signed = verify_signature(
                public, unb64(signature, length=64), bytes.fromhex(entry_hash)
            )
        except Exception:
            signed = False
        if not signed:
            problems.append(f"entry {entry_no}: signature does not verify")
        for cp in wanted.pop(entry_no, []):
            if entry_hash != cp.entry_hash:
                problems.append(
                    f"entry {entry_no} differs from the head signed {cp.signed_at}: the log was rewritten"
                )
        prev_hash = entry_hash
        expected_no = entry_no + 1
    last = expected_no - 1
    for entry_no, cps in sorted(wanted.items()):
        for cp in cps:
            if entry_no > last:
                problems.append(
                    f"the log ends at entry {last}, but the head signed {cp.signed_at} shows entry "
                    f"{entry_no}: entries were removed"
                )
            else:
                problems.append(
                    f"entry {entry_no}, shown by the head signed {cp.signed_at}, is missing"
                )
    counter = session.execute(select(Counter.value).where(Counter.name == "audit")).scalar_one()
    if counter != last:
        problems.append(f"the counter says {counter} entries but the log ends at entry {last}")
    return VerifyResult(count, prev_hash, problems, len(checkpoints))
