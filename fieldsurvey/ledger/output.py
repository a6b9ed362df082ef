"""Writing PDFs to disk atomically and privately: ledgers hold personal data.

The temporary file is created in the target folder with mode 0600 before a byte is written,
synced, then renamed over the target, so a reader never sees half a file and no other user on
the machine can read it even for a moment. On any error (or cancellation) the temporary file
is removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    target = Path(target)
    folder = target.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp already uses 0600; say so explicitly
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    """Make a rename durable; not every platform can open a directory, which is fine."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
