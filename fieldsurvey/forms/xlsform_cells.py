"""The survey sheet as the row converter sees it, and the two kinds of cell every column holds.

``CellReader`` indexes pyxform's survey rows by field name and sheet row, keeps the findings,
and reads a text cell (a label or hint in several languages) and an expression cell (checked
against the engine's grammar and functions, noting the fields and data files it reads). The
layers above it (``xlsform_choices``, ``xlsform_columns``, ``xlsform_rows``) read the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyxform.xls2json import RE_SELECT

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import ast
from fieldsurvey.forms.expr.functions import FUNCTIONS
from fieldsurvey.forms.expr.parser import ExpressionError, parse_expression
from fieldsurvey.forms.xlsform_findings import Finding
from fieldsurvey.forms.xlsform_map import (
    DIFFERENCES,
    SURVEY_KEYS,
    language_code,
    language_of,
)


class CellReader:
    """The converter's state (rows by name, findings, languages, references, data files) and
    its readers of text and expression cells; the base of ``RowConverter``."""

    def __init__(self, rows: Sequence[dict[str, Any]], *, exported: bool = False) -> None:
        """``rows``: the survey sheet with pyxform's own header normalisation (case, aliases
        such as ``value`` for ``name``, ``label::English (en)``), each with its ``__row``."""
        self.findings: list[Finding] = []
        self.exported = exported  # written by 'forms export-xlsform': fieldsurvey:: columns
        self.metadata: set[str] = set()  # metadata fields (start, deviceid …) not carried over
        self.rows: dict[str, list[int]] = {}
        self.raw_types: dict[int, str] = {}
        self.raw_counts: dict[int, str] = {}  # repeat_count cells as written
        self.other_of: dict[str, str] = {}  # 'crop_other' → 'crop' (or_other's text field)
        self.extra_columns: dict[str, int] = {}  # columns ODK does not use either → first row
        for i, row in enumerate(rows, start=2):  # row 1 is the header
            i = int(row.get("__row", i))
            name, kind = row.get("name"), str(row.get("type") or "")
            self.raw_types[i] = kind
            control = row.get("control")
            if isinstance(control, dict) and control.get("jr:count") not in (None, ""):
                self.raw_counts[i] = str(control["jr:count"])
            if name and not kind.startswith(("end_", "end ")):  # 'end' alone is metadata
                self.rows.setdefault(str(name), []).append(i)
                parsed = RE_SELECT.search(kind.strip())
                if parsed and parsed.group("specify_other"):
                    self.other_of[f"{name}_other"] = str(name)
            for key, value in row.items():
                if key not in SURVEY_KEYS and value not in (None, "", {}):
                    self.extra_columns.setdefault(key, i)
        self.row_of: dict[str, int | None] = {}
        self.bad: set[str] = set()  # names of fields that use something unsupported
        self.refs: dict[str, set[str]] = {}  # name → names its rules read
        self.children: dict[str, list[str]] = {}
        self.languages: dict[str, str] = {}  # further label languages: code → workbook name
        self.default_language: str | None = None  # settings' default_language
        self.used_lists: set[str] = set()
        # data files beside the workbook the form reads: table name → (file name, row, field)
        self.files: dict[str, tuple[str, int | None, str]] = {}

    def note(
        self, row: int | None, name: str | None, text: Text, blocking: bool, sheet: str = "survey"
    ) -> None:
        self.findings.append(Finding(sheet, row, name, text, blocking))
        if blocking and name:
            self.bad.add(name)

    def differs(self, row: int | None, name: str, text: Text) -> None:
        """Say once per field where FieldSurvey deliberately behaves otherwise than ODK."""
        finding = Finding("survey", row, name, text, False, True)
        if finding not in self.findings:
            self.findings.append(finding)

    # --- texts and expressions -----------------------------------------------------------------
    def text(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        found: dict[str, str] = {}
        more: dict[str, str] = {}
        default = None
        for lang, text in value.items():
            if text in (None, ""):
                continue
            code = language_of(lang)
            if lang == self.default_language:
                default = text
            if code is None:
                other = language_code(lang)
                self.languages[other] = lang
                more[other] = text
            elif code == "default":
                default = default if default is not None else text
                found.setdefault("zh", text)
                found.setdefault("en", text)
            else:
                found[code] = text
        if not found and not more:
            return None
        # no Chinese or English: the form's default language (else its first) stands in for both
        fallback = default if default is not None else next(iter(more.values()), None)
        zh = found.get("zh", found.get("en", fallback))
        en = found.get("en", found.get("zh", fallback))
        return {"zh": zh, "en": en, **more}

    def expr(self, source: Any, row: int | None, name: str, column: str) -> str | None:
        if source is None or str(source).strip() == "":
            return None
        text = str(source).replace("position(..)", "position()")
        try:
            node = parse_expression(text)
        except ExpressionError as e:
            self.note(
                row,
                name,
                Text(
                    f"{column} 第{e.col}列无法转换:{e.text.zh}(不支持 XPath 路径如 ../x)",
                    f"{column}, col {e.col}, cannot be converted: {e.text.en} (XPath paths such as "
                    "../x are not supported)",
                ),
                True,
            )
            return None
        calls = {n.name for n in ast.walk(node) if isinstance(n, ast.Call)}
        if "now" in calls and "once" not in calls and column != "default" and not self.exported:
            # a default is computed once, when the field is new: as in ODK
            self.differs(row, name, DIFFERENCES["now"])
        for n in ast.walk(node):
            if isinstance(n, ast.Call) and n.name == "pulldata" and n.args:
                first = n.args[0]
                if isinstance(first, ast.String) and first.value:
                    stem = first.value
                    self.files.setdefault(stem, (f"{stem}.csv", row, name))
            if (
                isinstance(n, ast.Call)
                and n.name in ("format-date", "format-date-time")
                and len(n.args) == 2
                and isinstance(n.args[1], ast.String)
                and ("%a" in n.args[1].value or "%b" in n.args[1].value)
                and not self.exported
            ):
                self.differs(row, name, DIFFERENCES["format-names"])
            if isinstance(n, ast.Call) and n.name not in FUNCTIONS:
                self.note(
                    row,
                    name,
                    Text(
                        f"{column} 中的函数 {n.written}() 不受支持",
                        f"function {n.written}() in {column} is not supported",
                    ),
                    True,
                )
            if isinstance(n, ast.Ref):
                self.refs.setdefault(name, set()).add(n.name)
            if isinstance(n, ast.Call) and n.name in ("today", "max") and not self.exported:
                self.differs(row, name, DIFFERENCES[n.name])
        return text
