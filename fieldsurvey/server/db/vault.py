"""The county server's secrets: one passphrase unwraps a master key that is never stored in plain.

``keys/server.key`` (and its copy ``server.key.bak``) is the laptop's key file
(``encryption/keyfile.py``): a random 256-bit master key wrapped with AES-256-GCM by a key Argon2id
derives from the passphrase, and again by the recovery key shown once at ``server init``. The
passphrase itself is never written: every server command reads it from
``FIELDSURVEY_SERVER_PASSPHRASE``, from a file named by ``FIELDSURVEY_SERVER_PASSPHRASE_FILE`` (or
``--passphrase-file``) that lies outside the data directory, or asks on the terminal.

From the master key HKDF-SHA256 derives, each for one purpose only: the SQLCipher key of the
embedded database, the AES-256-GCM key of the sealed columns, the HMAC key of the ID number
index, the key of the staged files kept in the data directory (rosters waiting for import,
exports on their way: ``sealed_files.py``), and the password of the county's private key files
(encrypted PKCS#8). A copy of the
data directory or of the database therefore holds ciphertext and wrapped keys only.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.passphrase import check_strength
from fieldsurvey.core.text import Text
from fieldsurvey.encryption.keyfile import DEFAULT_KDF, KeyFile, KeyFileError

PASSPHRASE_ENV = "FIELDSURVEY_SERVER_PASSPHRASE"
PASSPHRASE_FILE_ENV = "FIELDSURVEY_SERVER_PASSPHRASE_FILE"
KEY_FILE = "server.key"
KEY_BACKUP = "server.key.bak"
MAX_PASSPHRASE_FILE = 4096  # a passphrase file is one line; anything longer is the wrong file

WRONG_PASSPHRASE = Text("县级服务器的密码短语不正确", "wrong passphrase for the county server")
NO_PASSPHRASE = Text(
    f"需要县级服务器的密码短语：请设置环境变量 {PASSPHRASE_ENV},"
    "或用 --passphrase-file 指定数据目录以外的文件，或在终端中运行",
    f"the county server's passphrase is needed: set {PASSPHRASE_ENV}, give --passphrase-file FILE "
    "(a file outside the data directory), or run the command on a terminal",
)
# Unwrapped master keys of this process, by (key file, passphrase) digest: tests and tools open
# the same data directory many times, and Argon2id is slow on purpose. Never written anywhere.
_UNLOCKED: dict[bytes, bytes] = {}
_UNLOCKED_MAX = 32


@dataclass(frozen=True, slots=True)
class ServerSecrets:
    """The master key; each use gets its own key derived from it (HKDF, distinct labels)."""

    master: bytes

    def derive(self, purpose: str) -> bytes:
        info = f"fieldsurvey-server/{purpose}/1".encode()
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(self.master)

    @property
    def sqlcipher_key(self) -> bytes:
        return self.derive("sqlcipher")

    @property
    def column_key(self) -> bytes:
        return self.derive("columns")

    @property
    def index_key(self) -> bytes:
        return self.derive("id-index")

    @property
    def files_key(self) -> bytes:
        """The key the files kept in the data directory are sealed with (``sealed_files.py``)."""
        return self.derive("staged-files")

    @property
    def county_keys_password(self) -> bytes:
        """The password of the encrypted PKCS#8 key files: 64 hex digits, random to anyone without the passphrase."""
        return self.derive("county-keys").hex().encode("ascii")


def has_key_file(keys_dir: Path) -> bool:
    return (keys_dir / KEY_FILE).exists() or (keys_dir / KEY_BACKUP).exists()


def require_strong(passphrase: str) -> None:
    strength = check_strength(passphrase)
    if not strength.acceptable:
        first = strength.problems[0]
        raise UserError(
            Text(
                f"县级服务器的密码短语太弱：{first.zh}",
                f"the county server's passphrase is too weak: {first.en}",
            ),
            code="weak_passphrase",
        )


