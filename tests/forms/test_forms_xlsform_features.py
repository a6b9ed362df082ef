"""What real XLSForms use, imported and run with ODK's (JavaRosa's) behaviour.

Every expected value is worked by hand from the ODK XForms specification and the JavaRosa code
it names (``XPathFuncExpr``, ``DateUtils.format``, ``GeoPointData``, ODK Collect's pulldata),
never read back from this project's evaluator.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
import yaml

from fieldsurvey.core.errors import UserError
from fieldsurvey.forms import FormLibrary, FormSession
from fieldsurvey.forms.engine import VisitContext
from fieldsurvey.forms.xlsform import convert_xlsform

TODAY = date(2024, 6, 15)
OPENED = datetime(2024, 6, 15, 9, 30, 5, tzinfo=timezone(timedelta(hours=8)))
HEADER = ["type", "name", "label", "calculation", "constraint", "relevant", "default", "parameters",
          "repeat_count", "trigger", "read_only", "choice_filter"]  # fmt: skip


def workbook(folder: Path, rows: list[dict], choices: list[list] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(HEADER)
    for row in rows:
        ws.append([row.get(col, "") for col in HEADER])
    ch = wb.create_sheet("choices")
    for row in choices or [["list_name", "name", "label"]]:
        ch.append(row)
    st = wb.create_sheet("settings")
    st.append(["form_id", "version"])
    st.append(["real_form", "1"])
    path = folder / "real.xlsx"
    wb.save(path)
    return path


def imported(tmp_path: Path, rows: list[dict], choices: list[list] | None = None, **ctx: object):
    conversion = convert_xlsform(workbook(tmp_path, rows, choices))
    assert conversion.unsupported == [], [f.message() for f in conversion.unsupported]
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    (folder / "real_form.yaml").write_text(
        yaml.safe_dump(conversion.form, allow_unicode=True), encoding="utf-8"
    )
    library = FormLibrary(folder)
    assert library.check() == []
    context = VisitContext(**{"now": OPENED, **ctx})  # type: ignore[arg-type]
    return FormSession(library.survey("real_form"), today=TODAY, context=context), conversion


def reopen(session: FormSession, **ctx: object) -> FormSession:
    context = VisitContext(**{"now": OPENED, **ctx})  # type: ignore[arg-type]
    return FormSession(session.survey, session.answers(), today=TODAY, context=context)


# --- types -------------------------------------------------------------------------------------
def test_time_and_datetime_answers(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, [
        {"type": "time", "name": "arrived", "label": "Arrived"},
        {"type": "dateTime", "name": "met", "label": "Met"},
        # JavaRosa: a date-time reads as its date in XPath (toString → DateUtils.formatDate ISO)
        {"type": "calculate", "name": "met_text", "calculation": "string(${met})"},
        # toNumeric(Date) = daysSinceEpoch: 2024-05-01 is day 19844 (54 years, 13 leap days, + 121)
        {"type": "calculate", "name": "met_day", "calculation": "number(${met})"},
        {"type": "calculate", "name": "arrived_hm", "calculation": "format-date-time(${arrived}, '%H:%M')"},
    ])  # fmt: skip
    s.set_value("arrived", "9:05")
    s.set_value("met", "2024-05-01 14:30")
    assert s.value("arrived") == time(9, 5)
    assert s.value("met_text") == "2024-05-01"
    assert s.value("met_day") == 19844
    assert s.value("arrived_hm") == "09:05"
    saved = s.answers()
    assert saved["arrived"] == "09:05:00"
    assert re.fullmatch(r"2024-05-01T14:30:00\.000[+-]\d\d:\d\d", saved["met"])
    assert reopen(s).value("met") == s.value("met")
    for bad in ("25:00", "noon", "2024-05-01"):
        with pytest.raises(UserError):
            s.set_value("met" if bad == "2024-05-01" else "arrived", bad)


def test_geopoint_typed_on_a_laptop(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, [
        {"type": "geopoint", "name": "house", "label": "House"},
        {"type": "calculate", "name": "lat", "calculation": "selected-at(${house}, 0)"},
        {"type": "calculate", "name": "acc", "calculation": "selected-at(${house}, 3)"},
    ])  # fmt: skip
    s.set_value("house", "30.6586, 104.0647")  # pasted from a map
    # GeoPointData's display text (what XPath reads): the doubles as Java writes them
    assert s.value("house") == "30.6586 104.0647"
    assert s.value("lat") == "30.6586"
    assert s.value("acc") is None  # no accuracy (nothing measured): '' is no answer
    s.set_value("house", "30 104 512")
    assert s.value("house") == "30.0 104.0 512.0"
    for bad, what in (("91 10", "latitude"), ("10 -181", "longitude"), ("30", "latitude and")):
        with pytest.raises(UserError) as e:
            s.set_value("house", bad)
        assert what in e.value.text.en


def test_range_rank_and_trigger_types(tmp_path: Path) -> None:
    s, conv = imported(tmp_path, [
        {"type": "range", "name": "score", "label": "Score", "parameters": "start=0 end=10 step=2"},
        {"type": "range", "name": "half", "label": "Half", "parameters": "start=1 end=2 step=0.5"},
        {"type": "rank needs", "name": "needs", "label": "Needs"},
        {"type": "trigger", "name": "seen", "label": "Seen"},
    ], [["list_name", "name", "label"], ["needs", "water", "Water"], ["needs", "road", "Road"],
        ["needs", "school", "School"]])  # fmt: skip
    fields = {f["name"]: f for f in conv.form["fields"]}
    assert fields["score"]["range"] == {"start": 0, "end": 10, "step": 2}
    s.set_value("score", "6")
    assert s.value("score") == 6
    for bad in ("5", "12", "-2"):  # off the step, above the end, below the start
        with pytest.raises(UserError):
            s.set_value("score", bad)
    s.set_value("half", "1.5")
    assert s.value("half") == 1.5
    s.set_value("needs", ["road", "water", "school"])
    assert s.value("needs") == ["road", "water", "school"]
    assert s.answers()["needs"] == ["road", "water", "school"]
    with pytest.raises(UserError):
        s.set_value("needs", ["road", "road"])
    assert fields["seen"]["type"] == "acknowledge"


# --- metadata ----------------------------------------------------------------------------------
def test_metadata_is_filled_from_the_visit_and_the_device(tmp_path: Path) -> None:
    rows = [{"type": t, "name": t} for t in ("start", "end", "today", "deviceid", "username")]
    rows.append({"type": "text", "name": "note", "label": "Note"})
    s, conv = imported(tmp_path, rows, device_id="5f0c-device", username="visitor_li")
    assert conv.findings == []
    assert s.value("start") == OPENED
    assert s.value("today") == TODAY
    assert s.value("deviceid") == "5f0c-device" and s.value("username") == "visitor_li"
    assert s.value("end") is None  # set when the visit is saved
    assert [r.path for r in s.rows("real_form")] == ["note"]  # never shown
    saved_at = datetime(2024, 6, 15, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    s.stamp_end(saved_at)
    answers = s.answers()
    assert answers["start"] == "2024-06-15T09:30:05.000+08:00"
    assert answers["end"] == "2024-06-15T10:00:00.000+08:00"
    # reopened later on another laptop: what the visit recorded stays
    later = reopen(s, now=OPENED + timedelta(days=1), device_id="other", username="other")
    assert later.value("start") == OPENED and later.value("deviceid") == "5f0c-device"


# --- repeats -----------------------------------------------------------------------------------
REPEAT_ROWS = [
    {"type": "integer", "name": "n", "label": "How many children"},
    {"type": "begin_repeat", "name": "child", "label": "Child", "repeat_count": "${n}"},
    {"type": "text", "name": "cname", "label": "Name"},
    {"type": "integer", "name": "age", "label": "Age"},
    {"type": "calculate", "name": "pos", "calculation": "position(..)"},
    {"type": "end_repeat"},
    {"type": "calculate", "name": "second", "calculation": "indexed-repeat(${cname}, ${child}, 2)"},
    {"type": "calculate", "name": "zeroth", "calculation": "indexed-repeat(${cname}, ${child}, 0)"},
    {"type": "calculate", "name": "ninth", "calculation": "indexed-repeat(${cname}, ${child}, 9)"},
    {"type": "calculate", "name": "oldest", "calculation": "max(${age})"},
    {"type": "calculate", "name": "youngest", "calculation": "min(${age})"},
]  # fmt: skip


def test_repeat_count_indexed_repeat_position_max_min(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, REPEAT_ROWS)
    s.set_value("n", 3)
    keys = s.instances("child")
    assert len(keys) == 3
    with pytest.raises(UserError):
        s.add_instance("child")  # the count decides
    for key, (name, age) in zip(keys, [("Ai", 12), ("Bo", 7), ("Cai", None)], strict=True):
        s.set_value(f"child[{key}]/cname", name)
        if age is not None:
            s.set_value(f"child[{key}]/age", age)
    assert [s.value(f"child[{k}]/pos") for k in keys] == [1, 2, 3]
    assert s.value("second") == "Bo"
    assert s.value("zeroth") == "Ai"  # JavaRosa takes an index below 1 as 1
    assert s.value("ninth") is None  # no ninth child: the empty string
    # JavaRosa max/min over a nodeset skip NaN (the unanswered third age)
    assert s.value("oldest") == 12 and s.value("youngest") == 7
    s.set_value("n", 2)  # the last instance goes, with its answers
    assert s.instances("child") == keys[:2]
    s.set_value("n", 4)
    assert s.instances("child")[:2] == keys[:2] and len(s.instances("child")) == 4


# --- functions ---------------------------------------------------------------------------------
def test_format_date_escapes(tmp_path: Path) -> None:
    # 2024-05-01 is a Wednesday in ISO week 18; 07:08:09.045 local time
    s, conv = imported(tmp_path, [
        {"type": "dateTime", "name": "dt", "label": "When"},
        {"type": "date", "name": "d", "label": "Day"},
        {"type": "calculate", "name": "f1", "calculation": "format-date(${d}, '%Y|%y|%m|%n|%d|%e|%b|%a|%W|%%')"},
        {"type": "calculate", "name": "f2", "calculation": "format-date-time(${dt}, '%H|%h|%M|%S|%3')"},
        {"type": "calculate", "name": "f3", "calculation": "format-date(${d}, '%H:%M')"},
        {"type": "calculate", "name": "f4", "calculation": "format-date('2024-01-09', '%e/%n/%y')"},
        {"type": "calculate", "name": "f5", "calculation": "format-date(${missing}, '%Y')"},
        {"type": "text", "name": "missing", "label": "Missing"},
    ])  # fmt: skip
    assert [f.name for f in conv.differences] == ["f1"]  # %b and %a: English here
    s.set_value("d", "2024-05-01")
    s.set_value("dt", "2024-05-01T07:08:09.045")
    assert s.value("f1") == "2024|24|05|5|01|1|May|Wed|18|%"
    assert s.value("f2") == "07|7|08|09|045"
    assert s.value("f3") == "00:00"  # a date is its midnight
    assert s.value("f4") == "9/1/24"
    assert s.value("f5") is None  # toDate('') is '' → format gives ''


def test_an_escape_javarosa_refuses_is_refused_at_import(tmp_path: Path) -> None:
    rows = [
        {"type": "date", "name": "d", "label": "Day"},
        {"type": "calculate", "name": "f", "calculation": "format-date(${d}, '%Y %B')"},
    ]
    conversion = convert_xlsform(workbook(tmp_path, rows))
    assert [(f.name, f.text.en) for f in conversion.unsupported] == [
        ("f", "calculation: the date format does not support %B (col 19)")
    ]


def test_once_now_uuid_and_text_functions(tmp_path: Path) -> None:
    s, conv = imported(tmp_path, [
        {"type": "integer", "name": "a", "label": "A"},
        {"type": "calculate", "name": "first_a", "calculation": "once(${a})"},
        {"type": "calculate", "name": "opened", "calculation": "once(now())"},
        {"type": "calculate", "name": "key", "calculation": "once(uuid())"},
        {"type": "calculate", "name": "short", "calculation": "uuid(10)"},
        {"type": "text", "name": "t", "label": "T"},
        {"type": "calculate", "name": "len", "calculation": "string-length(${t})"},
        {"type": "calculate", "name": "mid", "calculation": "substr(${t}, 1, 3)"},
        {"type": "calculate", "name": "tidy", "calculation": "normalize-space(${t})"},
        {"type": "calculate", "name": "yes1", "calculation": "boolean-from-string('TRUE')"},
        {"type": "calculate", "name": "yes2", "calculation": "boolean-from-string('yes')"},
    ])  # fmt: skip
    assert conv.differences == []  # once(now()) is what ODK keeps too
    s.set_value("a", 1)
    s.set_value("a", 2)
    assert s.value("first_a") == 1  # the value it had first stays
    assert s.value("opened") == OPENED
    key = s.value("key")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", key)
    assert re.fullmatch(r"[0-9A-Z]{10}", s.value("short"))  # PropertyUtils.genGUID: base 36
    s.set_value("t", "  汉字 and  more ")
    assert s.value("len") == 15  # 2 spaces, 2 characters, 1, 'and', 2, 'more', 1
    assert s.value("mid") == " 汉"  # substr(s, 1, 3): from 0, characters 1 and 2 (end excluded)
    assert s.value("tidy") == "汉字 and more"
    assert s.value("yes1") is True and s.value("yes2") is False
    later = reopen(s, now=OPENED + timedelta(hours=3))
    assert later.value("first_a") == 1 and later.value("key") == key
    assert later.value("opened") == "2024-06-15T09:30:05.000+08:00"  # kept as it was saved


def test_choice_name_in_the_form_language(tmp_path: Path) -> None:
    choices = [["list_name", "name", "label::Chinese (zh)", "label::English (en)"],
               ["crop", "rice", "水稻", "Rice"], ["crop", "corn", "玉米", "Maize"]]  # fmt: skip
    rows = [
        {"type": "select_one crop", "name": "crop", "label": "Crop"},
        {
            "type": "calculate",
            "name": "crop_name",
            "calculation": "jr:choice-name(${crop}, '${crop}')",
        },
    ]
    s, _ = imported(tmp_path, rows, choices)
    s.set_value("crop", "corn")
    assert s.value("crop_name") == "玉米"
    en = reopen(s, language="en")
    assert en.value("crop_name") == "Maize"


def test_select_from_file_and_pulldata_carry_the_csv(tmp_path: Path) -> None:
    (tmp_path / "villages.csv").write_text(
        "name,label::Chinese (zh),label::English (en),township,households\n"
        "v11,王家湾村,Wangjiawan,t1,120\nv12,石河村,Shihe,t1,85\nv21,渔渡坝村,Yuduba,t2,64\n",
        encoding="utf-8",
    )
    rows = [
        {"type": "select_one township", "name": "township", "label": "Township"},
        {"type": "select_one_from_file villages.csv", "name": "village", "label": "Village",
         "choice_filter": "township = ${township}"},
        {"type": "calculate", "name": "size", "calculation": "pulldata('villages', 'households', 'name', ${village})"},
        {"type": "calculate", "name": "none", "calculation": "pulldata('villages', 'households', 'name', 'v99')"},
    ]  # fmt: skip
    choices = [
        ["list_name", "name", "label"],
        ["township", "t1", "Nianzi"],
        ["township", "t2", "Yudu"],
    ]
    s, conv = imported(tmp_path, rows, choices)
    table = conv.form["tables"]["villages"]
    assert table["file"] == "villages.csv" and table["columns"][:3] == [
        "name",
        "label::zh",
        "label::en",
    ]
    (tmp_path / "villages.csv").unlink()  # the form carries it: the workbook's folder is not needed
    s.set_value("township", "t1")
    assert [c.name for c in s.choices("village")] == ["v11", "v12"]
    assert s.choices("village")[1].label.en == "Shihe"
    s.set_value("village", "v12")
    assert s.value("size") == "85"  # a CSV cell is text, as ODK Collect returns it
    assert s.value("none") is None  # no row: ''
    s.set_value("village", "v21")  # filtered out: an error at the field, as for any list
    assert [i.code for i in s.issues("village")] == ["choice"]


def test_a_data_file_is_bounded_and_a_missing_one_refused(tmp_path: Path) -> None:
    rows = [
        {"type": "select_one_from_file big.csv", "name": "v", "label": "V"},
        {"type": "text", "name": "other", "label": "Other"},
    ]
    (tmp_path / "big.csv").write_bytes(b"name,label\n" + b"x" * (4 * 1024 * 1024 + 1))
    conversion = convert_xlsform(workbook(tmp_path, rows))
    [refused] = conversion.unsupported
    assert "too large" in refused.text.en and refused.row == 2
    (tmp_path / "big.csv").unlink()
    [missing] = convert_xlsform(workbook(tmp_path, rows)).unsupported
    assert "is not beside the workbook" in missing.text.en


def test_xml_choices_are_read_without_entities(tmp_path: Path) -> None:
    (tmp_path / "crops.xml").write_text(
        "<root><item><name>rice</name><label>Rice</label></item>"
        "<item><name>corn</name><label>Maize</label></item></root>",
        encoding="utf-8",
    )
    rows = [
        {"type": "select_multiple_from_file crops.xml", "name": "crops", "label": "Crops"},
        {"type": "text", "name": "other", "label": "Other"},
    ]
    s, _ = imported(tmp_path, rows)
    s.set_value("crops", "corn rice")
    assert s.value("crops") == ["corn", "rice"]
    (tmp_path / "crops.xml").write_text(
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<root><item><name>&b;</name></item></root>",
        encoding="utf-8",
    )
    [refused] = convert_xlsform(workbook(tmp_path, rows)).unsupported
    assert "cannot be read as XML" in refused.text.en


def test_last_saved_is_the_households_previous_visit(tmp_path: Path) -> None:
    rows = [{"type": "text", "name": "water", "label": "Water source", "default": "${last-saved#water}"},
            {"type": "integer", "name": "people", "label": "People"},
            {"type": "calculate", "name": "change", "calculation": "${people} - ${last-saved#people}"}]  # fmt: skip
    s, _ = imported(tmp_path, rows, last_saved={"water": "well", "people": 4})
    assert s.value("water") == "well"  # the default: what the last visit recorded
    s.set_value("people", 6)
    assert s.value("change") == 2
    first, _ = imported(tmp_path, rows)  # no previous visit: '' (ODK: the blank last-saved form)
    assert first.value("water") is None


def test_read_only_expression_and_trigger(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, [
        {"type": "integer", "name": "members", "label": "Members"},
        {"type": "text", "name": "reason", "label": "Reason", "read_only": "${members} > 5"},
        {"type": "integer", "name": "copy", "label": "Copy", "calculation": "${members} * 2", "trigger": "${members}"},
    ])  # fmt: skip
    s.set_value("reason", "new")
    s.set_value("members", 6)
    with pytest.raises(UserError) as e:
        s.set_value("reason", "other")
    assert e.value.code == "read_only"
    [row] = [r for r in s.rows("real_form") if r.path == "reason"]
    assert row.read_only
    assert s.value("copy") == 12  # computed when members changed
    s.set_value("copy", 3)  # still the user's to change
    assert s.value("copy") == 3
    s.set_value("members", 2)
    assert s.value("copy") == 4  # …until the trigger changes again
    assert reopen(s).value("copy") == 4  # not recomputed on opening


def test_labels_in_any_language_and_default_language(tmp_path: Path) -> None:
    header = ["type", "name", "label::Français (fr)", "label::English (en)", "label::Chinese (zh)",
              "label::Tibetan", "calculation"]  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(header)
    ws.append(["select_one crop", "crop", "Culture", "Crop", "作物", "ལོ་ཏོག", ""])
    ws.append(["text", "fr_only", "Remarque", "", "", "", ""])
    ws.append(["calculate", "crop_name", "", "", "", "", "jr:choice-name(${crop}, '${crop}')"])
    ch = wb.create_sheet("choices")
    ch.append(
        ["list_name", "name", "label::Français (fr)", "label::English (en)", "label::Chinese (zh)"]
    )
    ch.append(["crop", "rice", "Riz", "Rice", "水稻"])
    st = wb.create_sheet("settings")
    st.append(["form_id", "default_language"])
    st.append(["lang_form", "Français (fr)"])
    wb.save(tmp_path / "lang.xlsx")
    conversion = convert_xlsform(tmp_path / "lang.xlsx")
    assert conversion.findings == []  # nothing about languages is dropped any more
    form = conversion.form
    assert form["languages"] == {"fr": "Français (fr)", "mis-tibetan": "Tibetan"}
    crop, fr_only, _ = form["fields"]
    assert crop["label"] == {"zh": "作物", "en": "Crop", "fr": "Culture", "mis-tibetan": "ལོ་ཏོག"}
    # only French: the default language stands in for Chinese and English
    assert fr_only["label"] == {"zh": "Remarque", "en": "Remarque", "fr": "Remarque"}
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "lang_form.yaml").write_text(
        yaml.safe_dump(form, allow_unicode=True), encoding="utf-8"
    )
    library = FormLibrary(folder)
    assert library.check() == []
    s = FormSession(library.survey("lang_form"), today=TODAY)
    assert s.languages() == [("zh", "中文"), ("en", "English"), ("fr", "Français (fr)"),
                             ("mis-tibetan", "Tibetan")]  # fmt: skip
    s.set_value("crop", "rice")
    assert s.value("crop_name") == "水稻"
    s.set_language("fr")
    assert s.value("crop_name") == "Riz"  # jr:choice-name follows the form language
    [row] = [r for r in s.rows("lang_form") if r.path == "crop"]
    assert row.label.get("fr") == "Culture" and row.label.get("mis-tibetan") == "ལོ་ཏོག"
    assert row.display.get("fr") == "Riz"
    assert s.choices("crop")[0].label.get("fr") == "Riz"


def test_pyxform_aliases_and_the_phone_number_type(tmp_path: Path) -> None:
    s, conv = imported(tmp_path, [
        {"type": "gps", "name": "where", "label": "Where"},
        {"type": "date time", "name": "when", "label": "When"},
        {"type": "uri:deviceid", "name": "device"},
        {"type": "phone number", "name": "phone", "label": "Phone"},
        {"type": "begin_repeat", "name": "pair", "label": "Pair", "repeat_count": "2"},
        {"type": "text", "name": "who", "label": "Who"},
        {"type": "end_repeat"},
    ], device_id="dev-9")  # fmt: skip
    types = {f["name"]: f["type"] for f in conv.form["fields"]}
    assert types == {"where": "geopoint", "when": "datetime", "device": "deviceid", "phone": "text",
                     "pair": "repeat"}  # fmt: skip
    assert s.value("device") == "dev-9"
    assert len(s.instances("pair")) == 2  # a number as repeat_count (pyxform's ${pair_count})
    # pyxform's phone number: digits only (regex '^\d*$'), and Java's \d is ASCII only
    s.set_value("phone", "13800138000")
    assert s.issues("phone") == []
    s.set_value("phone", "１３８")  # full-width digits: not \d in Java
    assert [i.code for i in s.issues("phone")] == ["constraint"]
    [phone] = [r for r in s.rows("real_form") if r.path == "phone"]
    assert phone.hint is not None and phone.hint.en == "Enter numbers only."


def test_an_acknowledged_trigger_reads_ok_as_in_javarosa(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, [
        {"type": "trigger", "name": "seen", "label": "Seen"},
        {"type": "calculate", "name": "text", "calculation": "string(${seen})"},
        {"type": "calculate", "name": "is_x", "calculation": "${seen} = 'x'"},
        {"type": "calculate", "name": "is_ok", "calculation": "${seen} = 'OK'"},
    ])  # fmt: skip
    s.set_value("seen", True)
    # the trigger control stores the string 'OK' (JavaRosa's TriggerWidget), compared as text
    assert (s.value("text"), s.value("is_x"), s.value("is_ok")) == ("OK", False, True)


@pytest.mark.parametrize(
    "row",
    [
        {"type": "select_one_from_file ../secret.csv", "name": "v", "label": "V"},
        {"type": "select_one_from_file C:secret.csv", "name": "v", "label": "V"},
        {"type": "calculate", "name": "v", "calculation": "pulldata('../secret', 'a', 'b', 'c')"},
        {"type": "calculate", "name": "v", "calculation": "pulldata('..\\secret', 'a', 'b', 'c')"},
    ],
)
def test_a_data_file_name_cannot_leave_the_workbooks_folder(tmp_path: Path, row: dict) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.csv").write_text("name,label,a,b\nx,y,z,c\n", encoding="utf-8")
    conversion = convert_xlsform(
        workbook(inner, [row, {"type": "text", "name": "t", "label": "T"}])
    )
    [refused] = conversion.unsupported
    assert "is not a plain name" in refused.text.en
    assert "tables" not in conversion.form


def test_a_search_appearance_is_refused_not_drawn_from_the_choices_sheet(tmp_path: Path) -> None:
    header_rows = [
        {"type": "select_one crop", "name": "crop", "label": "Crop"},
        {"type": "text", "name": "t", "label": "T"},
    ]
    wb_path = workbook(
        tmp_path, header_rows, [["list_name", "name", "label"], ["crop", "rice", "Rice"]]
    )
    wb = openpyxl.load_workbook(wb_path)
    ws = wb["survey"]
    ws.cell(row=1, column=len(HEADER) + 1, value="appearance")
    ws.cell(row=2, column=len(HEADER) + 1, value="search('crops')")
    wb.save(wb_path)
    [refused] = convert_xlsform(wb_path).unsupported
    assert refused.name == "crop" and "search()" in refused.text.en


def test_a_data_files_label_languages_join_the_forms(tmp_path: Path) -> None:
    (tmp_path / "crops.csv").write_text(
        "name,label::English (en),label::Français (fr),label::Chinese (zh)\nrice,Rice,Riz,水稻\n",
        encoding="utf-8",
    )
    rows = [
        {"type": "select_one_from_file crops.csv", "name": "crop", "label": "Crop"},
        {"type": "text", "name": "t", "label": "T"},
    ]
    s, conv = imported(tmp_path, rows)
    assert conv.form["languages"] == {"fr": "Français (fr)"}
    assert conv.form["tables"]["crops"]["columns"] == [
        "name",
        "label::en",
        "label::fr",
        "label::zh",
    ]
    [rice] = s.choices("crop")
    assert (rice.label.get("zh"), rice.label.get("en"), rice.label.get("fr")) == (
        "水稻",
        "Rice",
        "Riz",
    )
    assert rice.extra == {}  # the label columns are labels, not choice columns


def test_indexed_repeat_through_nested_repeats_and_a_trigger_that_clears(tmp_path: Path) -> None:
    s, _ = imported(tmp_path, [
        {"type": "begin_repeat", "name": "plot", "label": "Plot"},
        {"type": "begin_repeat", "name": "crop", "label": "Crop"},
        {"type": "text", "name": "cname", "label": "Name"},
        {"type": "end_repeat"},
        {"type": "end_repeat"},
        {"type": "calculate", "name": "pick", "calculation": "indexed-repeat(${cname}, ${plot}, 2, ${crop}, 1)"},
        {"type": "integer", "name": "n", "label": "N"},
        {"type": "text", "name": "why", "label": "Why", "trigger": "${n}"},  # no calculation
    ])  # fmt: skip
    plots = [s.add_instance("plot") for _ in range(2)]
    for i, p in enumerate(plots):
        for j in range(2):
            key = s.add_instance("crop", within=f"plot[{p}]")
            s.set_value(f"plot[{p}]/crop[{key}]/cname", f"p{i + 1}c{j + 1}")
    assert s.value("pick") == "p2c1"  # the second plot's first crop
    s.set_value("why", "because")
    s.set_value("n", 3)  # pyxform: a trigger without a calculation sets the field to ''
    assert s.value("why") is None


def test_a_default_reading_another_answer_is_said_to_differ_in_timing(tmp_path: Path) -> None:
    """ODK computes a dynamic default once at form load; here when the question is first shown.
    A default that reads another answer can therefore differ, and the import says so at that field;
    a default from functions alone reads no answer and is not flagged."""
    s, conv = imported(tmp_path, [
        {"type": "integer", "name": "a", "label": "A"},
        {"type": "integer", "name": "b", "label": "B", "default": "${a} + 1", "relevant": "${a} > 0"},
        {"type": "text", "name": "t", "label": "T", "default": "concat('村', '委')"},
    ])  # fmt: skip
    assert [f.name for f in conv.differences] == ["b"]
    assert "ODK Collect computes it once when the form is opened" in conv.differences[0].text.en
    s.set_value("a", 4)  # b is shown now: its default reads a at this moment
    assert s.value("b") == 5
