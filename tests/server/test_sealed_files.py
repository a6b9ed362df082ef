"""Files the county server keeps in its data directory are sealed, and damage to one is one sentence.

``sealed_files`` round trips a stream record by record; every kind of tampering — a flipped byte
anywhere, a file cut short at or inside a record, records swapped, a record from another file,
bytes after the final record, another key — is refused with ``sealed_file_damaged``. Through the
county's routes (in process): a staged roster whose file was altered or cut is refused with a
sentence in Chinese and English, never a traceback; an earlier version's plain staged roster is
sealed when the server starts (also a half-uploaded one, which can then be finished); an export
left in ``exports/`` is deleted at start; an XLSX export arrives whole and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from fieldsurvey.core.ids import make_id_number
from fieldsurvey.server.app import create_app
from fieldsurvey.server.db import sealed_files
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.sealed_files import CHUNK, HEADER, SealedFileDamaged, SealedWriter
from fieldsurvey.server.db.vault import ServerSecrets
from fieldsurvey.server.roster.json_import import import_roster
from tests.support.server import VILLAGE_A, app_client, init_county, roster

KEY = ServerSecrets(b"\x11" * 32).files_key
WHAT = sealed_files.Text("测试文件", "test file")
ADMIN_PASSWORD = "admin-pass-123"


def sealed(tmp: Path, data: bytes, name: str = "f.sealed", key: bytes = KEY) -> Path:
    path = tmp / name
    with SealedWriter(path, key, "test") as out:
        for start in range(
            0, len(data), 10_000
        ):  # written in pieces that do not line up with records
            out.write(data[start : start + 10_000])
    return path


def opened(path: Path, key: bytes = KEY) -> bytes:
    return sealed_files.read_all(path, key, "test", WHAT, limit=10 * 1024 * 1024)


def refused(path: Path, key: bytes = KEY) -> SealedFileDamaged:
    with pytest.raises(SealedFileDamaged) as e:
        opened(path, key)
    assert e.value.code == "sealed_file_damaged"
    assert (
        "测试文件已损坏或被改动" in e.value.text.zh
        and "the test file is damaged or was altered" in e.value.text.en
    )
    return e.value


def record_offsets(path: Path) -> list[tuple[int, int]]:
    """(start, length with its length field) of each record."""
    raw, pos, out = path.read_bytes(), HEADER, []
    while pos < len(raw):
        length = int.from_bytes(raw[pos : pos + 4], "big")
        out.append((pos, 4 + length))
        pos += 4 + length
    return out


DATA = os.urandom(3 * CHUNK + 123)


def test_a_sealed_file_round_trips_and_holds_no_plaintext(tmp_path: Path) -> None:
    text = ("证件号码610728196802030012;" * 9000).encode("utf-8")
    path = sealed(tmp_path, text)
    assert opened(path) == text
    assert b"610728196802030012" not in path.read_bytes() and path.read_bytes().startswith(
        sealed_files.MAGIC
    )
    assert len(record_offsets(path)) == len(text) // CHUNK + 1
    assert opened(sealed(tmp_path, b"", "empty.sealed")) == b""
    with pytest.raises(SealedFileDamaged):  # more than the reader's bound is refused, not read on
        sealed_files.read_all(path, KEY, "test", WHAT, limit=len(text) - 1)


def test_a_flipped_byte_anywhere_is_refused(tmp_path: Path) -> None:
    path = sealed(tmp_path, DATA)
    raw = path.read_bytes()
    (first, _), (second, _) = record_offsets(path)[:2]
    for where in (
        len(sealed_files.MAGIC) + 3,
        first + 2,
        first + 4,
        first + 1000,
        second + 50,
        len(raw) - 1,
    ):  # salt, length, body, tag
        bad = bytearray(raw)
        bad[where] ^= 0x01
        path.write_bytes(bytes(bad))
        refused(path)
    path.write_bytes(raw)
    assert opened(path) == DATA


def test_a_file_cut_short_at_or_inside_a_record_is_refused(tmp_path: Path) -> None:
    path = sealed(tmp_path, DATA)
    raw = path.read_bytes()
    records = record_offsets(path)
    for cut in (
        records[-1][0],
        records[1][0],
        records[-1][0] + 10,
        len(raw) - 1,
        HEADER,
        HEADER - 3,
    ):
        path.write_bytes(raw[:cut])
        refused(path)


def test_records_reordered_spliced_or_extended_are_refused(tmp_path: Path) -> None:
    path = sealed(tmp_path, DATA)
    raw = path.read_bytes()
    (a, la), (b, lb) = record_offsets(path)[:2]
    path.write_bytes(
        raw[:a] + raw[b : b + lb] + raw[a : a + la] + raw[b + lb :]
    )  # first two swapped
    refused(path)
    other = sealed(tmp_path, DATA, "other.sealed").read_bytes()
    path.write_bytes(raw[:a] + other[a : a + la] + raw[a + la :])  # the same record of another file
    refused(path)
    path.write_bytes(raw + raw[a : a + la])  # something after the final record
    refused(path)
    path.write_bytes(raw)
    refused(path, ServerSecrets(b"\x22" * 32).files_key)  # another server's key
    assert ServerSecrets(b"\x11" * 32).files_key not in (
        ServerSecrets(b"\x11" * 32).column_key,
        ServerSecrets(b"\x11" * 32).index_key,
    )


# -- through the county's routes ------------------------------------------------------------------
def roster_bytes() -> tuple[bytes, list[str]]:
    numbers = [
        make_id_number("610728", date(1970, 1, 1 + k), 500 + 2 * k, "male") for k in range(3)
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["户编号", "行政区划代码", "户主姓名", "姓名", "与户主关系", "证件号码", "性别", "出生日期"]
    )
    for k, number in enumerate(numbers):
        ws.append(
            [
                f"61072810100192{k:02d}",
                VILLAGE_A,
                f"石{k}",
                f"石{k}",
                "户主",
                number,
                "男",
                f"1970-01-0{k + 1}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), numbers


@pytest.fixture()
def county(tmp_path: Path) -> Iterator[tuple[ServerDir, Any, dict[str, str]]]:
    sd = init_county(tmp_path / "county")
    client = app_client(create_app(sd), "http://127.0.0.1")
    token = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["token"]
    yield sd, client, {"Authorization": f"Bearer {token}"}
    sd.close()


def upload(client: Any, auth: dict[str, str], data: bytes, parts: int = 2) -> str:
    r = client.post(
        "/api/v1/roster/uploads",
        json={"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
        headers=auth,
    )
    upload_id = r.json()["upload_id"]
    step = len(data) // parts + 1
    for offset in range(0, len(data), step):
        r = client.put(
            f"/api/v1/roster/uploads/{upload_id}/chunk",
            params={"offset": offset},
            content=data[offset : offset + step],
            headers={**auth, "Content-Type": "application/octet-stream"},
        )
        assert r.status_code == 200, r.text
    return str(upload_id)


def no_plain_ids(folder: Path, numbers: list[str]) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            blob = p.read_bytes()
            parts = [blob]
            if blob.startswith(b"PK"):
                with zipfile.ZipFile(io.BytesIO(blob)) as z:
                    parts += [z.read(n) for n in z.namelist()]
            assert not any(n.encode() in part for n in numbers for part in parts), p


def test_a_staged_roster_altered_or_cut_on_disk_is_refused_with_a_sentence(
    county: tuple[ServerDir, Any, dict[str, str]],
) -> None:
    sd, client, auth = county
    data, numbers = roster_bytes()
    upload_id = upload(client, auth, data)
    staged = sd.path / "roster_uploads" / f"{upload_id}.sealed"
    no_plain_ids(sd.path, numbers)
    good = client.get(f"/api/v1/roster/uploads/{upload_id}", headers=auth)
    assert good.status_code == 200 and [row[5] for row in good.json()["sample"]] == numbers
    raw = staged.read_bytes()
    last = record_offsets(staged)[-1][0]
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0x40
    cases = (
        (bytes(flipped), 422, "sealed_file_damaged"),  # a flipped byte
        (
            raw + raw[HEADER : HEADER + 40],
            422,
            "sealed_file_damaged",
        ),  # bytes after the final record
        (
            raw[:last] + raw[last + 5 :],
            400,
            "incomplete",
        ),  # the final record's length field gone: not a record
        (
            raw[:-7],
            400,
            "incomplete",
        ),  # cut inside the final record: the server holds less than was announced
        (raw[:last], 400, "incomplete"),  # the final record gone
    )
    for damaged, status, code in cases:
        staged.write_bytes(damaged)
        for method, path, body in (
            ("GET", "", None),
            ("POST", "/check", {"mapping": {"household_no": 0}}),
            ("POST", "/import", {"mapping": {"household_no": 0}}),
        ):
            r = client.request(
                method, f"/api/v1/roster/uploads/{upload_id}{path}", json=body, headers=auth
            )
            assert (r.status_code, r.json()["error"]) == (status, code), (
                cases.index((damaged, status, code)),
                r.text,
            )
            assert (
                r.json()["message"]["zh"]
                and r.json()["message"]["en"]
                and "Traceback" not in r.text
            )
    staged.write_bytes(bytes(flipped))
    message = client.get(f"/api/v1/roster/uploads/{upload_id}", headers=auth).json()["message"]
    assert (
        "暂存的花名册文件已损坏或被改动" in message["zh"]
        and "the staged roster file is damaged or was altered" in message["en"]
    )


def test_an_earlier_versions_plain_staged_roster_is_sealed_at_start(
    county: tuple[ServerDir, Any, dict[str, str]],
) -> None:
    sd, client, auth = county
    data, numbers = roster_bytes()
    folder = sd.path / "roster_uploads"
    folder.mkdir(exist_ok=True)
    whole, half = (
        "a" * 32,
        "b" * 32,
    )  # as the earlier version left them: <id>.xlsx in plain, <id>.json beside it
    for upload_id, content in ((whole, data), (half, data[: len(data) // 2])):
        (folder / f"{upload_id}.xlsx").write_bytes(content)
        (folder / f"{upload_id}.json").write_text(
            json.dumps(
                {
                    "user": "admin",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "filename": "r.xlsx",
                }
            ),
            "utf-8",
        )
    (folder / f"{'c' * 32}.xlsx").write_bytes(data)  # no description: of no use to anyone
    (sd.path / "exports").mkdir(exist_ok=True)
    (sd.path / "exports" / "export-left.xlsx").write_bytes(data)  # an export a stopped server left
    create_app(sd)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{whole}.sealed", f"{whole}.json", f"{half}.sealed", f"{half}.json"]
    )
    assert list((sd.path / "exports").iterdir()) == []
    no_plain_ids(sd.path, numbers)
    r = client.get(f"/api/v1/roster/uploads/{whole}", headers=auth)
    assert r.status_code == 200 and [row[5] for row in r.json()["sample"]] == numbers
    # the half-sent one continues where it stopped, and then opens whole
    r = client.put(
        f"/api/v1/roster/uploads/{half}/chunk",
        params={"offset": len(data) // 2},
        content=data[len(data) // 2 :],
        headers={**auth, "Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 200 and r.json()["offset"] == len(data)
    assert [
        row[5]
        for row in client.get(f"/api/v1/roster/uploads/{half}", headers=auth).json()["sample"]
    ] == numbers


def test_an_xlsx_export_arrives_whole_and_leaves_nothing_in_the_data_directory(
    county: tuple[ServerDir, Any, dict[str, str]],
) -> None:
    sd, client, auth = county
    data = roster()
    import_roster(sd, "test", data)
    numbers = [m["id_number"] for h in data["households"] for m in h["members"]]
    r = client.get("/api/v1/exports/members.xlsx", headers=auth)
    assert r.status_code == 200
    cells = {
        str(c.value) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row
    }
    assert set(numbers) <= cells
    assert list((sd.path / "exports").iterdir()) == []  # sealed while it existed, deleted once sent
