"""Exports and bulk ledgers from the window, read back: CSV and XLSX files, and PDFs.

Exports stream from the server into the chosen file; the test opens them as Excel would (CSV
with a byte-order mark, XLSX with openpyxl) and checks they hold exactly the households of the
chosen scope with their ID numbers intact. Ledgers for a village and a township are printed from
the server's records and read back with pypdf; a cancelled township run leaves no file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.common import assert_mode
from tests.support.county import (
    TOWNSHIP,
    CountyServer,
    wait,
)
from tests.support.server import VILLAGE_A, VILLAGE_B


def choose(combo: Any, data: Any) -> None:
    combo.setCurrentIndex(combo.findData(data))


def export(
    controller: Any, kind: str, fmt: str, scope: str | None, target: Path, lang: str = "zh"
) -> Path:
    page = controller.window.exports
    choose(page.kind, kind)
    choose(page.fmt, fmt)
    choose(page.export_lang, lang)
    page.export_scope.set_scope(scope)
    page.export(target)
    wait(controller)
    assert page.last_files == [target]
    page.done_box.close()
    return target


def test_households_and_members_export_as_xlsx_and_csv_and_read_back(
    staff_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    in_a = [h for h in county.households.values() if h.division_code.value == VILLAGE_A]
    path = export(staff_window, "households", "xlsx", VILLAGE_A, tmp_path / "households.xlsx")
    assert_mode(path, 0o600)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("户编号", "乡镇", "行政村")
    assert sorted(r[0] for r in rows[1:]) == sorted(h.household_no for h in in_a)
    by_no = {r[0]: r for r in rows[1:]}
    li = county.households["li"]
    assert by_no[li.household_no][5] == li.head.id_number  # type: ignore[union-attr]  # 18 characters, as text
    assert "住房安全有保障" in by_no[li.household_no][14]

    path = export(staff_window, "members", "csv", None, tmp_path / "members.csv", lang="en")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens the Chinese correctly
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["household number", "village", "name", "ID number"]
    every = {m.id_number for h in county.households.values() for m in h.members}
    assert every <= {r[3] for r in table[1:]}
    zhou = county.households["zhou"]
    assert [r[2] for r in table if r[3] == zhou.members[0].id_number] == ["周秀英"]


@pytest.mark.parametrize(("lang", "title"), [("zh", "农户"), ("en", "Households")])
def test_an_xlsx_export_opens_ready_to_read(
    staff_window: Any, tmp_path: Path, lang: str, title: str
) -> None:
    """The sheet is named in the user's language, the header stays in view, columns fit."""
    path = export(
        staff_window, "households", "xlsx", None, tmp_path / f"households-{lang}.xlsx", lang=lang
    )
    wb = load_workbook(path)
    assert wb.sheetnames == [title]
    ws = wb[title]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    widths = {c.column_letter: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    assert all(w and w >= 6 for w in widths.values())
    number, head_id = header.index("户编号" if lang == "zh" else "household number"), 5
    letters = [c.column_letter for c in ws[1]]
    assert widths[letters[number]] >= 16 + 2  # a 16-digit household number fits
    assert widths[letters[head_id]] >= 18 + 2  # an 18-character ID number fits
    for row in ws.iter_rows(
        min_row=1, values_only=True
    ):  # nothing wider than its column, up to the cap
        for letter, value in zip(letters, row, strict=False):
            shown = 0 if value is None else sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))
            assert shown <= widths[letter] or widths[letter] == 60


def test_visits_and_assessments_export_in_scope(
    staff_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    path = export(staff_window, "assessments", "csv", VILLAGE_B, tmp_path / "assessments.csv")
    table = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert table[0][3:10] == [
        "不愁吃",
        "不愁穿",
        "义务教育有保障",
        "基本医疗有保障",
        "住房安全有保障",
        "饮水安全",
        "收入达标",
    ]
    assert {r[1] for r in table[1:]} <= {"青石村"}  # only the chosen village
    path = export(staff_window, "visits", "xlsx", TOWNSHIP, tmp_path / "visits.xlsx")
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("户编号", "行政村", "走访日期")


def test_ledgers_print_for_a_village_and_a_township(
    staff_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    page = staff_window.window.exports
    page.combined.setChecked(True)
    out = tmp_path / "village.pdf"
    page.print_scope_to(VILLAGE_B, out)
    wait(staff_window, 120)
    reader = PdfReader(out)
    text = "".join(p.extract_text() for p in reader.pages)
    in_b = [h for h in county.households.values() if h.division_code.value == VILLAGE_B]
    assert all(h.household_no in text for h in in_b)
    assert (
        page.done_box.text().splitlines()[0]
        == f"已生成 1 个 PDF 文件，共 {len(reader.pages):,} 页，{len(in_b)} 户。"
    )
    page.done_box.close()

    township = tmp_path / "township.pdf"
    page.print_scope_to(TOWNSHIP, township)
    wait(staff_window, 180)
    reader = PdfReader(township)
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == ["示范村", "青石村"]  # a bookmark per village
    text = "".join(p.extract_text() for p in reader.pages)
    assert all(h.household_no in text for h in county.households.values())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging cleaned up
    page.done_box.close()

    page.combined.setChecked(False)
    folder = tmp_path / "folders"
    folder.mkdir()
    page.print_scope_to(TOWNSHIP, folder)
    wait(staff_window, 180)
    village_a = folder / f"{VILLAGE_A}-示范村"
    names = sorted(p.name for p in village_a.iterdir())
    assert f"{county.households['wang'].household_no}.pdf" in names and any(
        "村级汇总" in n for n in names
    )
    page.done_box.close()


def test_a_cancelled_township_print_leaves_no_file(
    staff_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    from fieldsurvey.core.errors import Cancelled
    from fieldsurvey.ui.county.ledger_bulk import print_villages

    page = staff_window.window.exports
    out = tmp_path / "out"
    out.mkdir()
    done: list[int] = []
    with pytest.raises(
        Cancelled
    ):  # stopped after two households, in the middle of the first village
        print_villages(
            staff_window.ctx.client,
            page.places(TOWNSHIP),
            out / "township.pdf",
            combined=True,
            mask_ids=False,
            progress=lambda n, _total, _village: done.append(n),
            cancelled=lambda: len(done) >= 2,
        )
    assert done and list(out.iterdir()) == []  # no file, no staging left behind


def test_cancel_in_the_progress_dialog_stops_the_job(
    staff_window: Any, county: CountyServer, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    page = staff_window.window.exports
    page.combined.setChecked(True)
    out = tmp_path / "out"
    out.mkdir()
    job = page.print_scope_to(TOWNSHIP, out / "cancelled.pdf")
    [dialog] = page.findChildren(QProgressDialog)
    dialog.findChild(QPushButton).click()  # the dialog's Cancel button, as the user presses it
    wait(staff_window, 120)
    assert job.cancel_event.is_set() and type(job.error).__name__ == "Cancelled"
    assert list(out.iterdir()) == []
