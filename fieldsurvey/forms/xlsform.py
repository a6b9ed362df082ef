"""Import a standard XLSForm (survey, choices and settings sheets) as a project form.

pyxform reads the workbook and normalises it (aliases, groups, repeats, translations);
``xlsform_rows.py`` (on ``xlsform_cells``, ``xlsform_choices`` and ``xlsform_columns``) maps that
survey dict onto the project's format and lists, with the sheet row, every XLSForm feature the
engine does not support. Nothing is dropped silently: without ``allow_unsupported`` an
unsupported feature stops the import; with it the affected fields (and fields whose rules depend
on them) are left out and listed. Layout-only features (appearance,
media, metadata such as start/end) are listed as ignored. The result is loaded and checked as
the engine will run it before anything is written.

The workbook is read within bounds whatever the file (docs/security.md, "Exports, imports and resource limits"): at most
``MAX_FILE`` bytes of a regular file, an .xlsx checked by ``core.xlsx_guard`` before pyxform's
openpyxl opens it, and groups and repeats nested at most ``MAX_NESTING`` deep — counted on the
rows before pyxform builds its tree, since pyxform and the conversion recurse once per level.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform import aliases, xls2json, xls2json_backends
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import dealias_and_group_headers
from pyxform.question import MultipleChoiceQuestion

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook
from fieldsurvey.forms.compile import compile_survey
from fieldsurvey.forms.loader import NAME_RE, VERSION_RE, load_definition
from fieldsurvey.forms.model import FORMAT_VERSION, FormDef
from fieldsurvey.forms.source import located
from fieldsurvey.forms.xlsform_files import DataFileError, read_table
from fieldsurvey.forms.xlsform_findings import Finding
from fieldsurvey.forms.xlsform_map import MAX_FILE, MAX_NESTING, XLSFORM
from fieldsurvey.forms.xlsform_rows import RowConverter

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
    dropped_sheets: list[str] = field(default_factory=list)  # whole-sheet features left out

    def was_dropped(self, finding: Finding) -> bool:
        """Whether an unsupported feature was left out (``allow_unsupported``)."""
        if finding.row is None and finding.name is None:
            return finding.sheet in self.dropped_sheets
        return finding.name in self.dropped

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


WHOLE_SHEETS = ("entities", "external_choices", "osm")


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
                        f"the XLSForm has an error: survey row {i}, groups and repeats are nested "
                        f"deeper than {MAX_NESTING} levels",
                    ),
                    code="bad_xlsform",
                )
        elif _END.match(kind):
            depth = max(depth - 1, 0)


def _read(path: Path) -> tuple[Any, dict[str, Any], list[str]]:
    warnings: list[str] = []
    data = read_limited(path, MAX_FILE, XLSFORM)
    if (
        data[:4] == b"PK\x03\x04"
    ):  # an .xlsx (a zip): its parts are checked before openpyxl inflates them
        check_workbook(data, LIMITS, XLSFORM)
    suffix = path.suffix.lower()
    file_type = (
        suffix if suffix in {t.value for t in xls2json_backends.SupportedFileTypes} else None
    )
    try:
        definition = xls2json_backends.get_xlsform(io.BytesIO(data), file_type=file_type)
        _check_nesting(definition.survey or [])
        survey = xls2json.workbook_to_json(
            definition, fallback_form_name=path.stem, warnings=warnings
        )
    except UserError:  # the nesting bound's own sentence, naming the row
        raise
    except PyXFormError as e:
        raise UserError(_pyxform_problem(str(e).strip()), code="bad_xlsform") from None
    except Exception as e:  # whatever the file holds: a message, never a traceback
        raise UserError(_unreadable(path, e), code="bad_xlsform") from None
    return definition, survey, warnings


# pyxform's messages for the commonest mistakes, in Chinese too (the rest keep pyxform's English).
_PYXFORM_ZH = (
    ("You must have a sheet named 'survey'", "工作簿中没有名为 survey 的工作表"),
    ("required column headers were not found: 'type'", "survey 工作表缺少 type 列"),
    (
        "was not recognized as a supported type",
        "不是 XLSForm 工作簿(应为 .xlsx、.xls、.csv 或 .md)",
    ),
    ("List name not in choices sheet", "choices 工作表中没有此选项表"),
    ("Unmatched begin statement", "begin_group/begin_repeat 没有对应的 end"),
    ("Unmatched end statement", "end_group/end_repeat 没有对应的 begin"),
    ("Unknown question type", "未知的字段类型"),
    ("There are more than one survey elements named", "字段名重复"),
)


def _pyxform_problem(message: str) -> Text:
    zh = next((z for key, z in _PYXFORM_ZH if key in message), "XLSForm 有误")
    return Text(f"{zh}(pyxform:{message})", f"the XLSForm has an error: {message}")


def _unreadable(path: Path, error: Exception) -> Text:
    if path.suffix.lower() == ".csv":
        return Text(
            "无法把这个 CSV 读作 XLSForm:CSV 格式的表单每个工作表以其名称(survey、choices、settings)"
            "开头;这是否是选项 CSV(如 select_one_from_file 用的文件)?请给出表单工作簿本身",
            "this CSV cannot be read as an XLSForm: a CSV form starts each sheet with its name"
            " (survey, choices, settings). Is it a choices CSV (such as a select_one_from_file"
            " list)? Give the form's workbook itself",
        )
    return Text(
        f"无法读取 XLSForm 工作簿({type(error).__name__})",
        f"cannot read the XLSForm workbook ({type(error).__name__})",
    )


def convert_xlsform(path: Path, *, allow_unsupported: bool = False) -> Conversion:
    """The project-format form for an XLSForm workbook, with everything not carried over."""
    definition, survey, _ = _read(path)
    exported = "fieldsurvey_semantics" in survey  # written by 'forms export-xlsform'
    conv = RowConverter(
        _survey_rows(definition, str(survey.get("default_language") or "default")),
        exported=exported,
    )
    conv.default_language = survey.get("default_language") or None
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
    for sheet in WHOLE_SHEETS:
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
    provided = (
        json.loads(str(survey["fieldsurvey_tables"])) if survey.get("fieldsurvey_tables") else {}
    )
    tables = _tables(conv, path, set(provided) if exported else set())
    form_id = str(survey.get("id_string") or path.stem)
    if not NAME_RE.match(form_id):
        form_id = "form_" + "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in form_id)
    version = str(survey.get("version") or "1")
    if not VERSION_RE.match(version):
        safe = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in version).strip("_.-")
        safe = safe or "1"
        conv.differs(
            None,
            "version",
            Text(
                f"版本 '{version}' 写作 '{safe}'(版本号也是归档文件名)",
                f"version '{version}' is written as '{safe}' (a version names the archived file)",
            ),
        )
        version = safe
    title = survey.get("title") or form_id
    for key in ("instance_name", "public_key", "submission_url", "style"):
        if survey.get(key):
            conv.note(None, key, Text("此设置被忽略", "this setting is ignored"), False, "settings")
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
        "choices": choices,
        "fields": fields,
    }
    if conv.languages:  # labels in further languages: the editor's language menu offers them
        form["languages"] = dict(sorted(conv.languages.items()))
    if tables:
        form["tables"] = tables
    if exported:  # the form's own keys, as 'forms export-xlsform' wrote them
        del form["description"]
        for key in (
            "semantics", "title", "description", "uses", "parameters", "checks", "tables",
            "languages",
        ):  # fmt: skip
            if survey.get(f"fieldsurvey_{key}") not in (None, ""):
                form[key] = json.loads(str(survey[f"fieldsurvey_{key}"]))
    result = Conversion(form, conv.findings, [])
    _finish(result, conv, path, allow_unsupported)
    # in the workbook's order: the survey sheet row by row, then what concerns a whole sheet
    result.findings.sort(key=lambda f: (f.row is None, f.sheet != "survey", f.row or 0))
    return result


def _tables(conv: RowConverter, path: Path, provided: set[str]) -> dict[str, Any]:
    """The data files the form reads (select_*_from_file, pulldata), from beside the workbook;
    a missing or unreadable one is refused at the row that needs it. ``provided``: tables an
    exported workbook carries in its settings."""
    tables: dict[str, Any] = {}
    for stem, (file_name, row, name) in sorted(conv.files.items()):
        if stem in provided:
            continue
        try:
            table = read_table(path.parent, file_name)
        except DataFileError as e:
            conv.note(row, name, e.text, True)
            continue
        for code, lang in table.pop("languages").items():  # label::Français (fr) columns
            conv.languages.setdefault(code, lang)
        tables[stem] = table
    return tables


def _finish(result: Conversion, conv: RowConverter, path: Path, allow_unsupported: bool) -> None:
    """Check the form as it would be written without the unsupported fields, so one pass lists
    every problem; with ``allow_unsupported`` keep leaving out what does not check (and what
    depends on it) until what remains is a form the engine runs."""
    full = result.form
    while True:
        form = copy.deepcopy(full)
        gone = conv.drop_unsupported(form["fields"])
        rewritten = _rewrite_labels(form["fields"], set(gone) | conv.metadata)
        form["choices"] = {k: v for k, v in full["choices"].items() if _used(k, form["fields"])}
        if not form["choices"]:
            del form["choices"]
        problems = _verify(form, conv, path)
        new = [p for p in problems if p not in result.findings]
        result.findings.extend(new)
        droppable = all(p.name and p.name in conv.row_of for p in problems)
        if not allow_unsupported or not problems or not new or not droppable:
            break
        conv.bad.update(p.name for p in problems if p.name)
    result.form = form  # what is written: without the unsupported fields
    result.dropped = gone if allow_unsupported else []
    if allow_unsupported:  # a whole-sheet feature goes with the fields it concerns
        result.dropped_sheets = sorted(
            {f.sheet for f in result.findings if f.blocking and f.sheet in WHOLE_SHEETS}
        )
    if allow_unsupported and not problems:
        for name, ref in rewritten:
            text = Text(
                f"标签中显示的字段 {ref} 已去除,标签改为显示“…”",
                f"the label showed the dropped field {ref}; it shows '…' instead",
            )
            result.findings.append(Finding("survey", conv.row_of.get(name), name, text, False))


def _rewrite_labels(fields: list[dict[str, Any]], gone: set[str]) -> list[tuple[str, str]]:
    """Take ``${x}`` of dropped fields out of labels; returns (field, '${x}') for each."""
    done: list[tuple[str, str]] = []
    for f in fields:
        label = f.get("label")
        for name in gone:
            ref = f"${{{name}}}"
            if isinstance(label, str) and ref in label:
                f["label"] = label = label.replace(ref, "…")
                done.append((f["name"], ref))
            elif isinstance(label, dict) and any(ref in str(v) for v in label.values()):
                f["label"] = label = {k: str(v).replace(ref, "…") for k, v in label.items()}
                done.append((f["name"], ref))
        if "fields" in f:
            done += _rewrite_labels(f["fields"], gone)
    return done


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


def _used_forms(form: dict[str, Any]) -> list[FormDef]:
    """The library's forms a form reads fields of (``uses``), so its references check."""
    from fieldsurvey.forms.library import FormLibrary

    library = FormLibrary()
    found = []
    for form_id in form.get("uses") or []:
        loaded = library.load_file(library.root / f"{form_id}.yaml").definition
        if isinstance(loaded, FormDef):
            found.append(loaded)
    return found


def _used(list_name: str, fields: list[dict[str, Any]]) -> bool:
    return any(
        f.get("choices") == list_name or ("fields" in f and _used(list_name, f["fields"]))
        for f in fields
    )


def _verify(form: dict[str, Any], conv: RowConverter, path: Path) -> list[Finding]:
    """Load and check the converted form as the engine will; its errors become findings."""
    found: list[Finding] = []
    definition, diags = load_definition(located(form), path.name)
    if isinstance(definition, FormDef) and not any(d.is_error for d in diags):
        diags += compile_survey([*_used_forms(form), definition])[1]
    for d in diags:
        if d.is_error:
            name = (d.field or "").rsplit("/", 1)[-1] or None
            detail = Text(
                f"{d.attribute or ''} {d.text.zh}".strip(),
                f"{d.attribute + ': ' if d.attribute else ''}{d.text.en}",
            )
            if d.col is not None:
                detail = Text(f"{detail.zh}(第{d.col}列)", f"{detail.en} (col {d.col})")
            found.append(Finding("survey", conv.row_of.get(name or ""), name, detail, True))
    return found
