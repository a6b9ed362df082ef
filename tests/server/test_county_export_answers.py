"""The county's ``answers`` export: one column per question of the visit form, with the types an
imported XLSForm brings (a geopoint in ODK Central's four columns, date-times with their offset,
choices and rankings by label), read back from CSV and XLSX. In process, on SQLite."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.exports.tables import Exporter, csv_chunks, write_xlsx, xlsx_chunks
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import batch_payload, seal_batch
from tests.forms.test_forms_xlsform_features import workbook
from tests.support.factories import household
from tests.support.forms import imported_visit
from tests.support.server import VILLAGE_A, enroll_secretary, init_county, roster

ROWS = [
    {"type": "start", "name": "start"},
    {"type": "time", "name": "arrived", "label": "Arrived"},
    {"type": "dateTime", "name": "met", "label": "Met"},
    {"type": "geopoint", "name": "house", "label": "House"},
    {"type": "range", "name": "score", "label": "Score", "parameters": "start=0 end=10 step=2"},
    {"type": "rank needs", "name": "needs", "label": "Needs"},
    {"type": "begin_repeat", "name": "pair", "label": "Pair", "repeat_count": "2"},
    {"type": "text", "name": "who", "label": "Who"},
    {"type": "end_repeat"},
]
CHOICES = [["list_name", "name", "label::Chinese (zh)", "label::English (en)"],
           ["needs", "water", "饮水", "Water"], ["needs", "road", "道路", "Road"]]  # fmt: skip
ANSWERS = {
    "start": "2025-05-06T09:30:05.000+08:00", "arrived": "09:05:00",
    "met": "2025-05-06T14:30:00.000+08:00", "house": "30.6586 104.0647 512.0", "score": 6,
    "needs": ["road", "water"],
    "pair": [{"_id": "p1", "who": "甲"}, {"_id": "p2", "who": "乙"}],
}  # fmt: skip


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerDir, FormLibrary]]:
    root = tmp_path_factory.mktemp("answers")
    library = imported_visit(
        workbook(root, ROWS, CHOICES),
        root / "forms",
        version="9",
        title={"zh": "县表", "en": "County form"},
    )
    sd = init_county(root / "server")
    import_roster(sd, "test", {**roster(1), "households": []})
    identity = enroll_secretary(sd, "sec", [VILLAGE_A])
    h = household(no="6107281010019002", village=VILLAGE_A)
    visit = {"visit_id": "a1b2c3d4-0000-4000-8000-000000000002", "household_id": h.household_id,
             "visit_date": "2025-05-06", "visitor": "王建国", "form_id": "household_visit", "form_version": "1",
             "answers": ANSWERS, "status": "finalized", "findings": "", "assessment": None}  # fmt: skip
    payload = batch_payload(identity, [{"kind": "household.create", "household": household_to_dict(h)},
                                       {"kind": "visit", "visit": visit}], base_cursor=None)  # fmt: skip
    ingest(sd, seal_batch(identity, payload), via="file")
    try:
        yield sd, library
    finally:
        sd.close()


def test_answers_export_one_column_per_question(
    county: tuple[ServerDir, FormLibrary], tmp_path: Path
) -> None:
    sd, library = county
    staff = Principal("staff-id", "staff", "county_staff", None)
    exporter = Exporter(sd, staff, "answers", HouseholdFilter(), "zh", library=library)
    table = list(csv.reader(io.StringIO(b"".join(csv_chunks(exporter)).decode("utf-8-sig"))))
    header = table[0]
    assert header[:5] == ["户编号", "行政村", "走访日期", "表单", "版本"]
    assert header[5:] == ["start", "arrived", "met", "house-Latitude", "house-Longitude", "house-Altitude",
                          "house-Accuracy", "score", "needs", "pair (n)"]  # fmt: skip
    [row] = table[1:]
    got = dict(zip(header, row, strict=True))
    assert got["house-Latitude"] == "30.6586" and got["house-Altitude"] == "512.0"
    assert got["house-Accuracy"] == ""  # typed on a laptop: nothing measured it
    assert got["met"] == "2025-05-06T14:30:00+08:00" and got["arrived"] == "09:05:00"
    assert got["needs"] == "道路、饮水" and got["score"] == "6" and got["pair (n)"] == "2"
    assert got["版本"] == "1"  # filled with version 1; the columns follow the current visit (9)
    key = sd.secrets.files_key
    path = write_xlsx(
        Exporter(sd, staff, "answers", HouseholdFilter(), "en", library=library), tmp_path, key
    )
    workbook = load_workbook(
        io.BytesIO(b"".join(xlsx_chunks(path, key))), read_only=True
    )  # sealed on disk
    rows = list(workbook.active.iter_rows(values_only=True))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["score"] == 6 and values["house-Longitude"] == 104.0647  # numbers stay numbers
    assert values["needs"] == "Road, Water"
