"""Hostile files get one sentence, within seconds and in bounded memory, never a traceback.

Every file here is built in the test: zip bombs, a workbook holding a 200 MB shared string, a
million declared rows, a row of 20,000 cells, a DOCTYPE with entities, 5,000 empty parts, an
XLSForm nested 3,000 groups deep, a compression-bomb batch sealed with real keys — and a folder,
``/dev/zero`` and a FIFO given as files. Each goes through the code a user reaches (the county's
roster preview, the laptop's roster import, ``forms import-xlsform``, batch and update files, the
county's ingest). Memory is measured with tracemalloc around the refusal (Python allocations; no
``resource`` module, which Windows lacks); time is bounded per test with pytest-timeout.
"""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zstandard
from openpyxl import Workbook

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, checked_size, read_limited
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook
from fieldsurvey.server.roster import xlsx_upload as roster_xlsx
from fieldsurvey.sync import canonical, envelope

WHAT = Text("测试文件", "test file")
BOUND = 64 * MIB  # no refusal here may need more Python memory than this


def refused(call: Callable[[], Any]) -> UserError:
    """The UserError ``call`` raises, with tracemalloc's peak during it held under ``BOUND``."""
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as caught:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < BOUND, f"{peak / MIB:.0f} MiB of memory to refuse"
    error = caught.value
    assert error.text.zh and error.text.en and error.code
    return error


# -- files named by a user ---------------------------------------------------------------------
@pytest.mark.timeout(20)
def test_a_folder_a_device_a_pipe_a_missing_or_a_huge_file_is_one_sentence(tmp_path: Path) -> None:
    assert refused(lambda: read_limited(tmp_path, MIB, WHAT)).code == "not_a_file"
    assert refused(lambda: read_limited(tmp_path / "nope.xlsx", MIB, WHAT)).code == "no_such_file"
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(3 * 1024 * MIB)  # sparse: 3 GB on paper, nothing on disk
    e = refused(lambda: read_limited(big, MIB, WHAT))
    assert e.code == "file_too_large" and "1 MB" in e.text.en and str(big) in e.text.zh
    if os.path.exists("/dev/zero"):
        e = refused(lambda: read_limited(Path("/dev/zero"), MIB, WHAT))
        assert e.code == "not_a_file" and "not a regular file" in e.text.en
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        assert (
            refused(lambda: read_limited(fifo, MIB, WHAT)).code == "not_a_file"
        )  # would block on open
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    assert (
        read_limited(small, 1000, WHAT) == b"x" * 1000 and checked_size(small, 1000, WHAT) == 1000
    )


# -- workbooks -----------------------------------------------------------------------------------
def roster_workbook(path: Path, rows: int = 3) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["户编号", "行政区划代码", "姓名", "与户主关系", "证件号码"])
    for i in range(rows):
        ws.append(
            [f"61072810100190{i:02d}", "610728101001", "刘长顺", "户主", "610728196804020612"]
        )
    wb.save(path)
    return path


def with_part(
    base: Path, out: Path, name: str, content: bytes | Iterable[bytes], level: int = 1
) -> Path:
    """``base`` with the part ``name`` replaced (or added), streamed in so a huge part costs no memory."""
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst,
    ):
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open(name, "w", force_zip64=True) as part:
            for block in [content] if isinstance(content, bytes) else content:
                part.write(block)
    return out


def repeated(head: bytes, block: bytes, count: int, tail: bytes) -> Iterator[bytes]:
    yield head
    for _ in range(count):
        yield block
    yield tail


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
ROSTER = roster_xlsx.LIMITS  # the county's roster bounds: 256 MB a sheet, 32 MB any part held whole


def check(path: Path, limits: WorkbookLimits = ROSTER) -> UserError:
    return refused(lambda: check_workbook(path, limits, WHAT))


@pytest.mark.timeout(60)
def test_a_zip_bomb_is_refused_from_its_directory_before_anything_inflates(tmp_path: Path) -> None:
    base = roster_workbook(tmp_path / "base.xlsx")
    check_workbook(base, ROSTER, WHAT)  # the real thing passes
    bomb = with_part(
        base, tmp_path / "bomb.xlsx", SHEET, repeated(SHEET_HEAD, b" " * MIB, 300, SHEET_TAIL)
    )  # 300 MB of nothing, in about 300 KB
    assert bomb.stat().st_size < 2 * MIB
    e = check(bomb)
    assert e.code == "workbook_too_large" and "256 MB" in e.text.en and SHEET in e.text.en
    ratio = with_part(
        base, tmp_path / "ratio.xlsx", SHEET, repeated(SHEET_HEAD, b" " * MIB, 8, SHEET_TAIL)
    )
    e = check(ratio)
    assert e.code == "workbook_too_large" and "zip bomb" in e.text.en


