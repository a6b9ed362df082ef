"""``fieldsurvey server …``: run and administer the county server from its data directory."""

from __future__ import annotations

import argparse
from typing import Any

from fieldsurvey.commands.server_accounts import (
    cmd_assign,
    cmd_device_list,
    cmd_device_revoke,
    cmd_enroll_code,
    cmd_session_end,
    cmd_session_list,
    cmd_user_add,
    cmd_user_disable,
    cmd_user_enable,
    cmd_user_list,
    cmd_user_reset_password,
    cmd_user_unlock,
)
from fieldsurvey.commands.server_common import PASSWORD_ENV
from fieldsurvey.commands.server_data import (
    cmd_audit_checkpoint,
    cmd_audit_verify,
    cmd_batch_import,
    cmd_feed_export,
    cmd_roster_import,
    cmd_status,
)
from fieldsurvey.commands.server_setup import cmd_encrypt, cmd_init, cmd_passphrase_change, cmd_run


def register(sub: Any) -> None:
    server = sub.add_parser("server", help="县级服务器 the county server: run it and administer it")
    ssub = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND", required=True)

    def cmd(
        name: str,
        handler: Any,
        help_text: str,
        parent: Any = ssub,
        *,
        data_dir_required: bool = True,
    ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text)
        p.add_argument(
            "--data-dir",
            required=data_dir_required,
            metavar="S",
            help="the county server's data directory",
        )
        p.add_argument(
            "--passphrase-file",
            metavar="FILE",
            help="read the server passphrase from the first line of FILE (outside S); default: "
            "$FIELDSURVEY_SERVER_PASSPHRASE_FILE, $FIELDSURVEY_SERVER_PASSPHRASE, or asked on the terminal",
        )
        p.set_defaults(handler=handler)
        return p

    p = cmd("init", cmd_init, "create the county, its keys and the first admin")
    p.add_argument("--county", required=True, help="6-digit county code (GB/T 2260)")
    p.add_argument("--name", help="county name (default: from GB/T 2260)")
    p.add_argument("--admin", required=True, help="the admin's username")
    p.add_argument("--db", help="database URL (default: SQLite in S; or postgresql+psycopg://…)")

    p = cmd(
        "encrypt",
        cmd_encrypt,
        "encrypt a data directory made by an earlier version, in place (asks for a new passphrase)",
    )
    p.add_argument("--db", help="database URL overriding server.json")

    passphrase = ssub.add_parser("passphrase", help="the server passphrase")
    psub = passphrase.add_subparsers(dest="passphrase_command", metavar="SUBCOMMAND", required=True)
    p = cmd(
        "change",
        cmd_passphrase_change,
        "set a new passphrase (from $FIELDSURVEY_SERVER_NEW_PASSPHRASE or asked twice)",
        psub,
    )
    p.add_argument(
        "--recovery-key",
        nargs="?",
        const="",
        default=None,
        metavar="KEY",
        help="unlock with the server's recovery key instead (or $FIELDSURVEY_SERVER_RECOVERY_KEY, or asked)",
    )

    p = cmd("run", cmd_run, "serve the API (FastAPI on uvicorn)", data_dir_required=False)
    p.add_argument(
        "--config",
        metavar="FILE",
        help="read the settings from a TOML file (the system service uses /etc/fieldsurvey/server.toml); "
        "options given here win. Keys: data_dir, database_url, passphrase_file, host, port, tls_cert, "
        "tls_key, insecure_http, forwarded_allow_ips, log_level",
    )
    p.add_argument("--db", help="database URL overriding server.json")
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8400)")
    p.add_argument("--tls-cert", help="certificate file (PEM, with its chain) for HTTPS")
    p.add_argument("--tls-key", help="private key file (PEM) for HTTPS")
    p.add_argument(
        "--insecure-http",
        action="store_true",
        help="serve plain HTTP on a non-loopback address: only behind a TLS proxy that handles HTTPS",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="proxy addresses trusted for X-Forwarded-For (default 127.0.0.1), so sign-in limits "
        "count the real clients",
    )
    p.add_argument(
        "--log-level", default=None, choices=("critical", "error", "warning", "info", "debug")
    )

    user = ssub.add_parser("user", help="users")
    usub = user.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)
    p = cmd("add", cmd_user_add, "add a user", usub)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=("secretary", "county_staff", "admin"))
    p.add_argument("--name", help="display name")
    p = cmd("list", cmd_user_list, "list users", usub)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = cmd(
        "disable",
        cmd_user_disable,
        "disable a user: their sessions end and their devices stop syncing at once",
        usub,
    )
    p.add_argument("--username", required=True)
    p = cmd("enable", cmd_user_enable, "enable a disabled user again", usub)
    p.add_argument("--username", required=True)
    p = cmd(
        "reset-password",
        cmd_user_reset_password,
        f"set a new password (from {PASSWORD_ENV}, stdin or a prompt); ends the user's sessions",
        usub,
    )
    p.add_argument("--username", required=True)
    p = cmd("unlock", cmd_user_unlock, "lift a sign-in lock left by too many failed attempts", usub)
    p.add_argument("--username", required=True)

    session = ssub.add_parser("session", help="signed-in sessions of people")
    sesub = session.add_subparsers(dest="session_command", metavar="SUBCOMMAND", required=True)
    p = cmd("list", cmd_session_list, "open sessions: who, from where, since when", sesub)
    p.add_argument("--username", help="only this user's")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = cmd("end", cmd_session_end, "end sessions by id, or all of a user's", sesub)
    p.add_argument(
        "session_id", nargs="*", metavar="SESSION_ID", help="16 hex digits, from 'session list'"
    )
    p.add_argument("--username", help="end all of this user's sessions")

    p = cmd("assign", cmd_assign, "assign villages to a user")
    p.add_argument("--username", required=True)
    p.add_argument("--village", required=True, nargs="+", help="12-digit village codes")
    p.add_argument("--remove", action="store_true", help="take the villages away instead")

    p = cmd("enroll-code", cmd_enroll_code, "issue a one-time enrollment code for a user's device")
    p.add_argument("--username", required=True)
    p.add_argument("--ttl-minutes", type=int, default=30)
    p.add_argument("--format", choices=("text", "json"), default="text")

    device = ssub.add_parser("device", help="devices")
    dsub = device.add_subparsers(dest="device_command", metavar="SUBCOMMAND", required=True)
    p = cmd("revoke", cmd_device_revoke, "revoke a device", dsub)
    p.add_argument("device_id")
    p = cmd("list", cmd_device_list, "list devices", dsub)
    p.add_argument("--format", choices=("text", "json"), default="text")

    roster = ssub.add_parser("roster", help="the county's household roster")
    rsub = roster.add_subparsers(dest="roster_command", metavar="SUBCOMMAND", required=True)
    p = cmd("import", cmd_roster_import, "import a roster file (JSON)", rsub)
    p.add_argument("file")

    p = cmd("status", cmd_status, "county counts")
    p.add_argument("--format", choices=("text", "json"), default="text")

    audit = ssub.add_parser("audit", help="the audit log")
    asub = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    p = cmd(
        "verify", cmd_audit_verify, "check the hash chain: detects edited or removed entries", asub
    )
    p.add_argument(
        "--checkpoint",
        nargs="+",
        action="extend",
        metavar="FILE",
        help="signed heads kept elsewhere (audit checkpoint, a laptop's 'sync audit-heads'): fail "
        "when the log is shorter or differs",
    )
    p = cmd(
        "checkpoint",
        cmd_audit_checkpoint,
        "write a signed head of the audit log for an auditor to keep elsewhere",
        asub,
    )
    p.add_argument("--out", required=True, metavar="FILE")

    batch = ssub.add_parser("batch", help="batch files carried by USB")
    bsub = batch.add_subparsers(dest="batch_command", metavar="SUBCOMMAND", required=True)
    p = cmd("import", cmd_batch_import, "check and apply batch files from devices", bsub)
    p.add_argument("files", nargs="+", metavar="FILE")

    feed = ssub.add_parser("feed", help="update files for devices, carried by USB")
    fsub = feed.add_subparsers(dest="feed_command", metavar="SUBCOMMAND", required=True)
    p = cmd("export", cmd_feed_export, "write the updates for one device to a file", fsub)
    p.add_argument("--device", required=True, help="device id")
    p.add_argument("--out", required=True, metavar="FILE")
