"""The headless form engine, driven as the desktop UI drives it: skip logic, required and
constraints, repeats bound to members, removing a member, the cursor, saved answers.

Each test writes its form inline, so it reads like the form it checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.forms import FormDefinitionError, FormLibrary, FormSession
from fieldsurvey.forms.compile import Survey

TODAY = date(2024, 6, 15)


def survey(tmp_path: Path, text: str, form_id: str = "t") -> Survey:
    (tmp_path / f"{form_id}.yaml").write_text(text, encoding="utf-8")
    return FormLibrary(tmp_path).survey(form_id)


def session(tmp_path: Path, text: str, answers: dict | None = None, **kw: object) -> FormSession:
    return FormSession(survey(tmp_path, text), answers, today=TODAY, **kw)  # type: ignore[arg-type]


LAND = """
format: 1
id: t
version: "1"
title: {zh: 测试, en: Test}
fields:
  - {name: has_land, type: boolean, label: {zh: 有承包地, en: Has land}}
  - name: land_area
    type: decimal
    label: {zh: 面积(亩), en: Area (mu)}
    relevant: ${has_land}
    required: true
    constraint: ". > 0 and . < 1000"
    constraint_message: {zh: 面积应在0–1000亩之间, en: the area is between 0 and 1000 mu}
  - {name: land_x2, type: calculate, calculation: "${land_area} * 2", label: {zh: 两倍, en: Twice}}
  - name: note_big
    type: decimal
    label: {zh: 产量, en: Yield}
    warning: ". < 5000"
    warning_message: {zh: "产量偏高,请核实", en: "a high yield: please check"}
"""


def test_a_hidden_field_has_no_value_no_saved_answer_and_is_not_required(tmp_path: Path) -> None:
    s = session(tmp_path, LAND)
    s.set_value("has_land", "yes")
    s.set_value("land_area", "12.5")
    assert s.value("land_x2") == 25
    s.set_value("has_land", False)
    assert not s.is_relevant("land_area")
    assert s.value("land_area") is None and s.value("land_x2") is None
    assert s.answers() == {"has_land": False}
    assert s.finalize_check().ok
    with pytest.raises(UserError):
        s.set_value("land_area", 3)
    # shown again in the same session, what was typed comes back (it was never saved hidden)
    s.set_value("has_land", True)
    assert s.value("land_area") == 12.5


def test_required_and_constraint_messages_in_both_languages(tmp_path: Path) -> None:
    s = session(tmp_path, LAND)
    s.set_value("has_land", True)
    [issue] = s.issues("land_area")
    assert (issue.code, issue.text.zh, issue.text.en) == (
        "required",
        "此项必填",
        "this is required",
    )
    s.set_value("land_area", 5000)
    [issue] = s.issues("land_area")
    assert issue.code == "constraint" and issue.text.zh == "面积应在0–1000亩之间"
    result = s.finalize_check()
    assert not result.ok and [i.path for i in result.errors] == ["land_area"]
    s.set_value("land_area", 10)
    assert s.finalize_check().ok


def test_a_warning_is_shown_but_does_not_block(tmp_path: Path) -> None:
    s = session(tmp_path, LAND)
    s.set_value("note_big", 9000)
    result = s.finalize_check()
    assert result.ok
    assert [(w.path, w.text.en) for w in result.warnings] == [
        ("note_big", "a high yield: please check")
    ]


def test_input_is_coerced_or_refused_with_a_reason(tmp_path: Path) -> None:
    s = session(tmp_path, LAND)
    s.set_value("has_land", "是")
    assert s.value("has_land") is True
    with pytest.raises(UserError) as e:
        s.set_value("land_area", "twelve")
    assert e.value.text.en == "enter a number"
    with pytest.raises(UserError):
        s.set_value("land_x2", 3)  # a calculation is not an input
    with pytest.raises(UserError):
        s.set_value("nowhere", 3)
    s.set_value("land_area", "")
    assert s.value("land_area") is None
    s.set_value("note_big", "12\uff0c000.5")  # a thousands separator typed with a Chinese IME
    assert s.value("note_big") == 12000.5


def test_changes_say_what_to_redraw(tmp_path: Path) -> None:
    s = session(tmp_path, LAND)
    changes = s.set_value("has_land", True)
    assert changes.visibility == {"land_area"} and changes.values == {"has_land"}
    changes = s.set_value("land_area", 3)
    assert changes.values == {"land_area", "land_x2"}
    assert not changes.visibility


SELECTS = """
format: 1
id: t
version: "1"
title: T
choices:
  crops:
    - {name: rice, label: {zh: 水稻, en: Rice}}
    - {name: maize, label: {zh: 玉米, en: Maize}}
  varieties:
    - {name: r1, label: 稻1, crop: rice}
    - {name: r2, label: 稻2, crop: rice}
    - {name: m1, label: 玉1, crop: maize}
