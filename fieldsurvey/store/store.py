"""The device store: one object owning the encrypted database of a data directory.

A data directory holds exactly three things: ``store.db`` (SQLCipher; its ``-wal``/``-shm``
beside it), ``store.key`` (the wrapped data key, see ``keyfile.py``) and ``store.key.bak`` (the
same, kept so a damaged key file does not lose the data); while a store is being made, also
``store.creating`` (see ``layout.py``). Everything else — settings, device keys, sync cursors —
lives inside the encrypted database.

The UI, the CLI and sync call the repositories (``households``, ``visits``, ``divisions``,
``settings``, ``outbox``, ``photos``) and never write SQL themselves.
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

from fieldsurvey.core.private_files import O_BINARY, make_private_folder
from fieldsurvey.core.text import Text
from fieldsurvey.encryption.keyfile import DAMAGED_KEYFILE, KeyFile, KeyFileError
from fieldsurvey.store import layout, schema
from fieldsurvey.store.engine import make_encrypted_engine
from fieldsurvey.store.errors import (
    DAMAGED_DB,
    KEYLESS,
    NEED_SECRET,
    NO_STORE,
    STORE_EXISTS,
    UNFINISHED,
    StoreError,
)
from fieldsurvey.store.households import HouseholdRepo
from fieldsurvey.store.layout import DB_NAME, KEY_BACKUP_NAME, KEY_NAME, StoreState
from fieldsurvey.store.outbox import Outbox
from fieldsurvey.store.photos import PhotoRepo
from fieldsurvey.store.settings import DivisionRepo, Settings
from fieldsurvey.store.sync_repo import SyncStateRepo
from fieldsurvey.store.visits import VisitRepo

__all__ = ["DB_NAME", "KEY_BACKUP_NAME", "KEY_NAME", "Store", "StoreError"]

# Key file problems the backup copy can repair, when the store is opened with the recovery key.
_REPAIRABLE = ("damaged_keyfile", "missing_keyfile", "unreadable_keyfile", "bad_kdf")


def _prepare_dir(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with suppress(OSError):
        make_private_folder(data_dir)


def _create_private_file(path: Path) -> None:
    """SQLite gives -wal and -shm the main file's mode, so 0600 here protects all three."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | O_BINARY, 0o600)
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
        self.photos = PhotoRepo(self)
        self.sync_state = SyncStateRepo(self)

    @property
    def store_id(self) -> str:
        """This store's id, drawn when it was created (not a secret): it stands for the laptop
        where a form asks for a device id before the laptop is enrolled."""
        return self._keyfile.store_id

    # -- life cycle -------------------------------------------------------------------------
    @staticmethod
    def exists(data_dir: Path | str) -> bool:
        """A finished store is here (an interrupted creation or a key-less database is not one)."""
        return layout.state(data_dir) is StoreState.READY

    @classmethod
    def create(
        cls,
        data_dir: Path | str,
        passphrase: str,
        *,
        kdf: dict | None = None,
        finished: bool = True,
    ) -> tuple[Store, str]:
        """A new empty store; returns it and the recovery key, to be shown to the user once.

        What an interrupted creation left is cleared first. Should this creation fail, nothing
        of it is left (nor the directory, if it made it). ``finished=False`` keeps the store
        marked unfinished until ``finish_creation()`` — for the setup assistant, until the
        recovery key has been shown, and for the demo, until it is filled — so a kill before
        then makes it again next time.
        """
        d = Path(data_dir)
        found = layout.state(d)
        if found is StoreState.READY:
            raise StoreError(STORE_EXISTS, code="store_exists")
        keyfile, data_key, recovery_key = KeyFile.create(str(uuid.uuid4()), passphrase, kdf)
        made_dir = not d.exists()
        _prepare_dir(d)
        if found is StoreState.UNFINISHED:
            layout.clear_unfinished(d)
        elif found is StoreState.KEYLESS:
            layout.set_aside_keyless(d)
        engine: Engine | None = None
        try:
            layout.mark_creating(d)
            _create_private_file(d / DB_NAME)
            engine = make_encrypted_engine(d / DB_NAME, data_key)
            schema.upgrade(engine)
            keyfile.save(d / KEY_NAME)
            keyfile.save(d / KEY_BACKUP_NAME)
            store = cls(d, engine, keyfile, data_key)
            if finished:
                layout.mark_finished(d)
        except BaseException:
            if engine is not None:
                engine.dispose()
            with suppress(OSError):
                layout.clear_unfinished(d)
                if made_dir:
                    d.rmdir()
            raise
        return store, recovery_key

    def finish_creation(self) -> None:
        """The store is complete (see ``create(finished=False)``)."""
        layout.mark_finished(self.data_dir)

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
        found = layout.state(d)
        if found is StoreState.UNFINISHED:
            raise StoreError(UNFINISHED, code="unfinished_store")
        if found is StoreState.KEYLESS:
            raise StoreError(KEYLESS, code="keyless_store")
        if not (d / DB_NAME).exists():
            raise StoreError(NO_STORE, code="no_store")
        if (d / DB_NAME).is_file() and (d / DB_NAME).stat().st_size == 0:
            # Truncated to nothing. A real store's file always holds its header page; SQLCipher
            # would take an empty file for a new database (and write one), so it is not opened.
            raise StoreError(DAMAGED_DB, code="damaged_db")
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
                # A finished store always has a schema: an empty file (truncated to nothing,
                # which SQLCipher would take for a new database) is damage, not a fresh start.
                if schema.current_revision(conn) is None:
                    raise StoreError(DAMAGED_DB, code="damaged_db")
            if migrate:
                schema.upgrade(engine)
        except (DatabaseError, OperationalError):
            engine.dispose()
            raise StoreError(DAMAGED_DB, code="damaged_db") from None
        except BaseException:
            engine.dispose()
            raise
        store = cls(d, engine, keyfile, data_key)
        if migrate:
            store.photos.prune()  # photos removed from drafts since the last session
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
                if e.code in _REPAIRABLE:
                    raise KeyFileError(
                        Text(
                            e.text.zh + ";可用恢复密钥打开（会用备份密钥文件修复）",
                            e.text.en
                            + "; open it with the recovery key to repair it from the backup key file",
                        ),
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
            problems += [
                r[0] for r in conn.execute(text("PRAGMA cipher_integrity_check")).fetchall()
            ]
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
