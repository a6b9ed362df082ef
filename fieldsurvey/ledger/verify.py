"""Check a printed page against the record: does its fingerprint match what we hold now?

The fingerprint on paper covers what was printed, so it is recomputed the same way from the
current record, for both the full copy and the public copy (masked ID numbers). A match says
the paper and the record agree; no match says the record changed since printing, or the paper
is not what this record prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.policy import Policy
from fieldsurvey.ledger.content import build_content
from fieldsurvey.ledger.model import LedgerInput, normalise_fingerprint

FULL = "full"
PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Verification:
    matches: bool
    copy: str | None  # FULL or PUBLIC when it matches
    full: str  # the fingerprint the record gives now
    public: str


def verify_fingerprint(inp: LedgerInput, typed: str, policy: Policy | None = None) -> Verification:
    """Compare a fingerprint read off paper (any case, dashes or spaces) with the record."""
    full = build_content(inp, masked=False, policy=policy).fingerprint()
    public = build_content(inp, masked=True, policy=policy).fingerprint()
    wanted = normalise_fingerprint(typed)
    copy = FULL if wanted == full else PUBLIC if wanted == public else None
    return Verification(copy is not None, copy, full, public)
