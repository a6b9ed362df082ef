"""The audit log: append-only, hash-chained and signed by the county key.

Each entry's hash covers its number, time, actor, action, subject, details and the previous
entry's hash; the county signing key signs the hash. Editing an entry breaks its hash, removing
one breaks the numbering and the chain, and rewriting the chain from there on needs the private
key, which lives outside the database. Entries are written in the same transaction as the change
they record, so a rolled-back batch leaves no entry either. Details hold ids, field names and
counts, never personal values.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldsurvey.sync import canonical
from fieldsurvey.sync.keys import b64, unb64, verify_signature
from fieldsurvey.sync.server.models import AuditEntry, Counter

GENESIS = "0" * 64


def _hash(entry_no: int, at: str, actor: str, action: str, subject: str, details: str, prev_hash: str) -> str:
    body = canonical.dumps(
        {"entry_no": entry_no, "at": at, "actor": actor, "action": action, "subject": subject,
         "details": details, "prev_hash": prev_hash}
    )
    return hashlib.sha256(body).hexdigest()


def append(
    session: Session, signer: Ed25519PrivateKey, *, actor: str, action: str, subject: str, details: dict[str, Any]
) -> int:
    """Add an entry inside the caller's transaction; the counter row lock keeps the chain linear."""
    entry_no = session.execute(
        update(Counter).where(Counter.name == "audit").values(value=Counter.value + 1).returning(Counter.value)
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
            entry_no=entry_no, at=at, actor=actor[:128], action=action, subject=subject[:128], details=text,
            prev_hash=prev_hash, entry_hash=entry_hash, signature=b64(signer.sign(bytes.fromhex(entry_hash))),
        )
    )
    session.flush()
    return int(entry_no)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    entries: int
    head_hash: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, public: Ed25519PublicKey) -> VerifyResult:
    """Walk the whole chain; every break is reported with the entry number where it shows."""
    problems: list[str] = []
    expected_no = 1
    prev_hash = GENESIS
    count = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.entry_no)).scalars():
        count += 1
        if entry.entry_no != expected_no:
            problems.append(f"entry {expected_no}..{entry.entry_no - 1} missing")
        if entry.prev_hash != prev_hash:
            problems.append(f"entry {entry.entry_no}: does not follow the previous entry")
        recomputed = _hash(entry.entry_no, entry.at, entry.actor, entry.action, entry.subject, entry.details, entry.prev_hash)
        if recomputed != entry.entry_hash:
            problems.append(f"entry {entry.entry_no}: content was changed")
        try:
            signed = verify_signature(public, unb64(entry.signature, length=64), bytes.fromhex(entry.entry_hash))
        except Exception:
            signed = False
        if not signed:
            problems.append(f"entry {entry.entry_no}: signature does not verify")
        prev_hash = entry.entry_hash
        expected_no = entry.entry_no + 1
    counter = session.execute(select(Counter.value).where(Counter.name == "audit")).scalar_one()
    if counter != expected_no - 1:
        problems.append(f"entries {expected_no}..{counter} missing at the end")
    return VerifyResult(count, prev_hash, problems)
