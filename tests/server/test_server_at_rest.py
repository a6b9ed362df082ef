"""Personal data at rest on the county server (issue 13, section 2, and where the signing key lives).

A stolen server disk or a database dump must give an attacker no ID number, phone, name or health
detail, and no key: the embedded database is SQLCipher, the personal records are sealed column by
column (on PostgreSQL as on SQLite), the ID number index is a keyed HMAC, and the county's private
keys are encrypted files unlocked by a passphrase that is never stored beside them. Every case
runs against a real server process on SQLite and on PostgreSQL (``pg_dump`` of its database).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import HouseholdRow, MemberRow
from fieldsurvey.server.db.sealed_columns import SealError
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.roster.xlsx_check import load_registry
from fieldsurvey.server.roster.xlsx_upload import RosterUploads
from fieldsurvey.sync.keys import read_county_keys
from tests.support.factories import household, member
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    County,
    enroll_device,
    run_cli,
)

PASSPHRASE = os.environ["FIELDSURVEY_SERVER_PASSPHRASE"]  # set for every test in conftest.py
ENCODINGS = ("utf-8", "utf-16-le", "gb18030")


# -- what must never be found ------------------------------------------------------------------
def forms_of(needle: str) -> list[bytes]:
    """The byte forms a value could take in a file: UTF-8, UTF-16, GB18030, and JSON's \\u escapes."""
    forms = [needle.encode(e) for e in ENCODINGS]
    escaped = json.dumps(needle)[1:-1]
    if escaped != needle:
        forms.append(escaped.encode("ascii"))
    return forms


def assert_absent(blob: bytes, needles: list[str], where: str) -> None:
    for needle in needles:
        for form in forms_of(needle):
            assert form not in blob, f"{needle!r} in plaintext in {where}"


def scan_blob(blob: bytes, needles: list[str], where: str) -> None:
    """The bytes, and — for a zip such as an .xlsx, whose parts are deflated — every part inflated."""
    assert_absent(blob, needles, where)
    if blob.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            for name in z.namelist():
                assert_absent(z.read(name), needles, f"{where}:{name}")


def scan_directory(path: Path, needles: list[str]) -> int:
    files = [p for p in path.rglob("*") if p.is_file()]
    for p in files:
        scan_blob(p.read_bytes(), needles, str(p.relative_to(path)))
    return len(files)


def pg_dump(url: str) -> bytes:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    name = url.rsplit("/", 1)[1]
    return subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "--no-owner", name],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout


# -- a season's worth of personal data, through the real server --------------------------------
PHONES = ("13912345678", "13787654321", "15011112222", "18633334444")


