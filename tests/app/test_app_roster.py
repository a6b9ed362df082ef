"""The laptop's roster import refuses what the county server's refuses: one reader, one set of checks.

Each case below is a roster the county server's check rejects; the laptop, reading the same file
against what its store holds, must leave the same households out, each with a reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from fieldsurvey.app.roster import read_roster
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.store import Store
from tests.support.factories import household

HEADER = ["户编号", "行政区划代码", "行政村", "户主姓名", "姓名", "证件号码", "与户主关系", "性别"]
VILLAGE = "610728101001"


def idn(birth: date, seq: int, sex: str, area: str = "610728") -> str:
    return make_id_number(area, birth, seq, sex)


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in [HEADER, *rows]:
        ws.append(row)
    wb.save(path)
    return path


def server_rejects(path: Path, existing: dict[str, object]) -> set[str]:
    """The household numbers the county server's roster check leaves out of this file."""
    from fieldsurvey.core.roster import suggest_mapping
    from fieldsurvey.server.db.sealed_columns import normalise_id_number
    from fieldsurvey.server.roster.xlsx_check import check_workbook, county_registry

    registry = county_registry(
        "610728",
        {VILLAGE: "示范村"},
        set(existing["numbers"]),  # type: ignore[arg-type]
        {normalise_id_number(k): v for k, v in existing["people"].items()},
    )  # type: ignore[union-attr]
    return set(check_workbook(path, None, suggest_mapping(HEADER), registry).rejected_households)


@pytest.fixture
def store(tmp_path: Path, fast_kdf: dict):  # type: ignore[no-untyped-def]
    """A laptop of county 610728 that already holds one household."""
    s, _ = Store.create(tmp_path / "laptop", "一个足够长的密码短语", kdf=fast_kdf)
    s.set_county("610728", "镇巴县")
    s.households.add_many([household("6107281010010099")])
    yield s
    s.close()


def existing_of(store: Store) -> dict[str, object]:
    h = store.households.get_by_no("6107281010010099")
    assert h is not None
    return {
        "numbers": {"6107281010010099"},
        "people": {m.id_number: h.household_no for m in h.members},
    }


def good(no: str, seq: int) -> list[object]:
    return [
        no,
        VILLAGE,
        "示范村",
        "王建国",
        "王建国",
        idn(date(1975, 3, 14), seq, "male"),
        "户主",
        "男",
    ]


def test_a_person_registered_in_another_household_is_refused_on_both(
    store: Store, tmp_path: Path
) -> None:
    registered = store.households.get_by_no("6107281010010099")
    assert registered is not None and registered.head is not None
    twice = [
        "610728101001A02",
        VILLAGE,
        "示范村",
        registered.head.name,
        registered.head.name,
        registered.head.id_number,
        "户主",
        "",
    ]
    path = write_xlsx(tmp_path / "r.xlsx", [good("610728101001A01", 1), twice])
    assert server_rejects(path, existing_of(store)) == {"610728101001A02"}
    report = read_roster(store, path)
    assert set(report.rejected) == {"610728101001A02"}
    assert [h.household_no for h in report.households] == ["610728101001A01"]
    assert any(
        "已在" in p.text.zh and p.column == "id_number"
        for p in report.errors
        if p.household_no == "610728101001A02"
    )


def test_a_village_of_another_county_is_refused_on_both(store: Store, tmp_path: Path) -> None:
    elsewhere = [
        "610729101001A01",
        "610729101001",
        "别县村",
        "赵六",
        "赵六",
        idn(date(1970, 1, 1), 3, "male", "610729"),
        "户主",
        "男",
    ]
    path = write_xlsx(tmp_path / "r.xlsx", [good("610728101001A01", 1), elsewhere])
    assert server_rejects(path, existing_of(store)) == {"610729101001A01"}
    report = read_roster(store, path)
    assert set(report.rejected) == {"610729101001A01"}
    assert any(
        p.column == "division_code" for p in report.errors if p.household_no == "610729101001A01"
    )


def test_a_head_name_that_differs_from_the_heads_row_is_refused_on_both(
    store: Store, tmp_path: Path
) -> None:
    wrong = good("610728101001A03", 5)
    wrong[3] = "王建军"  # 户主姓名 is not the name on the head's own row
    path = write_xlsx(tmp_path / "r.xlsx", [good("610728101001A01", 1), wrong])
    assert server_rejects(path, existing_of(store)) == {"610728101001A03"}
    report = read_roster(store, path)
    assert set(report.rejected) == {"610728101001A03"}
    assert any(
        p.column == "head_name" for p in report.errors if p.household_no == "610728101001A03"
    )


def test_a_household_number_already_here_is_refused_on_both(store: Store, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [good("610728101001A01", 1), good("6107281010010099", 7)]
    )
    assert server_rejects(path, existing_of(store)) == {"6107281010010099"}
    report = read_roster(store, path)
    assert set(report.rejected) == {"6107281010010099"}
