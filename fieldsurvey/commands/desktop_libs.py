"""The system libraries Qt's X11 (xcb) window plugin needs, checked before Qt starts.

PySide6's wheels bring Qt but not the X11 helper libraries a desktop Linux usually has and a fresh
or minimal one often lacks (``libxcb-cursor0``, ``libxcb-icccm4``, ``libxcb-keysyms1``, …). Without
them Qt aborts the process naming only the first one it missed ("Could not load the Qt platform
plugin xcb"), so a newcomer installs one package, tries again, and meets the next. Here every
library is tried with the system's own loader (``ctypes``), the same search Qt's plugin loader
makes, and the one ``apt`` line (and ``dnf`` line) installing all the missing ones is printed.

``SONAMES`` is the xcb plugin's (``libqxcb.so`` and ``libQt6XcbQpa``) and QtGui's direct needs
outside Qt itself, as ``ldd`` lists them for PySide6 6.11; tests/test_desktop_libs.py reads the
installed plugin with ``ldd`` and fails when a newer PySide6 needs one this table lacks.

Linux (and other X11 systems) only: Windows and macOS Qt needs nothing from the system, and a
session that asks for another platform (``QT_QPA_PLATFORM=offscreen``, ``wayland``) skips the check.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

# soname -> (Debian/Ubuntu/UOS/Kylin package, Fedora/openEuler/RHEL package)
SONAMES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}


@dataclass(frozen=True)
class Missing:
    sonames: list[str]

    @property
    def apt(self) -> str:
        return "sudo apt install " + " ".join(_unique(SONAMES[s][0] for s in self.sonames))

    @property
    def dnf(self) -> str:
        return "sudo dnf install " + " ".join(_unique(SONAMES[s][1] for s in self.sonames))


def _unique(names: object) -> list[str]:
    seen: list[str] = []
    for name in names:  # type: ignore[attr-defined]
        if name not in seen:
            seen.append(name)
    return seen


def full_install_lines() -> Missing:
    """Every package, for the README: what a fresh machine may need."""
    return Missing(list(SONAMES))


def uses_xcb(
    environ: dict[str, str] | os._Environ[str] = os.environ, platform: str = sys.platform
) -> bool:
    """Whether Qt will load its xcb plugin: on Linux/BSD unless another platform is asked for.

    A Wayland session without ``QT_QPA_PLATFORM`` still counts: Qt falls back to xcb there when
    its Wayland plugin cannot start, and a missing library is then the same abort.
    """
    if platform in ("win32", "cygwin", "darwin"):
        return False
    asked = (environ.get("QT_QPA_PLATFORM") or "").strip()
    if not asked:
        return True
    return any(part.strip().startswith("xcb") for part in asked.split(";"))


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def find_missing(loads: Callable[[str], bool] = _loads) -> Missing:
    return Missing([s for s in SONAMES if not loads(s)])


def require_desktop_libs(loads: Callable[[str], bool] = _loads) -> None:
    """Refuse to start Qt when a library its window plugin needs is missing, naming them all."""
    if not uses_xcb():
        return
    missing = find_missing(loads)
    if not missing.sonames:
        return
    raise UserError(
        Text(
            f"桌面程序缺少系统库（{'、'.join(missing.sonames)}），安装后再运行一次。",
            f"the desktop app needs system libraries that are missing ({', '.join(missing.sonames)}); "
            "install them, then run it again:\n"
            f"  Debian, Ubuntu, UOS, Kylin:  {missing.apt}\n"
            f"  Fedora, openEuler, RHEL:     {missing.dnf}",
        ),
        code="missing_system_libraries",
    )
