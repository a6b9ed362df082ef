"""The encrypted store as a user meets it: save, reopen, wrong secrets, damage, no plaintext."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.visit import Visit
from fieldsurvey.encryption.keyfile import KeyFile
from fieldsurvey.store import Store
from tests.support.common import HAS_MODES
from tests.support.factories import household

PASS = "梯田上的茶园-2026"


@pytest.fixture
def store_dir(tmp_path: Path, fast_kdf: dict) -> Path:
    d = tmp_path / "village"
    store, _ = Store.create(d, PASS, kdf=fast_kdf)
    store.households.add_many([household("6107281010010001"), household("6107281010010002")])
    store.close()
    return d


def test_round_trip_keeps_every_field(tmp_path: Path, fast_kdf: dict) -> None:
    h = household()
    store, _ = Store.create(tmp_path / "s", PASS, kdf=fast_kdf)
    store.households.add_many([h])
    store.close()
    with Store.open(tmp_path / "s", passphrase=PASS) as store:
        assert store.households.get(h.household_id) == h
        assert store.households.get_by_no(h.household_no) == h


def test_wrong_passphrase_is_refused_and_changes_nothing(store_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in store_dir.iterdir()}
    with pytest.raises(UserError) as e:
        Store.open(store_dir, passphrase="not the passphrase")
    assert e.value.text.zh == "密码短语不正确"
    assert e.value.text.en == "wrong passphrase"
    assert {p.name: p.read_bytes() for p in store_dir.iterdir()} == before


def test_passphrase_change_does_not_rewrite_the_database(store_dir: Path) -> None:
    db_before = (store_dir / "store.db").read_bytes()
    with Store.open(store_dir, passphrase=PASS) as store:
        store.change_passphrase("一个新的密码短语")
    assert (store_dir / "store.db").read_bytes() == db_before
    with pytest.raises(UserError):
        Store.open(store_dir, passphrase=PASS)
    with Store.open(store_dir, passphrase="一个新的密码短语") as store:
        assert store.households.count() == 2


def test_recovery_key_unlocks_and_a_wrong_one_is_refused(tmp_path: Path, fast_kdf: dict) -> None:
    store, recovery = Store.create(tmp_path / "s", PASS, kdf=fast_kdf)
    store.close()
    assert len(recovery.split("-")) == 8
    with Store.open(tmp_path / "s", recovery_key=recovery.lower().replace("-", " ")) as store:
        store.change_passphrase("forgot the old one")
    with Store.open(tmp_path / "s", passphrase="forgot the old one"):
        pass
    wrong = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"
    with pytest.raises(UserError) as e:
        Store.open(tmp_path / "s", recovery_key=wrong)
    assert e.value.text.en == "wrong recovery key"
    with pytest.raises(UserError, match="malformed"):
        Store.open(tmp_path / "s", recovery_key="12345")


def test_missing_key_file_explains_itself(store_dir: Path) -> None:
    (store_dir / "store.key").unlink()
    with pytest.raises(UserError) as e:
        Store.open(store_dir, passphrase=PASS)
    assert "密钥文件" in e.value.text.zh and "key file is missing" in e.value.text.en


def test_damaged_key_file_is_repaired_from_the_backup_with_the_recovery_key(
    tmp_path: Path, fast_kdf: dict
) -> None:
    store, recovery = Store.create(tmp_path / "s", PASS, kdf=fast_kdf)
    store.close()
    key_path = tmp_path / "s" / "store.key"
    key_path.write_bytes(key_path.read_bytes()[:100])
    with pytest.raises(UserError) as e:
        Store.open(tmp_path / "s", passphrase=PASS)
    assert "damaged" in e.value.text.en
    with Store.open(tmp_path / "s", recovery_key=recovery):
        pass
    KeyFile.load(key_path)  # repaired
    with Store.open(tmp_path / "s", passphrase=PASS):
        pass


def test_tampered_wrap_is_refused(store_dir: Path) -> None:
    kf = KeyFile.load(store_dir / "store.key")
    kf.passphrase_wrap, kf.recovery_wrap = kf.recovery_wrap, kf.passphrase_wrap
    kf.save(store_dir / "store.key")
    with pytest.raises(UserError):
        Store.open(store_dir, passphrase=PASS)


def test_damaged_database_gives_a_clear_error(store_dir: Path) -> None:
    db = store_dir / "store.db"
    data = bytearray(db.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # the first page: schema and header
    db.write_bytes(bytes(data))
    with pytest.raises(UserError) as e:
        Store.open(store_dir, passphrase=PASS)
    assert e.value.code == "damaged_db"
    assert "damaged" in e.value.text.en


def test_no_personal_data_in_plaintext_anywhere_under_the_data_dir(
    tmp_path: Path, fast_kdf: dict
) -> None:
    h = household()
    d = tmp_path / "s"
    store, _ = Store.create(d, PASS, kdf=fast_kdf)
    store.households.add_many([h])
    h.members[0].health = "critical"
    store.households.update(h)  # a write that stays in the WAL
    store.visits.save_draft(
        Visit(h.household_id, date.today(), "驻村第一书记", "visit", "1", {"note": "王建国家"})
    )
    needles = [m.name for m in h.members] + [m.id_number for m in h.members] + ["王建国家"]
    files = [p for p in d.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for p in files:
        blob = p.read_bytes()
        for needle in needles:
            for encoding in ("utf-8", "utf-16-le", "gb18030"):
                assert needle.encode(encoding) not in blob, f"{needle!r} in plaintext in {p.name}"
    store.close()


@pytest.mark.skipif(
    not HAS_MODES, reason="no file modes on this OS (owner-only access lists instead)"
)
def test_files_are_private_to_the_user(store_dir: Path) -> None:
    assert (store_dir.stat().st_mode & 0o077) == 0
    for p in store_dir.iterdir():
        assert (p.stat().st_mode & 0o077) == 0, p.name


def test_creating_over_an_existing_store_is_refused(store_dir: Path, fast_kdf: dict) -> None:
    with pytest.raises(UserError, match="will not be overwritten"):
        Store.create(store_dir, "another passphrase", kdf=fast_kdf)


def test_edits_go_to_the_outbox_coalesced_per_field(store_dir: Path) -> None:
    with Store.open(store_dir, passphrase=PASS) as store:
        h = store.households.get_by_no("6107281010010001")
        assert h is not None
        h.housing_grade = "C"
        store.households.update(h)
        h.housing_grade = "D"
        h.members[2].schooling = "grade7"
        store.households.update(h)
        edits = {(e.record_type, e.field): e for e in store.outbox.pending_edits()}
        assert edits[("household", "housing_grade")].base_value == "B"
        assert edits[("household", "housing_grade")].new_value == "D"
        assert edits[("member", "schooling")].new_value == "grade7"
        h.housing_grade = "B"  # back to what the server has: nothing to send
        store.households.update(h)
        fields = {(e.record_type, e.field) for e in store.outbox.pending_edits()}
        assert ("household", "housing_grade") not in fields
        store.outbox.acknowledge([e.edit_id for e in store.outbox.pending_edits()])
        assert store.outbox.pending_edits() == []


def test_finalized_visit_is_read_only_and_an_amendment_keeps_the_original(store_dir: Path) -> None:
    with Store.open(store_dir, passphrase=PASS) as store:
        h = store.households.get_by_no("6107281010010002")
        assert h is not None
        v = store.visits.save_draft(
            Visit(h.household_id, date(2026, 11, 20), "张书记", "visit", "1", {"food": True})
        )
        changed = dataclasses.replace(h, housing_grade="C")
        assessment = {"flags": ["unsafe_house"], "household_id": h.household_id}
        store.visits.finalize(v, changed, assessment)
        with pytest.raises(UserError, match="finalized"):
            store.visits.save_draft(v)
        summary = next(s for s in store.households.summaries() if s.household_id == h.household_id)
        assert summary.flags == ("unsafe_house",)
        assert summary.last_visit_date == date(2026, 11, 20)
        assert store.households.get(h.household_id).housing_grade == "C"  # type: ignore[union-attr]
        amendment = store.visits.amend(v.visit_id, "住房等级录错", "张书记")
        assert amendment.amends == v.visit_id and amendment.status == "draft"
        assert [x.visit_id for x in store.outbox.pending_visits()] == [v.visit_id]
        with pytest.raises(UserError):
            store.visits.amend(v.visit_id, "  ", "张书记")


def test_bulk_assessments_set_flags_and_only_move_the_last_visit_forward(store_dir: Path) -> None:
    with Store.open(store_dir, passphrase=PASS) as store:
        a, b = (s.household_id for s in store.households.summaries())
        store.households.set_assessments(
            [(a, {"flags": ["dropout", "under_line"]}, date(2026, 1, 5)), (b, {"flags": []}, None)]
        )
        store.households.set_assessments(
            [
                (a, {"flags": ["dropout"]}, date(2025, 1, 5)),
                (b, {"flags": ["uninsured"]}, date(2026, 2, 1)),
            ]
        )
        by_id = {s.household_id: s for s in store.households.summaries()}
        assert (by_id[a].flags, by_id[a].flag_bits, by_id[a].last_visit_date) == (
            ("dropout",),
            1,
            date(2026, 1, 5),
        )
        assert (by_id[b].flags, by_id[b].flag_bits, by_id[b].last_visit_date) == (
            ("uninsured",),
            2,
            date(2026, 2, 1),
        )
