"""The device store: one object owning the encrypted database of a data directory.

A data directory holds exactly three things: ``store.db`` (SQLCipher; its ``-wal``/``-shm``
beside it), ``store.key`` (the wrapped data key, see ``keyfile.py``) and ``store.key.bak`` (the
same, kept so a damaged key file does not lose the data). Everything else — settings, device keys,
sync cursors — lives inside the encrypted database.

The UI, the CLI and sync call the repositories (``households``, ``visits``, ``divisions``,
``settings``, ``outbox``) and never write SQL themselves.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.store import schema
from fieldsurvey.store.engine import make_encrypted_engine
from fieldsurvey.store.households import HouseholdRepo
from fieldsurvey.store.keyfile import DAMAGED_KEYFILE, KeyFile, KeyFileError
from fieldsurvey.store.outbox import Outbox
from fieldsurvey.store.settings import DivisionRepo, Settings
from fieldsurvey.store.visits import VisitRepo

DB_NAME = "store.db"
KEY_NAME = "store.key"
KEY_BACKUP_NAME = "store.key.bak"

NO_STORE = Text("该目录中没有 FieldSurvey 数据", "there is no FieldSurvey data in this directory")
STORE_EXISTS = Text("该目录中已有 FieldSurvey 数据,不会覆盖", "this directory already holds FieldSurvey data; it will not be overwritten")
DAMAGED_DB = Text("数据库文件已损坏或不是 FieldSurvey 数据库", "the database file is damaged or is not a FieldSurvey database")
NEED_SECRET = Text("请提供密码短语或恢复密钥", "give the passphrase or the recovery key")


class StoreError(UserError):
    pass


def _prepare_dir(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with suppress(PermissionError):
        os.chmod(data_dir, 0o700)


def _create_private_file(path: Path) -> None:
    """SQLite gives -wal and -shm the main file's mode, so 0600 here protects all three."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


class Store:
    def __init__(self, data_dir: Path, engine: Engine, keyfile: KeyFile, data_key: bytes) -> None:
        self.data_dir = data_dir
        self.engine = engine
        self._keyfile = keyfile
        self._data_key = data_key
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.households = HouseholdRepo(self)
        self.visits = VisitRepo(self)
        self.divisions = DivisionRepo(self)
        self.settings = Settings(self)
        self.outbox = Outbox(self)

    # -- life cycle -------------------------------------------------------------------------
    @staticmethod
    def exists(data_dir: Path | str) -> bool:
        d = Path(data_dir)
        return (d / DB_NAME).exists() or (d / KEY_NAME).exists()

    @classmethod
    def create(cls, data_dir: Path | str, passphrase: str, *, kdf: dict | None = None) -> tuple[Store, str]:
        """A new empty store; returns it and the recovery key, to be shown to the user once."""
        d = Path(data_dir)
        if cls.exists(d):
            raise StoreError(STORE_EXISTS, code="store_exists")
        _prepare_dir(d)
        keyfile, data_key, recovery_key = KeyFile.create(str(uuid.uuid4()), passphrase, kdf)
        _create_private_file(d / DB_NAME)
        engine = make_encrypted_engine(d / DB_NAME, data_key)
        try:
            schema.upgrade(engine)
        except BaseException:
            engine.dispose()
            for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
                (d / name).unlink(missing_ok=True)
            raise
        keyfile.save(d / KEY_NAME)
        keyfile.save(d / KEY_BACKUP_NAME)
        return cls(d, engine, keyfile, data_key), recovery_key

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        *,
        passphrase: str | None = None,
        recovery_key: str | None = None,
        migrate: bool = True,
    ) -> Store:
        d = Path(data_dir)
        if not (d / DB_NAME).exists():
            raise StoreError(NO_STORE, code="no_store")
        if passphrase is None and recovery_key is None:
            raise StoreError(NEED_SECRET, code="secret_required")
        keyfile = cls._load_keyfile(d, use_backup=recovery_key is not None)
        if recovery_key is not None:
            data_key = keyfile.unlock_with_recovery_key(recovery_key)
        else:
            data_key = keyfile.unlock_with_passphrase(passphrase or "")
        engine = make_encrypted_engine(d / DB_NAME, data_key)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
            if migrate:
                schema.upgrade(engine)
        except (DatabaseError, OperationalError):
            engine.dispose()
            raise StoreError(DAMAGED_DB, code="damaged_db") from None
        except BaseException:
            engine.dispose()
            raise
        store = cls(d, engine, keyfile, data_key)
        if recovery_key is not None and cls._keyfile_damaged(d / KEY_NAME):
            keyfile.save(d / KEY_NAME)  # opened from the backup copy: restore the primary
        return store

    @staticmethod
    def _keyfile_damaged(path: Path) -> bool:
        try:
            KeyFile.load(path)
        except KeyFileError:
            return True
        return False

    @staticmethod
    def _load_keyfile(d: Path, *, use_backup: bool) -> KeyFile:
        try:
            return KeyFile.load(d / KEY_NAME)
        except KeyFileError as e:
            if not use_backup:
                if e.code == "damaged_keyfile" or e.code == "missing_keyfile":
                    raise KeyFileError(
                        Text(e.text.zh + ";可用恢复密钥打开(会用备份密钥文件修复)", e.text.en + "; open it with the recovery key to repair it from the backup key file"),
                        code=e.code,
                    ) from None
                raise
            try:
                return KeyFile.load(d / KEY_BACKUP_NAME)
            except KeyFileError:
                raise KeyFileError(DAMAGED_KEYFILE, code="damaged_keyfile") from None

    def close(self) -> None:
        self.engine.dispose()
        self._data_key = b""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions ---------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        with self._sessions() as s, s.begin():
            yield s

    # -- keys -------------------------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-wrap the data key; the database itself is not rewritten."""
        self._keyfile.rewrap_passphrase(self._data_key, new_passphrase)
        self._keyfile.save(self.data_dir / KEY_NAME)
        self._keyfile.save(self.data_dir / KEY_BACKUP_NAME)

    # -- county -----------------------------------------------------------------------------
    def county(self) -> tuple[str, str]:
        value = self.settings.get("county") or {}
        return value.get("code", ""), value.get("name", "")

    def set_county(self, code: str, name: str) -> None:
        self.settings.set("county", {"code": code, "name": name})

    # -- health -----------------------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """SQLCipher's page HMAC check and SQLite's structural check; empty means healthy."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            problems += [r[0] for r in conn.execute(text("PRAGMA cipher_integrity_check")).fetchall()]
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
            if result != ["ok"]:
                problems += result
        return problems

    def checkpoint(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def backup_to(self, target_dir: Path) -> None:
        """A consistent encrypted copy (same key file) of this store in another directory."""
        self.checkpoint()
        _prepare_dir(target_dir)
        for name in (DB_NAME, KEY_NAME, KEY_BACKUP_NAME):
            shutil.copy2(self.data_dir / name, target_dir / name)