fields:
  - {name: crop, type: select_one, choices: crops, label: Crop}
  - {name: variety, type: select_one, choices: varieties, label: Variety, choice_filter: "crop = ${crop}"}
  - name: causes
    type: select_multiple
    choices: code:poverty_cause
    label: Causes
    constraint: "count-selected(.) <= 2"
"""


def test_choice_filter_and_selections(tmp_path: Path) -> None:
    s = session(tmp_path, SELECTS)
    s.set_value("crop", "rice")
    assert [c.name for c in s.choices("variety")] == ["r1", "r2"]
    s.set_value("variety", "r2")
    s.set_value("crop", "maize")
    assert [c.name for c in s.choices("variety")] == ["m1"]
    [issue] = s.issues("variety")
    assert issue.code == "choice"  # the old choice is no longer offered
    with pytest.raises(UserError):
        s.set_value("crop", "wheat")
    s.set_value("causes", "lack_funds illness lack_funds")
    assert s.value("causes") == ["lack_funds", "illness"]  # in the order given, once each
    assert s.display_value("causes", "en") == "lack of funds, illness"
    assert s.display_value("causes", "zh") == "缺资金、因病"
    s.set_value("causes", ["illness", "disability", "other"])
    assert [i.code for i in s.issues("causes")] == ["constraint"]


MEMBERS = """
format: 1
id: t
version: "1"
title: T
parameters:
  min_age: {type: number, default: 6, label: Entry age}
fields:
  - name: members
    type: repeat
    label: {zh: 成员, en: Members}
    instance_label: "${name}"
    min_count: 1
    fields:
      - {name: name, type: text, label: {zh: 姓名, en: Name}, required: true}
      - {name: id_number, type: id_number, label: ID}
      - {name: birth_date, type: date, label: Born, dynamic_default: "id-birth-date(${id_number})"}
      - {name: age, type: calculate, calculation: "age(${birth_date})"}
      - {name: number, type: calculate, calculation: "position()"}
  - name: pupils
    type: repeat
    label: {zh: 学生, en: Pupils}
    repeat_over: members where ${age} >= param('min_age') and ${age} <= 15
    fields:
      - {name: enrolled, type: boolean, label: "${name} enrolled?", required: true}
      - {name: aid, type: decimal, label: Aid}
  - name: insured
    type: repeat
    label: Cover
    repeat_over: members
    fields:
      - {name: covered, type: boolean, label: Covered}
  - {name: n_members, type: calculate, calculation: "count(${members})"}
  - {name: n_pupils, type: calculate, calculation: "count(${pupils})"}
  - {name: total_aid, type: calculate, calculation: "sum(${aid})"}