def create(
    keys_dir: Path, passphrase: str, kdf: dict[str, Any] | None = None
) -> tuple[ServerSecrets, str]:
    """A new master key wrapped by ``passphrase``; returns it and the recovery key to show once."""
    require_strong(passphrase)
    if has_key_file(keys_dir):
        raise UserError(
            Text(
                "县级服务器的密钥文件已存在，不会覆盖",
                "the county server's key file already exists and is not overwritten",
            ),
            code="keys_exist",
        )
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    keyfile, master, recovery = KeyFile.create(str(uuid.uuid4()), passphrase, kdf or DEFAULT_KDF)
    keyfile.save(keys_dir / KEY_FILE)
    keyfile.save(keys_dir / KEY_BACKUP)
    return ServerSecrets(master), recovery


def _load(keys_dir: Path) -> tuple[KeyFile, bytes]:
    """The key file and its bytes; the backup copy when the first is damaged or missing."""
    try:
        path = keys_dir / KEY_FILE
        return KeyFile.load(path), path.read_bytes()
    except KeyFileError:
        backup = keys_dir / KEY_BACKUP
        if not backup.exists():
            raise
        return KeyFile.load(backup), backup.read_bytes()


def unlock(
    keys_dir: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> ServerSecrets:
    keyfile, raw = _load(keys_dir)
    secret = recovery_key if recovery_key is not None else passphrase
    if secret is None:
        raise UserError(NO_PASSPHRASE, code="no_passphrase")
    digest = hashlib.sha256(
        raw + b"\0" + (b"R" if recovery_key is not None else b"P") + secret.encode("utf-8")
    ).digest()
    master = _UNLOCKED.get(digest)
    if master is None:
        try:
            master = (
                keyfile.unlock_with_recovery_key(secret)
                if recovery_key is not None
                else keyfile.unlock_with_passphrase(secret)
            )
        except KeyFileError as e:
            if e.code == "wrong_passphrase":
                raise UserError(WRONG_PASSPHRASE, code="wrong_passphrase") from None
            raise
        if len(_UNLOCKED) >= _UNLOCKED_MAX:
            _UNLOCKED.clear()
        _UNLOCKED[digest] = master
    return ServerSecrets(master)


def change_passphrase(keys_dir: Path, secrets: ServerSecrets, new_passphrase: str) -> None:
    """Rewrap the master key under a new passphrase; nothing else is re-encrypted."""
    require_strong(new_passphrase)
    keyfile, _raw = _load(keys_dir)
    keyfile.rewrap_passphrase(secrets.master, new_passphrase)
    keyfile.save(keys_dir / KEY_FILE)
    keyfile.save(keys_dir / KEY_BACKUP)
    _UNLOCKED.clear()


def read_passphrase_file(path: Path, data_dir: Path) -> str:
    """The first line of ``path``, which must not lie inside the data directory it unlocks."""
    try:
        inside = data_dir.resolve() in path.resolve().parents
    except OSError:
        inside = False
    if inside:
        raise UserError(
            Text(
                "密码短语文件不能放在县级服务器的数据目录里（否则数据目录的副本会带着自己的钥匙）",
                "the passphrase file must not be inside the server's data directory (a copy of the "
                "directory would carry its own key)",
            ),
            code="passphrase_file_inside",
        )
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_PASSPHRASE_FILE + 1)
    except OSError as e:
        raise UserError(
            Text(f"无法读取密码短语文件 {path}", f"cannot read the passphrase file {path}"),
            code="passphrase_file_unreadable",
        ) from e
    if len(raw) > MAX_PASSPHRASE_FILE:
        raise UserError(
            Text(
                "密码短语文件太大，应只有一行",
                "the passphrase file is too large: it holds one line",
            ),
            code="passphrase_file_too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(
            Text("密码短语文件不是 UTF-8 文本", "the passphrase file is not UTF-8 text"),
            code="passphrase_file_unreadable",
        ) from e
    line = text.splitlines()[0] if text else ""
    if not line:
        raise UserError(
            Text("密码短语文件是空的", "the passphrase file is empty"), code="no_passphrase"
        )
    return line


def passphrase_from_env(data_dir: Path) -> str | None:
    """``FIELDSURVEY_SERVER_PASSPHRASE_FILE`` (a file outside the data directory), else
    ``FIELDSURVEY_SERVER_PASSPHRASE``."""
    file = os.environ.get(PASSPHRASE_FILE_ENV)
    if file:
        return read_passphrase_file(Path(file), data_dir)
    return os.environ.get(PASSPHRASE_ENV) or None
