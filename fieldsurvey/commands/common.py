"""What several subcommands share: finding the data directory and unlocking the store."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.passphrase import check_strength
from fieldsurvey.core.text import Text

if TYPE_CHECKING:
    from fieldsurvey.store import Store

PASSPHRASE_ENV = "FIELDSURVEY_PASSPHRASE"
NEW_PASSPHRASE_ENV = "FIELDSURVEY_NEW_PASSPHRASE"
RECOVERY_ENV = "FIELDSURVEY_RECOVERY_KEY"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fieldsurvey" / "village"


def add_data_dir(parser: argparse.ArgumentParser, *, required: bool = False, help_text: str | None = None) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=required,
        default=None if required else default_data_dir(),
        metavar="DIR",
        help=help_text or f"folder holding the encrypted store (default: {default_data_dir()})",
    )


def add_unlock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recovery-key",
        nargs="?",
        const="",
        default=None,
        metavar="KEY",
        help=(
            "unlock with the recovery key shown when the store was created instead of the "
            f"passphrase; without KEY it is asked for (or read from {RECOVERY_ENV})"
        ),
    )


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise UserError(Text("没有输入密码短语", "no passphrase was given"), code="no_input")
        return line.rstrip("\n")
    return getpass.getpass(label)


def open_store(args: argparse.Namespace) -> Store:
    """Unlock with --recovery-key, else $FIELDSURVEY_PASSPHRASE, else ask."""
    from fieldsurvey.store import Store  # imported late: --help must stay instant

    recovery = getattr(args, "recovery_key", None)
    if recovery is not None:
        key = recovery or os.environ.get(RECOVERY_ENV) or _prompt("恢复密钥 Recovery key: ")
        return Store.open(args.data_dir, recovery_key=key)
    if not Store.exists(args.data_dir):
        raise UserError(
            Text(f"{args.data_dir} 中没有 FieldSurvey 数据", f"there is no FieldSurvey data in {args.data_dir}"),
            code="no_store",
        )
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = _prompt("密码短语 Passphrase: ")
    return Store.open(args.data_dir, passphrase=passphrase)


def ask_new_passphrase() -> str:
    """From $FIELDSURVEY_NEW_PASSPHRASE, or asked twice; refused when weak."""
    passphrase = os.environ.get(NEW_PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = _prompt("新密码短语 New passphrase: ")
        again = _prompt("再输入一次 Repeat it: ")
        if again != passphrase:
            raise UserError(Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch")
    strength = check_strength(passphrase)
    if not strength.acceptable:
        first = strength.problems[0]
        raise UserError(Text(f"密码短语太弱:{first.zh}", f"the passphrase is too weak: {first.en}"), code="weak_passphrase")
    return passphrase
