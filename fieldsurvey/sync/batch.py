"""Building and opening batches (device → county) and feeds (county → device) as envelopes.

``Identity`` is what an enrolled device holds: its id and keys, its user, and the county's pinned
public keys. The same sealed bytes go over HTTP or into a file on a USB stick.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync import envelope
from fieldsurvey.sync.keys import KeyPair, encryption_public_from_b64, signing_public_from_b64
from fieldsurvey.sync.schema import SCHEMA_VERSION, counts_of


@dataclass(frozen=True)
class Identity:
    device_id: str
    user: str
    county: str
    keys: KeyPair
    county_signing_key: str  # base64, pinned at enrollment
    county_encryption_key: str

    @property
    def county_signing(self) -> Ed25519PublicKey:
        return signing_public_from_b64(self.county_signing_key)

    @property
    def county_encryption(self) -> X25519PublicKey:
        return encryption_public_from_b64(self.county_encryption_key)


def form_versions(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    used: dict[str, set[str]] = {}
    for r in records:
        visit = r.get("visit") if r.get("kind") == "visit" else None
        if isinstance(visit, dict):
            used.setdefault(str(visit.get("form_id")), set()).add(str(visit.get("form_version")))
    return {k: sorted(v) for k, v in sorted(used.items())}


def batch_payload(
    identity: Identity,
    records: list[dict[str, Any]],
    *,
    base_cursor: str | None,
    batch_id: str | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    return {
        "header": {
            "schema": SCHEMA_VERSION,
            "batch_id": batch_id or str(uuid.uuid4()),
            "device_id": identity.device_id,
            "user": identity.user,
            "county": identity.county,
            "created_at": created_at or datetime.now(UTC).isoformat(timespec="seconds"),
            "base_cursor": base_cursor,
            "counts": counts_of(records),
            "form_versions": form_versions(records),
        },
        "records": records,
    }


def seal_batch(identity: Identity, payload: dict[str, Any]) -> bytes:
    h = payload["header"]
    return envelope.seal(
        kind="batch",
        envelope_id=h["batch_id"],
        sender=identity.device_id,
        recipient=identity.county,
        created_at=h["created_at"],
        payload=payload,
        signer=identity.keys.signing,
        recipient_key=identity.county_encryption,
    )


def open_feed(identity: Identity, data: bytes) -> dict[str, Any]:
    """Verify an update (feed) from the county and return its payload."""
    env = envelope.parse(data)
    if (
        env.kind != "feed"
        or env.recipient != identity.device_id
        or env.sender != f"county:{identity.county}"
    ):
        raise UserError(
            Text(
                "这个更新文件不是发给本设备的", "this update file is not addressed to this device"
            ),
            code="wrong_recipient",
        )
    payload = env.open(identity.county_signing, identity.keys.encryption)
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("header"), dict)
        or not isinstance(payload.get("items"), list)
    ):
        raise UserError(
            Text("更新文件内容格式不对", "the update file's content is malformed"), code="bad_feed"
        )
    return payload
