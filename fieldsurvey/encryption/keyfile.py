"""The key file: how a passphrase (or the recovery key) becomes the database key.

Layers, as Electrum separates them: the database is encrypted by SQLCipher with a random 256-bit
*data key*. The key file holds that data key twice, wrapped (AES-256-GCM) by

- a key-encryption key derived from the passphrase with Argon2id (slow on purpose, salted), and
- a key derived from the recovery key with HKDF (the recovery key is 160 random bits, so it needs
  no stretching).

Changing the passphrase rewrites only the first wrap: the database is never re-encrypted. The
data key reaches SQLCipher as raw hex (``x'…'``), so opening a connection runs no KDF and no
passphrase ever appears in a PRAGMA. Each wrap authenticates the store id and its own purpose as
associated data, so wraps cannot be swapped between stores or between slots.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

FORMAT = "fieldsurvey-keyfile"
VERSION = 1
# RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): ~0.2 s on a cheap laptop.
DEFAULT_KDF = {"name": "argon2id", "iterations": 3, "memory_kib": 65536, "lanes": 4}
# Argon2id settings a key file may ask for. Below OWASP's minimum (19 MiB) a stolen key file
# could be guessed at cheaply; above 4 GiB, 10 passes or 16 lanes, unlocking would exhaust the
# laptop or hang. A key file outside them is damaged or forged, and is refused before deriving.
KDF_MEMORY_KIB = (19 * 1024, 4 * 1024 * 1024)
KDF_ITERATIONS = (1, 10)
KDF_LANES = (1, 16)
MAX_KEYFILE_BYTES = 64 * 1024  # a real one is under 1 KiB
RECOVERY_BYTES = 20
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

WRONG_PASSPHRASE = Text("密码短语不正确", "wrong passphrase")
WRONG_RECOVERY = Text("恢复密钥不正确", "wrong recovery key")
MISSING_KEYFILE = Text(
    "找不到密钥文件，无法打开数据（数据目录不对，或密钥文件被删除）",
    "the key file is missing, so the data cannot be opened (wrong data directory, or the key file was deleted)",
)
DAMAGED_KEYFILE = Text(
    "密钥文件已损坏，无法打开数据", "the key file is damaged, so the data cannot be opened"
)
UNREADABLE_KEYFILE = Text(
    "无法读取密钥文件，无法打开数据", "the key file cannot be read, so the data cannot be opened"
)
BAD_KDF = Text(
    "密钥文件中的密钥派生参数超出允许范围（内存 19 MiB–4 GiB,1–10 遍，1–16 路），文件已损坏或被篡改",
    "the key file's key-derivation settings are out of range (memory 19 MiB–4 GiB, 1–10 passes, 1–16 lanes): "
    "the file is damaged or was tampered with",
)


class KeyFileError(UserError):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def check_kdf(params: dict[str, Any]) -> None:
    """Refuse Argon2id settings outside the bounds above, or of the wrong type, with a sentence."""

    def within(name: str, bounds: tuple[int, int]) -> bool:
        value = params.get(name)
        return type(value) is int and bounds[0] <= value <= bounds[1]

    if not (
        params.get("name") == "argon2id"
        and within("memory_kib", KDF_MEMORY_KIB)
        and within("iterations", KDF_ITERATIONS)
        and within("lanes", KDF_LANES)
    ):
        raise KeyFileError(BAD_KDF, code="bad_kdf")


def _argon2(passphrase: str, salt: bytes, params: dict[str, Any]) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=int(params["iterations"]),
        lanes=int(params["lanes"]),
        memory_cost=int(params["memory_kib"]),
    ).derive(passphrase.encode("utf-8"))


def _hkdf(secret: bytes, salt: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"fieldsurvey recovery wrap"
    ).derive(secret)


def format_recovery_key(raw: bytes) -> str:
    """Base32 in groups of four, e.g. ``K7QX-M2PA-…``: easy to read aloud and to type."""
    bits = int.from_bytes(raw, "big")
    n = len(raw) * 8 // 5
    chars = [_B32[(bits >> (5 * (n - 1 - i))) & 31] for i in range(n)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, n, 4))


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != RECOVERY_BYTES * 8 // 5 or any(c not in _B32 for c in cleaned):
        raise KeyFileError(
            Text(
                "恢复密钥格式不正确（应为8组，每组4个字符）",
                "the recovery key is malformed (8 groups of 4 characters)",
            )
        )
    bits = 0
    for c in cleaned:
        bits = (bits << 5) | _B32.index(c)
    return bits.to_bytes(RECOVERY_BYTES, "big")


@dataclass(slots=True)
class KeyFile:
    store_id: str
    kdf: dict[str, Any]
    passphrase_wrap: dict[str, str]
    recovery_wrap: dict[str, str]

    # -- creation -------------------------------------------------------------------------
    @classmethod
    def create(
        cls, store_id: str, passphrase: str, kdf: dict[str, Any] | None = None
    ) -> tuple[KeyFile, bytes, str]:
        """A new key file, the data key it protects, and the recovery key to show once."""
        data_key = secrets.token_bytes(32)
        recovery_raw = secrets.token_bytes(RECOVERY_BYTES)
        params = dict(kdf or DEFAULT_KDF)
        check_kdf(params)
        params["salt"] = _b64(secrets.token_bytes(16))
        kf = cls(store_id, params, {}, {})
        kf.passphrase_wrap = kf._wrap(
            data_key, _argon2(passphrase, _unb64(params["salt"]), params), "passphrase"
        )
        recovery_salt = secrets.token_bytes(16)
        kf.recovery_wrap = kf._wrap(data_key, _hkdf(recovery_raw, recovery_salt), "recovery")
        kf.recovery_wrap["salt"] = _b64(recovery_salt)
        return kf, data_key, format_recovery_key(recovery_raw)

    def rewrap_passphrase(self, data_key: bytes, new_passphrase: str) -> None:
        params = dict(self.kdf)
        params["salt"] = _b64(secrets.token_bytes(16))
        self.kdf = params
        self.passphrase_wrap = self._wrap(
            data_key, _argon2(new_passphrase, _unb64(params["salt"]), params), "passphrase"
        )

    # -- unlocking ------------------------------------------------------------------------
    def unlock_with_passphrase(self, passphrase: str) -> bytes:
        kek = _argon2(passphrase, _unb64(self.kdf["salt"]), self.kdf)
        return self._unwrap(self.passphrase_wrap, kek, "passphrase", WRONG_PASSPHRASE)

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        raw = parse_recovery_key(recovery_key)
        kek = _hkdf(raw, _unb64(self.recovery_wrap["salt"]))
        return self._unwrap(self.recovery_wrap, kek, "recovery", WRONG_RECOVERY)

    # -- wrapping -------------------------------------------------------------------------
    def _aad(self, purpose: str) -> bytes:
        return f"{FORMAT}/{VERSION}/{self.store_id}/{purpose}".encode()

    def _wrap(self, data_key: bytes, kek: bytes, purpose: str) -> dict[str, str]:
        nonce = secrets.token_bytes(12)
        return {
            "alg": "AES-256-GCM",
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(kek).encrypt(nonce, data_key, self._aad(purpose))),
        }

    def _unwrap(self, wrap: dict[str, str], kek: bytes, purpose: str, wrong: Text) -> bytes:
        try:
            key = AESGCM(kek).decrypt(
                _unb64(wrap["nonce"]), _unb64(wrap["ciphertext"]), self._aad(purpose)
            )
        except InvalidTag:
            raise KeyFileError(wrong, code="wrong_" + purpose) from None
        except (KeyError, ValueError):
            raise KeyFileError(DAMAGED_KEYFILE, code="damaged_keyfile") from None
        if len(key) != 32:
            raise KeyFileError(DAMAGED_KEYFILE, code="damaged_keyfile")
        return key

    # -- file format ----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "cipher": "sqlcipher4-raw-key",
            "kdf": self.kdf,
            "passphrase_wrap": self.passphrase_wrap,
            "recovery_wrap": self.recovery_wrap,
        }

    def save(self, path: Path) -> None:
        atomic_write(path, json.dumps(self.to_json(), indent=1).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_KEYFILE_BYTES + 1)
        except FileNotFoundError:
            raise KeyFileError(MISSING_KEYFILE, code="missing_keyfile") from None
        except OSError:  # a folder in its place, no permission, a read error
            raise KeyFileError(UNREADABLE_KEYFILE, code="unreadable_keyfile") from None
        if len(raw) > MAX_KEYFILE_BYTES:
            raise KeyFileError(DAMAGED_KEYFILE, code="damaged_keyfile")
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("format")
            if data.get("version") != VERSION:
                raise KeyFileError(
                    Text(
                        "密钥文件版本过新,请升级 FieldSurvey",
                        "the key file is from a newer FieldSurvey: please upgrade",
                    ),
                    code="newer_keyfile",
                )
            kf = cls(
                str(data["store_id"]),
                dict(data["kdf"]),
                dict(data["passphrase_wrap"]),
                dict(data["recovery_wrap"]),
            )
            for wrap in (kf.passphrase_wrap, kf.recovery_wrap):
                if len(_unb64(wrap["nonce"])) != 12 or len(_unb64(wrap["ciphertext"])) != 32 + 16:
                    raise ValueError("wrap")
            for salt in (kf.kdf["salt"], kf.recovery_wrap["salt"]):
                if not 8 <= len(_unb64(salt)) <= 64:
                    raise ValueError("salt")
        except KeyFileError:
            raise
        except (
            ValueError,
            KeyError,
            TypeError,
            UnicodeDecodeError,
            AttributeError,
            RecursionError,
        ):
            raise KeyFileError(DAMAGED_KEYFILE, code="damaged_keyfile") from None
        check_kdf(kf.kdf)
        return kf


def remove_if_exists(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