def personal_workload(county: County) -> dict[str, Any]:
    """Roster, a new household, edits that conflict on a phone and an ID number, a visit with
    members' health, a member change."""
    a1, a2 = enroll_device(county.server, "sec_a"), enroll_device(county.server, "sec_a2")
    a1.pull()
    a2.pull()
    new = household(no="6107281010010099", village=VILLAGE_A, phone=PHONES[0])
    new.members.append(
        member(
            "刘德昌",
            "20",
            "male",
            date(1999, 6, 30),
            777,
            health="disabled",
            disability_category="physical",
            disability_grade="3",
        )
    )
    new.members[-1].disability_cert_no = new.members[-1].id_number + "43"
    result = a1.upload([{"kind": "household.create", "household": household_to_dict(new)}])
    assert result["status"] == "merged", result
    h = county.households_in(VILLAGE_A)[0]
    hid = h["household_id"]
    assert a1.upload([a1.edit(hid, {"phone": (h["phone"], PHONES[1])})])["status"] == "merged"
    assert (
        a2.upload([a2.edit(hid, {"phone": (h["phone"], PHONES[2])})])["status"] == "has_conflicts"
    )
    head = h["members"][0]
    moved_id = make_id_number("610728", date(1975, 3, 14), 4321, "male")
    other_id = make_id_number("610728", date(1975, 3, 14), 4322, "male")
    for device, value in (
        (a1, moved_id),
        (a2, other_id),
    ):  # the second conflicts: both ID numbers are kept
        device.upload(
            [
                {
                    "kind": "record.update",
                    "record_type": "member",
                    "record_id": head["member_id"],
                    "household_id": hid,
                    "base_revision": 1,
                    "changes": [{"field": "id_number", "base": head["id_number"], "value": value}],
                }
            ]
        )
    visit = {
        "visit_id": "21111111-2222-4333-8444-555555555555",
        "household_id": new.household_id,
        "visit_date": "2025-05-06",
        "visitor": "甲村书记",
        "form_id": "household",
        "form_version": "1",
        "status": "finalized",
        "findings": f"核实成员{new.members[0].name}，联系电话{PHONES[3]}",
        "answers": {
            "phone": PHONES[3],
            "members": [
                {
                    "member_id": m.member_id,
                    "name": m.name,
                    "id_number": m.id_number,
                    "health": m.health,
                }
                for m in new.members
            ],
        },
        "assessment": {"flags": []},
    }
    change = {
        "change_id": "31111111-2222-4333-8444-555555555555",
        "household_id": new.household_id,
        "member_id": new.members[-1].member_id,
        "reason": "married_out",
        "change_date": "2025-05-01",
        "note": "外嫁",
    }
    result = a1.upload(
        [{"kind": "visit", "visit": visit}, {"kind": "member_change", "change": change}]
    )
    assert result["status"] == "merged", result
    people = [m for hh in county.roster["households"] for m in hh["members"]] + [
        household_to_dict(new)["members"][i] for i in range(5)
    ]
    return {
        "id_numbers": sorted({p["id_number"] for p in people} | {moved_id, other_id}),
        "names": sorted({p["name"] for p in people}),
        "phones": list(PHONES),
        "cert": new.members[-1].disability_cert_no,
        "devices": (a1, a2),
        "new": new,
    }


@pytest.fixture(scope="module")
def workload(county: County) -> dict[str, Any]:
    return personal_workload(county)


def needles(workload: dict[str, Any], sd: ServerDir) -> list[str]:
    signing, encryption = sd.keys.private_b64()
    ids = [*workload["id_numbers"], *workload.get("staged_ids", [])]
    # GB 11643 numbers as plain digits too: the 17-digit body (a check digit X dropped or typed
    # lower case) is how some county exports hold them.
    bodies = sorted(
        {number[:17] for number in ids} | {number.lower() for number in ids if number.endswith("X")}
    )
    return [
        *ids,
        *bodies,
        *workload["names"],
        *workload.get("staged_names", []),
        *workload["phones"],
        workload["cert"],
        PASSPHRASE,
        signing,
        encryption,
    ]


STAGED_HEADER = [
    "户编号",
    "行政区划代码",
    "户主姓名",
    "姓名",
    "与户主关系",
    "证件号码",
    "性别",
    "出生日期",
    "联系电话",
]


def stage_roster_and_export(county: County, workload: dict[str, Any]) -> None:
    """A county roster uploaded for import and left staged (two chunks), and an XLSX export left in
    ``exports/`` as a server stopped while sending it would leave it: both hold ID numbers."""
    from openpyxl import Workbook

    from fieldsurvey.server.auth.identity import Principal
    from fieldsurvey.server.exports.tables import Exporter, write_xlsx
    from fieldsurvey.server.households.filters import HouseholdFilter

    people = [
        (
            f"61072810100191{k:02d}",
            f"石{'甲乙丙丁'[k]}{'山水'[k % 2]}",
            make_id_number("610728", date(1960 + k, 2, 3), 900 + 2 * k, "male"),
        )
        for k in range(4)
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(STAGED_HEADER)
    for no, name, number in people:
        ws.append([no, VILLAGE_A, name, name, "户主", number, "男", "1960-02-03", "13600000000"])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    with pytest.raises(
        AssertionError
    ):  # the scan sees inside a workbook: a plain staged copy would be found
        scan_blob(data, [people[0][2]], "the roster as uploaded")
    token = county.server.token()
    r = county.server.api(
        "POST",
        "/roster/uploads",
        token,
        json={
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": "花名册.xlsx",
        },
    )
    assert r.status_code == 200, r.text
    upload_id, half = r.json()["upload_id"], len(data) // 2
    for offset, chunk in ((0, data[:half]), (half, data[half:])):
        r = httpx.put(
            f"{county.server.url}/api/v1/roster/uploads/{upload_id}/chunk",
            params={"offset": offset},
            content=chunk,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
            },
            timeout=60,
        )
        assert r.status_code == 200, r.text
    preview = county.server.api(
        "GET", f"/roster/uploads/{upload_id}", token
    ).json()  # it opens for the server
    assert [row[5] for row in preview["sample"]] == [number for _no, _name, number in people]
    workload["staged_ids"] = [number for _no, _name, number in people]
    workload["staged_names"] = [name for _no, name, _number in people]
    sd = county.server.server_dir
    try:
        staff = Principal("staff-id", "staff", "county_staff", None)
        write_xlsx(
            Exporter(sd, staff, "members", HouseholdFilter(), "zh"),
            county.server.data_dir / "exports",
            sd.secrets.files_key,
        )
    finally:
        sd.close()
    assert list((county.server.data_dir / "roster_uploads").glob("*.sealed")) and list(
        (county.server.data_dir / "exports").iterdir()
    )


