"""``fieldsurvey server init / encrypt / passphrase change / run``: a county server set up and running.

``run`` listens on an address other than this computer's own only with TLS or an explicit
``--insecure-http`` (``listen_refusal``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from fieldsurvey.commands.server_common import (
    NEW_PASSPHRASE_ENV,
    RECOVERY_ENV,
    ask_password,
    open_server_dir,
    read_passphrase,
)
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text


def cmd_init(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db.engine import ServerDir
    from fieldsurvey.server.setup import init_server

    os.umask(0o077)
    sd = ServerDir(Path(args.data_dir))
    if sd.exists():
        raise UserError(
            Text("该目录已初始化过县级服务器", "this directory already holds a county server"),
            code="server_exists",
        )
    sd.passphrase = read_passphrase(args, new=True)
    password = ask_password(f"管理员 {args.admin} 的密码 Password for {args.admin}: ")
    assert password is not None
    fp = init_server(
        sd, county=args.county, name=args.name, admin=args.admin, password=password, db_url=args.db
    )
    print(f"县级服务器已创建 County server created in {sd.path}")
    print(f"县级密钥指纹 County key fingerprint: {fp}")
    _print_recovery_key(sd.new_recovery_key)
    return 0


def _print_recovery_key(recovery_key: str | None) -> None:
    if recovery_key:
        print(f"县级服务器恢复密钥 Server recovery key: {recovery_key}")
        print(
            "请抄下并与服务器分开保管，它只显示这一次；忘记密码短语时用它设置新的。"
            "Write it down and keep it apart from the server: it is shown only this once, and sets "
            "a new passphrase if the passphrase is forgotten."
        )


def cmd_encrypt(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db.engine import ServerDir
    from fieldsurvey.server.db.upgrade import encrypt_in_place

    os.umask(0o077)
    sd = ServerDir(Path(args.data_dir), getattr(args, "db", None))
    sd.read_config()
    parts = sd.unencrypted_parts()
    if not parts:
        print("数据已加密,无需处理 The data is already encrypted; nothing to do.")
        return 0
    new_key_file = "key file" in parts
    passphrase = read_passphrase(args, new=new_key_file)
    encrypt_in_place(
        sd,
        passphrase,
        progress=lambda line: print(line, flush=True),
        on_recovery_key=_print_recovery_key,
    )
    print(f"县级服务器数据已加密 The county server's data is encrypted: {sd.path}")
    return 0


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    import os

    from fieldsurvey.server.db import vault
    from fieldsurvey.server.db.engine import NOT_ENCRYPTED, ServerDir

    sd = ServerDir(Path(args.data_dir))
    sd.read_config()
    if sd.unencrypted_parts():
        raise UserError(NOT_ENCRYPTED, code="server_not_encrypted")
    if args.recovery_key is not None:
        key = (
            args.recovery_key
            or os.environ.get(RECOVERY_ENV)
            or getpass.getpass("县级服务器恢复密钥 Server recovery key: ")
        )
        unlocked = vault.unlock(sd.keys_dir, recovery_key=key)
    else:
        unlocked = vault.unlock(sd.keys_dir, passphrase=read_passphrase(args))
    new = os.environ.get(NEW_PASSPHRASE_ENV)
    if new is None:
        if not sys.stdin.isatty():
            raise UserError(
                Text(
                    f"请在 {NEW_PASSPHRASE_ENV} 中给出新的密码短语",
                    f"give the new passphrase in {NEW_PASSPHRASE_ENV}",
                ),
                code="no_passphrase",
            )
        new = getpass.getpass("新密码短语 New passphrase: ")
        vault.require_strong(new)
        if getpass.getpass("再输入一次 Again: ") != new:
            raise UserError(
                Text("两次输入的密码短语不一致", "the two passphrases differ"), code="mismatch"
            )
    vault.change_passphrase(sd.keys_dir, unlocked, new)
    print(
        "县级服务器的密码短语已更改(数据无需重新加密)。The county server's passphrase is changed (the data is not "
        "re-encrypted)."
    )
    return 0


def listen_refusal(host: str, *, tls: bool, insecure_http: bool) -> Text | None:
    """Why ``server run`` will not listen as asked (None: it may).

    Passwords, tokens and enrollment codes must not cross a network in clear text, a private LAN
    included: a non-loopback address needs TLS here, or ``--insecure-http`` when a TLS proxy in
    front of this server terminates it.
    """
    from fieldsurvey.sync.urls import is_loopback_host

    if tls or insecure_http or is_loopback_host(host):
        return None
    return Text(
        f"不在本机的地址 {host} 上只能用 HTTPS 提供服务：请给出 --tls-cert 和 --tls-key；"
        "若前面有负责 HTTPS 的反向代理，加上 --insecure-http",
        f"serving on {host}, which is not this computer's loopback, needs HTTPS: give --tls-cert and --tls-key, "
        "or --insecure-http when a TLS proxy in front of this server handles HTTPS",
    )


def _tls_files(args: argparse.Namespace) -> dict[str, str]:
    """uvicorn's ssl options, after checking the pair loads (a clear error instead of a traceback)."""
    if not args.tls_cert and not args.tls_key:
        return {}
    if not (args.tls_cert and args.tls_key):
        raise UserError(
            Text("--tls-cert 和 --tls-key 要一起给出", "give --tls-cert and --tls-key together"),
            code="tls_pair",
        )
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            args.tls_cert, args.tls_key
        )
    except (OSError, ssl.SSLError) as e:
        raise UserError(
            Text(
                f"无法读取证书或私钥：{e.__class__.__name__}",
                f"cannot load the certificate and key: {e}",
            ),
            code="tls_files",
        ) from e
    return {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}


def cmd_run(args: argparse.Namespace) -> int:
    from fieldsurvey.commands.server_config import apply_config

    apply_config(args)  # --config FILE (the system service's /etc/fieldsurvey/server.toml)
    ssl = _tls_files(args)
    refusal = listen_refusal(args.host, tls=bool(ssl), insecure_http=args.insecure_http)
    if refusal is not None:
        raise UserError(refusal, code="needs_tls")

    import uvicorn

    from fieldsurvey.server.app import create_app
    from fieldsurvey.server.db.engine import make_private, migrate
    from fieldsurvey.sync.urls import is_loopback_host

    sd = open_server_dir(args)
    make_private(sd.path)
    migrate(sd.engine)
    sd.keys  # noqa: B018 - fail before listening when the keys are missing
    print(
        f"县级服务器运行于 Serving on http{'s' if ssl else ''}://{args.host}:{args.port}  (API docs: /docs)",
        flush=True,
    )
    if not ssl and not is_loopback_host(args.host):
        print(
            "注意：本服务以未加密的 HTTP 监听，只应位于负责 HTTPS 的反向代理之后 "
            "Note: plain HTTP on a network address — only behind a TLS proxy (--insecure-http)",
            flush=True,
        )
    forwarded = (
        {"forwarded_allow_ips": args.forwarded_allow_ips} if args.forwarded_allow_ips else {}
    )
    uvicorn.run(
        create_app(sd),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        **ssl,
        **forwarded,
    )
    return 0