"""


def add_member(s: FormSession, name: str, born: date) -> str:
    key = s.add_instance("members")
    s.set_value(f"members[{key}]/name", name)
    s.set_value(f"members[{key}]/id_number", make_id_number("610728", born, 7, "female"))
    return key


def test_a_repeat_over_members_follows_who_is_of_age(tmp_path: Path) -> None:
    s = session(tmp_path, MEMBERS)
    mother = add_member(s, "母亲", date(1985, 1, 1))
    child = add_member(s, "孩子", date(2014, 3, 1))
    assert s.value(f"members[{child}]/birth_date") == date(2014, 3, 1)  # from the ID number
    assert s.instances("pupils") == [child]
    assert s.instances("insured") == [mother, child]
    assert s.value("n_pupils") == 1 and s.value(f"members[{child}]/number") == 2
    rows = [r for r in s.rows("t") if r.kind == "field" and r.path.startswith("pupils")]
    assert rows[0].label.en == "孩子 enrolled?"
    instance = next(r for r in s.rows("t") if r.kind == "instance" and r.path.startswith("pupils"))
    assert instance.label.zh == "孩子" and not instance.can_remove
    with pytest.raises(UserError):
        s.add_instance("pupils")
    s.set_value(f"pupils[{child}]/enrolled", True)
    s.set_value(f"pupils[{child}]/aid", 500)
    assert s.value("total_aid") == 500
    s.set_value(f"members[{child}]/birth_date", "2000-01-01")  # a typing mistake: now 24
    assert s.instances("pupils") == []
    assert "pupils" in s.answers() and s.answers()["pupils"] == []
    assert s.value("total_aid") == 0


def test_removing_a_member_removes_every_answer_held_for_them(tmp_path: Path) -> None:
    s = session(tmp_path, MEMBERS)
    a = add_member(s, "甲", date(1980, 1, 1))
    b = add_member(s, "乙", date(2012, 1, 1))
    s.set_value(f"pupils[{b}]/enrolled", False)
    s.set_value(f"insured[{b}]/covered", True)
    s.set_value(f"insured[{a}]/covered", False)
    s.move_to(f"pupils[{b}]/enrolled")
    changes = s.remove_instance(f"members[{b}]")
    assert changes.structure
    saved = s.answers()
    assert b not in repr(saved)
    assert [i["_id"] for i in saved["insured"]] == [a]
    assert s.engine.raw.get("pupils") == [] and all(i["_id"] != b for i in s.engine.raw["insured"])
    assert s.cursor.path is None and s.cursor.section == "t"  # it pointed inside the removed member
    assert s.value("n_members") == 1


def test_min_count_and_positions(tmp_path: Path) -> None:
    s = session(tmp_path, MEMBERS)
    assert [i.code for i in s.finalize_check().errors] == ["min_count"]
    key = add_member(s, "甲", date(1980, 1, 1))
    assert s.resolve_path("members[1]/name").ctx == (("members", key),)
    with pytest.raises(UserError):
        s.resolve_path("members[2]/name")


def test_saved_answers_reopen_to_the_same_state_and_place(tmp_path: Path) -> None:
    s = session(tmp_path, MEMBERS)
    a = add_member(s, "甲", date(1980, 1, 1))
    b = add_member(s, "乙", date(2012, 1, 1))
    s.set_value(f"pupils[{b}]/aid", 300.5)
    s.move_to(f"pupils[{b}]/aid")
    saved, cursor = s.answers(), s.cursor_state()
    assert saved["members"][0]["birth_date"] == "1980-01-01"  # JSON-ready
    again = FormSession(s.survey, saved, today=TODAY, cursor=cursor)
    assert again.answers() == saved
    assert again.cursor.path == f"pupils[{b}]/aid" and again.cursor.section == "t"
    assert again.value("total_aid") == 300.5
    # a place that no longer exists falls back to its instance, then to the section
    gone = FormSession(
        s.survey, saved, today=TODAY, cursor={"section": "t", "path": f"members[{a}]/nothing"}
    )
    assert gone.cursor.path == f"members[{a}]"
    lost = FormSession(
        s.survey, saved, today=TODAY, cursor={"section": "t", "path": "members[zz]/name"}
    )
    assert lost.cursor.path is None
    assert (
        FormSession(s.survey, saved, today=TODAY, cursor={"section": "nope"}).cursor.section == "t"
    )


def test_answers_the_form_has_no_place_for_are_reported_not_kept(tmp_path: Path) -> None:
    s = session(tmp_path, LAND, {"has_land": True, "old_field": 1, "land_area": 3})
    assert s.unknown_answers == ["old_field"]
    assert s.answers() == {"has_land": True, "land_area": 3.0, "land_x2": 6.0}


def test_a_finalized_visit_is_read_only(tmp_path: Path) -> None:
    s = session(tmp_path, LAND, {"has_land": True, "land_area": 3}, read_only=True)
    with pytest.raises(UserError):
        s.set_value("has_land", False)
    assert all(r.read_only for r in s.rows("t") if r.kind == "field")


def test_id_numbers_are_checked_only_for_id_documents(tmp_path: Path) -> None:
    form = """
