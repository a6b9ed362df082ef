"""Tampered and replayed batches, sent by an enrolled device to the running county server.

Each copy of a batch the county already accepted is damaged one way — a byte of the body, the
header or the signature flipped, the file cut short or lengthened, or another batch id put in
the header — and uploaded through the ordinary resumable upload. Every one must be refused with
a 4xx naming the reason, and nothing may change in the registry (the orchestrator compares the
county's counts before and after). Then the intact batch is sent again: it must be answered
``already_received`` and add nothing.
"""

from __future__ import annotations

import random
import struct
import uuid
from collections import Counter
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.sync.envelope import parse
from fieldsurvey.sync.transport import ServerError, Transport

MAGIC_AND_LENGTH = 8
SIGNATURE = 64


def damage(data: bytes, how: str, rng: random.Random) -> bytes:
    (header_len,) = struct.unpack(">I", data[4:8])
    body_start = MAGIC_AND_LENGTH + header_len + 8
    out = bytearray(data)
    if how == "body_byte":
        out[rng.randrange(body_start, len(data) - SIGNATURE)] ^= rng.randrange(1, 256)
    elif how == "header_byte":
        out[rng.randrange(MAGIC_AND_LENGTH, MAGIC_AND_LENGTH + header_len)] ^= rng.randrange(1, 256)
    elif how == "signature_byte":
        out[rng.randrange(len(data) - SIGNATURE, len(data))] ^= rng.randrange(1, 256)
    elif how == "truncated":
        del out[rng.randrange(1, len(data)) :]
    elif how == "extended":
        out += rng.randbytes(rng.randrange(1, 64))
    elif how == "other_id":
        header = bytes(out[MAGIC_AND_LENGTH : MAGIC_AND_LENGTH + header_len])
        start = header.index(b'"id":"') + 6
        old_id = header[start : header.index(b'"', start)]
        new = header.replace(
            old_id, str(uuid.uuid4()).encode()[: len(old_id)].ljust(len(old_id), b"0")
        )
        out[MAGIC_AND_LENGTH : MAGIC_AND_LENGTH + header_len] = new
    else:
        raise ValueError(how)
    return bytes(out)


KINDS = ("body_byte", "header_byte", "signature_byte", "truncated", "extended", "other_id")


def tamper_and_replay(t: Transport, data: bytes, copies: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    refused: Counter[str] = Counter()
    accepted: list[str] = []
    for i in range(copies):
        how = KINDS[i % len(KINDS)]
        bad = damage(data, how, rng)
        try:
            result = t.upload(_batch_id(bad) or str(uuid.uuid4()), bad)
        except ServerError as e:
            refused[f"{e.status} {e.code}"] += 1
            continue
        accepted.append(f"{how}: {result.get('status')}")
    again = t.upload(str(_batch_id(data)), data)
    return {
        "copies": copies,
        "refused": dict(refused),
        "accepted": accepted,
        "replay_already_received": bool(again.get("already_received")),
    }


def _batch_id(data: bytes) -> str | None:
    """The id in the envelope's header, as an attacker replaying it would use; None if unreadable."""
    try:
        return str(parse(data).id)
    except UserError:
        return None
