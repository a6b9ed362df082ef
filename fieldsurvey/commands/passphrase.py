"""``fieldsurvey passphrase change``: a new passphrase without re-encrypting the data."""

from __future__ import annotations

import argparse

from fieldsurvey.commands.common import (
    add_data_dir,
    add_unlock_options,
    ask_new_passphrase,
    open_store,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "passphrase",
        help="change the passphrase of a store",
        description="Manage the passphrase that unlocks the encrypted store on this computer.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="actions")
    change = actions.add_parser(
        "change",
        help="set a new passphrase",
        description=(
            "Set a new passphrase. Unlock with the current passphrase (FIELDSURVEY_PASSPHRASE or a "
            "prompt), or with --recovery-key if it is forgotten. Only the key file is rewritten; "
            "the data itself is not re-encrypted, so this is instant. The new passphrase is read "
            "from FIELDSURVEY_NEW_PASSPHRASE or asked twice."
        ),
    )
    add_data_dir(change)
    add_unlock_options(change)
    change.set_defaults(handler=run_change)
    p.set_defaults(handler=lambda args: p.print_help() or 2)


def run_change(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.change_passphrase(ask_new_passphrase())
    print("密码短语已更改。Passphrase changed.")
    return 0
