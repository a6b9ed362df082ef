"""The envelope: the exact bytes of a batch or a feed, over HTTP or on a USB stick.

Layout (all lengths big-endian; docs/sync-protocol.md has the same table)::

    offset      size  content
    0           4     magic  b"FSE1"
    4           4     H = length of the header (1 … 16 384)
    8           H     header: canonical JSON object (format, kind, id, sender, recipient, created_at)
    8+H         8     B = length of the body (≤ MAX_BODY)
    16+H        B     body: HPKE single-shot ciphertext (X25519, HKDF-SHA256, AES-256-GCM) of the
                      zstd-compressed canonical JSON payload; HPKE ``info`` = INFO_PREFIX + header
    16+H+B      64    Ed25519 signature by the sender over bytes [0, 16+H+B)

The header is readable without keys so the receiver can pick the sender's public key and refuse
a wrong or revoked sender before decrypting anything. Binding the header into HPKE's ``info``
means a ciphertext cannot be moved under another header; the signature covers everything, so a
single flipped bit anywhere is refused. Opening checks in a fixed order — frame, header, signature,
decryption, decompression, JSON — and each failure is a ``UserError`` saying which.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import read_limited
from fieldsurvey.core.text import Text
from fieldsurvey.sync import canonical
from fieldsurvey.sync.keys import verify_signature

MAGIC = b"FSE1"
FORMAT = 1
KINDS = ("batch", "feed", "photos")  # photos: sync/photo_bundle.py
MAX_HEADER = 16 * 1024
MAX_BODY = 256 * 1024 * 1024
MAX_PAYLOAD = 512 * 1024 * 1024  # decompressed; guards against compression bombs
MAX_WINDOW = (
    8 * 1024 * 1024
)  # zstd window the decompressor may allocate (the sealer's level 9 uses 4 MiB)
SIGNATURE_SIZE = 64
MAX_FILE = 16 + MAX_HEADER + MAX_BODY + SIGNATURE_SIZE  # a whole envelope
FILE = Text("批次或更新文件", "batch or update file")
_BLOCK = 1024 * 1024
INFO_PREFIX = b"fieldsurvey/envelope/v1\n"
ZSTD_LEVEL = 9
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
HEADER_FIELDS = {"format", "kind", "id", "sender", "recipient", "created_at"}


class EnvelopeError(UserError):
    def __init__(self, text: Text, code: str) -> None:
        super().__init__(text, code=code)


def _fail(code: str, zh: str, en: str) -> EnvelopeError:
    return EnvelopeError(Text(zh, en), code)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed but not yet verified envelope."""

    header: dict[str, Any]
    header_bytes: bytes
    body: bytes
    signed: bytes  # the bytes the signature covers
    signature: bytes

    @property
    def kind(self) -> str:
        return str(self.header["kind"])

    @property
    def id(self) -> str:
        return str(self.header["id"])

    @property
    def sender(self) -> str:
        return str(self.header["sender"])

    @property
    def recipient(self) -> str:
        return str(self.header["recipient"])

    def verify(self, sender_key: Ed25519PublicKey) -> None:
        if not verify_signature(sender_key, self.signature, self.signed):
            raise _fail(
                "bad_signature",
                "签名验证失败：数据在传输中被改动或不是该设备发出的",
                "the signature does not verify: the data was altered or not sent by this sender",
            )

    def open(self, sender_key: Ed25519PublicKey, recipient_key: X25519PrivateKey) -> Any:
        """Verify, decrypt, decompress and parse; returns the payload."""
        return self.open_with_hash(sender_key, recipient_key)[0]

    def open_with_hash(
        self, sender_key: Ed25519PublicKey, recipient_key: X25519PrivateKey
    ) -> tuple[Any, str]:
        """The payload and the SHA-256 of its plaintext bytes (what idempotency compares)."""
        payload, plain = self.open_with_plaintext(sender_key, recipient_key)
        return payload, hashlib.sha256(plain).hexdigest()

    def open_with_plaintext(
        self, sender_key: Ed25519PublicKey, recipient_key: X25519PrivateKey
    ) -> tuple[Any, bytes]:
        """The payload and its plaintext bytes (the county hashes them and type-checks records on the text)."""
        self.verify(sender_key)
        try:
            compressed = SUITE.decrypt(
                self.body, recipient_key, info=INFO_PREFIX + self.header_bytes
            )
        except Exception as e:  # cryptography raises InvalidTag or ValueError
            raise _fail(
                "bad_ciphertext",
                "无法解密：不是发给本机的数据",
                "cannot decrypt: not addressed to this key",
            ) from e
        plain = _decompress(compressed)
        try:
            return canonical.loads(plain), plain
        except canonical.CanonicalError as e:
            raise _fail(
                "bad_payload_json", "数据内容不是有效的JSON", "the payload is not valid JSON"
            ) from e


