"""``server encrypt``: a data directory made by an earlier version, encrypted in place.

Before this version the county server kept its SQLite database, its private keys and every
personal record in plain files. Such a directory is refused by every other command with a
sentence naming ``server encrypt``; this module converts it, one resumable step at a time, so a
power cut at any point loses nothing and running the command again finishes the job:

1. the key file (``vault.create``): a new master key wrapped by the passphrase; from here on the
   same passphrase (or the recovery key shown now) is needed to continue;
2. the SQLite file (skipped on PostgreSQL): its WAL folded in, copied into a new SQLCipher file
   by ``sqlcipher_export``, every table's row count compared, and only then swapped in by rename;
3. the county's private key files, each rewritten as encrypted PKCS#8 (atomic replace);
4. the schema migrations, whose revision 0004 seals the personal columns and fills the ID number
   index (one transaction);
5. the staged roster uploads, sealed (``sealed_files.py``; each written beside its plain file and
   renamed into place), and any export left in ``exports/`` deleted. A server of the version
   just before this one, already encrypted, has its staged rosters sealed when it next starts.

Replacing a file does not scrub the disk blocks the plain one used: ``docs/security.md`` says
to keep the server on an encrypted disk, or to wipe the old disk after the upgrade.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldsurvey.core.atomic import fsync_dir
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.encryption.sqlcipher import raw_key_literal
from fieldsurvey.server.db import vault
from fieldsurvey.server.db.engine import (
    ServerDir,
    is_plain_sqlite,
    make_private,
    migrate,
    sqlite_path,
)
from fieldsurvey.sync.keys import encrypt_county_keys


def encrypt_in_place(
    sd: ServerDir,
    passphrase: str,
    *,
    kdf: dict | None = None,
    progress: Callable[[str], object] = lambda _line: None,
    on_recovery_key: Callable[[str], object] = lambda _key: None,
) -> None:
    parts = sd.unencrypted_parts()
    if not parts:
        return
    if "key file" in parts:
        unlocked, recovery_key = vault.create(sd.keys_dir, passphrase, kdf)
        on_recovery_key(
            recovery_key
        )  # shown now: a cut after this point needs it or the passphrase
    else:
        unlocked = vault.unlock(sd.keys_dir, passphrase=passphrase)
    db = sqlite_path(sd.db_url)
    if db is not None and is_plain_sqlite(db):
        progress("正在加密数据库 Encrypting the database …")
        encrypt_sqlite_file(db, unlocked.sqlcipher_key)
    encrypt_county_keys(sd.keys_dir, unlocked.county_keys_password)
    sd.passphrase = passphrase
    sd.__dict__.pop("secrets", None)
    progress("正在加密个人信息列 Sealing the personal records …")
    migrate(sd.engine)
    from fieldsurvey.server.exports.tables import sweep as sweep_exports
    from fieldsurvey.server.roster.xlsx_upload import RosterUploads

    RosterUploads(sd).seal_plain()  # staged rosters waiting for import: sealed, still importable
    sweep_exports(sd.path / "exports")  # exports whose request is long gone
    sd.close()
    make_private(sd.path)


def _table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
        for name in names
    }


def encrypt_sqlite_file(db: Path, key: bytes) -> None:
    """Replace the plain SQLite file ``db`` by a SQLCipher copy under ``key`` (raw key)."""
    import sqlcipher3

    plain = sqlite3.connect(db, timeout=5)
    try:
        busy = plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise UserError(
                Text(
                    "数据库正在使用中：请先停止县级服务器",
                    "the database is in use: stop the county server first",
                ),
                code="db_busy",
            )
        plain.execute(
            "PRAGMA journal_mode=DELETE"
        )  # no WAL beside the file we are about to replace
    finally:
        plain.close()
    target = db.with_name(db.name + ".encrypting")
    for leftover in (target, Path(str(target) + "-journal")):
        leftover.unlink(missing_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlcipher3.connect(str(db))  # no key: reads the plain file
    try:
        conn.execute("BEGIN EXCLUSIVE")  # nobody writes while it is copied
        before = _table_counts(conn)
        conn.execute(f'ATTACH DATABASE ? AS encrypted KEY "{raw_key_literal(key)}"', (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        after = _table_counts(conn, "encrypted")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    if before != after:
        target.unlink(missing_ok=True)
        raise UserError(
            Text(
                "加密后的数据库与原数据库不一致，原数据未改动",
                "the encrypted copy differs from the database; the original is untouched",
            ),
            code="encrypt_failed",
        )
    with open(target, "rb+") as f:
        os.fsync(f.fileno())
    for stale in (Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    os.replace(target, db)
    fsync_dir(db.parent)
