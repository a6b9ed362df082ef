"""Atomic file writes with restrictive permissions set before any byte is written.

Key files, exports and PDFs hold secrets or personal data: a crash must leave either the old file
or the new one, never half of one, and the data must never sit readable by others even for a
moment. The owner-only permission and the syncs that reach the disk on every OS (no ``fchmod``
on Windows, ``F_FULLFSYNC`` on macOS) are in ``core/private_files.py``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fieldsurvey.core.private_files import FILE_MODE, full_fsync, make_private
from fieldsurvey.core.private_files import fsync_dir as fsync_dir


def atomic_write(path: Path, data: bytes, mode: int = FILE_MODE) -> bool:
    """Replace ``path`` with ``data`` all at once; True when only the owner can read it.

    False means the file system or folder keeps no owner-only permission (a USB stick's FAT, a
    shared folder on Windows that refused it): the caller should tell the user.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            private = make_private(f.fileno(), Path(tmp), mode)
            f.write(data)
            f.flush()
            full_fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    fsync_dir(path.parent)
    return private
