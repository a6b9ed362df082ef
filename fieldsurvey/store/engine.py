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
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import QueuePool

from fieldsurvey.core.text import Text
from fieldsurvey.encryption.sqlcipher import bind_fast, raw_key_literal
from fieldsurvey.store import errors

# Settings applied to every connection, SQLCipher or not, so a benchmark compares like with like.
CONNECTION_PRAGMAS = (
    "PRAGMA cipher_log_level=NONE",  # SQLCipher would print decrypt errors on stderr; we report them
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a commit that returned is on disk (WAL fsync on commit)
    # macOS: fsync leaves data in the drive's cache; F_FULLFSYNC writes it, for commits and for
    # checkpoints. SQLite ignores both pragmas on every other system.
    "PRAGMA fullfsync=ON",
    "PRAGMA checkpoint_fullfsync=ON",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",  # no temporary files on disk at all
    "PRAGMA cache_size=-32768",  # 32 MiB of decrypted pages: fewer decryptions on reads
    "PRAGMA busy_timeout=10000",
)


def _apply_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in CONNECTION_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


# SQLite's primary result codes that mean the file, the disk or another program is at fault,
# not the code: each becomes a sentence (``errors.py``) wherever it surfaces.
FILE_FAULTS: dict[int, tuple[Text, str]] = {
    5: (errors.BUSY, "store_busy"),  # SQLITE_BUSY (after busy_timeout)
    6: (errors.BUSY, "store_busy"),  # SQLITE_LOCKED
    8: (errors.READ_ONLY, "store_read_only"),  # SQLITE_READONLY
    10: (errors.DISK_ERROR, "disk_error"),  # SQLITE_IOERR
    11: (errors.DAMAGED_DB, "damaged_db"),  # SQLITE_CORRUPT: a page fails SQLite's checks
    13: (errors.DISK_FULL, "disk_full"),  # SQLITE_FULL
    14: (errors.CANNOT_OPEN, "cannot_open_db"),  # SQLITE_CANTOPEN
    26: (errors.DAMAGED_DB, "damaged_db"),  # SQLITE_NOTADB: SQLCipher's page HMAC failed
}


def file_fault(error: BaseException) -> errors.StoreError | None:
    """The sentence for a driver error caused by the file or the disk, else None (a bug)."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    fault = FILE_FAULTS.get(code & 0xFF)
    return errors.StoreError(fault[0], code=fault[1]) if fault else None


def _translate_error(context: ExceptionContext) -> None:
    """SQLAlchemy's ``handle_error`` hook: raise the sentence instead of the driver's message."""
    fault = file_fault(context.original_exception)
    if fault is not None:
        raise fault from None


def _engine_options() -> dict[str, Any]:
    return {
        "poolclass": QueuePool,
        "pool_size": 4,
        "max_overflow": 4,
        "pool_pre_ping": False,
        "connect_args": {"check_same_thread": False},
    }


def make_encrypted_engine(path: Path, data_key: bytes) -> Engine:
    import sqlcipher3

    bind_fast(sqlcipher3)
    url = URL.create("sqlite+pysqlcipher", password=raw_key_literal(data_key), database=str(path))
    engine = create_engine(url, module=sqlcipher3, **_engine_options())
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "handle_error", _translate_error)
    return engine


def make_plain_engine(path: Path) -> Engine:
    """Unencrypted SQLite with identical settings: the benchmark baseline, never used for data."""
    import sqlite3

    bind_fast(sqlite3)
    engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)), **_engine_options())
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "handle_error", _translate_error)
    return engine


def cipher_version() -> str:
    """The SQLCipher library this process encrypts with (``PRAGMA cipher_version``).

    Asked of a throwaway in-memory connection, so it works before any store is unlocked: the
    About box shows it, because county IT checks it against security advisories.
    """
    import sqlcipher3

    connection = sqlcipher3.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
        sqlite = connection.execute("SELECT sqlite_version()").fetchone()
    finally:
        connection.close()
    return f"{row[0] if row else 'unknown'} (SQLite {sqlite[0]})"
