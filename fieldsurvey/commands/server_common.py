"""What every ``fieldsurvey server …`` command shares: the passphrase, the data directory, passwords, output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

PASSWORD_ENV = "FIELDSURVEY_SERVER_PASSWORD"
NEW_PASSPHRASE_ENV = "FIELDSURVEY_SERVER_NEW_PASSPHRASE"
RECOVERY_ENV = "FIELDSURVEY_SERVER_RECOVERY_KEY"


def read_passphrase(args: argparse.Namespace, *, new: bool = False) -> str:
    """The server passphrase: --passphrase-file, else the environment, else asked on the terminal.

    Never read from a pipe: commands that take a password on standard input would mix the two.
    ``new`` asks twice and applies the strength rule (``server init``, ``server encrypt``).
    """
    from fieldsurvey.server.db import vault

    data_dir = Path(args.data_dir)
    if getattr(args, "passphrase_file", None):
        found: str | None = vault.read_passphrase_file(Path(args.passphrase_file), data_dir)
    else:
        found = vault.passphrase_from_env(data_dir)
    if found is None:
        if not sys.stdin.isatty():
            raise UserError(vault.NO_PASSPHRASE, code="no_passphrase")
        found = getpass.getpass("县级服务器密码短语 Server passphrase: ")
        if new:
            vault.require_strong(found)
            if getpass.getpass("再输入一次 Again: ") != found:
                raise UserError(
                    Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch"
                )
    if new:
        vault.require_strong(found)
    return found


def open_server_dir(args: argparse.Namespace) -> Any:
    """The data directory, unlocked: every command but ``init`` and ``encrypt`` comes through here."""
    import os

    from fieldsurvey.server.db.engine import NOT_ENCRYPTED, ServerDir

    os.umask(0o077)  # whatever this process writes (uploads, exports, WAL) is the user's alone
    sd = ServerDir(Path(args.data_dir), getattr(args, "db", None))
    sd.read_config()  # a clear error when the directory is not a server's
    if sd.unencrypted_parts():
        raise UserError(NOT_ENCRYPTED, code="server_not_encrypted")
    sd.passphrase = read_passphrase(args)
    sd.secrets  # noqa: B018 - a wrong passphrase is one sentence here, before any work
    return sd


def ask_password(prompt: str, *, optional: bool = False) -> str | None:
    import os

    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        return line or (None if optional else no_password())
    first = getpass.getpass(prompt)
    if not first and optional:
        return None
    if getpass.getpass("再输入一次 Again: ") != first:
        raise UserError(
            Text("两次输入的密码不一致", "the two passwords differ"), code="password_mismatch"
        )
    return first


def no_password() -> str:
    raise UserError(Text("没有输入密码", "no password was given"), code="no_input")


def print_result(args: argparse.Namespace, data: Any, text: str) -> None:
    print(
        json.dumps(data, ensure_ascii=False, indent=2)
        if getattr(args, "format", "text") == "json"
        else text
    )
