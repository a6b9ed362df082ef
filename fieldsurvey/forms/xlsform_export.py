"""Writing a project form as an XLSForm workbook, so a county can edit a shipped form in Excel.

The workbook is a standard XLSForm (survey, choices, settings; ``label::Chinese (zh)`` and
``label::English (en)``) that pyxform reads; what XLSForm has no column for travels in
``fieldsurvey::…`` columns and ``fieldsurvey_…`` settings, which pyxform passes through and
ODK ignores: the real type of a ``boolean`` or ``id_number`` field (its XLSForm type is the
nearest one, ``text``), units, warnings, bound repeats, code lists, parameters, checks and the
form's expression rules (``semantics``). ``import-xlsform`` reads them back, so exporting and
importing gives the same form (the tests check it for every shipped form).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_sheets import column_widths, dress
from fieldsurvey.forms.diagnostics import errors_in
from fieldsurvey.forms.loader import load_definition
from fieldsurvey.forms.model import FormDef
from fieldsurvey.forms.source import read_source

ZH, EN = "Chinese (zh)", "English (en)"
TEXT_COLUMNS = ("label", "hint", "required_message", "constraint_message")
SURVEY_COLUMNS = [
    "type", "name", f"label::{ZH}", f"label::{EN}", f"hint::{ZH}", f"hint::{EN}", "required",
    f"required_message::{ZH}", f"required_message::{EN}", "relevant", "constraint",
    f"constraint_message::{ZH}", f"constraint_message::{EN}", "calculation", "choice_filter",
    "default", "read_only", "appearance", "parameters", "repeat_count", "trigger",
]  # fmt: skip
# Field keys without an XLSForm column: JSON in a fieldsurvey:: column.
EXTRA_KEYS = (
    "type", "choices", "warning", "warning_message", "unit", "id_type", "default",
    "dynamic_default", "repeat_over", "instance_label", "min_count", "max_count", "label",
    "hint", "required", "relevant", "constraint", "calculation", "choice_filter",
    "required_message", "constraint_message", "range", "trigger", "count", "read_only",
    "choice_columns", "kind", "caption",
)  # fmt: skip
SMART_QUOTES = "\u201c\u201d\u2018\u2019"  # pyxform straightens these in every cell it reads
# Keys whose ${…} pyxform checks against the workbook's own names: a reference to a field of
# another form (``uses``) moves them to the fieldsurvey:: column.
REFERENCING = (
    "label",
    "hint",
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "required",
)
REF = re.compile(r"\$\{([^}]*)\}")
# XLSForm stand-ins for the project's own types, for ODK tools that open the workbook.
STAND_INS = {"boolean": "text", "id_number": "text", "disability_cert": "text", "photo": "image"}
XLSFORM_TYPES = {"datetime": "dateTime"}  # the project's name → XLSForm's spelling
FORM_SETTINGS = (
    "semantics", "title", "description", "uses", "parameters", "checks", "tables", "languages",
)  # fmt: skip


def export_xlsform(form_file: Path, out: Path) -> dict[str, Any]:
    """Write ``form_file`` as an XLSForm workbook at ``out``; returns the form's data."""
    data, diags = read_source(form_file)
    definition, more = (None, []) if data is None else load_definition(data, form_file.name)
    problems = errors_in(diags + more)
    if problems or not isinstance(definition, FormDef):
        first = problems[0].text if problems else Text("不是表单文件", "not a form file")
        raise UserError(
            Text(f"{form_file} 有误,无法导出:{first.zh}", f"{form_file} has errors: {first.en}"),
            code="bad_form",
        )
    raw = yaml.safe_load(form_file.read_text(encoding="utf-8"))
    wb = openpyxl.Workbook()
    survey = wb.worksheets[0]  # a new workbook's one sheet
    survey.title = "survey"
    survey.append([*SURVEY_COLUMNS, *(f"fieldsurvey::{k}" for k in EXTRA_KEYS)])
    lists: dict[str, list[dict[str, Any]]] = {}
    for name, items in (raw.get("choices") or {}).items():
        lists[str(name)] = [_choice(c) for c in items]
    _rows(survey, raw.get("fields") or [], definition, lists, _names(raw.get("fields") or []))
    _choices_sheet(wb.create_sheet("choices"), lists)
    settings = wb.create_sheet("settings")
    keys = ["form_id", "version", "form_title", "default_language"]
    values: list[Any] = [raw["id"], str(raw["version"]), _zh(raw.get("title")), ZH]
    raw.setdefault("semantics", "fieldsurvey")  # also marks the workbook as an export
    for key in FORM_SETTINGS:
        if raw.get(key) is not None:
            keys.append(f"fieldsurvey_{key}")
            values.append(_json(raw[key]))
    settings.append(keys)
    settings.append(values)
    # the sheet names are XLSForm's own (survey, choices, settings) and must stay so; the
    # header is kept in view and the columns sized for a person editing the form in Excel
    for ws in wb.worksheets:
        dress(ws, column_widths(ws.iter_rows(values_only=True)))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return raw


