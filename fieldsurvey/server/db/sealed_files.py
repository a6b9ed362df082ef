"""Files the county server keeps under its data directory, sealed: staged rosters, exports on their way.

The database is encrypted (SQLCipher, sealed columns), but a county's Excel roster waits in the
data directory between its upload and its import, and an XLSX export is written there before it
is sent: both hold every ID number of the county. So such files are sealed too, with AES-256-GCM
from ``cryptography``, a chunk at a time (a writer never holds the whole file, and a roster
arrives over many requests):

    header  = MAGIC (8 bytes) ‖ salt (16 random bytes)
    record  = length of the ciphertext (4 bytes, big-endian) ‖ AES-GCM(chunk)

The file's key is HKDF-SHA256 of the vault's dedicated file key (``ServerSecrets.files_key``,
itself HKDF of the master key under its own label — never the column key), with the file's salt
and its purpose ("roster-upload", "export") as context, so every file has its own key and a
record's nonce is simply its sequence number. Each record's associated data is the header, its
sequence number and a final-record flag: a flipped byte, records swapped, dropped or copied from
another file, and a file cut short (its last record is not marked final) or extended after its
final record all fail to open, with one sentence (``SealedFileDamaged``).

Readers open a file whole into memory within a bound the caller gives (the roster's 64 MB), or
stream it a record at a time (an export).
"""

from __future__ import annotations

import os
import secrets as random
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

MAGIC = b"FSSEAL1\n"
SALT = 16
HEADER = len(MAGIC) + SALT
TAG = 16
CHUNK = 64 * 1024  # what a streaming writer seals at a time
MAX_RECORD = 4 * 1024 * 1024 + TAG  # a roster chunk is at most 1 MiB; anything longer is damage
_LENGTH = struct.Struct(">I")


class SealedFileDamaged(UserError):
    """A sealed file that does not open: altered, cut short, reordered, or not sealed by this server."""

    status = 422

    def __init__(self, what: Text) -> None:
        super().__init__(
            Text(
                f"{what.zh}已损坏或被改动（无法解密），请重新上传或重新生成",
                f"the {what.en} is damaged or was altered (it does not decrypt); upload or make it again",
            ),
            code="sealed_file_damaged",
        )


def is_sealed(path: Path) -> bool:
    """Whether the file starts as a sealed file does (a plain .xlsx starts ``PK``)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _file_key(files_key: bytes, salt: bytes, purpose: str) -> AESGCM:
    info = f"fieldsurvey-server/sealed-file/{purpose}/1".encode()
    return AESGCM(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(files_key)
    )


def _nonce(seq: int) -> bytes:
    return seq.to_bytes(12, "big")


def _aad(header: bytes, seq: int, final: bool) -> bytes:
    return header + seq.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _new_file(path: Path) -> IO[bytes]:
    """A new file only this user may read (never an existing one: no following a planted link)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


def create(path: Path) -> None:
    """An empty sealed file (header only) to which ``append`` adds records; the salt is its own."""
    with _new_file(path) as f:
        f.write(MAGIC + random.token_bytes(SALT))


def scan(path: Path) -> tuple[int, int, int]:
    """(whole records, their plaintext bytes, offset just past them), from the record lengths alone.

    The state of a file being appended to comes from the file itself, so no side file can
    disagree with it. A record that runs past the end of the file (a write cut short) does not
    count, and the next append overwrites it."""
    records = plain = 0
    size = path.stat().st_size
    with open(path, "rb") as f:
        if size < HEADER or f.read(len(MAGIC)) != MAGIC:
            raise SealedFileDamaged(Text("文件", "file"))
        pos = HEADER
        f.seek(pos)
        while pos + _LENGTH.size <= size:
            (length,) = _LENGTH.unpack(f.read(_LENGTH.size))
            if length < TAG or length > MAX_RECORD or pos + _LENGTH.size + length > size:
                break
            records += 1
            plain += length - TAG
            pos += _LENGTH.size + length
            f.seek(pos)
    return records, plain, pos


