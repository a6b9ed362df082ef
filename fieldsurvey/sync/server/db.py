"""Engine, sessions and migrations of the county database; the server's data directory.

The data directory holds ``server.json`` (database URL, county code), ``keys/`` (county private
keys, 0600) and ``uploads/`` (partial chunked uploads). SQLite is the embedded default; a
``postgresql+psycopg://`` URL puts the tables on PostgreSQL. On SQLite every transaction begins
``IMMEDIATE`` (WAL journal): writers queue on the busy timeout instead of failing half-way when
two requests upgrade read locks at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.store.atomic import atomic_write
from fieldsurvey.store.engine import bind_fast
from fieldsurvey.sync.keys import KeyPair, read_county_keys

CONFIG_FILE = "server.json"
DB_FILE = "county.db"
MIGRATIONS = Path(__file__).resolve().parent.parent / "server_migrations"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE).resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        import sqlite3

        bind_fast(sqlite3)  # NULLs and booleans bound without the driver's slow adapter lookups
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # let the "begin" hook below emit BEGIN
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise UserError(
        Text("只支持 SQLite 或 PostgreSQL 数据库地址", "only SQLite or postgresql+psycopg:// URLs are supported"),
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
    """The county server's data directory and what it configures."""

    path: Path
    db_url_override: str | None = None

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
                Text(f"{self.path} 不是县级服务器数据目录,请先运行 server init", f"{self.path} is not a county server data directory; run 'server init' first"),
                code="no_server_dir",
            ) from e

    def write_config(self, config: dict[str, Any]) -> None:
        atomic_write(self.config_path, json.dumps(config, ensure_ascii=False, indent=2).encode("utf-8"))

    @cached_property
    def db_url(self) -> str:
        if self.db_url_override:
            return self.db_url_override
        return str(self.read_config().get("db_url") or sqlite_url(self.path))

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.db_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def keys(self) -> KeyPair:
        return read_county_keys(self.keys_dir)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