format: 1
id: t
version: "1"
title: T
fields:
  - {name: id_type, type: select_one, choices: code:id_type, label: Type, default: resident_id}
  - {name: id_number, type: id_number, label: ID, id_type: "${id_type}"}
"""
    s = session(tmp_path, form)
    good = make_id_number("610728", date(1990, 5, 5), 3, "male")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    s.set_value("id_number", bad)
    [issue] = s.issues("id_number")
    assert issue.code == "id_number" and "check character" in issue.text.en
    assert bad not in issue.text.zh + issue.text.en  # never echo the number
    s.set_value("id_type", "other")
    assert s.issues("id_number") == []
    s.set_value("id_type", "resident_id")
    s.set_value("id_number", good.lower())
    assert s.value("id_number") == good and s.issues("id_number") == []


def test_form_level_checks(tmp_path: Path) -> None:
    form = """
format: 1
id: t
version: "1"
title: T
fields:
  - {name: a, type: integer, label: A}
  - {name: b, type: integer, label: B}
checks:
  - {id: order, assert: "${a} <= ${b}", field: b, level: warning, message: {zh: A 大于 B, en: A is above B}}
"""
    s = session(tmp_path, form, {"a": 5, "b": 1})
    result = s.finalize_check()
    assert result.ok and [(w.code, w.path) for w in result.warnings] == [("check:order", "b")]


def test_a_calculation_cycle_is_refused_at_load(tmp_path: Path) -> None:
    form = """
format: 1
id: t
version: "1"
title: T
fields:
  - {name: a, type: calculate, calculation: "${c} + 1"}
  - {name: b, type: calculate, calculation: "${a} + 1"}
  - {name: c, type: calculate, calculation: "${b} + 1"}
  - {name: d, type: integer, label: D, relevant: "${d} > 1"}
"""
    with pytest.raises(FormDefinitionError) as e:
        survey(tmp_path, form)
    messages = [str(d) for d in e.value.diagnostics]
    assert any("cycle: a → c → b → a" in m for m in messages), messages
    assert any("field 'd'" in m and "cycle: d → d" in m for m in messages), messages


def test_old_visits_open_with_the_form_version_they_were_filled_with(tmp_path: Path) -> None:
    v1 = LAND
    v2 = LAND.replace('version: "1"', 'version: "2"').replace(
        "  - {name: land_x2,",
        "  - {name: irrigated, type: boolean, label: {zh: 有灌溉, en: Irrigated}}\n  - {name: land_x2,",
    )
    (tmp_path / "t.yaml").write_text(v1, encoding="utf-8")
    old = FormSession(
        FormLibrary(tmp_path).survey("t"), {"has_land": True, "land_area": 2}, today=TODAY
    )
    saved = (old.form_id, old.form_version, old.answers())
    # the form changes: the old version is kept under t/1.yaml, the current file becomes v2
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "1.yaml").write_text(v1, encoding="utf-8")
    (tmp_path / "t.yaml").write_text(v2, encoding="utf-8")
    library = FormLibrary(tmp_path)
    assert library.check() == []
    assert library.survey("t").version == "2" and "irrigated" in library.survey("t").elements
    reopened = FormSession(
        library.survey(saved[0], saved[1]), saved[2], today=TODAY, read_only=True
    )
    assert reopened.form_version == "1" and "irrigated" not in reopened.survey.elements
    assert [r.display.zh for r in reopened.rows("t") if r.kind == "field"] == ["是", "2", "4", ""]
    with pytest.raises(FormDefinitionError):
        library.survey("t", "3")
    for form_id, version in (("../t", "1"), ("t", "../../t"), ("t/1", None), ("t", "1/../1")):
        with pytest.raises(FormDefinitionError):  # names from a synced visit stay in the folder
            library.survey(form_id, version)


def test_editing_an_archived_version_in_place_is_caught(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(LAND, encoding="utf-8")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "1.yaml").write_text(LAND, encoding="utf-8")
    codes = [d.code for d in FormLibrary(tmp_path).check()]
    assert codes == ["version_archived"]
