"""The ``fieldsurvey`` command: one entry point for the demo, the store, the server and the app.

Each area registers its own subcommands from ``fieldsurvey/commands/``; this module only builds
the parser and turns the error kinds into exit codes and one-line messages.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

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
EXIT_INTERNAL = 70


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USER_ERROR
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = args.handler(args)
    except UserError as e:
        print(f"错误:{e.text.zh} Error: {e.text.en}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Cancelled:
        print("已取消 Cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        print("\n已中断 Interrupted", file=sys.stderr)
        return EXIT_CANCELLED
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
