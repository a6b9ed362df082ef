"""The .deb around the bundle: layout, Depends derived from the bundle's own libraries, control.

The package installs the bundle to /opt/fieldsurvey with links in /usr/bin, a desktop entry,
the icon in every hicolor size, the ``fieldsurvey-server`` systemd unit and its settings file
(a conffile), and maintainer scripts (packaging/debian/). Its Depends are not a hand-kept list:
every ELF file in the bundle is run through ldd, each library resolved outside the bundle is
mapped to its package with ``dpkg -S``, so a Qt plugin's ``libxcb-cursor.so.0`` becomes
``libxcb-cursor0`` and the missing-library start-up trap cannot happen. ``QT_BASELINE`` is
added on top: the xcb libraries Qt's xcb platform plugin needs even on a build machine that
happens not to have them installed (ldd then says "not found", which has no package).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEBIAN = HERE / "debian"
ICONS = HERE / "icons"
PACKAGE = "fieldsurvey"
PREFIX = "opt/fieldsurvey"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

# What Qt's xcb platform plugin (the desktop's window system) loads, by package name.
QT_BASELINE = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libxkbcommon0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libglib2.0-0",
)
# Libraries every Debian system has as part of libc; depended on through libc6 with a version.
_LIBC = re.compile(
    r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|ld-linux[-\w]*)\.so"
)


def deb_version(version: str) -> str:
    """PEP 440 to Debian: a pre-release sorts before the release (``0.2.0rc1`` → ``0.2.0~rc1``)."""
    return re.sub(r"(?<=\d)\.?(a|b|rc|dev)(\d*)", r"~\1\2", version)


def deb_arch() -> str:
    found = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def _elf_files(root: Path) -> Iterable[Path]:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


# Plugins Qt loads only when their own system libraries are there (the GTK 3 theme follows the
# desktop's look when GTK 3 is installed): their libraries are not made package dependencies.
OPTIONAL_PLUGINS = ("platformthemes/libqgtk3.so",)


def _needed(elf: Path) -> list[str]:
    """The libraries ``elf`` names itself (DT_NEEDED), not those its libraries pull in."""
    out = subprocess.run(
        ["readelf", "-d", str(elf)], capture_output=True, text=True, timeout=60
    ).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def external_libraries(bundle: Path) -> tuple[set[str], set[str]]:
    """(paths of the system libraries the bundle's files name directly, names ldd could not find).

    ldd resolves each name as the loader will (bundled libraries first, through the bundle's
    own folders); only names an ELF file lists as NEEDED count, so the package depends on
    what the bundle uses and apt brings those libraries' own dependencies.
    """
    lib_dirs = sorted({str(p.parent) for p in bundle.rglob("*.so*")})
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(lib_dirs))
    resolved: set[str] = set()
    missing: set[str] = set()
    for elf in _elf_files(bundle):
        if elf.as_posix().endswith(OPTIONAL_PLUGINS):
            continue
        needed = set(_needed(elf))
        out = subprocess.run(
            ["ldd", str(elf)], capture_output=True, text=True, env=env, timeout=60
        ).stdout
        for line in out.splitlines():
            name, _, rest = line.strip().partition(" => ")
            if not rest or name not in needed:
                continue
            if rest.startswith("not found"):
                missing.add(name)
                continue
            path = rest.split(" (", 1)[0].strip()
            if path and not path.startswith(str(bundle)):
                resolved.add(path)
    return resolved, missing


def packages_of(paths: Iterable[str]) -> set[str]:
    """The Debian packages owning ``paths`` (one ``dpkg -S`` call), ignoring the :arch qualifier."""
    wanted: dict[str, list[str]] = {}
    for path in sorted(paths):
        if _LIBC.match(Path(path).name):
            continue
        candidates = [path, os.path.realpath(path)]
        for candidate in list(candidates):  # merged /usr: dpkg knows only one of the two names
            if candidate.startswith("/lib"):
                candidates.append("/usr" + candidate)
            elif candidate.startswith("/usr/lib"):
                candidates.append(candidate[len("/usr") :])
        wanted[path] = candidates
    if not wanted:
        return set()
    every = sorted({c for cs in wanted.values() for c in cs})
    found = subprocess.run(
        ["dpkg", "-S", *every], capture_output=True, text=True, timeout=120
    ).stdout
    owner: dict[str, str] = {}
    for line in found.splitlines():
        packages, sep, owned = line.partition(": ")
        if sep:
            owner[owned.strip()] = packages.split(",")[0].split(":")[0].strip()
    return {
        next(owner[c] for c in cs if c in owner)
        for cs in wanted.values()
        if any(c in owner for c in cs)
    }


def glibc_floor(bundle: Path) -> str:
    """The newest GLIBC_x.y symbol version any bundled file needs: libc6's minimum version."""
    best = (2, 17)
    for elf in _elf_files(bundle):
        out = subprocess.run(["objdump", "-T", str(elf)], capture_output=True, text=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


# Libraries the bundle names that a build machine may lack (so ldd says "not found" and dpkg -S
# cannot answer), by Debian package. An unknown missing library stops the build: it would be the
# start-up trap this list exists to prevent.
MISSING_ON_BUILD = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libwayland-client.so.0": "libwayland-client0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libcups.so.2": "libcups2",
}


def depends(bundle: Path) -> list[str]:
    resolved, missing = external_libraries(bundle)
    unknown = sorted(missing - set(MISSING_ON_BUILD))
    if unknown:
        raise SystemExit(
            f"the bundle needs {', '.join(unknown)}, which this machine lacks and packaging/deb.py "
            "cannot name a package for: install it here or add it to MISSING_ON_BUILD"
        )
    names = packages_of(resolved) | set(QT_BASELINE) | {MISSING_ON_BUILD[name] for name in missing}
    names.discard("libc6")
    return [f"libc6 (>= {glibc_floor(bundle)})", *sorted(names)]


def control(version: str, arch: str, depends_on: list[str], installed_kb: int) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {deb_version(version)}\n"
        f"Architecture: {arch}\n"
        "Maintainer: FieldSurvey developers <fieldsurvey@localhost>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {', '.join(depends_on)}\n"
        "Recommends: systemd\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: offline household survey for village first secretaries (入户走访)\n"
        " FieldSurvey records household visits on a laptop where there is no network,\n"
        " keeps them encrypted (SQLCipher) and syncs them to the county server as\n"
        " signed, encrypted batches. This package carries its own Python, Qt and\n"
        " SQLCipher in /opt/fieldsurvey: the desktop app (fieldsurvey-app), the\n"
        " command line (fieldsurvey) and the county server as a systemd service\n"
        " (fieldsurvey-server, set up as /usr/share/doc/fieldsurvey/README.Debian says).\n"
    )


