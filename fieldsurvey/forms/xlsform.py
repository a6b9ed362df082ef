"""Import a standard XLSForm (survey, choices and settings sheets) as a project form.

pyxform reads the workbook and normalises it (aliases, groups, repeats, translations);
``xlsform_rows.py`` maps that survey dict onto the project's format and lists, with the sheet
row, every XLSForm feature the engine does not support. Nothing is dropped silently: without
``allow_unsupported`` an unsupported feature stops the import; with it the affected fields (and
fields whose rules depend on them) are left out and listed. Layout-only features (appearance,
media, metadata such as start/end) are listed as ignored. The result is loaded and checked as
the engine will run it before anything is written.

The workbook is read within bounds whatever the file (docs/security-limits.md): at most
``MAX_FILE`` bytes of a regular file, an .xlsx checked by ``core.xlsx_guard`` before pyxform's
openpyxl opens it, and groups and repeats nested at most ``MAX_NESTING`` deep — counted on the
rows before pyxform builds its tree, since pyxform and the conversion recurse once per level.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform import xls2json, xls2json_backends
from pyxform.errors import PyXFormError

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook
from fieldsurvey.forms.compile import compile_survey
from fieldsurvey.forms.loader import NAME_RE, load_definition
from fieldsurvey.forms.model import FORMAT_VERSION, FormDef
from fieldsurvey.forms.source import located
from fieldsurvey.forms.xlsform_map import MAX_FILE, MAX_NESTING, XLSFORM
from fieldsurvey.forms.xlsform_rows import Finding, RowConverter

__all__ = ["Conversion", "Finding", "convert_xlsform"]

LIMITS = WorkbookLimits(file=MAX_FILE, sheet=64 * MIB, part=32 * MIB, total=128 * MIB, rows=100_000)
# pyxform's own begin/end patterns (xls2json.RE_BEGIN_CONTROL …), leniently: any case, any spacing.
_BEGIN = re.compile(r"^\s*begin[\s_]+(group|lgroup|repeat|loop|looped group)\b", re.IGNORECASE)
_END = re.compile(r"^\s*end[\s_]+(group|lgroup|repeat|loop|looped group)\s*$", re.IGNORECASE)


@dataclass
class Conversion:
    form: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def unsupported(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def ignored(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def _check_nesting(rows: list[dict[str, Any]]) -> None:
    depth = 0
    for i, row in enumerate(rows, start=2):  # row 1 is the header
        kind = str(row.get("type") or "")
        if _BEGIN.match(kind):
            depth += 1
            if depth > MAX_NESTING:
                raise UserError(
                    Text(
                        f"XLSForm 有误:survey 第{i}行,分组和重复组嵌套超过{MAX_NESTING}层",
                        f"the XLSForm has an error: survey row {i}, groups and repeats are nested deeper than {MAX_NESTING} levels",
                    ),
                    code="bad_xlsform",
                )
        elif _END.match(kind):
            depth = max(depth - 1, 0)


def _read(path: Path) -> tuple[Any, dict[str, Any], list[str]]:
    warnings: list[str] = []
    data = read_limited(path, MAX_FILE, XLSFORM)
    if data[:4] == b"PK\x03\x04":  # an .xlsx (a zip): its parts are checked before openpyxl inflates them
        check_workbook(data, LIMITS, XLSFORM)
    suffix = path.suffix.lower()
    file_type = suffix if suffix in {t.value for t in xls2json_backends.SupportedFileTypes} else None
    try:
        definition = xls2json_backends.get_xlsform(io.BytesIO(data), file_type=file_type)
        _check_nesting(definition.survey or [])
        survey = xls2json.workbook_to_json(
            definition, fallback_form_name=path.stem, warnings=warnings
        )
    except PyXFormError as e:
        raise UserError(
            Text(f"XLSForm 有误:{e}", f"the XLSForm has an error: {e}"), code="bad_xlsform"
        ) from None
    except (OSError, ValueError, KeyError, RecursionError) as e:
        raise UserError(
            Text(
                f"无法读取 XLSForm 工作簿({type(e).__name__})",
                f"cannot read the XLSForm workbook ({type(e).__name__})",
            ),
            code="bad_xlsform",
        ) from None
    return definition, survey, warnings


def convert_xlsform(path: Path, *, allow_unsupported: bool = False) -> Conversion:
    """The project-format form for an XLSForm workbook, with everything not carried over."""
    definition, survey, _ = _read(path)
    conv = RowConverter(definition.survey or [])
    for sheet in ("entities", "external_choices", "osm"):
        if getattr(definition, sheet, None):
            conv.note(
                None,
                None,
                Text(f"{sheet} 工作表不受支持", f"the {sheet} sheet is not supported"),
                True,
                sheet,
            )
    fields = [
        f for f in (conv.element(c, None) for c in survey.get("children", [])) if f is not None
    ]
    choices = conv.choices(survey.get("choices") or {})
    for lang in sorted(conv.languages):
        conv.note(
            None,
            None,
            Text(
                f"语言“{lang}”的翻译未导入(只导入中文和英文)",
                f"translations in '{lang}' are not imported (only Chinese and English)",
            ),
            False,
        )
    form_id = str(survey.get("id_string") or path.stem)
    if not NAME_RE.match(form_id):
        form_id = "form_" + "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in form_id)
    version = str(survey.get("version") or "1")
    title = survey.get("title") or form_id
    for key in ("instance_name", "public_key", "submission_url", "style"):
        if survey.get(key):
            conv.note(None, key, Text("此设置被忽略", "this setting is ignored"), False, "settings")
    dropped: list[str] = []
    if allow_unsupported:
        dropped = conv.drop_unsupported(fields)
    form = {
        "format": FORMAT_VERSION,
        "kind": "form",
        "id": form_id,
        "version": version,
        "title": {"zh": str(title), "en": str(title)},
        "description": {
            "zh": f"由 XLSForm {path.name} 导入",
            "en": f"imported from the XLSForm {path.name}",
        },
        "choices": {k: v for k, v in choices.items() if _used(k, fields)},
        "fields": fields,
    }
    if not form["choices"]:
        del form["choices"]
    result = Conversion(form, conv.findings, dropped)
    if not conv.bad or allow_unsupported:
        _verify(result, conv, path)
    return result


def _used(list_name: str, fields: list[dict[str, Any]]) -> bool:
    for f in fields:
        if f.get("choices") == list_name or ("fields" in f and _used(list_name, f["fields"])):
            return True
    return False


def _verify(result: Conversion, conv: RowConverter, path: Path) -> None:
    """Load and check the converted form as the engine will; its errors become findings."""
    definition, diags = load_definition(located(result.form), path.name)
    if isinstance(definition, FormDef) and not any(d.is_error for d in diags):
        diags += compile_survey([definition])[1]
    for d in diags:
        if d.is_error:
            name = (d.field or "").rsplit("/", 1)[-1] or None
            detail = Text(
                f"{d.attribute or ''} {d.text.zh}".strip(),
                f"{d.attribute + ': ' if d.attribute else ''}{d.text.en}",
            )
            if d.col is not None:
                detail = Text(f"{detail.zh}(第{d.col}列)", f"{detail.en} (col {d.col})")
            result.findings.append(
                Finding("survey", conv.row_of.get(name or ""), name, detail, True)
            )
