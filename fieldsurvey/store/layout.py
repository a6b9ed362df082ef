"""The files of a data directory, and whether they make a finished store.

A store is made in steps (database, schema, key file, its backup) and a laptop can lose power or
be killed between any two. ``store.creating`` is written first and removed last, so a directory
that still holds it is an unfinished creation, holding nothing anyone entered: it is cleared and
made again, never reported as "already holds data" nor answered with a request for a recovery
key that was never shown. A database without either key file (a creation that died before
the marker existed) can never be opened — its data key existed only in the key file — and is
moved aside, not deleted, when a store is made there.

Only the standard library, so the app can decide between the setup assistant and the unlock
screen before SQLAlchemy has loaded.
"""

from __future__ import annotations

import contextlib
import enum
import os
import time
from pathlib import Path

from fieldsurvey.core.private_files import O_BINARY, fsync_dir, full_fsync

DB_NAME = "store.db"
KEY_NAME = "store.key"
KEY_BACKUP_NAME = "store.key.bak"
CREATING_NAME = "store.creating"
DB_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")


class StoreState(enum.Enum):
    EMPTY = "empty"  # no store: the setup assistant makes one
    UNFINISHED = "unfinished"  # a creation was interrupted: it is made again
    KEYLESS = "keyless"  # a database without any key file: cannot be opened
    READY = "ready"  # a finished store: unlock it


def state(data_dir: Path | str) -> StoreState:
    d = Path(data_dir)
    if (d / CREATING_NAME).exists():
        return StoreState.UNFINISHED
    has_db = (d / DB_NAME).exists()
    has_key = (d / KEY_NAME).exists() or (d / KEY_BACKUP_NAME).exists()
    if has_db and not has_key:
        return StoreState.KEYLESS
    if has_db or has_key:
        return StoreState.READY
    return StoreState.EMPTY


def mark_creating(d: Path) -> None:
    """Written, and synced, before the first file of a new store."""
    fd = os.open(d / CREATING_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_BINARY, 0o600)
    try:
        os.write(fd, b"a FieldSurvey store is being created here\n")
        full_fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(d)


def mark_finished(d: Path) -> None:
    """Removed, and synced, once the database and both key files are on disk."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(d / CREATING_NAME)
    fsync_dir(d)


def clear_unfinished(d: Path) -> None:
    """Remove what an interrupted creation left; the marker goes last, so this can be redone."""
    for name in (*DB_FILES, KEY_NAME, KEY_BACKUP_NAME):
        with contextlib.suppress(FileNotFoundError):
            os.remove(d / name)
    for stray in d.glob(f".{KEY_NAME}*.tmp"):  # a key file's temporary copy (atomic_write)
        with contextlib.suppress(OSError):
            os.remove(stray)
    fsync_dir(d)
    mark_finished(d)


def set_aside_keyless(d: Path) -> list[Path]:
    """Rename a key-less database's files to ``store.db.unusable-<time>…`` (kept, not deleted)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    moved = []
    for name in DB_FILES:
        if (d / name).exists():
            target = d / name.replace(DB_NAME, f"{DB_NAME}.unusable-{stamp}", 1)
            os.replace(d / name, target)
            moved.append(target)
    fsync_dir(d)
    return moved
