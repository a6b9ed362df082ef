"""Setting up a county server (keys, schema, county record, first admin) and opening its data directory."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from fieldsurvey.core.divisions import DivisionCode, county_full_name
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.db import vault
from fieldsurvey.server.db.engine import ServerDir, make_private, migrate, sqlite_path, sqlite_url
from fieldsurvey.server.db.models import (
    Division,
    Meta,
)
from fieldsurvey.server.users.accounts import new_user
from fieldsurvey.sync.keys import (
    KeyPair,
    write_county_keys,
)


def init_server(
    sd: ServerDir,
    *,
    county: str,
    name: str | None,
    admin: str,
    password: str,
    db_url: str | None,
    kdf: dict[str, Any] | None = None,
) -> str:
    """Create keys, schema, county record and first admin; returns the key fingerprint.

    The passphrase (``sd.passphrase`` or the environment, see ``vault``) wraps a new master key;
    the recovery key that also unwraps it is left in ``sd.new_recovery_key`` to be shown once.
    ``kdf`` overrides the Argon2id parameters (tests use cheap ones).
    """
    if sd.exists():
        raise UserError(
            Text("该目录已初始化过县级服务器", "this directory already holds a county server"),
            code="server_exists",
        )
    code = DivisionCode.parse(county)
    if code.level != "county":
        raise UserError(
            Text("请给出6位县级行政区划代码", "give the 6-digit county code"), code="bad_county"
        )
    passphrase = sd.passphrase if sd.passphrase is not None else vault.passphrase_from_env(sd.path)
    if passphrase is None:
        raise UserError(vault.NO_PASSPHRASE, code="no_passphrase")
    vault.require_strong(passphrase)
    sd.path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(sd.path)  # also when the directory already existed
    unlocked, sd.new_recovery_key = vault.create(sd.keys_dir, passphrase, kdf)
    sd.passphrase = passphrase
    sd.__dict__["secrets"] = unlocked  # unwrapped already: no second Argon2id run
    keys = KeyPair.generate()
    write_county_keys(sd.keys_dir, keys, unlocked.county_keys_password)
    sd.db_url_override = db_url
    url = db_url or sqlite_url(sd.path)
    db_file = sqlite_path(url)
    if db_file is not None and not db_file.exists():
        db_file.parent.mkdir(parents=True, exist_ok=True)
        os.close(
            os.open(db_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        )  # SQLite gives -wal/-shm this mode too
    sd.write_config({"county": code.county, "db_url": url})
    migrate(sd.engine)
    signing, encryption = keys.public_b64()
    county_name = name or county_full_name(code.county) or code.county
    with sd.transaction() as s:
        for key, value in (
            ("county", code.county),
            ("county_name", county_name),
            ("epoch", uuid.uuid4().hex[:12]),
            ("signing_key", signing),
            ("encryption_key", encryption),
        ):
            s.add(Meta(key=key, value=value))
        s.add(Division(code=code.value, name=county_name, parent=None, level="county"))
        user = new_user(s, admin, "admin", admin, password)
        audit.append(
            s,
            keys.signing,
            actor="cli",
            action="server_init",
            subject=code.county,
            details={"admin": user.user_id},
        )
    make_private(sd.path)
    return keys.fingerprint()


def data_dir_for(path: str | Path, db: str | None = None) -> ServerDir:
    return ServerDir(Path(path), db)
