"""The signed audit head: "the county's audit log had N entries, the last with hash H".

The county's audit log is a hash chain, so the hash of entry N pins every entry up to N. A head
signed with the county's Ed25519 key and kept *outside* the server (by every device that gets a
batch accepted, and by an auditor who asks for a checkpoint) makes a shortened or rewritten log
show: ``server audit verify --checkpoint FILE`` fails when the entry at N is missing or has
another hash. Someone who copies or edits the database cannot sign a head, so cannot lower what
the devices hold; someone who also holds the signing key can rewrite the log but not the heads
already given out.

The signed document (version 1) is a canonical JSON object (``sync/canonical.py``) with exactly
these fields::

    {"format": "fieldsurvey-audit-head", "version": 1, "county": "610728",
     "entry_no": 1234, "entry_hash": "<64 hex>", "signed_at": "2025-05-06T08:00:00.000000+00:00",
     "batch_id": "<the accepted batch>" | null}

The Ed25519 signature covers ``DOMAIN`` followed by those canonical bytes; the domain prefix keeps
a head signature from ever being valid as a batch or feed envelope (which start with ``FSE1``),
a signed request (``METHOD\\n…``) or an audit entry signature (32 raw bytes). On the wire and in
files the head travels as the same object plus ``"signature"`` (base64 of 64 bytes). A head in a
batch acceptance names the batch it answers (``batch_id``), so an old head cannot be replayed as
the receipt of another batch; a checkpoint has ``batch_id`` null.

A checkpoint file holds one or more heads::

    {"format": "fieldsurvey-audit-checkpoint", "version": 1, "heads": [<signed head>, …]}

A bare signed head is read as a checkpoint of one head, so a head copied out of an upload's
answer can be given to ``audit verify`` as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync import canonical
from fieldsurvey.sync.keys import b64, unb64, verify_signature

FORMAT = "fieldsurvey-audit-head"
CHECKPOINT_FORMAT = "fieldsurvey-audit-checkpoint"
VERSION = 1
DOMAIN = b"fieldsurvey/audit-head/v1\n"
SIGNED_FIELDS = ("format", "version", "county", "entry_no", "entry_hash", "signed_at", "batch_id")
MAX_FILE = 1024 * 1024  # a device keeps a few hundred heads; an auditor's file holds one
MAX_HEADS = 2000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_COUNTY = re.compile(r"^[0-9]{6}$")


def _bad(en: str, zh: str) -> UserError:
    return UserError(
        Text(f"审计日志签名头无效：{zh}", f"not a valid signed audit head: {en}"),
        code="bad_audit_head",
    )


@dataclass(frozen=True, slots=True)
class AuditHead:
    """One signed statement of the audit log's length and last hash (see the module's text)."""

    county: str
    entry_no: int
    entry_hash: str
    signed_at: str
    batch_id: str | None
    signature: str  # base64 of the Ed25519 signature over DOMAIN + canonical(signed body)

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "county": self.county,
            "entry_no": self.entry_no,
            "entry_hash": self.entry_hash,
            "signed_at": self.signed_at,
            "batch_id": self.batch_id,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    def message(self) -> bytes:
        return signed_message(self.body())

    def signed_time(self) -> datetime:
        return datetime.fromisoformat(self.signed_at)

    def describe(self) -> str:
        return f"entry {self.entry_no} ({self.entry_hash[:16]}…, signed {self.signed_at})"


def signed_message(body: dict[str, Any]) -> bytes:
    """The exact bytes the county signs: the domain prefix, then the canonical JSON body."""
    return DOMAIN + canonical.dumps(body)


def sign(
    signer: Ed25519PrivateKey,
    *,
    county: str,
    entry_no: int,
    entry_hash: str,
    batch_id: str | None = None,
    signed_at: str | None = None,
) -> AuditHead:
    at = signed_at or datetime.now(UTC).isoformat(timespec="microseconds")
    unsigned = AuditHead(county, int(entry_no), entry_hash, at, batch_id, "")
    _check_fields(unsigned.body())
    return AuditHead(
        county, int(entry_no), entry_hash, at, batch_id, b64(signer.sign(unsigned.message()))
    )


def _check_fields(doc: dict[str, Any]) -> None:
    if doc.get("format") != FORMAT:
        raise _bad("it is not an audit head", "不是审计日志签名头")
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        raise UserError(
            Text(
                "不支持的审计签名头版本，请升级软件",
                "unsupported audit head version: upgrade FieldSurvey",
            ),
            code="unsupported_audit_head",
        )
    if not isinstance(doc.get("county"), str) or not _COUNTY.match(doc["county"]):
        raise _bad("the county code is missing or malformed", "县代码缺失或格式不对")
    n = doc.get("entry_no")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= canonical.MAX_SAFE_INTEGER:
        raise _bad("the entry number is not a positive integer", "条目编号不是正整数")
    if not isinstance(doc.get("entry_hash"), str) or not _HEX64.match(doc["entry_hash"]):
        raise _bad("the entry hash is not 64 hex digits", "条目哈希不是64位十六进制")
    at = doc.get("signed_at")
    if not isinstance(at, str) or len(at) > 40:
        raise _bad("the signing time is missing", "缺少签名时间")
    try:
        aware = datetime.fromisoformat(at).tzinfo is not None
    except ValueError as e:
        raise _bad("the signing time is not an ISO-8601 time", "签名时间格式不对") from e
    if not aware:
        raise _bad("the signing time has no time zone", "签名时间缺少时区")
    batch = doc.get("batch_id")
    if batch is not None and (not isinstance(batch, str) or not 0 < len(batch) <= 64):
        raise _bad("the batch id is malformed", "批次编号格式不对")


def parse(doc: Any) -> AuditHead:
    """Check the shape of a signed head (not yet its signature: ``verify`` does)."""
    if not isinstance(doc, dict):
        raise _bad("it is not a JSON object", "不是JSON对象")
    if set(doc) != {*SIGNED_FIELDS, "signature"}:
        raise _bad("it does not have exactly the expected fields", "字段不对")
    _check_fields(doc)
    if not isinstance(doc["signature"], str) or len(doc["signature"]) > 100:
        raise _bad("the signature is missing", "缺少签名")
    unb64(doc["signature"], length=64)  # a clear error for a malformed signature
    return AuditHead(
        doc["county"],
        doc["entry_no"],
        doc["entry_hash"],
        doc["signed_at"],
        doc["batch_id"],
        doc["signature"],
    )


def verify(head: AuditHead, public: Ed25519PublicKey, county: str) -> None:
    """Refuse a head not signed by this county's key, or one for another county."""
    if not verify_signature(public, unb64(head.signature, length=64), head.message()):
        raise UserError(
            Text(
                "审计日志签名头的签名无效：不是本县密钥签的，或在途中被改动",
                "the audit head's signature does not verify: it was not signed with this county's "
                "key, or it was altered",
            ),
            code="audit_head_forged",
        )
    if head.county != county:
        raise UserError(
            Text(
                f"审计日志签名头属于另一个县（{head.county}）",
                f"the audit head belongs to another county ({head.county})",
            ),
            code="audit_head_other_county",
        )


