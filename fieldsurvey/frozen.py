"""The entry point of the standalone bundle (PyInstaller), for both of its executables.

The bundle has two executables built from one analysis (``packaging/fieldsurvey.spec``):

- ``FieldSurvey`` (``FieldSurvey.exe``, windowed on Windows): the desktop app. With no
  arguments it opens the app, as the ``fieldsurvey-app`` launcher of a pip install does; with
  arguments (``FieldSurvey demo``) it is the command line.
- ``fieldsurvey`` (``fieldsurvey.com`` on Windows, a console program): the command line, as
  the ``fieldsurvey`` console script of a pip install. Windows looks for ``.com`` before
  ``.exe``, so typing ``fieldsurvey`` in a console finds the console twin although its
  file system does not tell ``FieldSurvey.exe`` from ``fieldsurvey.exe``. On Linux and macOS
  it is a symbolic link to ``FieldSurvey`` (no console flag to differ by), told apart by the
  name it was started by.

A frozen program has no ``python`` to start children with, yet the demo's producer and the
demo's county server are started as ``[sys.executable, "-m", MODULE, …]``: this entry point
answers ``-m MODULE`` the way Python does, so those calls work unchanged in the bundle.
``multiprocessing`` children (the ledger workers) are answered by ``freeze_support``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

APP_NAME = "FieldSurvey"  # the windowed executable
CLI_NAME = "fieldsurvey"  # its console twin


def role(executable: str, argv0: str = "") -> str:
    """``"app"`` for the windowed executable, ``"cli"`` for the console twin.

    Told by file name: ``executable`` is the file that runs (``sys.executable``), ``argv0`` the
    name it was started by. On Windows the twin is its own file (``fieldsurvey.com``); on Linux
    and macOS it is a symbolic link ``fieldsurvey`` → ``FieldSurvey``, so the file is the same
    and only the name it was started by differs (``/usr/bin/fieldsurvey`` links to it too).
    """

    def base(path: str) -> str:
        return path.replace("\\", "/").rsplit("/", 1)[-1]  # a Windows path read anywhere too

    name = base(executable)
    suffix = Path(name).suffix.lower()
    if suffix == ".com":
        return "cli"
    stem = name[: -len(suffix)] if suffix == ".exe" else name
    if stem != APP_NAME:
        return "cli"
    started_as = base(argv0)
    if started_as.lower().endswith(".exe"):
        started_as = started_as[:-4]
    return "cli" if started_as == CLI_NAME else "app"


def run_module(argv: Sequence[str]) -> int:
    """``EXE -m MODULE ARGS…``: run MODULE as ``__main__`` with ``sys.argv`` as Python would set it."""
    import runpy

    module, *rest = argv
    sys.argv = [module, *rest]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


def main(argv: Sequence[str] | None = None, executable: str | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a ledger worker returns from here without running the app
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "-m":
        return run_module(args[1:])
    # The bundle's Qt is its own: plugins and translations come from inside the folder, never
    # from a QT_PLUGIN_PATH a system Qt installation left in the environment.
    os.environ.pop("QT_PLUGIN_PATH", None)
    from fieldsurvey import cli

    if (
        role(executable or sys.executable, sys.argv[0] if argv is None else "") == "app"
        and not args
    ):
        return cli.gui_main()
    return cli.main(args)
