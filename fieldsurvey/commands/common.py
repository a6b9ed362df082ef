"""What several subcommands share: finding the data directory and unlocking the store."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
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


def app_data_root() -> Path:
    """Where FieldSurvey keeps its data on this system, the folder Qt's
    ``QStandardPaths.AppLocalDataLocation`` names (the app sets its name from this one's, and a
    test compares the two) — worked out here without Qt, which the commands do not load:

    - Windows: ``%LOCALAPPDATA%\\FieldSurvey`` (local, not roaming: the store stays on this laptop);
    - macOS: ``~/Library/Application Support/FieldSurvey``;
    - Linux and other Unix: ``$XDG_DATA_HOME/fieldsurvey``, else ``~/.local/share/fieldsurvey``
      (a relative ``XDG_DATA_HOME`` is ignored, as the XDG specification and Qt say).
    """
    if sys.platform == "win32":
        return (
            Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
            / "FieldSurvey"
        )
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "FieldSurvey"
    xdg = os.environ.get("XDG_DATA_HOME") or ""
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share") / "fieldsurvey"


def legacy_data_root() -> Path:
    """Where FieldSurvey 0.1 put its data on every system (the XDG folder, even on Windows)."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fieldsurvey"


def data_location(name: str) -> Path:
    """``app_data_root() / name``, unless only an older FieldSurvey's folder of that name exists:
    then that one, so a store made before keeps opening where it is."""
    current = app_data_root() / name
    legacy = legacy_data_root() / name
    if legacy != current and legacy.exists() and not current.exists():
        return legacy
    return current


def default_data_dir() -> Path:
    return data_location("village")


def add_data_dir(
    parser: argparse.ArgumentParser,
    *,
    required: bool = False,
    help_text: str | None = None,
    opens_app: bool = False,
) -> None:
    """``--data-dir``: the app's folder by default; for a store command (``opens_app`` False) the
    folder is found when the command runs (``store_data_dir``), so the demo's store is used when
    it is the only one on this computer."""
    default_help = (
        f"folder holding the encrypted store (default: {default_data_dir()})"
        if opens_app
        else f"folder holding the encrypted store (default: the app's, {default_data_dir()}, "
        f"or the demo's, {data_location('demo')}, when that is the only one)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=required,
        default=default_data_dir() if opens_app and not required else None,
        metavar="DIR",
        help=help_text or default_help,
    )


def store_data_dir(given: Path | None, note: Callable[[str], object] | None = None) -> Path:
    """The store a command works on: ``--data-dir`` when given, else the app's, else the demo's.

    The app keeps its store in ``default_data_dir()`` and ``fieldsurvey demo`` in the ``demo``
    folder beside it; someone who has only tried the demo and types ``fieldsurvey ledger`` means
    the demo's. When neither holds a store, the message names both folders and the option.
    """
    from fieldsurvey.store.layout import StoreState, state

    if given is not None:
        return given
    app_dir = default_data_dir()
    demo_dir = data_location("demo")
    if state(app_dir) is not StoreState.EMPTY:
        return app_dir
    if state(demo_dir) is StoreState.READY:
        (note or (lambda line: print(line, file=sys.stderr)))(
            f"使用示范数据 Using the demo's data: {demo_dir}  （其他数据请用 --data-dir 指明 give --data-dir for "
            "another store）"
        )
        return demo_dir
    raise UserError(
        Text(
            f"这台电脑上还没有 FieldSurvey 数据：应用的数据目录 {app_dir} 是空的，也没有示范数据。"
            "请先用 fieldsurvey app 完成设置（或 fieldsurvey demo 试用），或用 --data-dir 指明数据目录。",
            f"there is no FieldSurvey data on this computer yet: the app's data directory {app_dir} is empty and "
            "there is no demo. Set up with 'fieldsurvey app' (or try 'fieldsurvey demo'), or give "
            "the folder with --data-dir.",
        ),
        code="no_store",
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
    from fieldsurvey.store.layout import StoreState, state

    args.data_dir = store_data_dir(args.data_dir)
    recovery = getattr(args, "recovery_key", None)
    if recovery is not None:
        key = recovery or os.environ.get(RECOVERY_ENV) or _prompt("恢复密钥 Recovery key: ")
        return Store.open(args.data_dir, recovery_key=key)
    if state(args.data_dir) is StoreState.EMPTY:  # an unfinished or key-less store: open says which
        raise UserError(
            Text(
                f"{args.data_dir} 中没有 FieldSurvey 数据",
                f"there is no FieldSurvey data in {args.data_dir}",
            ),
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
            raise UserError(
                Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch"
            )
    return require_strong(passphrase)


def require_strong(passphrase: str) -> str:
    """The setup assistant's rule (``core/passphrase.py``) for every passphrase a command sets."""
    strength = check_strength(passphrase)
    if not strength.acceptable:
        first = strength.problems[0]
        raise UserError(
            Text(f"密码短语太弱：{first.zh}", f"the passphrase is too weak: {first.en}"),
            code="weak_passphrase",
        )
    return passphrase
