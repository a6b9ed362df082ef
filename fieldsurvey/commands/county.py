"""``fieldsurvey county``: the desktop app's county mode, signed in to the county server."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "county",
        help="县级模式 county mode: the county staff's desktop app",
        description=(
            "Open the desktop app in county mode: sign in to the county server with your account, "
            "then see the county's dashboards, households, batch inbox, conflicts and visits to review, "
            "import the roster, export for reporting and print ledgers; admins also manage users and devices."
        ),
    )
    p.add_argument(
        "--server",
        metavar="URL",
        help="the county server's address, e.g. https://fupin.example.gov.cn",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from fieldsurvey.commands.desktop_libs import require_desktop_libs

    require_desktop_libs()  # before Qt, which would abort naming only the first missing library
    # Qt is imported only when the window is wanted
    from fieldsurvey.ui.county.app import run_county

    return run_county(args.server)
