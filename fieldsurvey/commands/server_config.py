"""``fieldsurvey server run --config FILE``: the server's settings from a TOML file.

A county server installed as a system service (the .deb's ``fieldsurvey-server`` unit) is
started by systemd with one fixed command line; what differs between counties — the data
directory, the database URL, the TLS files, the passphrase file, the address — is in
``/etc/fieldsurvey/server.toml``, which the county's IT edits and dpkg keeps across upgrades.
Options given on the command line win over the file. Relative paths in the file are relative
to the file's folder. The file is read with a size bound and unknown keys are refused (a typo
such as ``tls_crt`` would otherwise silently serve plain HTTP on loopback).
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

MAX_CONFIG_BYTES = 64 * 1024
# TOML key -> (argparse destination, type, is a path)
KEYS: dict[str, tuple[str, type, bool]] = {
    "data_dir": ("data_dir", str, True),
    "database_url": ("db", str, False),
    "passphrase_file": ("passphrase_file", str, True),
    "host": ("host", str, False),
    "port": ("port", int, False),
    "tls_cert": ("tls_cert", str, True),
    "tls_key": ("tls_key", str, True),
    "insecure_http": ("insecure_http", bool, False),
    "forwarded_allow_ips": ("forwarded_allow_ips", str, False),
    "log_level": ("log_level", str, False),
}
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
# What `server run` uses when neither the command line nor the file says.
DEFAULTS: dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 8400,
    "log_level": "warning",
    "insecure_http": False,
}


def _bad(path: Path, zh: str, en: str) -> UserError:
    return UserError(
        Text(f"配置文件 {path}:{zh}", f"the configuration file {path}: {en}"),
        code="bad_server_config",
    )


def read_config(path: Path) -> dict[str, Any]:
    """The settings in ``path`` as argparse destinations, paths made absolute."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as e:
        raise UserError(
            Text(f"无法读取配置文件 {path}", f"cannot read the configuration file {path}"),
            code="server_config_unreadable",
        ) from e
    if len(raw) > MAX_CONFIG_BYTES:
        raise _bad(path, "文件太大", f"larger than {MAX_CONFIG_BYTES // 1024} KB")
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise _bad(path, f"不是有效的 UTF-8 TOML({e})", f"not valid UTF-8 TOML ({e})") from e
    settings = data.get("server", data)  # a [server] table or top-level keys
    if not isinstance(settings, dict):
        raise _bad(path, "[server] 应是一个表", "[server] must be a table")
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise _bad(
            path,
            f"未知的设置 {', '.join(unknown)}",
            f"unknown settings {', '.join(unknown)} (known: {', '.join(KEYS)})",
        )
    out: dict[str, Any] = {}
    for key, value in settings.items():
        dest, kind, is_path = KEYS[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise _bad(
                path, f"{key} 的类型应为 {kind.__name__}", f"{key} must be a {kind.__name__}"
            )
        if kind is str and not value:
            continue  # an empty string is "not set": the default applies
        if key == "port" and not 0 < value < 65536:
            raise _bad(path, "port 应在 1–65535 之间", "port must be between 1 and 65535")
        if key == "log_level" and value not in LOG_LEVELS:
            raise _bad(
                path,
                f"log_level 应为 {'/'.join(LOG_LEVELS)} 之一",
                f"log_level must be one of {', '.join(LOG_LEVELS)}",
            )
        if is_path:
            value = str((path.parent / value).resolve()) if not Path(value).is_absolute() else value
        out[dest] = value
    return out


def apply_config(args: argparse.Namespace) -> None:
    """Fill the options not given on the command line from ``--config``, then the defaults."""
    config = read_config(Path(args.config)) if getattr(args, "config", None) else {}
    for dest in {d for d, _, _ in KEYS.values()} | set(DEFAULTS):
        if getattr(args, dest, None) in (None, False):
            setattr(args, dest, config.get(dest, DEFAULTS.get(dest, getattr(args, dest, None))))
    if not args.data_dir:
        raise UserError(
            Text(
                "请用 --data-dir 或配置文件中的 data_dir 给出县级服务器的数据目录",
                "give the county server's data directory with --data-dir or data_dir in the configuration file",
            ),
            code="no_data_dir",
        )
