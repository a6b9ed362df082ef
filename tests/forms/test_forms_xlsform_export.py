"""``forms export-xlsform``: a shipped form goes to Excel and comes back as the same form, so a
county can edit it in a spreadsheet; the workbook is a standard XLSForm pyxform reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.xlsform import convert_xlsform
from fieldsurvey.forms.xlsform_export import export_xlsform

SHIPPED = FormLibrary().root
TEXT_KEYS = {"label", "hint", "required_message", "constraint_message", "warning_message",
             "unit", "instance_label", "title", "description", "message"}  # fmt: skip


def canonical(value: Any, key: str = "") -> Any:
    """A form's data with every text as {zh, en} (one string stands for both languages)."""
    if key in TEXT_KEYS and isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, dict):
        return {k: canonical(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


@pytest.mark.parametrize(
    "form", sorted(p.stem for p in SHIPPED.glob("*.yaml") if p.stem != "household_visit")
)
def test_a_shipped_form_comes_back_from_excel_unchanged(tmp_path: Path, form: str) -> None:
    source = SHIPPED / f"{form}.yaml"
    xlsx = tmp_path / f"{form}.xlsx"
    export_xlsform(source, xlsx)
    conversion = convert_xlsform(xlsx)
    assert conversion.findings == []
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    original.setdefault("semantics", "fieldsurvey")  # the default, now said
    back, want = canonical(conversion.form), canonical(original)
    assert back.pop("fields") == want.pop("fields")
    assert back == want


def test_the_exported_workbook_keeps_its_header_in_view_and_sizes_its_columns(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    form = sorted(p for p in SHIPPED.glob("*.yaml") if p.stem != "household_visit")[0]
    xlsx = tmp_path / "form.xlsx"
    export_xlsform(form, xlsx)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "survey",
        "choices",
        "settings",
    ]  # XLSForm's names, which tools look for
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        header = [c for c in ws[1] if c.value]
        for cell in header:  # each header fits its column (two widths per Chinese character)
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= min(60, sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(cell.value))), (
                ws.title,
                cell.value,
            )
    label = [c.column_letter for c in wb["survey"][1] if str(c.value).startswith("label")][0]
    longest = max(
        len(str(v))
        for (v,) in wb["survey"].iter_rows(
            min_row=2,
            min_col=wb["survey"][label + "1"].column,
            max_col=wb["survey"][label + "1"].column,
            values_only=True,
        )
        if v
    )
    assert wb["survey"].column_dimensions[label].width >= min(60, longest)


def test_an_imported_form_round_trips_too(tmp_path: Path) -> None:
    from tests.forms.test_forms_xlsform import FARM_CHOICES, FARM_SETTINGS, FARM_SURVEY, workbook

    first = convert_xlsform(
        workbook(tmp_path / "farm.xlsx", FARM_SURVEY, FARM_CHOICES, FARM_SETTINGS)
    )
    written = tmp_path / "county_farm.yaml"
    written.write_text(yaml.safe_dump(first.form, allow_unicode=True), encoding="utf-8")
    export_xlsform(written, tmp_path / "again.xlsx")
    second = convert_xlsform(tmp_path / "again.xlsx")
    assert second.unsupported == []
    assert canonical(second.form) == canonical(first.form)  # semantics: odk kept


def test_export_xlsform_command(tmp_path: Path) -> None:
    from tests.forms.test_forms_cli import fieldsurvey

    out = tmp_path / "water.xlsx"
    run = fieldsurvey(
        "forms", "export-xlsform", str(SHIPPED / "water.yaml"), "--out", str(out), cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "form water version" in run.stdout and out.exists()
    back = fieldsurvey("forms", "import-xlsform", str(out), cwd=tmp_path)
    assert back.returncode == 0, back.stdout + back.stderr
    assert (tmp_path / "water.yaml").exists()
    again = fieldsurvey(
        "forms", "export-xlsform", str(SHIPPED / "water.yaml"), "--out", str(out), cwd=tmp_path
    )
    assert again.returncode == 2 and "--force" in again.stderr


def test_a_form_with_the_new_types_round_trips(tmp_path: Path) -> None:
    from tests.forms.test_forms_xlsform_features import REPEAT_ROWS, workbook

    (tmp_path / "villages.csv").write_text(
        "name,label\nv1,Wangjiawan\nv2,Shihe\n", encoding="utf-8"
    )
    rows = [
        {"type": "start", "name": "start"}, {"type": "end", "name": "end"},
        {"type": "deviceid", "name": "deviceid"},
        {"type": "time", "name": "t", "label": "T"}, {"type": "dateTime", "name": "dt", "label": "DT"},
        {"type": "geopoint", "name": "gp", "label": "GP"},
        {"type": "range", "name": "r", "label": "R", "parameters": "start=0 end=10 step=2"},
        {"type": "rank needs", "name": "rk", "label": "Rank"},
        {"type": "select_one_from_file villages.csv", "name": "v", "label": "V"},
        {"type": "calculate", "name": "p", "calculation": "pulldata('villages', 'label', 'name', ${v})"},
        {"type": "text", "name": "ro", "label": "RO", "read_only": "${r} > 4"},
        {"type": "integer", "name": "copy", "label": "Copy", "calculation": "${r} * 2", "trigger": "${r}"},
        *REPEAT_ROWS,
    ]  # fmt: skip
    choices = [
        ["list_name", "name", "label"],
        ["needs", "water", "Water"],
        ["needs", "road", "Road"],
    ]
    first = convert_xlsform(workbook(tmp_path, rows, choices))
    assert first.unsupported == []
    written = tmp_path / "real_form.yaml"
    written.write_text(yaml.safe_dump(first.form, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "excel" / "again.xlsx"  # no CSV beside it: the workbook carries the table
    export_xlsform(written, out)
    second = convert_xlsform(out)
    assert second.unsupported == []
    assert canonical(second.form) == canonical(first.form)


def test_further_languages_round_trip(tmp_path: Path) -> None:
    form = {
        "format": 1, "kind": "form", "id": "langs", "version": "1", "semantics": "odk",
        "title": {"zh": "多语", "en": "Languages"}, "languages": {"fr": "Français (fr)"},
        "choices": {"crop": [{"name": "rice", "label": {"zh": "水稻", "en": "Rice", "fr": "Riz"}}]},
        "fields": [{"name": "crop", "type": "select_one", "choices": "crop",
                    "label": {"zh": "作物", "en": "Crop", "fr": "Culture"}}],
    }  # fmt: skip
    written = tmp_path / "langs.yaml"
    written.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    export_xlsform(written, tmp_path / "langs.xlsx")
    back = convert_xlsform(tmp_path / "langs.xlsx")
    assert back.findings == []
    assert canonical(back.form) == canonical(form)
