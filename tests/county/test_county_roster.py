"""Importing the county's Excel roster in the window: every bad row reported, then all or nothing.

The workbooks are made with openpyxl in the test, with Chinese headers in an order of their own
(so the mapping step has to find them), synthetic people and ID numbers valid by construction
unless a row is meant to be bad.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from fieldsurvey.core.ids import make_id_number
from tests.support.county import (
    CountyServer,
    wait,
)
from tests.support.server import VILLAGE_A, VILLAGE_B

HEADER = [
    "序号",
    "行政区划代码",
    "户编号",
    "户主姓名",
    "姓名",
    "与户主关系",
    "证件号码",
    "村民小组",
    "脱贫状态",
    "备注",
]


def person(seq: int, sex: str = "male", born: date = date(1968, 4, 2)) -> str:
    return make_id_number("610728", born, 600 + 2 * seq, sex)


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(HEADER)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row, ""])
    wb.save(path)
    return path


def good_rows() -> list[list[Any]]:
    return [
        [VILLAGE_A, "6107281010019101", "刘长顺", "刘长顺", "户主", person(1), "一组", "已脱贫"],
        [
            VILLAGE_A,
            "6107281010019101",
            "刘长顺",
            "何春花",
            "配偶",
            person(2, "female"),
            "一组",
            "已脱贫",
        ],
        [
            VILLAGE_B,
            "6107281010029102",
            "郑玉兰",
            "郑玉兰",
            "户主",
            person(3, "female"),
            "二组",
            "未脱贫",
        ],
        [
            VILLAGE_B,
            "6107281010029102",
            "郑玉兰",
            "郑小军",
            "之子",
            person(4, "male", date(2001, 6, 5)),
            "二组",
            "未脱贫",
        ],
    ]


def bad_rows(county: CountyServer) -> list[list[Any]]:
    already = county.households["wang"].members[1].id_number  # a person the county already has
    wrong_check = person(5)[:-1] + ("0" if person(5)[-1] != "0" else "1")
    return [
        *good_rows(),
        [
            VILLAGE_A,
            "6107281010019103",
            "冯大海",
            "冯大海",
            "户主",
            wrong_check,
            "三组",
            "已脱贫",
        ],  # row 6: bad ID
        [
            VILLAGE_A,
            "6107281010019104",
            "蒋三妹",
            "蒋三妹",
            "户主",
            person(6, "female"),
            "三组",
            "已脱贫",
        ],
        [
            VILLAGE_A,
            "6107281010019104",
            "蒋三妹",
            "蒋小妹",
            "女",
            person(6, "female"),
            "三组",
            "已脱贫",
        ],  # row 8: twice
        [
            "610728101999",
            "6107281010019105",
            "韩老四",
            "韩老四",
            "户主",
            person(7),
            "一组",
            "已脱贫",
        ],  # row 9: unknown village
        [
            VILLAGE_B,
            "6107281010029106",
            "杨秀",
            "杨秀",
            "户主",
            already,
            "一组",
            "已脱贫",
        ],  # row 10: in the roster
        [
            VILLAGE_B,
            "6107281010029107",
            "秦山",
            "秦山",
            "弟",
            person(8),
            "一组",
            "已脱贫",
        ],  # row 11: no head
        [
            VILLAGE_B,
            "6107281010029108",
            "许平",
            "许平",
            "老板",
            person(9),
            "一组",
            "已脱贫",
        ],  # row 12: bad relation
    ]


def households_count(county: CountyServer) -> int:
    return int(county.api("GET", "/county/households", params={"limit": 1}).json()["total"])


def upload(qtbot: Any, page: Any, controller: Any, path: Path) -> None:
    page.upload(path)
    wait(controller)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20_000)


def check(qtbot: Any, page: Any, controller: Any) -> Any:
    page.check_button.click()
    wait(controller)
    qtbot.waitUntil(lambda: page.report is not None, timeout=30_000)
    return page.report


def test_bad_rows_are_reported_and_nothing_is_imported_then_a_good_file_imports_whole(
    staff_window: Any, county: CountyServer, qtbot: Any, tmp_path: Path
) -> None:
    window = staff_window.window
    page = window.roster
    window.tabs.setCurrentWidget(page)
    before = households_count(county)

    upload(qtbot, page, staff_window, workbook(tmp_path / "bad.xlsx", bad_rows(county)))
    mapping = page.mapping()
    assert (
        mapping["household_no"] == 2 and mapping["id_number"] == 6 and mapping["division_code"] == 1
    )
    assert (
        mapping["relation"] == 5
        and mapping["name"] == 4
        and mapping["head_name"] == 3
        and "group" in mapping
    )
    report = check(qtbot, page, staff_window)
    reasons = {(r.row, r.code) for r in report.rejected}
    assert {
        (6, "bad_id_number"),
        (8, "duplicate_person"),
        (9, "unknown_village"),
        (10, "duplicate_person"),
        (11, "missing_head"),
        (12, "bad_relation"),
    } <= reasons
    assert (
        7,
        "household_rejected",
    ) in reasons  # the good row of a rejected household says why it is out
    assert {r.row for r in report.rejected} == set(range(6, 13))  # rows 2–5 are fine
    assert report.accepted_households == 2 and not report.ok
    assert not page.import_button.isEnabled()
    assert page.rejected.rowCount() == len(report.rejected)
    assert any(
        "证件号码" in page.rejected.item(r, 3).text() for r in range(page.rejected.rowCount())
    )

    # the server refuses the import of this file as a whole, even when asked directly
    refused = county.api(
        "POST", f"/roster/uploads/{page.upload_id}/import", json={"mapping": page.mapping()}
    )
    assert refused.status_code == 422 and refused.json()["error"] == "roster_rejected"
    assert households_count(county) == before

    # a legacy 15-digit number and one typed with full-width digits import, with a warning
    legacy = person(10)[:6] + person(10)[8:17]
    wide = person(11, "female").translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    rows = [
        *good_rows(),
        [VILLAGE_A, "6107281010019201", "田福", "田福", "户主", legacy, "四组", "已脱贫"],  # row 6
        [VILLAGE_A, "6107281010019201", "田福", "林巧", "配偶", wide, "四组", "已脱贫"],  # row 7
    ]
    upload(qtbot, page, staff_window, workbook(tmp_path / "good.xlsx", rows))
    report = check(qtbot, page, staff_window)
    assert report.ok and report.accepted_households == 3 and report.accepted_members == 6
    assert [(w.row, w.code, w.reason.zh) for w in report.warnings] == [
        (6, "legacy_id_number", "（提示，不影响导入）15位旧证件号码已换为对应的18位号码")
    ]
    assert page.rejected.rowCount() == 1  # the warning is listed, and the import is open
    assert page.import_button.isEnabled()
    page.import_button.click()
    wait(staff_window)
    qtbot.waitUntil(lambda: "3" in page.summary.text() and page.upload_id is None, timeout=30_000)
    assert households_count(county) == before + 3
    new = county.api(
        "GET", "/county/households", params={"household_no": "610728101001910"}
    ).json()["items"]
    assert [h["household_no"] for h in new] == ["6107281010019101"] and new[0]["member_count"] == 2
    assert (
        new[0]["assessed_on"] == date.today().isoformat()
    )  # assessed at import for the dashboards
    audit = county.api("GET", "/audit", params={"action": "roster_imported"}).json()["items"]
    assert audit[0]["actor"] == "user:staff" and audit[0]["details"]["households"] == 3


def test_a_roster_file_that_is_not_a_workbook_is_refused_plainly(
    county: CountyServer, tmp_path: Path
) -> None:
    from fieldsurvey.ui.county.api import ApiError, CountyApi

    api = CountyApi(county.url)
    api.sign_in("staff", "staff-pass-123")
    junk = tmp_path / "roster.xlsx"
    junk.write_bytes(b"not a zip at all")
    upload_id = api.upload_roster(junk)
    with pytest.raises(ApiError) as e:
        api.get(f"/roster/uploads/{upload_id}")
    assert e.value.code == "bad_workbook" and "Excel" in e.value.text.en
    api.close()
