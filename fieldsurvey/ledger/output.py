"""Writing PDFs to disk atomically and privately: ledgers hold personal data.

The temporary file is created in the target folder and restricted to its owner before a byte is
written (mode 0600, or an owner-only access list on Windows: ``core/private_files.py``), synced,
then renamed over the target, so a reader never sees half a file and no other user on the machine
can read it even for a moment. On any error (or cancellation) the temporary file is removed.

Windows refuses to replace a file that a PDF viewer holds open. That is reported as a sentence
asking to close the PDF, and a set of files (a village printed into a folder) is replaced all or
none: every old file is first moved aside, and if one cannot be, those already moved go back
before anything new is put in place (``replace_all``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.private_files import FILE_MODE as FILE_MODE
from fieldsurvey.core.private_files import fsync_dir, full_fsync, make_private
from fieldsurvey.core.text import Text


def file_in_use(name: str) -> UserError:
    return UserError(
        Text(
            f"无法替换 {name}:它正被其他程序（如 PDF 阅读器）打开。请关闭该 PDF 后重试，原有文件均未改动",
            f"cannot replace {name}: another program (a PDF viewer?) has it open. Close the PDF and "
            "try again; no existing file was changed",
        ),
        code="file_in_use",
    )


def not_a_file(name: str) -> UserError:
    return UserError(
        Text(
            f"{name} 已存在且不是文件，不会替换",
            f"{name} exists and is not a file; it is not replaced",
        ),
        code="not_a_file",
    )


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    target = Path(target)
    folder = target.parent
    _check_replaceable(target)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            make_private(f.fileno(), temp)
            yield f
            f.flush()
            full_fsync(f.fileno())
        replace_file(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_folder(folder)


def replace_file(source: Path, target: Path) -> None:
    """``os.replace``, with a sentence when the target is held open (Windows)."""
    try:
        os.replace(source, target)
    except PermissionError:
        if target.exists():
            raise file_in_use(target.name) from None
        raise


def replace_all(moves: Sequence[tuple[Path, Path]], aside: Path) -> None:
    """Move each ``(new, target)`` into place, all or none.

    Every existing target is first moved into ``aside`` (a folder on the same volume, removed by
    the caller); if one of them cannot be moved — a viewer has it open — the ones already moved
    go back and nothing new is put in place. Only then are the new files moved in.
    """
    for _, target in moves:
        _check_replaceable(target)
    moved: list[tuple[Path, Path]] = []
    placed: list[tuple[Path, Path]] = []
    try:
        for i, (_, target) in enumerate(moves):
            if os.path.lexists(target):
                backup = aside / f"{i}.old"
                try:
                    os.replace(target, backup)
                except PermissionError:
                    raise file_in_use(target.name) from None
                moved.append((target, backup))
        for source, target in moves:
            os.replace(source, target)
            placed.append((source, target))
    except BaseException:
        for source, target in reversed(placed):
            with contextlib.suppress(OSError):
                os.replace(target, source)
        for target, backup in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(backup, target)
        raise


def _check_replaceable(target: Path) -> None:
    if os.path.lexists(target) and not (target.is_file() or target.is_symlink()):
        raise not_a_file(target.name)


def sync_folder(folder: Path) -> None:
    """Make a rename durable; not every platform can open a directory, which is fine."""
    fsync_dir(folder)
