"""``fieldsurvey app``: open the desktop app on a data folder."""

from __future__ import annotations

import argparse

from fieldsurvey.commands.common import PASSPHRASE_ENV, add_data_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app",
        help="open the desktop app",
        description=(
            "Open the desktop app for village secretaries. On a folder without data it starts the "
            "setup assistant (passphrase, recovery key, roster import); otherwise it asks for the "
            "passphrase."
        ),
    )
    add_data_dir(p, opens_app=True)
    p.add_argument(
        "--check",
        action="store_true",
        help=f"check this installation: open the app, unlock with ${PASSPHRASE_ENV} (or asked), "
        "wait for the household list, print the timings and close",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from fieldsurvey.commands.desktop_libs import require_desktop_libs

    require_desktop_libs()  # before Qt, which would abort naming only the first missing library

    if args.check:
        return _check(args)
    from fieldsurvey.ui.app import run_app  # Qt is imported only when the app is wanted

    return run_app(args.data_dir)


def _check(args: argparse.Namespace) -> int:
    import getpass
    import os
    import sys

    from fieldsurvey.core.errors import UserError
    from fieldsurvey.core.text import Text

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        if not sys.stdin.isatty():
            raise UserError(
                Text(
                    f"请在 {PASSPHRASE_ENV} 中给出密码短语",
                    f"give the passphrase in {PASSPHRASE_ENV}",
                ),
                code="no_passphrase",
            )
        passphrase = getpass.getpass("密码短语 Passphrase: ")
    from fieldsurvey.ui.startup_check import run_check

    return run_check(args.data_dir, passphrase)
