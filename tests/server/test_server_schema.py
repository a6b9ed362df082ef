"""The Alembic migrations are the schema: models and migrated databases must agree (server and device)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from fieldsurvey.server.db.engine import migrate
from fieldsurvey.server.db.models import Base
from fieldsurvey.server.db.sealed_columns import ColumnCipher, attach
from fieldsurvey.store import Store
from fieldsurvey.store.sync_state import SyncBase
from tests.support.common import FAST_KDF
from tests.support.server import database


def _diffs(url: str) -> list:
    engine = create_engine(url)
    try:
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return [
                d
                for d in compare_metadata(ctx, Base.metadata)
                if not (d[0] == "remove_table" and d[1].name == "alembic_version")
            ]
    finally:
        engine.dispose()


def test_the_server_models_match_the_migrations_on_sqlite(tmp_path: Path) -> None:
    assert _diffs(f"sqlite:///{tmp_path / 'county.db'}") == []


@pytest.mark.postgres
def test_the_server_models_match_the_migrations_on_postgresql() -> None:
    with database("postgres") as url:
        assert _diffs(url) == []


def test_the_device_sync_tables_match_their_migration(tmp_path: Path) -> None:
    store, _ = Store.create(tmp_path / "s", "passphrase for a test", kdf=FAST_KDF)
    with store.engine.connect() as conn:
        insp = inspect(conn)
        for table in SyncBase.metadata.sorted_tables:
            assert {c["name"] for c in insp.get_columns(table.name)} == {
                c.name for c in table.columns
            }, table.name
    store.close()


def _members_in_order(url: str) -> tuple[list[str], list[str], list[str]]:
    """A household's members as the county reads them: after an edit, after a new member."""
    from sqlalchemy.orm import Session

    from fieldsurvey.core.records import household_to_dict
    from fieldsurvey.server.db.models import HouseholdRow
    from fieldsurvey.server.db.seq import SeqAllocator
    from fieldsurvey.server.households import records as registry
    from tests.support.factories import household

    engine = create_engine(url)
    attach(engine, ColumnCipher(os.urandom(32), os.urandom(32)))  # what ServerDir.engine attaches
    migrate(engine)
    h = household_to_dict(household())
    names = [m["name"] for m in h["members"]]
    try:
        with Session(engine) as s, s.begin():
            seq = SeqAllocator(s)
            registry.insert_households(s, [h], seq)
            seq.finish()
        with (
            Session(engine) as s,
            s.begin(),
        ):  # edit the head twice: PostgreSQL moves the row each time
            seq = SeqAllocator(s)
            for n in range(2):
                row = registry.get_record(
                    s, "member", h["household_id"], h["members"][0]["member_id"]
                )
                registry.set_fields(s, row, {"phone": f"1380000000{n}"}, seq.next())
                s.flush()
            seq.finish()
        with Session(engine) as s:
            after_edit = [
                m["name"]
                for m in registry.full_household(s, s.get(HouseholdRow, h["household_id"]))[
                    "members"
                ]
            ]
        newborn = household_to_dict(household())["members"][2] | {
            "name": "新生儿",
            "member_id": "new-member-0001",
        }
        with Session(engine) as s, s.begin():
            seq = SeqAllocator(s)
            registry.insert_part(
                s, s.get(HouseholdRow, h["household_id"]), "member", newborn, seq.next()
            )
            seq.finish()
        with Session(engine) as s:
            after_birth = [
                m["name"]
                for m in registry.full_household(s, s.get(HouseholdRow, h["household_id"]))[
                    "members"
                ]
            ]
        return names, after_edit, after_birth
    finally:
        engine.dispose()


def _check_member_order(url: str) -> None:
    names, after_edit, after_birth = _members_in_order(url)
    assert (
        after_edit == names
    )  # the assessment's "member 2" and the ledger's rows stay who they were
    assert after_birth == [*names, "新生儿"]


def test_members_keep_their_order_on_sqlite(tmp_path: Path) -> None:
    _check_member_order(f"sqlite:///{tmp_path / 'county.db'}")


@pytest.mark.postgres
def test_members_keep_their_order_on_postgresql() -> None:
    """Found by the field season: an edited member came back last, and the county numbered members unlike the laptop."""
    with database("postgres") as url:
        _check_member_order(url)


def test_the_position_migration_numbers_existing_members_in_their_old_order(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from fieldsurvey.server.db.engine import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / 'county.db'}")
    attach(engine, ColumnCipher(os.urandom(32), os.urandom(32)))  # revision 0004 seals the rows
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        for member_id, seq in (("b", 1), ("a", 1), ("c", 7), ("d", 3)):
            conn.execute(
                text(
                    "INSERT INTO members (member_id, household_id, village_code, present, "
                    "revision, seq, deleted, data) "
                    "VALUES (:m, 'h1', '610728101001', 1, 1, :s, 0, '{}')"
                ),
                {"m": member_id, "s": seq},
            )
    migrate(engine)
    with engine.connect() as conn:
        order = (
            conn.execute(text("SELECT member_id FROM members ORDER BY position")).scalars().all()
        )
    engine.dispose()
    assert order == ["a", "b", "d", "c"]
