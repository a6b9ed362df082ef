"""Files only their owner can read, and syncs that reach the disk, on every OS.

The store, the key files, ledgers and exports hold personal data. On POSIX systems a new file is
made mode 0600 (a folder 0700) before a byte is written. Windows has no modes (and before Python
3.13 no ``os.fchmod`` at all): a file inherits its folder's access list. Inside the user's profile
(``%USERPROFILE%``, where the data directory lives) that list already admits only the user, the
system and administrators; anywhere else (``D:\\``, a shared folder, a USB stick) it usually admits
every user of the machine, so there the file gets an access list of its own that grants the
current user alone, through Windows' own ``icacls`` (no extra dependency). A file system that keeps
no permissions at all (FAT on most USB sticks, or vfat on Linux) cannot be made private: the
functions here then answer False, and the caller tells the user that others can read the file.

Durability: ``fsync`` on macOS only hands data to the drive's cache; ``F_FULLFSYNC`` asks the drive
to write it, which is what a power cut needs. Elsewhere ``fsync`` is enough. Directory syncs make a
rename durable where the OS can open a directory (not on Windows, whose NTFS journals the rename).

Only the standard library: the store, the ledgers and the sync client all use it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import subprocess
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700
# Opening a file with os.open on Windows is text mode unless O_BINARY is given: every b"\n"
# written would become b"\r\n" (tempfile.mkstemp adds it itself; our own os.open calls must).
O_BINARY = getattr(os, "O_BINARY", 0)
# A console window must not flash up when the windowed app (pythonw) runs icacls or whoami.
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)
_ICACLS_TIMEOUT = 30.0


def is_windows() -> bool:
    return os.name == "nt"


# -- owner-only files ----------------------------------------------------------------------------
def make_private(fd: int, path: Path, mode: int = FILE_MODE) -> bool:
    """Restrict a file just created (still empty) to its owner; True when others cannot read it.

    ``fd`` is the open file, ``path`` its name. Call it before writing, so the data is never
    readable by others even for a moment.
    """
    if is_windows():
        return _windows_private(Path(path), folder=False)
    with contextlib.suppress(OSError):  # a file system without modes refuses: reported below
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:
            os.chmod(path, mode)
    return _mode_private(os.fstat(fd).st_mode)


def make_private_folder(path: Path) -> bool:
    """Restrict a folder (and, on Windows, what is later created in it) to its owner."""
    if is_windows():
        return _windows_private(Path(path), folder=True)
    with contextlib.suppress(OSError):
        os.chmod(path, FOLDER_MODE)
    return _mode_private(os.stat(path).st_mode)


def folder_keeps_files_private(folder: Path) -> bool:
    """Whether a file written into ``folder`` can be made readable by its owner alone.

    Tried for real with a small empty file, removed at once: the answer depends on the file
    system (a USB stick's FAT keeps no permissions) and, on Windows, on where the folder is.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=".fieldsurvey-probe-", dir=folder)
    except OSError:
        return False
    try:
        return make_private(fd, Path(name))
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.remove(name)


def _mode_private(mode: int) -> bool:
    return stat.S_IMODE(mode) & 0o077 == 0


def _windows_private(path: Path, *, folder: bool) -> bool:
    if inside_profile(path):
        return True  # the profile's inherited access list admits only the user (and the system)
    who = current_user_sid()
    if who is None:
        return False
    return run_icacls(icacls_arguments(path, who, folder=folder))


def inside_profile(path: Path) -> bool:
    """Whether ``path`` is under the user's profile folder (``%USERPROFILE%``), on Windows."""
    profile = os.environ.get("USERPROFILE")
    if not profile:
        return False
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(profile))
    except (OSError, ValueError):
        return False


def icacls_arguments(path: Path, who: str, *, folder: bool) -> list[str]:
    """``icacls PATH /inheritance:r /grant:r *SID:F``: drop the inherited entries, grant the owner.

    A folder's grant is inherited by the files and folders later made in it ((OI)(CI)), so a
    village's ledgers, written into a private staging folder, need one call, not one per file.
    """
    grant = f"{who}:(OI)(CI)F" if folder else f"{who}:F"
    return ["icacls", str(path), "/inheritance:r", "/grant:r", grant]


def run_icacls(arguments: list[str]) -> bool:
    try:
        done = subprocess.run(
            arguments,
            capture_output=True,
            timeout=_ICACLS_TIMEOUT,
            creationflags=_NO_WINDOW,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@functools.cache
def current_user_sid() -> str | None:
    """The signed-in user as icacls takes it: ``*S-1-5-21-…`` (a SID does not depend on the
    display language or on how the account name is spelt), else ``DOMAIN\\user``."""
    try:
        out = subprocess.run(
            ["whoami", "/user", "/fo", "csv", "/nh"],
            capture_output=True,
            timeout=_ICACLS_TIMEOUT,
            creationflags=_NO_WINDOW,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = b""
    found = re.search(r'"(S-1-[0-9-]+)"', out.decode("ascii", "replace"))
    if found:
        return "*" + found.group(1)
    user = os.environ.get("USERNAME")
    if not user:
        return None
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if domain else user


# -- durability ----------------------------------------------------------------------------------
def full_fsync(fd: int) -> None:
    """Write the file's data through to the disk (``F_FULLFSYNC`` on macOS, else ``fsync``)."""
    try:
        import fcntl  # not on Windows
    except ImportError:
        fcntl = None  # type: ignore[assignment]
    if fcntl is not None and hasattr(fcntl, "F_FULLFSYNC"):
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # not every file system supports it (network shares): fsync is the best left
    os.fsync(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable: the directory entry must reach the disk too (where it can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a directory this way
    try:
        full_fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