def checkpoint_bytes(heads: list[AuditHead]) -> bytes:
    """A checkpoint file: canonical JSON, one object listing the heads."""
    return (
        canonical.dumps(
            {"format": CHECKPOINT_FORMAT, "version": VERSION, "heads": [h.to_dict() for h in heads]}
        )
        + b"\n"
    )


def read_checkpoint(path: Path) -> list[AuditHead]:
    """The heads of a checkpoint file (or of a bare signed head), with size and shape bounded."""
    if not path.is_file():
        raise UserError(Text(f"{path} 不是文件", f"{path} is not a file"), code="not_a_file")
    with open(path, "rb") as f:
        data = f.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise UserError(
            Text(
                f"{path} 太大，不是审计检查点文件",
                f"{path} is too large to be an audit checkpoint file",
            ),
            code="checkpoint_too_large",
        )
    try:
        doc = canonical.loads(data)
    except canonical.CanonicalError as e:
        raise UserError(
            Text(f"{path} 不是有效的JSON", f"{path} is not valid JSON"), code="bad_checkpoint"
        ) from e
    if isinstance(doc, dict) and doc.get("format") == FORMAT:
        return [parse(doc)]
    if (
        not isinstance(doc, dict)
        or doc.get("format") != CHECKPOINT_FORMAT
        or set(doc) != {"format", "version", "heads"}
    ):
        raise UserError(
            Text(f"{path} 不是审计检查点文件", f"{path} is not an audit checkpoint file"),
            code="bad_checkpoint",
        )
    if doc["version"] != VERSION:
        raise UserError(
            Text(
                "不支持的审计检查点版本，请升级软件",
                "unsupported audit checkpoint version: upgrade FieldSurvey",
            ),
            code="unsupported_audit_head",
        )
    heads = doc["heads"]
    if not isinstance(heads, list) or not 0 < len(heads) <= MAX_HEADS:
        raise UserError(
            Text(
                f"{path} 中没有审计签名头，或数量过多", f"{path} holds no audit heads, or too many"
            ),
            code="bad_checkpoint",
        )
    return [parse(h) for h in heads]
