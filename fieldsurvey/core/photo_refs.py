"""How a visit's answers refer to photos, read without the form definition.

A ``photo`` field's answer is a list of ``{"photo": <sha256 hex>, "caption": <text or absent>}``;
the picture itself lives elsewhere (the device store's encrypted blob table, the county's sealed
photo table), addressed by the SHA-256 of its JPEG. The store, the sync client, the county server
and the ledger all need "which photos does this visit hold, in which field" without loading the
form engine, so the shape is defined here and read by a bounded walk over the answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MAX_CAPTION = 200
KINDS = ("household", "house_exterior", "house_interior", "water_source", "visit", "document")
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class PhotoRef:
    field: str  # the photo field's name (inside a repeat: the field's own name)
    sha256: str
    caption: str | None = None


def is_photo_item(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("photo"), str)
        and SHA256_HEX.fullmatch(value["photo"]) is not None
        and set(value) <= {"photo", "caption"}
    )


def item(sha256: str, caption: str | None = None) -> dict[str, str]:
    out = {"photo": sha256}
    if caption:
        out["caption"] = caption[:MAX_CAPTION]
    return out


def photo_refs(answers: Any) -> Iterator[PhotoRef]:
    """Every photo a visit's answers hold, in answer order (a repeat's instances included)."""

    def walk(value: Any, name: str, depth: int) -> Iterator[PhotoRef]:
        if depth > _MAX_DEPTH:
            return
        if isinstance(value, dict):
            for key, v in value.items():
                if isinstance(key, str) and not key.startswith("_"):
                    yield from walk(v, key, depth + 1)
        elif isinstance(value, list):
            for v in value:
                if is_photo_item(v):
                    caption = v.get("caption")
                    yield PhotoRef(name, v["photo"], caption if isinstance(caption, str) else None)
                else:
                    yield from walk(v, name, depth + 1)

    yield from walk(answers, "", 0)


def photo_hashes(answers: Any) -> list[str]:
    seen: dict[str, None] = {}
    for ref in photo_refs(answers):
        seen.setdefault(ref.sha256, None)
    return list(seen)
