"""The Alembic migrations are the schema: models and migrated databases must agree (server and device)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from fieldsurvey.store import Store
from fieldsurvey.store.sync_state import SyncBase
from fieldsurvey.sync.server.db import migrate
from fieldsurvey.sync.server.models import Base
from tests.conftest import FAST_KDF
from tests.test_server_harness import postgres_available, postgres_database


def _diffs(url: str) -> list:
    engine = create_engine(url)
    try:
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return [d for d in compare_metadata(ctx, Base.metadata) if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
    finally:
        engine.dispose()


def test_the_server_models_match_the_migrations_on_sqlite(tmp_path: Path) -> None:
    assert _diffs(f"sqlite:///{tmp_path / 'county.db'}") == []


@pytest.mark.postgres
def test_the_server_models_match_the_migrations_on_postgresql() -> None:
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with postgres_database() as url:
        assert _diffs(url) == []


def test_the_device_sync_tables_match_their_migration(tmp_path: Path) -> None:
    store, _ = Store.create(tmp_path / "s", "passphrase for a test", kdf=FAST_KDF)
    with store.engine.connect() as conn:
        insp = inspect(conn)
        for table in SyncBase.metadata.sorted_tables:
            assert {c["name"] for c in insp.get_columns(table.name)} == {c.name for c in table.columns}, table.name
    store.close()
