"""Build the standalone FieldSurvey for this machine: the frozen folder, then its installer.

    pip install -e '.[bundle]'
    python scripts/build_bundle.py            # folder + .deb (Linux) or setup .exe (Windows)
    python scripts/build_bundle.py --no-package   # the folder only

Everything goes to ``dist/`` (the folder ``FieldSurvey-<version>/`` and the installer) with
PyInstaller's work files in ``build/bundle/``. The version is pyproject.toml's. The spec is
``packaging/fieldsurvey.spec`` on every OS, so what the Linux check tests is what Windows builds.
On Linux the .deb is made with dpkg-deb (packaging/deb.py); on Windows the Inno Setup script
packaging/windows/fieldsurvey.iss is compiled with ``iscc`` when Inno Setup 6 is installed
(otherwise the command to run is printed).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_layout  # noqa: E402


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def freeze(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the shared spec; returns the bundle folder."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "fieldsurvey.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return dist / bundle_layout.folder_name(project_version())


def windows_installer(bundle: Path, dist: Path) -> Path | None:
    iss = ROOT / "packaging" / "windows" / "fieldsurvey.iss"
    command = [
        f"/DAppVersion={project_version()}",
        f"/DBundleDir={bundle}",
        f"/DOutputDir={dist}",
        str(iss),
    ]
    iscc = shutil.which("iscc") or next(
        (
            str(p)
            for p in (
                Path(r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"),
                Path(r"C:\Program Files\Inno Setup 6\ISCC.exe"),
            )
            if p.exists()
        ),
        None,
    )
    if iscc is None:
        print(
            "Inno Setup 6 not found; install it and run:\n  iscc "
            + " ".join(f'"{c}"' for c in command)
        )
        return None
    subprocess.run([iscc, *command], check=True)
    return dist / f"FieldSurvey-{project_version()}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)"
    )
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "bundle", help="PyInstaller's work folder"
    )
    parser.add_argument(
        "--no-package", action="store_true", help="build the folder only, no .deb or installer"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    bundle = freeze(args.dist, args.work)
    print(
        f"bundle: {bundle} ({folder_size(bundle) / 1e6:.0f} MB, {time.monotonic() - started:.0f} s)"
    )
    if args.no_package:
        return 0
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        import deb

        package = deb.build_deb(bundle, project_version(), args.dist, args.work)
        print(f"package: {package} ({package.stat().st_size / 1e6:.0f} MB)")
    elif sys.platform == "win32":
        installer = windows_installer(bundle, args.dist)
        if installer is not None:
            print(f"installer: {installer}")
    else:
        print("no installer for this system: the folder is the result")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