def append(path: Path, files_key: bytes, purpose: str, chunk: bytes, *, final: bool) -> int:
    """Seal ``chunk`` as the next record after the file's whole records; returns the plaintext size now."""
    if len(chunk) + TAG > MAX_RECORD:
        raise ValueError("chunk too large for one record")
    seq, plain, end = scan(path)
    with open(path, "r+b") as f:
        header = f.read(HEADER)
        box = _file_key(files_key, header[len(MAGIC) :], purpose).encrypt(
            _nonce(seq), chunk, _aad(header, seq, final)
        )
        f.seek(end)
        f.write(_LENGTH.pack(len(box)) + box)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
    return plain + len(chunk)


def records(
    path: Path, files_key: bytes, purpose: str, what: Text, *, limit: int | None = None
) -> Iterator[bytes]:
    """The plaintext, a record at a time; raises ``SealedFileDamaged`` at the first sign of damage
    (so a streaming reader must be ready to stop part way) and when more than ``limit`` bytes."""
    with open(path, "rb") as f:
        header = f.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise SealedFileDamaged(what)
        aead = _file_key(files_key, header[len(MAGIC) :], purpose)
        seq = total = 0
        while True:
            raw = f.read(_LENGTH.size)
            if len(raw) != _LENGTH.size:
                raise SealedFileDamaged(what)  # ended without its final record: cut short
            (length,) = _LENGTH.unpack(raw)
            if length < TAG or length > MAX_RECORD:
                raise SealedFileDamaged(what)
            box = f.read(length)
            if len(box) != length:
                raise SealedFileDamaged(what)
            final = False
            try:
                chunk = aead.decrypt(_nonce(seq), box, _aad(header, seq, False))
            except InvalidTag:
                try:
                    chunk = aead.decrypt(_nonce(seq), box, _aad(header, seq, True))
                    final = True
                except InvalidTag:
                    raise SealedFileDamaged(what) from None
            total += len(chunk)
            if limit is not None and total > limit:
                raise SealedFileDamaged(what)
            yield chunk
            seq += 1
            if final:
                if f.read(1):
                    raise SealedFileDamaged(what)  # something after the final record
                return


def read_all(path: Path, files_key: bytes, purpose: str, what: Text, *, limit: int) -> bytes:
    """The whole plaintext in memory, at most ``limit`` bytes."""
    return b"".join(records(path, files_key, purpose, what, limit=limit))


class SealedWriter:
    """A write-only binary stream that seals what it is given, ``CHUNK`` bytes to a record.

    Enough of a file for ``zipfile`` (openpyxl saves a workbook through it): ``write``, ``tell``
    (plaintext bytes so far), ``flush``; no ``seek``, so the zip is written with data
    descriptors. ``close`` seals the rest as the final record; a writer left without ``close``
    (an error part way) leaves a file that does not open.
    """

    def __init__(self, path: Path, files_key: bytes, purpose: str) -> None:
        self._f = _new_file(path)
        salt = random.token_bytes(SALT)
        self._header = MAGIC + salt
        self._f.write(self._header)
        self._aead = _file_key(files_key, salt, purpose)
        self._buffer = bytearray()
        self._seq = 0
        self._written = 0
        self.closed = False

    def _seal(self, chunk: bytes, final: bool) -> None:
        box = self._aead.encrypt(_nonce(self._seq), chunk, _aad(self._header, self._seq, final))
        self._f.write(_LENGTH.pack(len(box)) + box)
        self._seq += 1

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self.closed:
            raise ValueError("write to a closed sealed file")
        self._buffer += data
        self._written += len(data)
        while (
            len(self._buffer) > CHUNK
        ):  # keep at least one byte back: the final record is never empty by accident
            self._seal(bytes(self._buffer[:CHUNK]), False)
            del self._buffer[:CHUNK]
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        self._f.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        if self.closed:
            return
        self._seal(bytes(self._buffer), True)
        self._buffer.clear()
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        self.closed = True

    def abandon(self) -> None:
        """Close without the final record (the file will not open): for a write that failed."""
        if not self.closed:
            self._f.close()
            self.closed = True

    def __enter__(self) -> SealedWriter:
        return self

    def __exit__(self, kind: object, *_rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()
