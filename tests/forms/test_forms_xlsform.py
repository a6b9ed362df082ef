"""XLSForm import: a workbook made with openpyxl, as a county author would make it in Excel,
converts into the project's format and runs in a FormSession; what the engine cannot do is
listed with its row, never dropped silently."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml

from fieldsurvey.core.errors import UserError
from fieldsurvey.forms import FormLibrary, FormSession
from fieldsurvey.forms.xlsform import convert_xlsform

TODAY = date(2024, 6, 15)
SURVEY_HEADER = [
    "type", "name", "label::Chinese (zh)", "label::English (en)", "hint::Chinese (zh)", "hint::English (en)",
    "required", "relevant", "constraint", "constraint_message::Chinese (zh)", "constraint_message::English (en)",
    "calculation", "choice_filter", "default",
]  # fmt: skip


def workbook(
    path: Path,
    survey: list[dict],
    choices: list[list],
    settings: dict | None = None,
    header: list[str] | None = None,
) -> Path:
    """Write an XLSForm: survey rows as dicts (missing columns empty), choices as rows."""
    header = header or SURVEY_HEADER
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(header)
    for row in survey:
        ws.append([row.get(col, "") for col in header])
    ch = wb.create_sheet("choices")
    for row in choices:
        ch.append(row)
    if settings:
        st = wb.create_sheet("settings")
        st.append(list(settings))
        st.append(list(settings.values()))
    wb.save(path)
    return path


FARM_SURVEY = [
    {"type": "text", "name": "village_head", "label::Chinese (zh)": "村负责人",
     "label::English (en)": "Village contact", "required": "yes"},
    {"type": "select_one township", "name": "township", "label::Chinese (zh)": "乡镇",
     "label::English (en)": "Township", "required": "yes"},
    {"type": "select_one village", "name": "village", "label::Chinese (zh)": "行政村",
     "label::English (en)": "Village", "choice_filter": "township=${township}"},
    {"type": "begin_group", "name": "livestock", "label::Chinese (zh)": "养殖", "label::English (en)": "Livestock"},
    {"type": "select_one yes_no", "name": "has_cattle", "label::Chinese (zh)": "是否养牛",
     "label::English (en)": "Keeps cattle"},
    {"type": "integer", "name": "cattle", "label::Chinese (zh)": "牛(头)", "label::English (en)": "Cattle (head)",
     "relevant": "${has_cattle} = 'yes'", "required": "yes", "constraint": ". > 0 and . <= 200",
     "constraint_message::Chinese (zh)": "头数应在1–200之间",
     "constraint_message::English (en)": "between 1 and 200 head"},
    {"type": "end_group"},
    {"type": "begin_repeat", "name": "plots", "label::Chinese (zh)": "地块", "label::English (en)": "Plots"},
    {"type": "text", "name": "plot_name", "label::Chinese (zh)": "地块名称", "label::English (en)": "Plot name"},
    {"type": "decimal", "name": "area", "label::Chinese (zh)": "面积(亩)",
     "label::English (en)": "Area (mu)", "required": "yes", "constraint": ". > 0"},
    {"type": "select_one crop", "name": "crop", "label::Chinese (zh)": "作物", "label::English (en)": "Crop"},
    {"type": "calculate", "name": "plot_value", "calculation": "${area} * if(${crop} = 'rice', 1200, 800)"},
    {"type": "end_repeat"},
    {"type": "calculate", "name": "total_area", "calculation": "sum(${area})"},
    {"type": "calculate", "name": "n_plots", "calculation": "count(${plots})"},
    {"type": "calculate", "name": "total_value", "calculation": "sum(${plot_value})"},
    {"type": "note", "name": "summary", "label::Chinese (zh)": "共 ${n_plots} 块地",
     "label::English (en)": "${n_plots} plots"},
    {"type": "date", "name": "surveyed_on", "label::Chinese (zh)": "调查日期",
     "label::English (en)": "Surveyed on", "default": "today()"},
]  # fmt: skip
FARM_CHOICES = [
    ["list_name", "name", "label::Chinese (zh)", "label::English (en)", "township"],
    ["township", "t1", "碾子镇", "Nianzi", ""],
    ["township", "t2", "渔渡镇", "Yudu", ""],
    ["village", "v11", "王家湾村", "Wangjiawan", "t1"],
    ["village", "v12", "石河村", "Shihe", "t1"],
    ["village", "v21", "渔渡坝村", "Yuduba", "t2"],
    ["yes_no", "yes", "是", "Yes", ""],
    ["yes_no", "no", "否", "No", ""],
    ["crop", "rice", "水稻", "Rice", ""],
    ["crop", "maize", "玉米", "Maize", ""],
]
FARM_SETTINGS = {
    "form_id": "county_farm",
    "version": "2024061501",
    "form_title": "县级产业调查",
    "default_language": "Chinese (zh)",
}


def import_and_open(tmp_path: Path, xlsx: Path, **kw: bool) -> FormSession:
    conversion = convert_xlsform(xlsx, **kw)
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    (folder / f"{conversion.form['id']}.yaml").write_text(
        yaml.safe_dump(conversion.form, allow_unicode=True), encoding="utf-8"
    )
    library = FormLibrary(folder)
    assert library.check() == []
    return FormSession(library.survey(conversion.form["id"]), today=TODAY)


def test_a_standard_xlsform_imports_and_runs(tmp_path: Path) -> None:
    xlsx = workbook(tmp_path / "farm.xlsx", FARM_SURVEY, FARM_CHOICES, FARM_SETTINGS)
    conversion = convert_xlsform(xlsx)
    assert conversion.unsupported == [] and conversion.ignored == []
    [today] = conversion.differences  # the default today() is the visit date here
    assert (today.row, today.name) == (19, "surveyed_on") and "visit date" in today.text.en
    form = conversion.form
    assert (form["id"], form["version"], form["title"]["zh"]) == (
        "county_farm",
        "2024061501",
        "县级产业调查",
    )
    cattle = form["fields"][3]["fields"][1]
    assert cattle["label"] == {"zh": "牛(头)", "en": "Cattle (head)"}
    assert cattle["constraint_message"] == {
        "zh": "头数应在1–200之间",
        "en": "between 1 and 200 head",
    }

    s = import_and_open(tmp_path, xlsx)
    assert s.form_id == "county_farm" and s.form_version == "2024061501"
    assert s.value("surveyed_on") == TODAY  # dynamic default today()
    # choice filter
    s.set_value("township", "t1")
    assert [c.name for c in s.choices("village")] == ["v11", "v12"]
    s.set_value("township", "t2")
    assert [c.label.zh for c in s.choices("village")] == ["渔渡坝村"]
    # skip logic, required, constraint with the workbook's message
    assert not s.is_relevant("cattle")
    s.set_value("has_cattle", "yes")
    assert [i.code for i in s.issues("cattle")] == ["required"]
    s.set_value("cattle", 500)
    assert [i.text.en for i in s.issues("cattle")] == ["between 1 and 200 head"]
    s.set_value("cattle", 3)
    # a repeat with calculations inside and sums over it
    for name, area, crop in (("东坡", 2.5, "rice"), ("河滩", 1.5, "maize")):
        key = s.add_instance("plots")
        s.set_value(f"plots[{key}]/plot_name", name)
        s.set_value(f"plots[{key}]/area", area)
        s.set_value(f"plots[{key}]/crop", crop)
    assert (s.value("total_area"), s.value("n_plots"), s.value("total_value")) == (4, 2, 4200)
    note = next(r for r in s.rows("county_farm") if r.path == "summary")
    assert (note.label.zh, note.label.en) == ("共 2 块地", "2 plots")
    s.set_value("village_head", "王主任")
    assert s.finalize_check().ok
    s.set_value("has_cattle", "no")
    assert "cattle" not in s.answers()


UNSUPPORTED = [
    {"type": "phonenumber", "name": "phone"},
    {"type": "text", "name": "farmer", "label::Chinese (zh)": "农户", "label::English (en)": "Farmer"},
    {"type": "audio", "name": "recording", "label::Chinese (zh)": "录音", "label::English (en)": "Recording"},
    {"type": "integer", "name": "minutes", "label::Chinese (zh)": "时长",
     "label::English (en)": "Minutes", "relevant": "${recording} != ''"},
    {"type": "calculate", "name": "price", "calculation": "pulldata('prices', 'price', 'crop', 'rice')"},
    {"type": "select_one_from_file villages.geojson", "name": "village",
     "label::Chinese (zh)": "村", "label::English (en)": "Village"},
    {"type": "select_one yes_no", "name": "organic", "label::Chinese (zh)": "有机", "label::English (en)": "Organic"},
    {"type": "calculate", "name": "organic_root", "calculation": "sqrt(${n})"},
    {"type": "integer", "name": "n", "label::Chinese (zh)": "户数", "label::English (en)": "Households"},
    {"type": "begin_repeat", "name": "families", "label::Chinese (zh)": "农户",
     "label::English (en)": "Families", "repeat_count": "${n}"},
    {"type": "text", "name": "family", "label::Chinese (zh)": "户名",
     "label::English (en)": "Family", "relevant": "${organic_root} > 1"},
    {"type": "end_repeat"},
]  # fmt: skip


def odd_workbook(tmp_path: Path) -> Path:
    """A workbook of the ``UNSUPPORTED`` rows with a yes/no list."""
    return workbook(
        tmp_path / "odd.xlsx",
        UNSUPPORTED,
        [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]],
        header=[*SURVEY_HEADER, "repeat_count"],
    )


def test_unsupported_features_are_listed_with_their_row(tmp_path: Path) -> None:
    xlsx = odd_workbook(tmp_path)
    conversion = convert_xlsform(xlsx)
    found = [(f.row, f.name, f.blocking, f.text.en) for f in conversion.findings]
    assert found == [
        (
            2,
            "phone",
            False,
            "metadata type phonenumber is ignored (a laptop has no phone number or SIM)",
        ),
        (4, "recording", True, "type audio is not supported"),
        (
            6,
            "price",
            True,
            "the file prices.csv is not beside the workbook (put the form's media files in the"
            " workbook's folder)",
        ),
        (
            7,
            "village",
            True,
            "choices from the file villages.geojson are not supported (only .csv and .xml)",
        ),
        (9, "organic_root", True, "function sqrt() in calculation is not supported"),
    ]
    assert conversion.dropped == []
    assert (
        conversion.findings[1].message("zh") == "[survey 第4行 'recording'] 字段类型 audio 不受支持"
    )


def test_allow_unsupported_drops_them_and_what_depends_on_them(tmp_path: Path) -> None:
    xlsx = odd_workbook(tmp_path)
    conversion = convert_xlsform(xlsx, allow_unsupported=True)
    assert conversion.dropped == [
        "recording",
        "minutes",
        "price",
        "village",
        "organic_root",
        "family",
    ]
    names = [f["name"] for f in conversion.form["fields"]]
    assert names == ["farmer", "organic", "n", "families"]
    s = import_and_open(tmp_path, xlsx, allow_unsupported=True)
    s.set_value("organic", "yes")
    s.set_value("n", 2)  # repeat_count: two entries, made by the form
    assert [len(s.instances("families"))] == [2]
    assert {k: v for k, v in s.answers().items() if k != "families"} == {"organic": "yes", "n": 2}


def test_an_unreadable_workbook_is_a_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(UserError) as e:
        convert_xlsform(bad)
    assert e.value.text.zh and e.value.text.en


def test_references_the_engine_cannot_resolve_are_reported_at_their_row(tmp_path: Path) -> None:
    rows = [
        {"type": "integer", "name": "a", "label::Chinese (zh)": "甲", "label::English (en)": "A"},
        {
            "type": "calculate",
            "name": "b",
            "calculation": "${a} + sum(${a}) + string-length(${a}) + round(1, 2, 3)",
        },
    ]
    xlsx = workbook(tmp_path / "r.xlsx", rows, [["list_name", "name", "label"]])
    conversion = convert_xlsform(xlsx)
    [finding] = conversion.unsupported
    assert finding.row == 3 and finding.name == "b"
    assert "round() takes 1–2 arguments, got 3" in finding.text.en and "col" in finding.text.en


def _rows_and_findings(conversion) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(f.row, f.name, f.blocking, f.text.en) for f in conversion.findings]


@pytest.mark.parametrize(
    "spelling",
    [
        "select_one crop or_other",
        "select one crop or specify other",
        "select_one crop or other",
        "select one from crop or specify other",
    ],
)
def test_or_other_brings_the_other_choice_and_its_text_field(tmp_path: Path, spelling: str) -> None:
    # pyxform (xls2json.RE_SELECT, specify_other) appends the choice 'other' (label 'Other') to
    # the list and adds a text field '<name>_other', 'Specify other.', relevant
    # selected(../<name>, 'other'); the import carries both over, nothing is dropped.
    rows = [
        {"type": spelling, "name": "crop", "label::English (en)": "Crop"},
        {"type": "integer", "name": "mu", "label::English (en)": "Area"},
    ]
    choices = [["list_name", "name", "label::English (en)"], ["crop", "rice", "Rice"]]
    xlsx = workbook(tmp_path / "other.xlsx", rows, choices)
    conversion = convert_xlsform(xlsx)
    assert conversion.unsupported == []
    names = [f["name"] for f in conversion.form["fields"]]
    assert names == ["crop", "crop_other", "mu"]
    s = import_and_open(tmp_path, xlsx)
    assert [c.name for c in s.choices("crop")] == ["rice", "other"]
    assert not s.is_relevant("crop_other")
    s.set_value("crop", "other")
    assert s.is_relevant("crop_other")
    row = next(r for r in s.rows(conversion.form["id"]) if r.path == "crop_other")
    assert row.label.en == "Specify other."
    s.set_value("crop_other", "millet")
    assert s.answers() == {"crop": "other", "crop_other": "millet"}
    s.set_value("crop", "rice")
    assert "crop_other" not in s.answers()


def test_headers_are_read_as_pyxform_reads_them(tmp_path: Path) -> None:
    # pyxform (parsing/sheet_headers.py, aliases.survey_header): header case does not matter,
    # 'value' is 'name', 'Required_Message::English (en)' is the required message in English.
    header = ["TYPE", "Value", "Label::English (en)", "label::Chinese (zh)", "Required",
              "Required_Message::English (en)", "required_message::Chinese (zh)", "Relevance"]  # fmt: skip
    rows = [
        {"TYPE": "integer", "Value": "age", "Label::English (en)": "Age", "label::Chinese (zh)": "年龄"},
        {"TYPE": "text", "Value": "school", "Label::English (en)": "School",
         "label::Chinese (zh)": "学校", "Required": "yes", "Relevance": "${age} < 18",
         "Required_Message::English (en)": "Which school?", "required_message::Chinese (zh)": "哪所学校?"},
    ]  # fmt: skip
    xlsx = workbook(tmp_path / "h.xlsx", rows, [["list_name", "name", "label"]], header=header)
    conversion = convert_xlsform(xlsx)
    assert conversion.findings == []
    school = conversion.form["fields"][1]
    assert school["required_message"] == {"zh": "哪所学校?", "en": "Which school?"}
    assert school["relevant"] == "${age} < 18" and school["required"] is True
    s = import_and_open(tmp_path, xlsx)
    s.set_value("age", 12)
    assert [i.text.en for i in s.issues("school")] == ["Which school?"]


def test_columns_odk_would_use_are_refused_never_ignored(tmp_path: Path) -> None:
    header = [*SURVEY_HEADER, "bind::odk:length", "body::accuracyThreshold", "instance::odk:tag",
              "body::rows", "notes"]  # fmt: skip
    rows = [
        {"type": "text", "name": "a", "label::English (en)": "A", "bind::odk:length": "5"},
        {"type": "text", "name": "b", "label::English (en)": "B", "body::accuracyThreshold": "5"},
        {"type": "text", "name": "c", "label::English (en)": "C", "instance::odk:tag": "x"},
        {"type": "text", "name": "d", "label::English (en)": "D", "body::rows": "3",
         "notes": "asked at the door"},
    ]  # fmt: skip
    xlsx = workbook(tmp_path / "cols.xlsx", rows, [["list_name", "name", "label"]], header=header)
    conversion = convert_xlsform(xlsx)
    assert _rows_and_findings(conversion) == [
        (2, "a", True, "column bind::odk:length is not supported"),
        (3, "b", True, "column body::accuracyThreshold is not supported"),
        (4, "c", True, "column instance::odk:tag is not supported"),
        (5, None, False,
         "column notes is not an XLSForm column; ODK does not use it either (ignored)"),
        (5, "d", False, "column body::rows is ignored (display only)"),
    ]  # fmt: skip
    dropped = convert_xlsform(xlsx, allow_unsupported=True)
    assert [f["name"] for f in dropped.form["fields"]] == ["d"]
    assert dropped.dropped == ["a", "b", "c"]


def test_deliberate_differences_are_said_per_field(tmp_path: Path) -> None:
    rows = [
        {"type": "decimal", "name": "low", "label::English (en)": "Lowest"},
        {"type": "calculate", "name": "worst", "calculation": "max(${low}, -1)"},
        {"type": "date", "name": "on", "label::English (en)": "On", "constraint": ". <= today()"},
    ]
    xlsx = workbook(tmp_path / "d.xlsx", rows, [["list_name", "name", "label"]])
    conversion = convert_xlsform(xlsx)
    assert conversion.unsupported == [] and conversion.ignored == []
    assert [(f.row, f.name) for f in conversion.differences] == [(3, "worst"), (4, "on")]
    assert "4.9E-324" in conversion.differences[0].text.en
    s = import_and_open(tmp_path, xlsx)
    s.set_value("low", -3)
    assert s.value("worst") == -1


def test_metadata_end_unlabelled_questions_and_odd_versions(tmp_path: Path) -> None:
    rows = [
        {"type": "simserial", "name": "sim"},  # metadata a laptop has no value for
        {
            "type": "integer",
            "name": "n",
            "hint::English (en)": "How many?",
        },  # no label: ODK allows it
        {"type": "note", "name": "done", "label::English (en)": "Card ${sim}"},
    ]
    xlsx = workbook(tmp_path / "m.xlsx", rows, [["list_name", "name", "label"]],
                    {"form_id": "meta_form", "version": "2024 06 (b)"})  # fmt: skip
    conversion = convert_xlsform(xlsx, allow_unsupported=True)
    assert conversion.unsupported == []
    found = {(f.row, f.name): f.text.en for f in conversion.findings}
    assert found[(2, "sim")].startswith("metadata type simserial is ignored")
    assert found[(3, "n")] == "no label in the workbook: its hint or its name is shown as its label"
    assert found[(4, "done")] == "the label showed the dropped field ${sim}; it shows '…' instead"
    assert found[(None, "version")].startswith("version '2024 06 (b)' is written as '2024_06__b'")
    assert conversion.form["fields"][0]["label"] == {"zh": "How many?", "en": "How many?"}