# -- the scans -----------------------------------------------------------------------------------
def test_no_id_number_name_phone_key_or_passphrase_in_any_file_of_the_data_directory(
    county: County, workload: dict[str, Any]
) -> None:
    stage_roster_and_export(county, workload)
    sd = county.server.server_dir
    try:
        found = needles(workload, sd)
        checked = scan_directory(county.server.data_dir, found)
        if county.server.db_url is None:
            assert (county.server.data_dir / "county.db").exists()
            assert any(
                p.name == "county.db-wal" for p in county.server.data_dir.iterdir()
            )  # recent writes are in the WAL: scanned too
        assert checked >= 5
        # ... and the data is all there for whoever holds the passphrase
        with sd.transaction() as s:
            row = s.get(HouseholdRow, workload["new"].household_id)
            assert row is not None and row.data["phone"] == PHONES[0]
            full = registry.full_household(s, row)
            assert [m["id_number"] for m in full["members"]] == [
                m.id_number for m in workload["new"].members
            ]
    finally:
        sd.close()


@pytest.mark.postgres
@pytest.mark.parametrize("county", ["postgres"], indirect=True)  # a dump is PostgreSQL's alone
def test_a_postgresql_dump_holds_no_id_number_name_phone_or_key(
    county: County, workload: dict[str, Any]
) -> None:
    assert county.server.db_url is not None
    dump = pg_dump(county.server.db_url)
    sd = county.server.server_dir
    try:
        assert_absent(dump, needles(workload, sd), "pg_dump")
    finally:
        sd.close()
    assert b'"$sealed": 1' in dump  # the records are there, sealed
    assert str(county.server.status()["households"]).encode() and b"COPY public.members" in dump


def test_lookups_by_id_number_use_the_keyed_index(county: County, workload: dict[str, Any]) -> None:
    sd = county.server.server_dir
    new = workload["new"]
    person = new.members[1]
    try:
        with sd.transaction() as s:
            reg = load_registry(s)
            assert reg.household_of(person.id_number) == new.household_no
            assert reg.household_of(person.id_number.lower()) == new.household_no
            assert (
                reg.household_of(make_id_number("610728", date(1990, 1, 1), 999, "female")) is None
            )
            found = s.execute(
                select(MemberRow.member_id, MemberRow.id_index).where(
                    MemberRow.id_index == person.id_number
                )
            ).all()
            assert [m for m, _ in found] == [person.member_id]
            stored = found[0][1]
            assert (
                len(stored) == 64 and stored != person.id_number and person.id_number not in stored
            )
            with pytest.raises(TypeError):
                select(
                    MemberRow.data["id_number"]
                )  # a JSON path would only see ciphertext: refused at once
            raw = s.execute(
                text("SELECT data FROM members WHERE member_id = :m"), {"m": person.member_id}
            ).scalar_one()
            box = raw if isinstance(raw, dict) else json.loads(raw)
            assert set(box) == {"$sealed", "rid", "ct"} and box["rid"] == person.member_id
    finally:
        sd.close()


