"""Mapping the rows of pyxform's survey dict onto project fields, noting what cannot be.

Every XLSForm feature met is either carried over, listed as ignored (layout, metadata) or listed
as unsupported with its row; ``drop_unsupported`` removes the unsupported fields and every field
whose rules read them, for ``--allow-unsupported``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import RE_SELECT

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import ast
from fieldsurvey.forms.expr.functions import FUNCTIONS
from fieldsurvey.forms.expr.parser import ExpressionError, parse_expression
from fieldsurvey.forms.loader import NAME_RE
from fieldsurvey.forms.model import INPUT_TYPES
from fieldsurvey.forms.xlsform_map import (
    BIND_EXPRESSIONS,
    DIFFERENCES,
    IGNORED_TYPES,
    LAYOUT_CONTROLS,
    NOT_PHOTO_APPEARANCES,
    PHONE_ONLY,
    SURVEY_KEYS,
    TYPE_DEFAULTS,
    TYPES,
    language_code,
    language_of,
    photo_kind,
    truthy_cell,
)


@dataclass(frozen=True, slots=True)
class Finding:
    sheet: str
    row: int | None
    name: str | None
    text: Text
    blocking: bool  # unsupported (True) or merely ignored (False)
    differs: bool = False  # carried over, but FieldSurvey deliberately behaves otherwise here

    def message(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        where = (
            self.sheet
            if self.row is None
            else (f"{self.sheet} 第{self.row}行" if zh else f"{self.sheet} row {self.row}")
        )
        if self.name:
            where += f" '{self.name}'"
        return f"[{where}] {self.text.get(lang)}"


class RowConverter:
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
                    f"{column}, col {e.col}, cannot be converted: {e.text.en} (XPath paths such as ../x are not supported)",
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
            if (
                isinstance(n, ast.Call)
                and n.name in ("today", "max")
                and not self.exported
            ):
                self.differs(row, name, DIFFERENCES[n.name])
        return text

    def differs(self, row: int | None, name: str, text: Text) -> None:
        """Say once per field where FieldSurvey deliberately behaves otherwise than ODK."""
        finding = Finding("survey", row, name, text, False, True)
        if finding not in self.findings:
            self.findings.append(finding)

    # --- elements ------------------------------------------------------------------------------
    def element(self, data: dict[str, Any], parent: str | None) -> dict[str, Any] | None:
        name = str(data.get("name", ""))
        queue = self.rows.get(name)
        if not queue and name in self.other_of:
            return self.specify_other(name, parent)
        if not queue:
            if name != "meta":
                self.note(
                    None,
                    name,
                    Text(
                        "由 XLSForm 自动生成的字段(如“其他”说明),未导入",
                        "generated by XLSForm (e.g. an 'other' text), not imported",
                    ),
                    False,
                )
            return None
        row = queue.pop(0)
        self.row_of[name] = row
        if parent:
            self.children.setdefault(parent, []).append(name)
        kind = str(data.get("type", ""))
        raw_type = self.raw_types.get(row, kind)
        if kind in IGNORED_TYPES:
            self.metadata.add(name)
            self.note(
                row,
                name,
                Text(
                    f"元数据类型 {kind} 被忽略(笔记本没有{PHONE_ONLY[kind].zh})",
                    f"metadata type {kind} is ignored (a laptop has no {PHONE_ONLY[kind].en})",
                ),
                False,
            )
            return None
        our = TYPES.get(kind)
        if our is None:
            known = (
                kind in QUESTION_TYPE_DICT
                or kind in ("loop", "osm")
                or kind.endswith(("_from_file", "from_file"))
            )
            self.note(
                row,
                name,
                Text(f"字段类型 {raw_type} 不受支持", f"type {raw_type} is not supported")
                if known
                else Text(
                    f"{raw_type} 不是 XLSForm 的字段类型(pyxform 和 ODK 也不接受)",
                    f"{raw_type} is not an XLSForm type (pyxform and ODK refuse it too)",
                ),
                True,
            )
            return {"name": name, "type": "text", "label": self.text(data.get("label")) or name}
        out: dict[str, Any] = {"name": name, "type": our}
        if not NAME_RE.match(name):
            self.note(
                row, name, Text("字段名须以字母开头", "a field name must start with a letter"), True
            )
        for key, target in (("label", "label"), ("hint", "hint")):
            value = self.text(data.get(key))
            if value is not None:
                out[target] = value
        for key in ("instance",):
            for column in data.get(key) or {}:
                self.note(
                    row,
                    name,
                    Text(f"列 {key}::{column} 不受支持", f"column {key}::{column} is not supported"),
                    True,
                )
        self.bind(data.get("bind") or {}, out, row, name)
        for key, value in TYPE_DEFAULTS.get(kind, {}).items():
            out.setdefault(key, value)
        self.control(data, out, row, name, our)
        if our in ("select_one", "select_multiple", "rank"):
            self.select(data, out, row, name)
        if data.get("fieldsurvey"):
            self.own_columns(data, out)
        if (
            "label" not in out
            and "hint" not in out
            and not data.get("media")
            and (our in INPUT_TYPES or our == "note")
            and not self.exported
        ):
            self.note(
                row,
                name,
                Text(
                    "题目既无标签也无提示(pyxform 也不接受)",
                    "a question needs a label or a hint (pyxform refuses it too)",
                ),
                True,
            )
        if our == "photo":
            self.photo(out, row, name)
        if "label" not in out and (our in INPUT_TYPES or our == "note"):
            # ODK shows such a question without a label (a hint or an image may say it all)
            out["label"] = out.get("hint") or name
            self.differs(
                row,
                name,
                Text(
                    "工作簿中没有标签:以提示或字段名作为标签显示",
                    "no label in the workbook: its hint or its name is shown as its label",
                ),
            )
        if our in ("group", "repeat"):
            kids = [self.element(c, name) for c in data.get("children", [])]
            out["fields"] = [k for k in kids if k is not None]
        return out

    def photo(self, out: dict[str, Any], row: int, name: str) -> None:
        """An ``image``/``photo`` question: a photo field of at most one picture, as in ODK."""
        appearance = str(out.get("appearance") or "").split()
        bad = [a for a in appearance if a in NOT_PHOTO_APPEARANCES]
        if bad:
            self.note(row, name, Text(f"图片题的 appearance {bad[0]}(手绘或签名)不受支持",
                                      f"an image question with appearance {bad[0]} (a drawing or signature) is not supported"),
                      True)
        out.pop("appearance", None)
        out.setdefault("max_count", 1)
        if "kind" not in out:
            label = out.get("label")
            label_text = " ".join(label.values()) if isinstance(label, dict) else str(label or "")
            out["kind"] = photo_kind(name, label_text)
            self.differs(row, name, Text(f"照片类别按题名推定为 {out['kind']}(可用 fieldsurvey::kind 列指定)",
                                         f"the photo kind is taken to be {out['kind']} from the question "
                                         "(a fieldsurvey::kind column sets it)"))

    def own_columns(self, data: dict[str, Any], out: dict[str, Any]) -> None:
        """The ``fieldsurvey::…`` columns of a workbook written by ``forms export-xlsform``:
        what XLSForm has no column for (the real type of a boolean, units, bound repeats …)."""
        for key, cell in (data.get("fieldsurvey") or {}).items():
            try:
                value = json.loads(str(cell))
            except ValueError:
                value = cell
            if key == "choices" and value == "inline":
                self.used_lists.discard(str(out.get("choices")))
                value = [self.choice(item) for item in data.get("choices") or []]
            elif key == "choices":
                self.used_lists.discard(str(out.get("choices")))
            out[key] = value

    def specify_other(self, name: str, parent: str | None) -> dict[str, Any]:
        """or_other's free-text field, as pyxform makes it: 'Specify other.', shown while the
        select has 'other' selected (pyxform: relevant ``selected(../crop, 'other')``)."""
        base = self.other_of[name]
        self.row_of[name] = self.row_of.get(base)
        if parent:
            self.children.setdefault(parent, []).append(name)
        self.refs[name] = {base}
        return {
            "name": name,
            "type": "text",
            "label": "Specify other.",
            "relevant": f"selected(${{{base}}}, 'other')",
        }

    def bind(self, bind: dict[str, Any], out: dict[str, Any], row: int, name: str) -> None:
        for key, value in bind.items():
            if key == "required":
                if truthy_cell(value):
                    out["required"] = True
                elif str(value).strip().lower() not in ("", "no", "false", "false()"):
                    expr = self.expr(value, row, name, "required")
                    if expr:
                        out["required"] = expr
            elif key == "readonly":
                if truthy_cell(value):
                    out["read_only"] = True
                elif str(value).strip().lower() not in ("", "no", "false", "false()"):
                    expr = self.expr(value, row, name, "read_only")
                    if expr:
                        out["read_only"] = expr
            elif key == "type" and out["type"] == "range":
                continue  # pyxform's int/decimal for a range: the step says which
            elif key in BIND_EXPRESSIONS:
                expr = self.expr(value, row, name, BIND_EXPRESSIONS[key])
                if expr:
                    out[BIND_EXPRESSIONS[key]] = expr
            elif key in ("jr:constraintMsg", "jr:requiredMsg"):
                msg = self.text(value)
                if msg is not None:
                    out["constraint_message" if key == "jr:constraintMsg" else "required_message"] = msg
            else:
                self.note(
                    row,
                    name,
                    Text(f"列 bind::{key} 不受支持", f"column bind::{key} is not supported"),
                    True,
                )

    def control(
        self, data: dict[str, Any], out: dict[str, Any], row: int, name: str, our: str
    ) -> None:
        control = data.get("control") or {}
        if control.get("appearance"):
            out["appearance"] = str(control["appearance"])
            if "search(" in out["appearance"].replace(" ", ""):
                self.note(  # it takes the choices from a CSV: more than a drawing hint
                    row,
                    name,
                    Text(
                        "appearance search() 从 CSV 取选项,不受支持(请改用 select_one_from_file)",
                        "appearance search() takes the choices from a CSV and is not supported"
                        " (use select_one_from_file)",
                    ),
                    True,
                )
        for key, value in control.items():
            if key in ("appearance", "jr:count", "bodyless") or value in (None, ""):
                continue
            if our == "range" and key in ("start", "end", "step"):
                continue  # the range's parameters, read below
            layout = key in LAYOUT_CONTROLS
            self.note(
                row,
                name,
                Text(f"列 body::{key} 被忽略(仅影响显示)", f"column body::{key} is ignored (display only)")
                if layout
                else Text(f"列 body::{key} 不受支持", f"column body::{key} is not supported"),
                not layout,
            )
        if "jr:count" in control:
            written = control["jr:count"]
            if written == f"${{{name}_count}}" and row in self.raw_counts:
                written = self.raw_counts[row]  # pyxform's own stand-in for a number
            count = self.expr(written, row, name, "repeat_count")
            if count:
                out["count"] = count
        itemset = str(data.get("itemset") or "")
        if data.get("parameters") and our == "photo" and _only_max_pixels(data["parameters"]):
            self.differs(row, name, Text(
                "max-pixels 被忽略：照片一律缩放到本软件设定的长边（默认 1600 像素）",
                "max-pixels is ignored: every photo is scaled to the app's long edge (1600 px by default)"))
        else:
            self.parameters(data.get("parameters") or {}, out, row, name, our, itemset)
        trigger = data.get("trigger")
        if trigger:
            names: list[str] = []
            for t in trigger if isinstance(trigger, list | tuple) else [trigger]:
                names.extend(str(x) for x in (t if isinstance(t, list | tuple) else [t]))
            out["trigger"] = names
            self.refs.setdefault(name, set()).update(names)
            if "calculation" not in out:
                out["calculation"] = "''"  # pyxform: a trigger without a calculation clears it
        for key in ("media", "guidance_hint"):
            if data.get(key):
                self.note(row, name, Text(f"{key} 被忽略", f"{key} is ignored"), False)
        default = data.get("default")
        if default not in (None, ""):
            text = str(default)
            if "${" in text or "(" in text:
                expr = self.expr(text, row, name, "default")
                if expr:
                    out["dynamic_default"] = expr
                    if "${" in text:  # the moment it is computed changes what it reads
                        self.differs(row, name, DIFFERENCES["dynamic_default"])
            else:
                out["default"] = _literal(text, our)
        if our == "calculate" and "calculation" not in out and name not in self.bad:
            self.note(
                row,
                name,
                Text("calculate 缺少 calculation", "a calculate without calculation"),
                True,
            )

    def parameters(
        self,
        params: dict[str, Any],
        out: dict[str, Any],
        row: int,
        name: str,
        our: str,
        itemset: str,
    ) -> None:
        """The parameters column: a range's start/end/step, a file list's value/label columns;
        geopoint's GPS settings mean nothing without a GPS (ignored); anything else refused."""
        if our == "range":
            spec = {"start": 1.0, "end": 10.0, "step": 1.0}  # pyxform's defaults
            for key in ("start", "end", "step"):
                if key in params:
                    try:
                        spec[key] = float(str(params[key]))
                    except ValueError:
                        continue  # pyxform refuses a non-number before this is reached
            out["range"] = {k: int(v) if v.is_integer() else v for k, v in spec.items()}
            params = {k: v for k, v in params.items() if k not in spec}
        if our in ("select_one", "select_multiple") and itemset.lower().endswith((".csv", ".xml")):
            params = {k: v for k, v in params.items() if k not in ("value", "label")}  # select()
        if our in ("select_one", "select_multiple", "rank") and "randomize" in params:
            self.note(
                row,
                name,
                Text("参数 randomize 被忽略(仅影响选项顺序)", "parameter randomize is ignored (display order only)"),
                False,
            )
            params = {k: v for k, v in params.items() if k not in ("randomize", "seed")}
        if our == "geopoint":
            for key in list(params):
                self.note(
                    row,
                    name,
                    Text(
                        f"参数 {key} 被忽略(笔记本没有 GPS,坐标由人输入)",
                        f"parameter {key} is ignored (no GPS on a laptop; coordinates are typed)",
                    ),
                    False,
                )
            params = {}
        for key in params:
            self.note(
                row,
                name,
                Text(f"参数 {key} 不受支持", f"parameter {key} is not supported"),
                True,
            )

    def select(self, data: dict[str, Any], out: dict[str, Any], row: int, name: str) -> None:
        list_name = data.get("list_name")
        itemset = str(data.get("itemset") or "")
        if itemset.lower().endswith((".csv", ".xml")):
            stem = itemset.rsplit(".", 1)[0]
            out["choices"] = f"table:{stem}"
            self.files[stem] = (itemset, row, name)
            cols = data.get("parameters") or {}
            if cols.get("value") or cols.get("label"):
                out["choice_columns"] = {
                    ("name" if k == "value" else k): str(cols[k])
                    for k in ("value", "label")
                    if cols.get(k)
                }
        elif not list_name:
            self.note(
                row,
                name,
                Text(
                    f"从外部文件 {itemset} 选择不受支持(只支持 .csv 和 .xml)",
                    f"choices from the file {itemset} are not supported (only .csv and .xml)",
                ),
                True,
            )
            out["choices"] = [{"name": "unsupported", "label": "unsupported"}]
            return
        else:
            out["choices"] = str(list_name)
            self.used_lists.add(str(list_name))
        cf = self.expr(data.get("choice_filter"), row, name, "choice_filter")
        if cf:
            out["choice_filter"] = cf
            self.refs.setdefault(name, set())

    def choices(self, raw: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for list_name, items in raw.items():
            if list_name not in self.used_lists:
                continue
            out[list_name] = [self.choice(item, list_name) for item in items]
        return out

    def choice(self, item: dict[str, Any], list_name: str = "") -> dict[str, Any]:
        choice: dict[str, Any] = {"name": str(item.get("name"))}
        label = self.text(item.get("label"))
        if label is not None:
            choice["label"] = label
        for key, value in item.items():
            if key in ("name", "label"):
                continue
            if key == "media":
                self.note(
                    None,
                    list_name,
                    Text("选项的 media 被忽略", "media of choices is ignored"),
                    False,
                    "choices",
                )
            elif self.exported and key == "fieldsurvey_label":
                if value not in (None, ""):
                    choice["label"] = json.loads(str(value))
            elif self.exported:
                choice[key] = _exported_cell(value)
            else:
                choice[key] = value
        return choice

    def drop_unsupported(self, fields: list[dict[str, Any]]) -> list[str]:
        """Leave out unsupported fields and everything whose rules read them; returns names."""
        gone = set(self.bad)
        changed = True
        while changed:
            changed = False
            for name, reads in self.refs.items():
                if name not in gone and reads & gone:
                    gone.add(name)
                    changed = True
            for parent, kids in self.children.items():
                if parent in gone and not gone.issuperset(kids):
                    gone.update(kids)
                    changed = True
        _prune(fields, gone)
        return sorted(gone, key=lambda n: self.row_of.get(n) or 0)


def _exported_cell(value: Any) -> Any:
    """An extra choice column of an exported form: JSON for what is not text (true, 3)."""
    try:
        decoded = json.loads(str(value))
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def _prune(fields: list[dict[str, Any]], gone: set[str]) -> None:
    fields[:] = [f for f in fields if f["name"] not in gone]
    for f in fields:
        if "fields" in f:
            _prune(f["fields"], gone)


def _literal(text: str, our: str) -> Any:
    if our == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if our == "decimal":
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _only_max_pixels(parameters: object) -> bool:
    """ODK's image parameter ``max-pixels=N`` is the only one a photo question may carry."""
    text = " ".join(f"{k}={v}" for k, v in parameters.items()) if isinstance(parameters, dict) else str(parameters)
    keys = [part.split("=", 1)[0].strip() for part in text.split() if part.strip()]
    return bool(keys) and all(k == "max-pixels" for k in keys)
