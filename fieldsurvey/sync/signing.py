"""Signed HTTP requests: how a device proves who it is on every call after enrollment.

The device signs ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nSHA256(BODY)`` with its Ed25519 key and sends
``X-FS-Device``, ``X-FS-Timestamp`` (Unix seconds) and ``X-FS-Signature`` (base64). The server
accepts a timestamp within ``MAX_SKEW`` of its clock, so a captured request cannot be replayed
later; within the window a replay can only repeat an idempotent call.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldsurvey.sync.keys import b64

HEADER_DEVICE = "X-FS-Device"
HEADER_TIMESTAMP = "X-FS-Timestamp"
HEADER_SIGNATURE = "X-FS-Signature"
MAX_SKEW = 600  # seconds; field laptops' clocks drift


def signing_base(method: str, path_and_query: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join(
        (method.upper(), path_and_query, timestamp, hashlib.sha256(body).hexdigest())
    ).encode()


def sign_request(
    key: Ed25519PrivateKey,
    device_id: str,
    method: str,
    path_and_query: str,
    timestamp: int,
    body: bytes,
) -> dict[str, str]:
    ts = str(timestamp)
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIMESTAMP: ts,
        HEADER_SIGNATURE: b64(key.sign(signing_base(method, path_and_query, ts, body))),
    }
