"""Import a standard XLSForm (survey, choices and settings sheets) as a project form.

pyxform reads the workbook and normalises it (aliases, groups, repeats, translations);
``xlsform_rows.py`` maps that survey dict onto the project's format and lists, with the sheet
row, every XLSForm feature the engine does not support. Nothing is dropped silently: without
``allow_unsupported`` an unsupported feature stops the import; with it the affected fields (and
fields whose rules depend on them) are left out and listed. Layout-only features (appearance,
media, metadata such as start/end) are listed as ignored. The result is loaded and checked as
the engine will run it before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform import aliases, xls2json, xls2json_backends
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import dealias_and_group_headers
from pyxform.question import MultipleChoiceQuestion

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.forms.compile import compile_survey
from fieldsurvey.forms.loader import NAME_RE, load_definition
from fieldsurvey.forms.model import FORMAT_VERSION, FormDef
from fieldsurvey.forms.source import located
from fieldsurvey.forms.xlsform_rows import Finding, RowConverter

__all__ = ["Conversion", "Finding", "convert_xlsform"]


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
        return [f for f in self.findings if not f.blocking and not f.differs]

    @property
    def differences(self) -> list[Finding]:
        """Carried over, but FieldSurvey deliberately behaves otherwise (said per field)."""
        return [f for f in self.findings if f.differs]


def _read(path: Path) -> tuple[Any, dict[str, Any], list[str]]:
    warnings: list[str] = []
    try:
        definition = xls2json_backends.get_xlsform(str(path))
        survey = xls2json.workbook_to_json(
            definition, fallback_form_name=path.stem, warnings=warnings
        )
    except PyXFormError as e:
        raise UserError(
            Text(f"XLSForm 有误:{e}", f"the XLSForm has an error: {e}"), code="bad_xlsform"
        ) from None
    except (OSError, ValueError, KeyError) as e:
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
    conv = RowConverter(_survey_rows(definition, str(survey.get("default_language") or "default")))
    for column, row in conv.extra_columns.items():
        conv.note(
            row,
            None,
            Text(
                f"列 {column} 不是 XLSForm 的列,ODK 也不使用它,已忽略",
                f"column {column} is not an XLSForm column; ODK does not use it either (ignored)",
            ),
            False,
        )
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
        "semantics": "odk",
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
    # in the workbook's order: the survey sheet row by row, then what concerns a whole sheet
    result.findings.sort(key=lambda f: (f.row is None, f.sheet != "survey", f.row or 0))
    return result


def _survey_rows(definition: Any, default_language: str) -> Sequence[dict[str, Any]]:
    """The survey sheet's rows with pyxform's header normalisation, each with its row number:
    the same reading of case, aliases and ``::language`` as the survey dict was built with."""
    rows = dealias_and_group_headers(
        sheet_name="survey",
        sheet_data=definition.survey or [],
        sheet_header=definition.survey_header,
        header_aliases=aliases.survey_header,
        header_columns=set(MultipleChoiceQuestion.get_slot_names()),
        default_language=default_language,
        add_row_number=True,
    ).data
    return xls2json.dealias_types(dict_array=list(rows))


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
