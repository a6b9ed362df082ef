"""The county's one-pass type check of a batch's text agrees with checking each record alone.

``whole_record_problems`` is the fast path of ingest; ``full_problems`` (one record written back
to JSON and validated) is the reference. Any difference would let a batch in that the slow path
refuses, or refuse one it accepts.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from fieldsurvey.core.records import household_to_dict, member_change_to_dict, visit_to_dict
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.sync import canonical
from fieldsurvey.sync.recordtypes import WHOLE_RECORD_KINDS, full_problems, whole_record_problems
from tests.support.factories import household


def _records() -> list[dict[str, Any]]:
    h = household_to_dict(household())
    visit = Visit(
        h["household_id"],
        date(2026, 11, 1),
        "测试书记",
        "household_visit",
        "1",
        {"food_secure": True},
        findings="房屋为B级",
    )
    change = MemberChange(
        h["household_id"], h["members"][0]["member_id"], "birth", date(2026, 10, 2)
    )
    return [
        {"kind": "household.create", "household": h},
        {"kind": "visit", "visit": visit_to_dict(visit)},
        {
            "kind": "record.update",
            "record_type": "household",
            "record_id": h["household_id"],
            "fields": {"group": "四组"},
        },
        {"kind": "member_change", "change": member_change_to_dict(change)},
    ]


def _reference(records: list[dict[str, Any]]) -> dict[int, list[str]]:
    found = {}
    for i, r in enumerate(records):
        if r["kind"] in WHOLE_RECORD_KINDS:
            key, record_type = WHOLE_RECORD_KINDS[r["kind"]]
            problems = full_problems(record_type, r[key])
            if problems:
                found[i] = problems
    return found


def _text(records: list[dict[str, Any]]) -> bytes:
    return canonical.dumps({"header": {"batch_id": "b"}, "records": records})


def _spoil(records: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    r = copy.deepcopy(records)
    h, v, c = r[0]["household"], r[1]["visit"], r[3]["change"]
    if how == "string for a number":
        h["water_quantity_lpd"] = "60"
    elif how == "number for a string":
        v["form_version"] = 1
    elif how == "missing required field":
        del c["reason"]
    elif how == "unknown field":
        v["secret"] = "x"
    elif how == "bad member inside a household":
        h["members"][1]["birth_date"] = 19800101
    elif how == "float for an int":
        h["exit_year"] = 2019.5
    elif how == "bool for an int":
        h["exit_year"] = True
    elif how == "several at once":
        h["members"][0]["name"] = None
        h["exit_year"] = "2019"
        v["answers"] = []
        c["change_date"] = None
    return r


@pytest.mark.parametrize(
    "how",
    [
        "none",
        "string for a number",
        "number for a string",
        "missing required field",
        "unknown field",
        "bad member inside a household",
        "float for an int",
        "bool for an int",
        "several at once",
    ],
)
def test_the_one_pass_check_finds_what_each_record_checked_alone_finds(how: str) -> None:
    records = _records() if how == "none" else _spoil(_records(), how)
    expected = _reference(records)
    assert (expected == {}) == (how == "none")
    assert whole_record_problems(_text(records)) == expected


@pytest.mark.parametrize("number", ["1e400", "-2.5E+308", "1" * 320])
def test_a_number_that_may_not_fit_a_double_leaves_the_decision_to_each_record(number: str) -> None:
    text = _text(_records()).replace(
        b'"water_quantity_lpd":60', b'"water_quantity_lpd":' + number.encode()
    )
    assert number.encode() in text
    assert whole_record_problems(text) is None


def test_a_number_like_string_does_not_cost_the_fast_path_when_it_cannot_be_a_number() -> None:
    records = _records()
    records[1]["visit"]["findings"] = (
        "编号 1e400 的记录"  # inside a string, not after ':' ',' or '['
    )
    assert whole_record_problems(_text(records)) == {}
