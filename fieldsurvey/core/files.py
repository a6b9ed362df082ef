"""Reading a file a user names (on the command line, in a file dialog) with a size bound.

``Path.read_bytes()`` on whatever a user typed can hang or exhaust memory: ``/dev/zero`` never
ends, a FIFO blocks on open, a folder raises a raw ``IsADirectoryError`` (``PermissionError`` on
Windows), and a 20 GB file is read whole before anything checks it. Every file FieldSurvey reads
on a user's word goes through ``checked_size`` (stat only, for readers such as openpyxl that take
a path) or ``read_limited``: it must exist and be a regular file, its size is compared with the
bound before a byte is read, and at most ``limit + 1`` bytes are read even if it grows meanwhile.
Each refusal is one bilingual sentence naming the file and the bound.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

MIB = 1024 * 1024
_BLOCK = MIB


def size_text(limit: int) -> str:
    """A bound as people read it: ``64 MB``, ``256 KB``, ``16 GB``."""
    for unit, size in (("GB", 1024 * MIB), ("MB", MIB), ("KB", 1024)):
        if limit >= size:
            value = limit / size
            return (
                f"{value:.0f} {unit}"
                if value == int(value) or value >= 10
                else f"{value:.1f} {unit}"
            )
    return f"{limit} B"


def too_large(path: Path | str, what: Text, limit: int) -> UserError:
    return UserError(
        Text(
            f"{path} 太大：{what.zh}最大 {size_text(limit)}",
            f"{path} is too large: a {what.en} is at most {size_text(limit)}",
        ),
        code="file_too_large",
    )


def _unreadable(path: Path, e: OSError) -> UserError:
    reason = e.strerror or type(e).__name__
    return UserError(
        Text(f"无法读取 {path}({reason})", f"cannot read {path} ({reason})"), code="unreadable"
    )


def _refuse_special(path: Path | str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise UserError(
            Text(f"{path} 是文件夹，不是文件", f"{path} is a folder, not a file"), code="not_a_file"
        )
    if not stat.S_ISREG(mode):
        raise UserError(
            Text(
                f"{path} 不是普通文件（是设备、管道或套接字）",
                f"{path} is not a regular file (a device, pipe or socket)",
            ),
            code="not_a_file",
        )


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise UserError(
            Text(f"找不到文件 {path}", f"{path} does not exist"), code="no_such_file"
        ) from None
    except OSError as e:
        raise _unreadable(path, e) from None


def checked_size(path: Path, limit: int, what: Text) -> int:
    """The size of ``path`` once it is known to be a regular file of at most ``limit`` bytes."""
    st = _stat(path)
    _refuse_special(path, st.st_mode)
    if st.st_size > limit:
        raise too_large(path, what, limit)
    return st.st_size


def read_limited(path: Path, limit: int, what: Text) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is a ``UserError``.

    The file is checked by ``stat`` before it is opened (a FIFO would block ``open``), opened
    without blocking where the system allows, checked again on the open descriptor (the name may
    have been swapped meanwhile) and read with a bound, so a file that grows is cut at
    ``limit + 1`` bytes and refused.
    """
    checked_size(path, limit, what)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise _unreadable(path, e) from None
    with os.fdopen(fd, "rb", buffering=0) as f:
        st = os.fstat(f.fileno())
        _refuse_special(path, st.st_mode)
        if st.st_size > limit:
            raise too_large(path, what, limit)
        parts: list[bytes] = []
        total, request = 0, st.st_size + 1  # one read for an ordinary file; the +1 notices growth
        try:
            while total <= limit:
                block = f.read(request)
                if not block:
                    break
                parts.append(block)
                total += len(block)
                request = min(
                    _BLOCK, limit + 1 - total
                )  # it grew (or reports no size, as /proc does)
        except OSError as e:
            raise _unreadable(path, e) from None
    data = parts[0] if len(parts) == 1 else b"".join(parts)  # no copy for an ordinary file
    if len(data) > limit:
        raise too_large(path, what, limit)
    return data