def test_a_sealed_record_altered_or_moved_in_the_database_does_not_open(
    county: County, workload: dict[str, Any]
) -> None:
    sd = county.server.server_dir
    new = workload["new"]
    cast = "CAST(:v AS JSONB)" if county.server.db_url else ":v"
    try:
        with sd.engine.begin() as conn:
            original = conn.execute(
                text("SELECT data FROM households WHERE household_id = :h"), {"h": new.household_id}
            ).scalar_one()
            box = original if isinstance(original, dict) else json.loads(original)
            member_box = conn.execute(
                text("SELECT data FROM members WHERE member_id = :m"),
                {"m": new.members[0].member_id},
            ).scalar_one()
        flipped = dict(
            box, ct=box["ct"][:20] + ("A" if box["ct"][20] != "A" else "B") + box["ct"][21:]
        )
        moved = (
            member_box if isinstance(member_box, dict) else json.loads(member_box)
        )  # a member's ciphertext in a household's column
        for bad in (flipped, dict(box, rid="another-household"), moved):
            with sd.engine.begin() as conn:
                conn.execute(
                    text(f"UPDATE households SET data = {cast} WHERE household_id = :h"),
                    {"v": json.dumps(bad), "h": new.household_id},
                )
            try:
                with pytest.raises(SealError) as e, sd.transaction() as s:
                    s.get(HouseholdRow, new.household_id)
                assert e.value.code == "sealed_data_damaged"
            finally:
                with sd.engine.begin() as conn:
                    conn.execute(
                        text(f"UPDATE households SET data = {cast} WHERE household_id = :h"),
                        {"v": json.dumps(box), "h": new.household_id},
                    )
        with sd.transaction() as s:
            assert (
                s.get(HouseholdRow, new.household_id).data["household_no"] == new.household_no
            )  # restored
    finally:
        sd.close()


