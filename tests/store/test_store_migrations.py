"""Schema versions: a real store from schema 0001 opens and migrates; newer stores are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from fieldsurvey.core.errors import UserError
from fieldsurvey.store import Store, schema
from fieldsurvey.store.models import Base

OLD_STORES = Path(__file__).parent / "data" / "stores"


def test_head_constant_matches_the_migration_scripts() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == schema.HEAD


def test_store_from_schema_0001_opens_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    d = tmp_path / "old"
    shutil.copytree(OLD_STORES / "v0001", d)
    with Store.open(d, passphrase="old store passphrase") as store:
        with store.engine.connect() as c:
            assert schema.current_revision(c) == schema.HEAD
        h = store.households.get_by_no("6107281010010099")
        assert h is not None
        assert [m.name for m in h.members] == ["欧阳春生", "刘桂芳"]
        assert h.members[0].revision == 3
        summary = store.households.summaries()[0]
        assert summary.head_initials == "oycs"  # computed by migration 0002
        assert summary.flag_bits == 1 << 2  # unsafe_house
        assert store.county() == ("610728", "镇巴县")
        assert store.outbox.pending_edits() == []
        h.housing_grade = "B"
        store.households.update(h)  # the new outbox table works on the migrated store
        assert [e.field for e in store.outbox.pending_edits()] == ["housing_grade"]
        assert store.integrity_problems() == []


def test_migrated_schema_equals_the_models(tmp_path: Path, fast_kdf: dict) -> None:
    store, _ = Store.create(tmp_path / "s", "passphrase for test", kdf=fast_kdf)
    with store.engine.connect() as c:
        insp = inspect(c)
        for table in Base.metadata.sorted_tables:
            on_disk = {col["name"] for col in insp.get_columns(table.name)}
            assert on_disk == {col.name for col in table.columns}, table.name
    store.close()


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path, fast_kdf: dict) -> None:
    store, _ = Store.create(tmp_path / "s", "passphrase for test", kdf=fast_kdf)
    with store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(UserError) as e:
        Store.open(tmp_path / "s", passphrase="passphrase for test")
    assert "newer" in e.value.text.en