def layout(bundle: Path, root: Path) -> None:
    """The package's file tree under ``root`` (without DEBIAN/)."""
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/fieldsurvey").symlink_to(f"/{PREFIX}/fieldsurvey")
    (root / "usr/bin/fieldsurvey-app").symlink_to(f"/{PREFIX}/FieldSurvey")
    apps = root / "usr/share/applications"
    apps.mkdir(parents=True)
    shutil.copy2(DEBIAN / "fieldsurvey.desktop", apps / "fieldsurvey.desktop")
    for size in ICON_SIZES:
        target = root / f"usr/share/icons/hicolor/{size}x{size}/apps"
        target.mkdir(parents=True)
        shutil.copy2(ICONS / f"fieldsurvey-{size}.png", target / "fieldsurvey.png")
    scalable = root / "usr/share/icons/hicolor/scalable/apps"
    scalable.mkdir(parents=True)
    shutil.copy2(ICONS / "fieldsurvey.svg", scalable / "fieldsurvey.svg")
    unit = root / "lib/systemd/system"
    unit.mkdir(parents=True)
    shutil.copy2(DEBIAN / "fieldsurvey-server.service", unit / "fieldsurvey-server.service")
    etc = root / "etc/fieldsurvey"
    etc.mkdir(parents=True)
    shutil.copy2(DEBIAN / "server.toml", etc / "server.toml")
    doc = root / "usr/share/doc/fieldsurvey"
    doc.mkdir(parents=True)
    for name in ("README.Debian", "copyright"):
        shutil.copy2(DEBIAN / name, doc / name)
    for path in root.rglob(
        "*"
    ):  # dpkg-deb refuses group/other-writable trees; umask may leave some
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o022)


def build_deb(bundle: Path, version: str, out_dir: Path, work: Path) -> Path:
    """Lay out, write DEBIAN/, and run ``dpkg-deb --build``; returns the .deb's path."""
    arch = deb_arch()
    root = work / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    layout(bundle, root)
    meta = root / "DEBIAN"
    meta.mkdir()
    size_kb = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file()) // 1024
    (meta / "control").write_text(
        control(version, arch, depends(bundle), size_kb), encoding="utf-8"
    )
    (meta / "conffiles").write_text("/etc/fieldsurvey/server.toml\n", encoding="utf-8")
    for script in ("postinst", "prerm", "postrm"):
        shutil.copy2(DEBIAN / script, meta / script)
        (meta / script).chmod(0o755)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{deb_version(version)}_{arch}.deb"
    # xz (every dpkg since Debian 7 reads it; zstd only since 12) at level 2: within a few MB of
    # level 6 on this mostly-compiled payload, in a fraction of the time.
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z2", "--build", str(root), str(deb)],
        check=True,
    )
    return deb
