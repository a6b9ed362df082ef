"""Reading county rosters: every bad row is reported with its reason; nothing is dropped silently."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from fieldsurvey.app.roster import RosterFileError, parse_roster, read_table
from fieldsurvey.core.ids import make_id_number

HEADER = [
    "户编号",
    "行政区划代码",
    "乡镇",
    "行政村",
    "村民小组",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "贫困户属性",
    "脱贫状态",
    "户类型",
]


def idn(birth: date, seq: int, sex: str) -> str:
    return make_id_number("610728", birth, seq, sex)


def good_rows() -> list[list[object]]:
    """Two households: a couple with a child, and a widow living alone."""
    return [
        [
            "610728101001A01",
            "610728101001",
            "泾洋街道",
            "示范村",
            "三组",
            "王建国",
            idn(date(1975, 3, 14), 1, "male"),
            "户主",
            "男",
            "一般贫困户",
            "已脱贫",
            "脱贫户",
        ],
        [
            "610728101001A01",
            "610728101001",
            "泾洋街道",
            "示范村",
            "三组",
            "李秀兰",
            idn(date(1977, 8, 2), 2, "female"),
            "10",
            "女",
            "",
            "",
            "",
        ],
        [
            "610728101001A01",
            "610728101001",
            "泾洋街道",
            "示范村",
            "三组",
            "王子涵",
            idn(date(2014, 9, 1), 4, "female"),
            "女",
            "",
            "",
            "",
            "",
        ],
        [
            "610728101001A02",
            "610728101001",
            "泾洋街道",
            "示范村",
            "一组",
            "张桂英",
            idn(date(1948, 1, 20), 6, "female"),
            "2",
            "",
            "dibao",
            "not_exited",
            "edge",
        ],
    ]


def test_good_roster_becomes_households_with_divisions() -> None:
    report = parse_roster([HEADER, *good_rows()])
    assert report.errors == []
    assert [h.household_no for h in report.households] == ["610728101001A01", "610728101001A02"]
    first, second = report.households
    assert [m.name for m in first.members] == ["王建国", "李秀兰", "王子涵"]
    assert (
        first.head.name == "王建国"
        and first.group == "三组"
        and first.poverty_category == "general"
    )
    assert first.members[2].relation == "30" and first.members[2].sex == "female"
    assert second.head.relation == "02"  # "2" as Excel writes 02
    assert (second.poverty_category, second.status, second.household_type) == (
        "dibao",
        "not_exited",
        "edge",
    )
    names = {d.code.value: d.name for d in report.divisions}
    assert (
        names["610728101001"] == "示范村"
        and names["610728101000"] == "泾洋街道"
        and names["610728000000"] == "镇巴县"
    )
    assert report.county == ("610728", "镇巴县")


def test_each_bad_row_is_listed_with_its_reason_and_its_household_left_out() -> None:
    rows = good_rows()
    rows[1][6] = rows[1][6][:-1] + ("0" if rows[1][6][-1] != "0" else "1")  # wrong check character
    rows.append(
        [
            "610728101001A03",
            "610728101001",
            "",
            "",
            "",
            "赵四",
            idn(date(1980, 1, 1), 8, "male"),
            "子",
            "",
            "",
            "",
            "",
        ]
    )  # no head
    rows.append(
        [
            "",
            "610728101001",
            "",
            "",
            "",
            "孙五",
            idn(date(1981, 1, 1), 10, "male"),
            "户主",
            "",
            "",
            "",
            "",
        ]
    )  # no number
    rows.append(
        [
            "610728101001A04",
            "610728101001",
            "",
            "",
            "",
            "钱六",
            idn(date(1982, 1, 1), 12, "male"),
            "户主",
            "女",
            "",
            "",
            "",
        ]
    )  # sex differs
    rows.append(
        [
            "610728101001A05",
            "610728101001",
            "",
            "",
            "",
            "周七",
            idn(date(1983, 1, 1), 14, "male"),
            "户主",
            "",
            "富裕户",
            "",
            "",
        ]
    )  # bad code
    report = parse_roster([HEADER, *rows])
    assert [h.household_no for h in report.households] == ["610728101001A02"]
    by_row = {}
    for p in report.errors:
        by_row.setdefault(p.row, []).append(p.text.zh)
    assert any("校验位" in t for t in by_row[3])  # spreadsheet row 3 = second data row
    assert any("整户未导入" in t for t in by_row[3])
    assert any("本行无误" in t and "第3行" in t for t in by_row[2])  # its household is left out
    assert any("本行无误" in t for t in by_row[4])
    assert any("户主" in t for t in by_row[6])  # household A03 has no head
    assert by_row[7] == ["户编号为空，该行未导入"]
    assert any("性别" in t for t in by_row[8])
    assert any("富裕户" in t and "代码表" in t for t in by_row[9])
    assert set(report.rejected) == {
        "610728101001A01",
        "610728101001A03",
        "610728101001A04",
        "610728101001A05",
    }
    listed = {p.row for p in report.problems}
    assert set(range(2, 2 + len(rows))) - listed == {
        5
    }  # every row but the good household's is listed
    for p in report.problems:  # reasons never quote the people
        assert "王建国" not in p.text.zh and rows[1][6] not in p.text.zh


def test_duplicate_id_and_existing_household_are_reported() -> None:
    rows = good_rows()
    rows[3][6] = rows[0][6]
    report = parse_roster([HEADER, *rows], existing_numbers={"610728101001A01"})
    texts = [(p.row, p.text.zh) for p in report.errors]
    assert any(row == 5 and "与第2行重复" in t for row, t in texts)
    assert any(row == 2 and "已在本机数据中" in t for row, t in texts)
    assert report.households == []


def test_a_full_width_copy_of_an_id_number_is_the_same_person() -> None:
    rows = good_rows()
    rows[3][6] = str(rows[0][6]).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    report = parse_roster([HEADER, *rows])
    assert [(p.row, p.column, p.text.zh) for p in report.errors] == [
        (5, "id_number", "证件号码与第2行重复"),
        (5, None, "因此整户未导入，改正后请重新导入"),
    ]
    assert [h.household_no for h in report.households] == ["610728101001A01"]


def test_missing_required_column_is_one_clear_error() -> None:
    with pytest.raises(RosterFileError) as e:
        parse_roster([["户编号", "姓名"], ["1", "王"]])
    assert "行政区划代码" in e.value.text.zh and "证件号码" in e.value.text.zh


def test_gb18030_csv_from_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([HEADER, *good_rows()])
    report = parse_roster(read_table(path))
    assert len(report.households) == 2 and report.households[0].members[0].name == "王建国"


def test_xlsx_with_an_id_number_stored_as_a_number_is_caught(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER + ["备注"])
    rows = good_rows()
    for row in rows:
        ws.append(row)
    ws.cell(row=5, column=7).value = 610728194801200000  # Excel turned it into a number
    wb.save(tmp_path / "roster.xlsx")
    report = parse_roster(read_table(tmp_path / "roster.xlsx"))
    assert report.ignored_columns == ["备注"]
    assert [h.household_no for h in report.households] == ["610728101001A01"]
    assert any(p.row == 5 and "存成了数字" in p.text.zh for p in report.errors)


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(RosterFileError):
        read_table(path)


def test_a_legacy_or_full_width_id_number_imports_with_a_warning() -> None:
    rows = good_rows()
    legacy = rows[0][6][:6] + rows[0][6][8:17]  # 王建国, born 1975: his 15-digit number
    rows[0][6] = legacy
    rows[1][6] = str(rows[1][6]).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    report = parse_roster([HEADER, *rows])
    assert report.errors == []
    assert [(p.row, p.level, p.column, p.text.zh) for p in report.problems] == [
        (2, "warning", "id_number", "15位旧证件号码已换为对应的18位号码")
    ]
    first = report.households[0]
    assert [m.id_number for m in first.members[:2]] == [good_rows()[0][6], good_rows()[1][6]]
