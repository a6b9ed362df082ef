"""``fieldsurvey app``: open the desktop app on a data folder."""

from __future__ import annotations

import argparse

from fieldsurvey.commands.common import add_data_dir


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
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from fieldsurvey.commands.desktop_libs import require_desktop_libs

    require_desktop_libs()  # before Qt, which would abort naming only the first missing library
    from fieldsurvey.ui.app import run_app  # Qt is imported only when the app is wanted

    return run_app(args.data_dir)