def _decompress(compressed: bytes) -> bytes:
    """The payload, inflated in two passes so that a compression bomb costs neither memory nor much time.

    The first pass counts the plaintext a block at a time and throws it away, stopping at
    ``MAX_PAYLOAD``: a bomb is refused having held one block (``read(MAX_PAYLOAD + 1)`` would
    allocate the whole bound up front). The second pass reads exactly the counted size. The
    window the decompressor may allocate is bounded too (a frame may ask for up to 2 GiB).
    """
    limit = MAX_PAYLOAD  # read at call time: tests lower it
    dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
    try:
        size = 0
        with dctx.stream_reader(compressed, closefd=False) as reader:
            while block := reader.read(_BLOCK):
                size += len(block)
                if size > limit:
                    raise _fail(
                        "payload_too_large",
                        "解压后的数据过大",
                        "the payload is too large once decompressed",
                    )
        with dctx.stream_reader(compressed, closefd=False) as reader:
            plain = reader.read(size) if size else b""
            while len(plain) < size and (more := reader.read(size - len(plain))):
                plain += more
    except zstandard.ZstdError as e:
        raise _fail("bad_compression", "解压失败", "the payload does not decompress") from e
    return plain


def read_file(path: Path) -> bytes:
    """A batch or update file named by a user: a regular file of at most ``MAX_FILE`` bytes."""
    return read_limited(path, MAX_FILE, FILE)


def parse(data: bytes) -> Envelope:
    """Check the frame and the header; nothing is trusted until ``Envelope.verify``."""
    if len(data) < 16 + SIGNATURE_SIZE or data[:4] != MAGIC:
        raise _fail(
            "not_an_envelope", "不是FieldSurvey批次文件", "not a FieldSurvey batch or update file"
        )
    (header_len,) = struct.unpack_from(">I", data, 4)
    if not 1 <= header_len <= MAX_HEADER or 8 + header_len + 8 > len(data):
        raise _fail(
            "bad_frame", "文件结构损坏（头部长度）", "the file structure is damaged (header length)"
        )
    header_bytes = data[8 : 8 + header_len]
    (body_len,) = struct.unpack_from(">Q", data, 8 + header_len)
    end = 16 + header_len + body_len
    if body_len > MAX_BODY or end + SIGNATURE_SIZE != len(data):
        raise _fail("bad_frame", "文件不完整或长度不对", "the file is truncated or has extra bytes")
    try:
        header = canonical.loads(header_bytes)
    except canonical.CanonicalError as e:
        raise _fail("bad_header", "文件头不是有效的JSON", "the header is not valid JSON") from e
    if not isinstance(header, dict) or set(header) != HEADER_FIELDS:
        raise _fail("bad_header", "文件头字段不对", "the header does not have the expected fields")
    if header["format"] != FORMAT or header["kind"] not in KINDS:
        raise _fail(
            "unsupported_format", "不支持的文件格式版本", "unsupported format version or kind"
        )
    if not all(
        isinstance(header[k], str) and 0 < len(header[k]) <= 128 for k in HEADER_FIELDS - {"format"}
    ):
        raise _fail(
            "bad_header", "文件头字段值无效", "a header field is empty, too long or not text"
        )
    return Envelope(header, header_bytes, data[16 + header_len : end], data[:end], data[end:])


def seal(
    *,
    kind: str,
    envelope_id: str,
    sender: str,
    recipient: str,
    created_at: str,
    payload: Any,
    signer: Ed25519PrivateKey,
    recipient_key: X25519PublicKey,
) -> bytes:
    header_bytes = canonical.dumps(
        {
            "format": FORMAT,
            "kind": kind,
            "id": envelope_id,
            "sender": sender,
            "recipient": recipient,
            "created_at": created_at,
        }
    )
    compressed = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(canonical.dumps(payload))
    body = SUITE.encrypt(compressed, recipient_key, info=INFO_PREFIX + header_bytes)
    signed = (
        MAGIC
        + struct.pack(">I", len(header_bytes))
        + header_bytes
        + struct.pack(">Q", len(body))
        + body
    )
    return signed + signer.sign(signed)


def content_hash(payload: Any) -> str:
    """SHA-256 of a value's canonical form (a visit's content, for example)."""
    return hashlib.sha256(canonical.dumps(payload)).hexdigest()
