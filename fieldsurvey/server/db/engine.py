"""Engine, sessions and migrations of the county database; the server's data directory.

The data directory holds ``server.json`` (database URL, county code), ``keys/`` (the wrapped
master key ``server.key`` and the county's encrypted private keys, see ``vault.py``),
``county.db`` (the embedded SQLCipher database) and ``uploads/`` (partial chunked uploads, still
HPKE-encrypted). Nothing in it opens without the passphrase, which is never stored beside it.
SQLite (SQLCipher) is the embedded default; a ``postgresql+psycopg://`` URL puts the tables on
PostgreSQL, where the personal records are sealed column by column (``sealed.py``; SQLite gets
the same sealing under its whole-file encryption). On SQLite every transaction begins
``IMMEDIATE`` (WAL journal): writers queue on the busy timeout instead of failing half-way when
two requests upgrade read locks at once. Directory 0700, files 0600 (``make_private``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.encryption.sqlcipher import bind_fast, raw_key_literal
from fieldsurvey.server.db import vault
from fieldsurvey.server.db.sealed_columns import ColumnCipher, attach
from fieldsurvey.sync.keys import KeyPair, county_keys_encrypted, read_county_keys

CONFIG_FILE = "server.json"
DB_FILE = "county.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE).resolve()}"


SQLITE_HEADER = (
    b"SQLite format 3\x00"  # a plaintext SQLite file; SQLCipher's first bytes are random
)
NOT_ENCRYPTED = Text(
    "这个县级服务器数据目录是旧版本建立的，尚未加密；请运行一次 fieldsurvey server encrypt --data-dir "
    "该目录（会要求设置密码短语，数据原地加密，不会丢失）",
    "this county server's data directory was made by an earlier version and is not encrypted yet; run "
    "'fieldsurvey server encrypt --data-dir DIR' once (it asks for a new passphrase and encrypts "
    "the data in place, losing nothing)",
)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases (and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database else None


def is_plain_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def make_private(path: Path) -> None:
    """The data directory and its folders 0700, its files 0600: no other user reads any of it.

    POSIX only: on Windows a file's mode bits do not express this (the user's own folder and its
    ACLs do), so nothing is changed there. Symbolic links are left alone.
    """
    if os.name != "posix" or not path.is_dir():
        return
    for root, dirs, files in os.walk(path):
        for name, mode in [(d, 0o700) for d in dirs] + [(f, 0o600) for f in files]:
            p = os.path.join(root, name)
            if not os.path.islink(p):
                with contextlib.suppress(OSError):
                    os.chmod(p, mode)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)


def make_engine(url: str, sqlcipher_key: bytes | None = None) -> Engine:
    """An engine for ``url``; a SQLite file is opened with SQLCipher when ``sqlcipher_key`` is given.

    The key reaches SQLCipher as raw hex (``encryption.sqlcipher.raw_key_literal``), so opening a
    connection runs no key derivation. Without a key SQLite stays plain: only the benchmarks'
    baseline and ``server encrypt`` (reading an earlier version's file) do that.
    """
    if url.startswith("sqlite"):
        connect_args = {"timeout": 60, "check_same_thread": False}
        # hide_parameters: a database error's message (and so a log line) never shows the values
        # it was given, which are the plain records before sealing.
        if sqlcipher_key is not None:
            import sqlcipher3

            bind_fast(sqlcipher3)
            cipher_url = URL.create(
                "sqlite+pysqlcipher",
                password=raw_key_literal(sqlcipher_key),
                database=make_url(url).database,
            )
            # QueuePool as for plain SQLite: this dialect's default, SingletonThreadPool, has
            # use-after-free crashes with sqlcipher3 across threads (see store/engine.py).
            engine = create_engine(
                cipher_url,
                module=sqlcipher3,
                connect_args=connect_args,
                poolclass=QueuePool,
                hide_parameters=True,
            )
        else:
            import sqlite3

            bind_fast(sqlite3)  # NULLs and booleans bound without the driver's slow adapter lookups
            engine = create_engine(url, connect_args=connect_args, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # let the "begin" hook below emit BEGIN
            cur = dbapi_conn.cursor()
            if sqlcipher_key is not None:
                cur.execute(
                    "PRAGMA cipher_log_level=NONE"
                )  # decrypt errors are reported, not printed
            cur.execute("PRAGMA temp_store=MEMORY")  # no temporary files (plaintext pages) on disk
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql"):
        return create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True
        )
    raise UserError(
        Text(
            "只支持 SQLite 或 PostgreSQL 数据库地址",
            "only SQLite or postgresql+psycopg:// URLs are supported",
        ),
        code="bad_db_url",
    )


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class ServerDir:
    """The county server's data directory and what it configures.

    ``passphrase`` unlocks it; None reads ``FIELDSURVEY_SERVER_PASSPHRASE`` (or the file named by
    ``FIELDSURVEY_SERVER_PASSPHRASE_FILE``) when first needed. ``new_recovery_key`` is set by
    ``admin.init_server`` for the caller to show once.
    """

    path: Path
    db_url_override: str | None = None
    passphrase: str | None = field(default=None, repr=False)
    new_recovery_key: str | None = field(default=None, repr=False)

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_FILE

    @property
    def keys_dir(self) -> Path:
        return self.path / "keys"

    @property
    def uploads_dir(self) -> Path:
        return self.path / "uploads"

    def exists(self) -> bool:
        return self.config_path.exists()

    def read_config(self) -> dict[str, Any]:
        try:
            return json.loads(self.config_path.read_text("utf-8"))
        except FileNotFoundError as e:
            raise UserError(
                Text(
                    f"{self.path} 不是县级服务器数据目录，请先运行 server init",
                    f"{self.path} is not a county server data directory; run 'server init' first",
                ),
                code="no_server_dir",
            ) from e

    def write_config(self, config: dict[str, Any]) -> None:
        atomic_write(
            self.config_path, json.dumps(config, ensure_ascii=False, indent=2).encode("utf-8")
        )

    @cached_property
    def db_url(self) -> str:
        if self.db_url_override:
            return self.db_url_override
        return str(self.read_config().get("db_url") or sqlite_url(self.path))

    def unencrypted_parts(self) -> list[str]:
        """What an earlier version left in plain: "key file" (none yet), "keys", "database"."""
        parts = [] if vault.has_key_file(self.keys_dir) else ["key file"]
        if not county_keys_encrypted(self.keys_dir):
            parts.append("keys")
        db = sqlite_path(self.db_url)
        if db is not None and is_plain_sqlite(db):
            parts.append("database")
        return parts

    @cached_property
    def secrets(self) -> vault.ServerSecrets:
        """The master key, unwrapped with the passphrase; an earlier version's plain directory is refused."""
        if self.unencrypted_parts():
            raise UserError(NOT_ENCRYPTED, code="server_not_encrypted")
        passphrase = (
            self.passphrase if self.passphrase is not None else vault.passphrase_from_env(self.path)
        )
        return vault.unlock(self.keys_dir, passphrase=passphrase)

    def column_cipher(self) -> ColumnCipher:
        return ColumnCipher(self.secrets.column_key, self.secrets.index_key)

    @cached_property
    def engine(self) -> Engine:
        secrets = self.secrets
        engine = make_engine(self.db_url, secrets.sqlcipher_key)
        attach(engine, self.column_cipher())
        if sqlite_path(self.db_url) is not None:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
            except DatabaseError:
                engine.dispose()
                raise UserError(
                    Text(
                        "县级数据库无法用这个密钥文件打开（数据库已损坏，或不是这个服务器的）",
                        "the county database does not open with this key file (damaged, or not this server's database)",
                    ),
                    code="damaged_db",
                ) from None
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def keys(self) -> KeyPair:
        return read_county_keys(self.keys_dir, self.secrets.county_keys_password)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