def test_a_database_error_never_shows_the_values_it_was_given(
    county: County, workload: dict[str, Any]
) -> None:
    """Error messages reach logs: the plain record a statement was given must not be in them."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    new = workload["new"]
    record = household_to_dict(new)["members"][0]
    sd = county.server.server_dir
    try:
        with pytest.raises(IntegrityError) as e, sd.transaction() as s:  # the member exists already
            s.execute(
                insert(MemberRow.__table__),
                [
                    {
                        "member_id": record["member_id"],
                        "household_id": new.household_id,
                        "village_code": VILLAGE_A,
                        "present": True,
                        "revision": 1,
                        "seq": 1,
                        "deleted": False,
                        "position": 0,
                        "data": record,
                        "id_index": record["id_number"],
                    }
                ],
            )
        assert_absent(
            str(e.value).encode("utf-8"), [record["id_number"], record["name"]], "the error message"
        )
    finally:
        sd.close()


def test_the_private_keys_are_encrypted_files_apart_from_the_database(county: County) -> None:
    """Issue 13 §5: a copy of the database (or of the whole directory) cannot sign a rewritten audit chain."""
    keys_dir = county.server.data_dir / "keys"
    for name in ("county-signing.pem", "county-encryption.pem"):
        assert (keys_dir / name).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    for password in (None, b"guess", PASSPHRASE.encode()):
        with pytest.raises(Exception) as e:
            read_county_keys(keys_dir, password)
        assert getattr(e.value, "code", None) == "bad_keys"
    sd = county.server.server_dir
    try:
        with sd.transaction() as s:  # nothing in the database holds a private key
            meta = dict(s.execute(text("SELECT key, value FROM meta")).all())
        assert set(meta) >= {"signing_key", "encryption_key"}
        signing, encryption = sd.keys.private_b64()
        assert signing not in json.dumps(meta) and encryption not in json.dumps(meta)
    finally:
        sd.close()
    if os.name == "posix":
        for p in [county.server.data_dir, keys_dir, *keys_dir.iterdir()]:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p


# -- the command line: the passphrase is asked for, never stored ---------------------------------
def init_cli(
    d: Path, *extra: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "server",
        "init",
        "--data-dir",
        str(d),
        "--county",
        "610728",
        "--admin",
        "admin",
        *extra,
        stdin="admin-pass-123\n",
        env=env,
        check=check,
    )


@pytest.fixture(scope="module")
def cli_server(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("cli") / "county"
    d.mkdir(mode=0o755)
    (d / "notes.txt").write_text("left here before init", "utf-8")
    if os.name == "posix":
        os.chmod(d, 0o755)
        os.chmod(d / "notes.txt", 0o644)
    out = init_cli(d).stdout
    recovery = next(
        line.split(": ", 1)[1] for line in out.splitlines() if "Server recovery key" in line
    )
    return {"dir": d, "recovery": recovery.strip(), "out": out}


@pytest.mark.skipif(
    os.name != "posix", reason="file modes are POSIX; Windows keeps the user's folder ACLs"
)
def test_init_makes_an_existing_directory_private(cli_server: dict[str, Any]) -> None:
    d = cli_server["dir"]
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    for p in d.rglob("*"):
        want = 0o700 if p.is_dir() else 0o600
        assert stat.S_IMODE(p.stat().st_mode) == want, p


def test_init_shows_the_recovery_key_once_and_stores_no_passphrase(
    cli_server: dict[str, Any],
) -> None:
    assert len(cli_server["recovery"].split("-")) == 8
    assert "shown only this once" in cli_server["out"]
    scan_directory(cli_server["dir"], [PASSPHRASE, cli_server["recovery"]])
    db = cli_server["dir"] / "county.db"
    assert not db.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):  # a copy of the file alone is noise
        sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_master").fetchall()


def one_sentence(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_every_command_needs_the_passphrase_and_a_wrong_one_is_one_sentence(
    cli_server: dict[str, Any],
) -> None:
    d = str(cli_server["dir"])

    def refusal(passphrase: str, *args: str) -> str:
        env = {"FIELDSURVEY_SERVER_PASSPHRASE": passphrase}
        return one_sentence(run_cli("server", *args, "--data-dir", d, env=env, check=False))

    missing = refusal("", "status")
    assert "FIELDSURVEY_SERVER_PASSPHRASE" in missing and "需要" in missing
    wrong = refusal("not-the-passphrase-42", "status")
    assert "wrong passphrase for the county server" in wrong and "密码短语不正确" in wrong
    for args in (
        ("user", "list"),
        ("audit", "verify"),
        ("device", "list"),
        ("enroll-code", "--username", "admin"),
    ):
        assert "wrong passphrase" in refusal("not-the-passphrase-42", *args)
    assert "admin" in run_cli("server", "user", "list", "--data-dir", d).stdout


def test_the_passphrase_may_come_from_a_file_outside_the_data_directory(
    cli_server: dict[str, Any], tmp_path: Path
) -> None:
    d = cli_server["dir"]
    outside = tmp_path / "server-passphrase"
    outside.write_text(PASSPHRASE + "\n", "utf-8")
    no_env = {"FIELDSURVEY_SERVER_PASSPHRASE": ""}

    def users(*args: str, **env: str) -> str:
        return run_cli(
            "server", "user", "list", "--data-dir", str(d), *args, env={**no_env, **env}
        ).stdout

    assert "admin" in users("--passphrase-file", str(outside))
    assert "admin" in users(FIELDSURVEY_SERVER_PASSPHRASE_FILE=str(outside))
    inside = d / "passphrase.txt"
    inside.write_text(PASSPHRASE, "utf-8")
    try:
        refused = one_sentence(
            run_cli(
                "server",
                "status",
                "--data-dir",
                str(d),
                "--passphrase-file",
                str(inside),
                env=no_env,
                check=False,
            )
        )
        assert "must not be inside the server's data directory" in refused
    finally:
        inside.unlink()


def test_a_weak_passphrase_is_refused_at_init(tmp_path: Path) -> None:
    proc = init_cli(
        tmp_path / "weak", env={"FIELDSURVEY_SERVER_PASSPHRASE": "12345678"}, check=False
    )
    assert "too weak" in one_sentence(proc)
    assert not (tmp_path / "weak" / "server.json").exists()


def change_passphrase(d: str, old: str, new: str, *args: str) -> None:
    """``server passphrase change`` from ``old`` (empty: none given) to ``new``."""
    env = {"FIELDSURVEY_SERVER_PASSPHRASE": old, "FIELDSURVEY_SERVER_NEW_PASSPHRASE": new}
    run_cli("server", "passphrase", "change", "--data-dir", d, *args, env=env)


def users_listed(d: str, passphrase: str) -> str:
    env = {"FIELDSURVEY_SERVER_PASSPHRASE": passphrase}
    return run_cli("server", "user", "list", "--data-dir", d, env=env).stdout


def test_the_passphrase_changes_and_the_recovery_key_sets_a_forgotten_one(
    cli_server: dict[str, Any],
) -> None:
    d = str(cli_server["dir"])
    second, third = "second-county-passphrase-8", "third-county-passphrase-9"
    change_passphrase(d, PASSPHRASE, second)
    assert "wrong passphrase" in one_sentence(
        run_cli("server", "status", "--data-dir", d, check=False)
    )
    assert "admin" in users_listed(d, second)
    change_passphrase(d, "", third, "--recovery-key", cli_server["recovery"])
    assert "admin" in users_listed(d, third)
    change_passphrase(d, third, PASSPHRASE)  # back, for the other tests of this module
    assert "admin" in users_listed(d, PASSPHRASE)


# -- an earlier version's plain directory: refused, then encrypted in place -----------------------
def legacy_server(d: Path, url: str | None) -> dict[str, Any]:
    """A data directory as the version before this one left it: plain SQLite or plain rows, plain
    PEM keys, schema 0003."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.orm import Session

    from fieldsurvey.server.audit import chain as audit
    from fieldsurvey.server.db.engine import MIGRATIONS, make_engine, sqlite_url
    from fieldsurvey.server.db.models import JsonType
    from fieldsurvey.server.households.records import DERIVED_DEFAULTS, household_columns
    from fieldsurvey.sync.keys import KeyPair, write_county_keys

    d.mkdir(parents=True)
    keys = KeyPair.generate()
    write_county_keys(d / "keys", keys)  # no password: the old format
    url = url or sqlite_url(d)
    (d / "server.json").write_text(json.dumps({"county": "610728", "db_url": url}), "utf-8")
    engine = make_engine(url)  # no key: the old plain file
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    homes = [household(no=f"61072810100100{i}1", village=VILLAGE_A) for i in range(3)]
    data = [household_to_dict(h) for h in homes]

    def table(name: str, columns: list[str]) -> Any:
        return sa.table(
            name,
            *[sa.column(c, JsonType) if c in ("data", "value") else sa.column(c) for c in columns],
        )

    signing, encryption = keys.public_b64()
    with engine.begin() as conn:
        conn.execute(
            table("meta", ["key", "value"]).insert(),
            [
                {"key": k, "value": v}
                for k, v in (
                    ("county", "610728"),
                    ("county_name", "镇巴县"),
                    ("epoch", "legacy000001"),
                    ("signing_key", signing),
                    ("encryption_key", encryption),
                )
            ],
        )
        conn.execute(
            table("divisions", ["code", "name", "parent", "level"]).insert(),
            [{"code": VILLAGE_A, "name": "甲村", "parent": None, "level": "village"}],
        )
        rows, members = [], []
        for seq, h in enumerate(data, start=1):
            rows.append(
                {
                    "household_id": h["household_id"],
                    "revision": 1,
                    "seq": seq,
                    "deleted": False,
                    "member_count": len(h["members"]),
                    "data": {
                        k: v
                        for k, v in h.items()
                        if k not in ("members", "helpers", "measures", "incomes", "revision")
                    },
                    **household_columns(h),
                    **DERIVED_DEFAULTS,
                }
            )
            members += [
                {
                    "member_id": m["member_id"],
                    "household_id": h["household_id"],
                    "village_code": VILLAGE_A,
                    "present": True,
                    "revision": 1,
                    "seq": seq,
                    "deleted": False,
                    "position": i,
                    "data": m,
                }
                for i, m in enumerate(h["members"])
            ]
        conn.execute(table("households", list(rows[0])).insert(), rows)
        conn.execute(table("members", list(members[0])).insert(), members)
    with Session(engine) as s, s.begin():
        audit.append(
            s, keys.signing, actor="cli", action="server_init", subject="610728", details={}
        )
    engine.dispose()
    # a roster staged for import, and an export a stopped server left: plain files then
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(STAGED_HEADER)
    staged_ids = [
        make_id_number("610728", date(1955, 5, 5 + k), 300 + 2 * k, "female") for k in range(2)
    ]
    for k, number in enumerate(staged_ids):
        wb.active.append(
            [
                f"61072810100193{k:02d}",
                VILLAGE_A,
                f"柳{k}",
                f"柳{k}",
                "户主",
                number,
                "女",
                "1955-05-05",
                "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    staged = buffer.getvalue()
    (d / "roster_uploads").mkdir()
    (d / "roster_uploads" / f"{'d' * 32}.xlsx").write_bytes(staged)
    (d / "roster_uploads" / f"{'d' * 32}.json").write_text(
        json.dumps(
            {
                "user": "admin",
                "size": len(staged),
                "sha256": hashlib.sha256(staged).hexdigest(),
                "filename": "r.xlsx",
            }
        ),
        "utf-8",
    )
    (d / "exports").mkdir()
    (d / "exports" / "export-abc.xlsx").write_bytes(staged)
    return {"homes": homes, "keys": keys, "staged": staged, "staged_ids": staged_ids}


@pytest.fixture(params=BACKENDS)
def legacy(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path, str | None, dict[str, Any]]]:
    from tests.support.server import database

    with database(request.param) as url:
        yield tmp_path / "old", url, legacy_server(tmp_path / "old", url)


def test_an_earlier_versions_plain_directory_is_refused_then_encrypted_in_place_losing_nothing(
    legacy: tuple[Path, str | None, dict[str, Any]],
) -> None:
    d, url, made = legacy
    homes = made["homes"]
    id_numbers = [m.id_number for h in homes for m in h.members]
    refused = one_sentence(run_cli("server", "status", "--data-dir", str(d), check=False))
    assert "server encrypt" in refused and "earlier version" in refused
    if url is None:
        assert (
            (d / "county.db").read_bytes().startswith(b"SQLite format 3")
        )  # untouched by the refusal
    out = run_cli("server", "encrypt", "--data-dir", str(d)).stdout
    assert "Server recovery key" in out
    status = json.loads(
        run_cli("server", "status", "--data-dir", str(d), "--format", "json").stdout
    )
    assert status["households"] == 3 and status["members"] == 12
    assert (
        "intact" in run_cli("server", "audit", "verify", "--data-dir", str(d)).stdout
    )  # the same signing key, now encrypted
    sd = ServerDir(d)
    try:
        assert sd.keys.fingerprint() == made["keys"].fingerprint()
        with sd.transaction() as s:
            assert load_registry(s).household_of(id_numbers[5]) == homes[1].household_no
            full = registry.full_household(s, s.get(HouseholdRow, homes[2].household_id))
            assert [m["id_number"] for m in full["members"]] == [
                m.id_number for m in homes[2].members
            ]
        assert (
            RosterUploads(sd).content("d" * 32, "admin") == made["staged"]
        )  # the staged roster: sealed, still importable
        assert not (d / "exports" / "export-abc.xlsx").exists()
    finally:
        sd.close()
    scan_directory(d, id_numbers + made["staged_ids"] + [m.name for h in homes for m in h.members])
    if url is not None:
        assert_absent(pg_dump(url), id_numbers, "pg_dump")
    assert "already encrypted" in run_cli("server", "encrypt", "--data-dir", str(d)).stdout


def test_an_interrupted_encryption_is_finished_by_running_it_again(tmp_path: Path) -> None:
    from fieldsurvey.server.db import vault

    d = tmp_path / "old"
    made = legacy_server(d, None)
    vault.create(d / "keys", PASSPHRASE)  # the power went out right after the key file was written
    assert "earlier version" in one_sentence(
        run_cli("server", "status", "--data-dir", str(d), check=False)
    )
    wrong = run_cli(
        "server",
        "encrypt",
        "--data-dir",
        str(d),
        env={"FIELDSURVEY_SERVER_PASSPHRASE": "another-passphrase-77"},
        check=False,
    )
    assert "wrong passphrase" in one_sentence(wrong)
    assert (
        (d / "county.db").read_bytes().startswith(b"SQLite format 3")
    )  # nothing was changed by the wrong try
    out = run_cli("server", "encrypt", "--data-dir", str(d)).stdout
    assert (
        "Server recovery key" not in out
    )  # the key file of the first run is kept: its recovery key still holds
    assert (
        json.loads(run_cli("server", "status", "--data-dir", str(d), "--format", "json").stdout)[
            "households"
        ]
        == 3
    )
    scan_directory(d, [m.id_number for h in made["homes"] for m in h.members])
