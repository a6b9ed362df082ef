"""County and device keys: Ed25519 to sign, X25519 to receive HPKE-encrypted envelopes.

The county has one key of each kind, kept as encrypted PKCS#8 PEM files in the server's data
directory (their password derives from the server's passphrase, see ``server/vault.py``), written
atomically with 0600 permissions set before any byte (``core.atomic``). A device has one of each
too; its private keys live inside the device's encrypted store, never in a plain file. Public
keys travel as base64 of the 32 raw bytes. A fingerprint (SHA-256 of both public keys, shown in
groups of four hex digits) lets a person compare keys read aloud over the phone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

SIGNING_FILE = "county-signing.pem"
ENCRYPTION_FILE = "county-encryption.pem"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, *, length: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as e:
        raise UserError(
            Text("密钥或签名的编码无效", "a key or signature is not valid base64"),
            code="bad_base64",
        ) from e
    if length is not None and len(raw) != length:
        raise UserError(
            Text("密钥或签名的长度不对", "a key or signature has the wrong length"),
            code="bad_key_length",
        )
    return raw


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def signing_public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text, length=32))


def encryption_public_from_b64(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(unb64(text, length=32))


def fingerprint(signing: Ed25519PublicKey, encryption: X25519PublicKey) -> str:
    digest = hashlib.sha256(
        b"fieldsurvey-keys\n" + raw_public(signing) + raw_public(encryption)
    ).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4)).upper()


def verify_signature(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A signing key and an encryption key held by one party (the county or a device)."""

    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @property
    def signing_public(self) -> Ed25519PublicKey:
        return self.signing.public_key()

    @property
    def encryption_public(self) -> X25519PublicKey:
        return self.encryption.public_key()

    def public_b64(self) -> tuple[str, str]:
        return b64(raw_public(self.signing_public)), b64(raw_public(self.encryption_public))

    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)

    def private_b64(self) -> tuple[str, str]:
        """For storage inside an encrypted store only."""
        return b64(raw_private(self.signing)), b64(raw_private(self.encryption))

    @classmethod
    def from_private_b64(cls, signing: str, encryption: str) -> KeyPair:
        return cls(
            Ed25519PrivateKey.from_private_bytes(unb64(signing, length=32)),
            X25519PrivateKey.from_private_bytes(unb64(encryption, length=32)),
        )


def _pem(key: Ed25519PrivateKey | X25519PrivateKey, password: bytes | None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def write_county_keys(directory: Path, keys: KeyPair, password: bytes | None = None) -> None:
    """Write both county keys (encrypted with ``password``); refuses to overwrite, since losing them
    orphans every device."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in (SIGNING_FILE, ENCRYPTION_FILE):
        if (directory / name).exists():
            raise UserError(
                Text(
                    "县级密钥已存在，不会覆盖",
                    "the county keys already exist and are not overwritten",
                ),
                code="keys_exist",
            )
    atomic_write(directory / SIGNING_FILE, _pem(keys.signing, password))
    atomic_write(directory / ENCRYPTION_FILE, _pem(keys.encryption, password))


def county_keys_encrypted(directory: Path) -> bool:
    """Whether both key files are encrypted PKCS#8 (False for an earlier version's plain files)."""
    try:
        return all(
            b"ENCRYPTED PRIVATE KEY" in (directory / name).read_bytes()[:64]
            for name in (SIGNING_FILE, ENCRYPTION_FILE)
        )
    except FileNotFoundError:
        return False


def encrypt_county_keys(directory: Path, password: bytes) -> None:
    """Rewrite plain key files (an earlier version's) encrypted; each file is replaced atomically."""
    for name in (SIGNING_FILE, ENCRYPTION_FILE):
        path = directory / name
        data = path.read_bytes()
        if b"ENCRYPTED PRIVATE KEY" in data[:64]:
            continue
        key = serialization.load_pem_private_key(data, None)
        if not isinstance(key, Ed25519PrivateKey | X25519PrivateKey):
            raise UserError(
                Text("县级密钥文件类型不对", "a county key file holds the wrong kind of key"),
                code="bad_keys",
            )
        atomic_write(path, _pem(key, password))


def read_county_keys(directory: Path, password: bytes | None = None) -> KeyPair:
    try:
        signing = serialization.load_pem_private_key(
            (directory / SIGNING_FILE).read_bytes(), password
        )
        encryption = serialization.load_pem_private_key(
            (directory / ENCRYPTION_FILE).read_bytes(), password
        )
    except FileNotFoundError as e:
        raise UserError(
            Text(
                "找不到县级密钥，请先运行 server init",
                "the county keys are missing; run 'server init' first",
            ),
            code="keys_missing",
        ) from e
    except (
        ValueError,
        TypeError,
    ) as e:  # wrong password, or plain where encrypted was expected (and back)
        raise UserError(
            Text(
                "县级密钥文件无法解开（已损坏，或不属于这个密钥文件）",
                "the county key files cannot be opened (damaged, or not of this key file)",
            ),
            code="bad_keys",
        ) from e
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(encryption, X25519PrivateKey):
        raise UserError(
            Text("县级密钥文件类型不对", "a county key file holds the wrong kind of key"),
            code="bad_keys",
        )
    return KeyPair(signing, encryption)
