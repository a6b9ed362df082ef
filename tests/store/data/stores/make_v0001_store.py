"""Writes tests/data/stores/v0001: a store as FieldSurvey 0.1 made it (schema 0001).

Kept with its output in the repository so the upgrade test opens a real old file, as Electrum
keeps real old wallets. Run once; rerunning replaces the fixture. Synthetic data only.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import text

from fieldsurvey.core.ids import make_id_number
from fieldsurvey.encryption.keyfile import KeyFile
from fieldsurvey.store import schema
from fieldsurvey.store.engine import make_encrypted_engine

PASSPHRASE = "old store passphrase"
STORE_ID = "00000000-0000-4000-8000-000000000001"
KDF = {
    "name": "argon2id",
    "iterations": 1,
    "memory_kib": 19456,
    "lanes": 1,
}  # the smallest a key file may ask for


def main(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    keyfile, data_key, recovery = KeyFile.create(STORE_ID, PASSPHRASE, KDF)
    keyfile.save(target / "store.key")
    keyfile.save(target / "store.key.bak")
    engine = make_encrypted_engine(target / "store.db", data_key)
    schema.upgrade(engine, "0001")
    head = make_id_number("610728", date(1962, 5, 7), 31, "male")
    wife = make_id_number("610728", date(1964, 11, 23), 42, "female")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO households (household_id, household_no, division_code, "
                "registered_poor, status, risk_cleared,"
                " other_poverty_causes, risks, relocated, water_short_area, revision, head_name, head_id_number,"
                " member_count, flags, deleted, housing_grade, poverty_category)"
                " VALUES ('h-0001', '6107281010010099', '610728101001', 1, 'exited', 0, '[]', '[\"illness\"]', 0, 0, 3,"
                " '欧阳春生', :head, 2, :flags, 0, 'C', 'dibao')"
            ),
            {"head": head, "flags": json.dumps(["unsafe_house"])},
        )
        for mid, name, idn, rel, sex, born, pos in (
            ("m-0001", "欧阳春生", head, "02", "male", "1962-05-07", 0),
            ("m-0002", "刘桂芳", wife, "10", "female", "1964-11-23", 1),
        ):
            c.execute(
                text(
                    "INSERT INTO members (member_id, household_id, position, name, id_number, id_type, relation, sex,"
                    " birth_date, ethnicity, schooling_exempt, public_welfare_job, active_military, dibao,"
                    " destitute_support, relocated, present, revision)"
                    " VALUES (:mid, 'h-0001', :pos, :name, :idn, 'resident_id', :rel, :sex, :born, "
                    "'01', 0, 0, 0, 1, 0, 0, 1, 3)"
                ),
                {
                    "mid": mid,
                    "pos": pos,
                    "name": name,
                    "idn": idn,
                    "rel": rel,
                    "sex": sex,
                    "born": born,
                },
            )
        c.execute(
            text("INSERT INTO meta (key, value) VALUES ('county', :v)"),
            {"v": json.dumps({"code": "610728", "name": "镇巴县"})},
        )
    with engine.connect() as c:
        c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    (target / "README.txt").write_text(
        f"Schema 0001 store (synthetic). Passphrase: {PASSPHRASE}\nRecovery key: {recovery}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "v0001")