def _json(value: Any) -> str:
    """JSON with '$' escaped, so pyxform does not read ${…} inside as a reference."""
    text = json.dumps(value, ensure_ascii=False).replace("$", "\\u0024")
    for quote in SMART_QUOTES:
        text = text.replace(quote, f"\\u{ord(quote):04x}")
    return text


def _curly(value: Any) -> bool:
    texts = value.values() if isinstance(value, dict) else [value]
    return any(isinstance(t, str) and any(q in t for q in SMART_QUOTES) for t in texts)


def _cell(value: Any) -> str:
    """An extra choice column: text as it is (ODK filters compare it), other values as JSON."""
    return value if isinstance(value, str) else _json(value)


def _names(fields: list[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for f in fields:
        out.add(str(f.get("name")))
        out |= _names(f.get("fields") or [])
    return out


def _zh(text: Any) -> str:
    return str(text.get("zh") if isinstance(text, dict) else (text or ""))


def _texts(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("zh", "")), str(value.get("en", ""))
    return ("", "") if value is None else (str(value), str(value))


def _choice(item: dict[str, Any]) -> dict[str, Any]:
    return dict(item)


def _rows(
    ws: Any,
    fields: list[dict[str, Any]],
    definition: FormDef,
    lists: dict[str, list[Any]],
    names: set[str],
) -> None:
    for f in fields:
        ftype = f["type"]
        row: dict[str, Any] = {"name": f["name"]}
        extra: dict[str, Any] = {key: f[key] for key in REFERENCING if _foreign(f.get(key), names)}
        f = {k: v for k, v in f.items() if k not in extra}
        if "calculation" in extra:
            row["calculation"] = "''"  # XLSForm needs one; the real one reads another form
        for key in TEXT_COLUMNS:
            if key in f:
                if (key == "label" and not isinstance(f[key], dict)) or _curly(f[key]):
                    extra[key] = f[key]  # one text for both languages, or with “quotes”
                row[f"{key}::{ZH}"], row[f"{key}::{EN}"] = _texts(f[key])
        for key in ("relevant", "constraint", "calculation", "choice_filter", "appearance"):
            if f.get(key) is not None:
                row[key] = str(f[key])
        if f.get("required") is True:
            row["required"] = "yes"
        elif isinstance(f.get("required"), str):
            row["required"] = f["required"]
        if f.get("read_only") is True:
            row["read_only"] = "yes"
        elif isinstance(f.get("read_only"), str):
            row["read_only"] = f["read_only"]
            extra["read_only"] = f["read_only"]
        if isinstance(f.get("label"), dict) and set(f["label"]) - {"zh", "en"}:
            extra["label"] = f["label"]  # further languages travel whole
        if f.get("count") is not None:
            row["repeat_count"] = str(f["count"])
            extra["count"] = f["count"]
        if f.get("trigger"):
            row["trigger"] = " ".join(f"${{{t}}}" for t in f["trigger"])
            extra["trigger"] = f["trigger"]
        if isinstance(f.get("range"), dict):
            row["parameters"] = " ".join(f"{k}={v}" for k, v in f["range"].items())
            extra["range"] = f["range"]
        if f.get("choice_columns"):
            extra["choice_columns"] = f["choice_columns"]
        for key in ("warning", "warning_message", "unit", "id_type", "repeat_over",
                    "instance_label", "min_count", "max_count", "default", "dynamic_default", "kind",
                    "caption"):  # fmt: skip
            if f.get(key) is not None:
                extra[key] = f[key]
        if ftype in ("group", "repeat"):
            row["type"] = f"begin_{ftype}"
            _append(ws, row, extra)
            _rows(ws, f.get("fields") or [], definition, lists, names)
            _append(ws, {"type": f"end_{ftype}"}, {})
            continue
        choices = f.get("choices")
        if isinstance(choices, str) and choices.startswith("table:"):
            table = definition.tables[choices[6:]]
            row["type"] = f"{ftype}_from_file {table.name}"
        elif ftype in ("select_one", "select_multiple", "rank"):
            row["type"] = f"{ftype} {_list_for(f, definition, lists, extra)}"
        else:
            row["type"] = XLSFORM_TYPES.get(ftype, STAND_INS.get(ftype, ftype))
            if ftype in STAND_INS:
                extra["type"] = ftype
        _append(ws, row, extra)


def _foreign(value: Any, names: set[str]) -> bool:
    """Whether a text or expression reads a field this form does not hold."""
    texts = value.values() if isinstance(value, dict) else [value]
    return any(
        isinstance(t, str) and any(ref not in names for ref in REF.findall(t)) for t in texts
    )


def _list_for(
    f: dict[str, Any], definition: FormDef, lists: dict[str, list[Any]], extra: dict[str, Any]
) -> str:
    choices = f.get("choices")
    if isinstance(choices, str) and not choices.startswith("code:"):
        return choices
    assert isinstance(choices, (str, list))  # load_definition checked the select's choices
    field = next(e for e in definition.walk() if e.name == f["name"])
    source = getattr(field, "choices", None)
    name = f"{f['name']}_choices" if isinstance(choices, list) else choices.replace(":", "_")
    extra["choices"] = choices if isinstance(choices, str) else "inline"
    if isinstance(choices, list):
        lists[name] = [_choice(c) for c in choices]
    elif source is not None and name not in lists:  # a code list, written out for ODK tools
        lists[name] = [
            {"name": c.name, "label": {"zh": c.label.zh, "en": c.label.en}, **c.extra}
            for c in source.choices
        ]
    return name


def _append(ws: Any, row: dict[str, Any], extra: dict[str, Any]) -> None:
    cells = [row.get(col, "") for col in SURVEY_COLUMNS]
    cells += [_json(extra[k]) if k in extra else "" for k in EXTRA_KEYS]
    ws.append(cells)


def _choices_sheet(ws: Any, lists: dict[str, list[dict[str, Any]]]) -> None:
    extra_cols: list[str] = []
    for items in lists.values():
        for item in items:
            for key in item:
                if key not in ("name", "label") and key not in extra_cols:
                    extra_cols.append(key)
    ws.append(["list_name", "name", f"label::{ZH}", f"label::{EN}", "fieldsurvey_label",
               *extra_cols])  # fmt: skip
    for list_name, items in lists.items():
        for item in items:
            zh, en = _texts(item.get("label"))
            label = item.get("label")
            plain = isinstance(label, dict) and not _curly(label) and set(label) <= {"zh", "en"}
            single = "" if plain else _json(label)  # one text, “quotes” or further languages
            ws.append(
                [list_name, str(item["name"]), zh, en, single]
                + [_cell(item[k]) if k in item else "" for k in extra_cols]
            )