@pytest.mark.timeout(60)
def test_a_200_mb_shared_string_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    base = roster_workbook(tmp_path / "base.xlsx")
    strings = "xl/sharedStrings.xml"
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    huge = with_part(
        base, tmp_path / "huge.xlsx", strings, repeated(head, b"A" * MIB, 200, b"</t></si></sst>")
    )
    e = check(huge)
    assert e.code == "workbook_too_large" and strings in e.text.en
    # Within the part bound and incompressible, one string is still held to Excel's own size.
    one = Workbook()
    one.active.append(["x"])
    plain = one.active
    plain.append(["y"])
    one.save(tmp_path / "strings.xlsx")
    noise = os.urandom(384 * 1024).hex().encode()
    long = with_part(
        tmp_path / "strings.xlsx",
        tmp_path / "long.xlsx",
        strings,
        head + noise + b"</t></si></sst>",
    )
    manifest = zipfile.ZipFile(long).read("[Content_Types].xml")
    if (
        b"sharedStrings" not in manifest
    ):  # openpyxl writes inline strings: declare the part as Excel does
        override = (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        )
        long = with_part(
            long,
            tmp_path / "long2.xlsx",
            "[Content_Types].xml",
            manifest.replace(b"</Types>", override),
        )
    e = check(long)
    assert e.code == "workbook_too_large" and "shared string" in e.text.en


@pytest.mark.timeout(60)
def test_declared_rows_a_wide_row_a_doctype_and_many_parts_are_refused(tmp_path: Path) -> None:
    base = roster_workbook(tmp_path / "base.xlsx")
    far = with_part(
        base,
        tmp_path / "far.xlsx",
        SHEET,
        SHEET_HEAD + b'<row r="5000000"><c r="A5000000"><v>1</v></c></row>' + SHEET_TAIL,
    )
    assert (
        f"more than {ROSTER.rows} rows" in check(far).text.en
    )  # openpyxl would pad five million rows
    wide = with_part(
        base,
        tmp_path / "wide.xlsx",
        SHEET,
        SHEET_HEAD + b'<row r="1">' + b'<c r="A1"><v>1</v></c>' * 20_000 + b"</row>" + SHEET_TAIL,
    )
    assert (
        "more than 16384 cells" in check(wide).text.en
    )  # openpyxl builds a row whole: ~900 bytes a cell
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    assert "DOCTYPE" in check(with_part(base, tmp_path / "laughs.xlsx", SHEET, laughs)).text.en
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(many, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for i in range(5000):
            dst.writestr(f"xl/media/empty{i}.bin", b"")
    assert "too many parts" in check(many).text.en
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(b"PK\x03\x04 not really a zip" * 100)
    assert check(wrong).code == "bad_workbook"
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(base.read_bytes()[:-30])
    assert check(cut).code == "bad_workbook"


@pytest.mark.timeout(60)
def test_the_county_roster_refuses_hostile_workbooks_and_reads_an_oversized_declaration_quickly(
    tmp_path: Path,
) -> None:
    base = roster_workbook(tmp_path / "base.xlsx")
    bomb = with_part(
        base, tmp_path / "bomb.xlsx", SHEET, repeated(SHEET_HEAD, b" " * MIB, 300, SHEET_TAIL)
    )
    assert refused(lambda: roster_xlsx.preview(bomb, None)).code == "workbook_too_large"
    # A sheet that declares the whole grid (A1:XFD1048576) but holds three rows: openpyxl would pad
    # every row to 16,384 cells and yield a million empty rows; the declaration is not trusted.
    sheet = zipfile.ZipFile(base).read(SHEET)
    start, end = sheet.index(b"<dimension"), sheet.index(b"/>", sheet.index(b"<dimension")) + 2
    grid = with_part(
        base,
        tmp_path / "grid.xlsx",
        SHEET,
        sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:],
    )
    shown = roster_xlsx.preview(grid, None)
    assert (
        shown["headers"] == ["户编号", "行政区划代码", "姓名", "与户主关系", "证件号码"]
        and len(shown["sample"]) == 3
    )
    wb, ws, _ = roster_xlsx.open_sheet(grid, None)
    try:
        assert [n for n, _values in roster_xlsx.iter_rows(ws)] == [2, 3, 4]
    finally:
        wb.close()
    assert refused(lambda: roster_xlsx.preview(tmp_path, None)).code == "not_a_file"


