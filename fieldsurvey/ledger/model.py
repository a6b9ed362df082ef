"""What a ledger is made from and what it prints, as plain data.

``LedgerInput`` is the record as the store hands it over (household, visits, assessment,
division names). ``LedgerContent`` is every string the ledger prints, already labelled and
masked, and nothing else: the renderer only lays it out, and the fingerprint is the SHA-256 of
its canonical serialisation. So a printed page can be checked against the record by rebuilding
the content from the record and comparing fingerprints (``verify.py``), and any change to what
would be printed (a name, an income, a visit, a label) changes the fingerprint, while the time
of printing does not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import Policy
from fieldsurvey.core.visit import Visit

# Bumped whenever the content model or its serialisation changes, so an old fingerprint is
# never compared against content built a different way without it being visible.
CONTENT_VERSION = "fieldsurvey-ledger/2"
FINGERPRINT_CHARS = 16


@dataclass(frozen=True, slots=True)
class DivisionNames:
    county: str
    township: str
    village: str

    @property
    def place(self) -> str:
        return f"{self.county}{self.township}{self.village}"


@dataclass(frozen=True, slots=True)
class LedgerPhoto:
    """A photo of a finalized visit as the caller found it (store or county): what it shows
    (the form field's kind), what its field calls it, when it was taken, and its JPEG."""

    kind: str  # household, house_exterior, house_interior, water_source, visit, document
    title: str  # the field's caption: 户貌, 全家福, 改造前, 改造后 …
    sha256: str
    jpeg: bytes
    visit_date: str  # ISO date of the visit that holds it
    taken_at: str | None = None  # ISO time from the camera
    caption: str | None = None  # the secretary's own words
    width: int = 0
    height: int = 0


@dataclass(frozen=True, slots=True)
class LedgerInput:
    """One household's record as the store gives it; visits in any order, drafts included."""

    household: Household
    visits: Sequence[Visit]
    names: DivisionNames
    assessment: Assessment | None = None  # None: the one stored with the newest finalized visit
    photos: Sequence[LedgerPhoto] = ()  # newest visit first; printed by kind (content.py)


@dataclass(frozen=True, slots=True)
class LedgerOptions:
    mask_ids: bool = False  # public copies (公示): ID numbers show first 6 and last 4 only
    generated_at: datetime | None = None  # None: now; printed in the footer, not fingerprinted
    policy: Policy | None = None  # None: the shipped tables with the county's overrides


@dataclass(frozen=True, slots=True)
class TableContent:
    """A printed table; ``key`` tells the renderer which column widths to use."""

    key: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class PhotoContent:
    """A printed photo: its caption line and its hash (so the fingerprint covers the picture)."""

    sha256: str
    caption: str
    width: int = 0
    height: int = 0


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    tables: tuple[TableContent, ...] = ()
    notes: tuple[str, ...] = ()
    photos: tuple[PhotoContent, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerContent:
    household_no: str
    head_name: str
    names: DivisionNames
    masked: bool
    cover: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)
    cover_photo: PhotoContent | None = None

    def canonical(self) -> bytes:
        return canonical_bytes(self)

    def fingerprint(self) -> str:
        return content_fingerprint(self)


def _without_empty_photos(value: Any) -> Any:
    """A ledger without photos serialises exactly as before photos existed, so its fingerprint
    (on paper already) still verifies; a photo's hash enters the fingerprint when one is printed."""
    if isinstance(value, dict):
        return {
            k: _without_empty_photos(v)
            for k, v in value.items()
            if not (k in ("photos", "cover_photo") and not v)
        }
    if isinstance(value, list | tuple):
        return [_without_empty_photos(v) for v in value]
    return value


def canonical_bytes(content: Any) -> bytes:
    """Stable bytes of a content dataclass for hashing: sorted keys, no whitespace, UTF-8."""
    body = json.dumps(
        _without_empty_photos(asdict(content)),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return f"{CONTENT_VERSION}\n{type(content).__name__}\n{body}".encode()


def content_fingerprint(content: Any) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()[:FINGERPRINT_CHARS].upper()


def format_fingerprint(fingerprint: str) -> str:
    """``3F2A9C1B0D4E77AA`` → ``3F2A-9C1B-0D4E-77AA``: easier to read aloud and to type back."""
    return "-".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def normalise_fingerprint(typed: str) -> str:
    """Accept what a person types from paper: any case, with spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch in "0123456789ABCDEF")


def qr_payload(household_no: str, fingerprint: str, kind: str = "FSLEDGER") -> str:
    """What the QR code holds: the kind of document, the record it is about, the fingerprint."""
    return f"{kind}:1:{household_no}:{fingerprint}"
