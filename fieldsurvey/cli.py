"""The ``fieldsurvey`` command: one entry point for the demo, the store, the server and the app.

Each area registers its own subcommands from ``fieldsurvey/commands/``; this module only builds
the parser and turns the error kinds into exit codes and one-line messages.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from fieldsurvey import __version__
from fieldsurvey.core.errors import Cancelled, UserError

# Modules under fieldsurvey.commands that add subcommands, in the order --help lists them.
COMMAND_MODULES = (
    "demo",
    "forms",
    "households",
    "ledger",
    "passphrase",
    "policy",
    "server",
    "sync",
    "app",
    "county",
)

EXIT_USER_ERROR = 2
EXIT_CANCELLED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldsurvey",
        description=(
            "FieldSurvey 入户走访 — offline household survey for village first secretaries and "
            "county staff. Data stays encrypted on this computer and syncs to the county server."
        ),
        epilog="Run 'fieldsurvey COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"fieldsurvey {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"fieldsurvey.commands.{name}")
        module.register(sub)
    return parser


def use_utf8() -> None:
    """Text in and out is UTF-8, whatever the locale says.

    On Windows a redirected stdout takes the ANSI code page (cp1252 on an English system), which
    cannot encode Chinese: ``fieldsurvey households > list.txt`` would stop at the first name with
    UnicodeEncodeError. Consoles are left alone (Python writes Unicode to them directly).
    Processes started from here (the demo's producer, the county server, ledger workers) get
    ``PYTHONUTF8=1`` through the environment, so they read and write UTF-8 too.
    """
    os.environ.setdefault("PYTHONUTF8", "1")
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        encoding = (
            str(getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        )
        if stream is None or encoding == "utf8" or not hasattr(stream, "reconfigure"):
            continue
        if stream is sys.stdin and stream.isatty():
            continue  # typed text: the console decodes it
        with contextlib.suppress(ValueError, OSError):  # already read from, or not a text stream
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None, report: Callable[[str], None] | None = None) -> int:
    """Run one command; a user error, a cancel or an interrupt is one line to ``report`` (stderr)."""
    use_utf8()
    say = report or (lambda line: print(line, file=sys.stderr))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USER_ERROR
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = args.handler(args)
    except UserError as e:
        say(f"错误：{e.text.zh} Error: {e.text.en}")
        return EXIT_USER_ERROR
    except Cancelled:
        say("已取消 Cancelled")
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        say("\n已中断 Interrupted")
        return EXIT_CANCELLED
    return int(result or 0)


def gui_main() -> int:
    """The ``fieldsurvey-app`` launcher (a gui-script: no console window on Windows).

    Without a console, ``pythonw`` gives no stdout or stderr at all (``None``): printing would
    fail, so they go to the null device. The one-line error that would have gone to the console
    (a store that cannot be opened, a refused PySide6) is shown in a message box instead.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
    said: list[str] = []

    def report(line: str) -> None:
        said.append(line.strip())
        print(line, file=sys.stderr)

    code = main(["app", *sys.argv[1:]], report)
    from fieldsurvey.commands.desktop_libs import find_missing, uses_xcb

    if uses_xcb() and find_missing().sonames:
        return code  # Qt cannot open even a message box; the line went to stderr
    if code == EXIT_USER_ERROR and said:
        from fieldsurvey.ui.app import show_startup_error

        show_startup_error(said[-1])
    return code


if __name__ == "__main__":
    raise SystemExit(main())
