"""Schema versions of the device store: migrate older stores, refuse newer ones.

Alembic runs only when the store is behind: reading one row of ``alembic_version`` is enough to
know, which keeps unlocking fast (Alembic's import and script scan cost more than the KDF).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

HEAD = "0007"  # tests/test_store_migrations.py checks this equals Alembic's head
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

NEWER_STORE = Text(
    "这个数据库由更新版本的 FieldSurvey 创建，请先升级软件",
    "this store was created by a newer FieldSurvey: please upgrade before opening it",
)


def _alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to ``target`` (default: the newest), or refuse a newer store."""
    with engine.connect() as conn:
        current = current_revision(conn)
    if current == HEAD and target == "head":
        return
    if current is not None and current not in known_revisions():
        raise UserError(NEWER_STORE, code="newer_store")
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), target)
