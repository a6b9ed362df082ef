"""SQLAlchemy engines over SQLCipher (the store) and over plain SQLite (benchmarks' baseline).

The data key goes to SQLCipher as 64 hex digits in its raw-key form (``x'…'``): SQLCipher then
skips its own PBKDF2, so every new connection is cheap, and the only text ever placed in the
PRAGMA is hex we produced ourselves. The pool is a QueuePool: SQLAlchemy's default for this
dialect, SingletonThreadPool, has known use-after-free crashes with sqlcipher3 across threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

# Settings applied to every connection, SQLCipher or not, so a benchmark compares like with like.
CONNECTION_PRAGMAS = (
    "PRAGMA cipher_log_level=NONE",  # SQLCipher would print decrypt errors on stderr; we report them
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a commit that returned is on disk (WAL fsync on commit)
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",  # no temporary files on disk at all
    "PRAGMA cache_size=-32768",  # 32 MiB of decrypted pages: fewer decryptions on reads
    "PRAGMA busy_timeout=10000",
)


def raw_key_literal(data_key: bytes) -> str:
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"x'{data_key.hex()}'"


def _apply_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in CONNECTION_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _engine_options() -> dict[str, Any]:
    return {
        "poolclass": QueuePool,
        "pool_size": 4,
        "max_overflow": 4,
        "pool_pre_ping": False,
        "connect_args": {"check_same_thread": False},
    }


def make_encrypted_engine(path: Path, data_key: bytes) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=raw_key_literal(data_key), database=str(path))
    engine = create_engine(url, **_engine_options())
    event.listen(engine, "connect", _apply_pragmas)
    return engine


def make_plain_engine(path: Path) -> Engine:
    """Unencrypted SQLite with identical settings: the benchmark baseline, never used for data."""
    engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)), **_engine_options())
    event.listen(engine, "connect", _apply_pragmas)
    return engine
