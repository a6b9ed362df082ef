"""FieldSurvey: offline-first household survey system for village secretaries and county staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def _version(frozen: bool | None = None, here: Path | None = None) -> str:
    """The version, from one place: ``pyproject.toml``'s ``[project] version``.

    An installed FieldSurvey (pip, editable or not) reads it from its package metadata. The
    frozen bundle carries no metadata (PyInstaller keeps only what is asked for), so the build
    writes the same number into ``fieldsurvey/VERSION`` beside this file; a bare source tree
    reads ``pyproject.toml`` itself. The About box, the bundle's name and the .deb all use this.
    """
    import sys
    from pathlib import Path

    here = here or Path(__file__).resolve().parent
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        return (here / "VERSION").read_text(encoding="utf-8").strip()
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fieldsurvey")
    except PackageNotFoundError:
        import tomllib

        with open(here.parent / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])


__version__ = _version()