@pytest.mark.timeout(60)
def test_the_laptop_roster_import_refuses_hostile_files(tmp_path: Path) -> None:
    from fieldsurvey.app.roster import MAX_FILE, parse_roster, read_table

    base = roster_workbook(tmp_path / "base.xlsx")
    assert len(read_table(base)) == 4
    bomb = with_part(
        base, tmp_path / "bomb.xlsx", SHEET, repeated(SHEET_HEAD, b" " * MIB, 300, SHEET_TAIL)
    )
    assert refused(lambda: read_table(bomb)).code == "workbook_too_large"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert refused(lambda: read_table(folder)).code == "not_a_file"
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(MAX_FILE + 1)
    assert refused(lambda: read_table(huge)).code == "file_too_large"
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("户编号,姓名\n1," + "x" * 200_000 + "\n", "utf-8")
    assert refused(lambda: read_table(long_cell)).code == "bad_roster"
    wide = tmp_path / "wide.csv"  # many columns: only those the roster can use are kept
    wide.write_text(",".join(["户编号"] + ["x"] * 5000) + "\n", "utf-8")
    assert len(read_table(wide)[0]) == 256
    with pytest.raises(UserError):
        parse_roster(read_table(wide))


# -- XLSForm -----------------------------------------------------------------------------------
def xlsform(path: Path, survey: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    for row in survey:
        ws.append(row)
    wb.create_sheet("choices").append(["list_name", "name", "label"])
    wb.save(path)
    return path


@pytest.mark.timeout(60)
def test_an_xlsform_nested_3000_deep_or_hostile_is_refused_by_row(tmp_path: Path) -> None:
    from fieldsurvey.forms.xlsform import convert_xlsform
    from fieldsurvey.forms.xlsform_map import MAX_NESTING

    deep = xlsform(
        tmp_path / "deep.xlsx",
        [["begin_group", f"g{i}", f"G{i}"] for i in range(3000)]
        + [["text", "x", "X"]]
        + [["end_group", "", ""] for _ in range(3000)],
    )
    e = refused(lambda: convert_xlsform(deep))
    assert (
        e.code == "bad_xlsform"
        and f"row {MAX_NESTING + 2}" in e.text.en
        and "nested deeper" in e.text.en
    )
    ok = xlsform(
        tmp_path / "ok.xlsx",
        [["begin group", f"g{i}", f"G{i}"] for i in range(MAX_NESTING)]
        + [["text", "x", "X"]]
        + [["end group", "", ""] for _ in range(MAX_NESTING)],
    )
    assert convert_xlsform(ok).form["fields"][0]["name"] == "g0"  # the bound itself still converts
    bomb = with_part(
        ok, tmp_path / "bomb.xlsx", SHEET, repeated(SHEET_HEAD, b" " * MIB, 100, SHEET_TAIL)
    )
    assert refused(lambda: convert_xlsform(bomb)).code == "workbook_too_large"
    assert refused(lambda: convert_xlsform(tmp_path)).code == "not_a_file"
    if os.path.exists("/dev/zero"):
        assert refused(lambda: convert_xlsform(Path("/dev/zero"))).code == "not_a_file"


@pytest.mark.timeout(60)
def test_forms_import_xlsform_answers_a_folder_with_a_sentence_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import EXIT_USER_ERROR, main

    targets = {tmp_path: "is a folder, not a file"}
    if os.path.exists("/dev/zero"):
        targets[Path("/dev/zero")] = "is not a regular file"
    for target, sentence in targets.items():
        assert (
            main(["forms", "import-xlsform", str(target), "--out", str(tmp_path / "out.yaml")])
            == EXIT_USER_ERROR
        )
        err = capsys.readouterr().err
        assert "Traceback" not in err and f"{target} {sentence}" in err


# -- batches and update files --------------------------------------------------------------------
@pytest.mark.timeout(30)
def test_batch_and_update_files_are_bounded_regular_files(tmp_path: Path) -> None:
    assert refused(lambda: envelope.read_file(tmp_path)).code == "not_a_file"
    big = tmp_path / "big.fsb"
    with open(big, "wb") as f:
        f.truncate(envelope.MAX_FILE + 1)
    e = refused(lambda: envelope.read_file(big))
    assert e.code == "file_too_large" and "batch or update file" in e.text.en
    if os.path.exists("/dev/zero"):
        assert refused(lambda: envelope.read_file(Path("/dev/zero"))).code == "not_a_file"


def zstd_bomb(plain_bytes: int) -> bytes:
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=1).stream_writer(out, closefd=False) as w:
        block = b" " * MIB
        for _ in range(plain_bytes // MIB):
            w.write(block)
    return out.getvalue()


def sealed_around(
    compressed: bytes, sender: str, recipient: str, signer: Any, recipient_key: Any
) -> bytes:
    """An envelope exactly as ``envelope.seal`` makes one, around an already compressed body."""
    header = canonical.dumps(
        {
            "format": envelope.FORMAT,
            "kind": "batch",
            "id": "bomb-1",
            "sender": sender,
            "recipient": recipient,
            "created_at": datetime.now(UTC).isoformat(),
        }
    )
    body = envelope.SUITE.encrypt(compressed, recipient_key, info=envelope.INFO_PREFIX + header)
    signed = (
        envelope.MAGIC
        + struct.pack(">I", len(header))
        + header
        + struct.pack(">Q", len(body))
        + body
    )
    return signed + signer.sign(signed)


@pytest.mark.timeout(60)
def test_a_decompression_bomb_batch_is_refused_before_it_inflates_past_the_bound(
    tmp_path: Path,
) -> None:
    """600 MB of payload in about 20 KB, sealed and signed by an enrolled device: refused by the
    county at ``MAX_PAYLOAD`` (512 MiB) holding one block of it, and nothing is applied."""
    from fieldsurvey.server.batches.ingest import ingest
    from fieldsurvey.server.dashboard.status import status_counts
    from tests.support.server import COUNTY, enroll_secretary, init_county

    sd = init_county(tmp_path / "county")
    try:
        identity = enroll_secretary(sd, "sec", ["610728101001"])
        bomb = zstd_bomb(600 * MIB)
        assert len(bomb) < MIB
        data = sealed_around(
            bomb,
            identity.device_id,
            identity.county,
            identity.keys.signing,
            identity.county_encryption,
        )
        path = tmp_path / "bomb.fsb"
        path.write_bytes(data)
        e = refused(lambda: ingest(sd, envelope.read_file(path), via="file"))
        assert e.code == "payload_too_large" and "too large once decompressed" in e.text.en
        with sd.transaction() as s:
            assert status_counts(s)["households"] == 0
        # The same bound on the laptop side, for an update file from the county.
        feed = sealed_around(
            bomb,
            f"county:{COUNTY}",
            identity.device_id,
            sd.keys.signing,
            identity.keys.encryption.public_key(),
        )
        env = envelope.parse(feed)
        e = refused(lambda: env.open(sd.keys.signing_public, identity.keys.encryption))
        assert e.code == "payload_too_large"
    finally:
        sd.close()


def test_a_payload_within_the_bound_still_opens_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldsurvey.sync.keys import KeyPair

    sender, receiver = KeyPair.generate(), KeyPair.generate()
    payload = {"records": ["家" * 1000] * 3000}  # 9 MB of text, several decompression blocks
    data = envelope.seal(
        kind="batch",
        envelope_id="b",
        sender="d",
        recipient="610728",
        created_at="2025-01-01",
        payload=payload,
        signer=sender.signing,
        recipient_key=receiver.encryption.public_key(),
    )
    env = envelope.parse(data)
    assert env.open(sender.signing.public_key(), receiver.encryption) == payload
    monkeypatch.setattr(envelope, "MAX_PAYLOAD", len(canonical.dumps(payload)) - 1)
    with pytest.raises(UserError) as e:
        env.open(sender.signing.public_key(), receiver.encryption)
    assert e.value.code == "payload_too_large"
    monkeypatch.setattr(envelope, "MAX_PAYLOAD", len(canonical.dumps(payload)))
    assert env.open(sender.signing.public_key(), receiver.encryption) == payload
