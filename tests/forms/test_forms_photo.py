"""The photo field type: limits, required, relevance, caption, kind; XLSForm image questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from fieldsurvey.core.errors import UserError
from fieldsurvey.forms import FormLibrary, FormSession
from fieldsurvey.forms.xlsform import convert_xlsform
from tests.forms.test_forms_xlsform import workbook

A, B, C = "a" * 64, "b" * 64, "c" * 64

FORM = {
    "format": 1,
    "id": "evidence",
    "version": "1",
    "title": {"zh": "证据", "en": "Evidence"},
    "fields": [
        {"name": "renovated", "type": "boolean", "label": {"zh": "已改造", "en": "renovated"}},
        {
            "name": "after_photos",
            "type": "photo",
            "kind": "house_exterior",
            "label": {"zh": "改造后", "en": "after"},
            "caption": {"zh": "改造后", "en": "after renovation"},
            "min_count": 1,
            "max_count": 2,
            "required": True,
            "relevant": "${renovated}",
        },
        {"name": "n_after", "type": "calculate", "calculation": "count-selected(${after_photos})"},
    ],
}


def _library(tmp_path: Path, form: dict) -> FormLibrary:
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    (folder / f"{form['id']}.yaml").write_text(
        yaml.safe_dump(form, allow_unicode=True), encoding="utf-8"
    )
    return FormLibrary(folder)


def test_photo_field_counts_required_and_relevance(tmp_path: Path) -> None:
    lib = _library(tmp_path, FORM)
    assert lib.check() == []
    survey = lib.survey("evidence")
    fld = survey.elements["after_photos"]
    assert fld.kind == "house_exterior" and fld.caption.zh == "改造后"
    s = FormSession(survey, today=date(2026, 5, 4))
    assert not s.is_relevant("after_photos")
    s.set_value("renovated", True)
    assert [i.code for i in s.finalize_check().errors] == ["required"]
    s.set_value("after_photos", [{"photo": A, "caption": "东面"}, B, A])  # A once
    assert s.value("after_photos") == [{"photo": A, "caption": "东面"}, {"photo": B}]
    assert s.value("n_after") == 2
    assert s.finalize_check().errors == []
    s.set_value("after_photos", [A, B, C])
    assert [i.code for i in s.finalize_check().errors] == ["max_count"]
    with pytest.raises(UserError):
        s.set_value("after_photos", ["not a hash"])
    s.set_value("after_photos", [A])
    saved = s.answers()
    assert saved["after_photos"] == [{"photo": A}]
    s2 = FormSession(survey, answers=saved, today=date(2026, 5, 4))
    assert s2.value("after_photos") == [{"photo": A}]


def test_photo_keys_are_checked(tmp_path: Path) -> None:
    bad = {
        **FORM,
        "fields": [
            {
                "name": "p",
                "type": "photo",
                "label": "p",
                "kind": "selfie",
                "min_count": 3,
                "max_count": 1,
            },
            {"name": "t", "type": "text", "label": "t", "kind": "household"},
        ],
    }
    codes = sorted(d.code for d in _library(tmp_path, bad).check())
    assert codes == ["bad_count", "photo_key", "photo_kind"]


def test_xlsform_image_and_photo_questions_import_as_photo_fields(tmp_path: Path) -> None:
    survey = [
        {
            "type": "image",
            "name": "house_photo",
            "label::Chinese (zh)": "住房照片",
            "label::English (en)": "House photo",
            "required": "yes",
        },
        {
            "type": "photo",
            "name": "water_pic",
            "label::Chinese (zh)": "水源",
            "label::English (en)": "Water source",
        },
        {
            "type": "image",
            "name": "sig",
            "label::Chinese (zh)": "签名",
            "label::English (en)": "Signature",
        },
    ]
    header = [
        "type",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
        "required",
        "appearance",
    ]
    survey[2]["appearance"] = "signature"
    xlsx = workbook(
        tmp_path / "p.xlsx",
        survey,
        [["list_name", "name", "label"]],
        {"form_id": "pics", "version": "1"},
        header=header,
    )
    conversion = convert_xlsform(xlsx, allow_unsupported=True)
    fields = {f["name"]: f for f in conversion.form["fields"]}
    assert (
        fields["house_photo"]["type"] == "photo"
        and fields["house_photo"]["kind"] == "house_exterior"
    )
    assert fields["house_photo"]["max_count"] == 1 and fields["house_photo"]["required"] is True
    assert fields["water_pic"]["kind"] == "water_source"
    assert "sig" not in fields and any("signature" in f.text.en for f in conversion.unsupported)
    assert any("photo kind" in f.text.en for f in conversion.differences)
    lib = _library(tmp_path, conversion.form)
    assert lib.check() == []
