"""From normalised file data to the typed element tree, collecting every problem on the way.

The loader never stops at the first mistake: it records a diagnostic with the line, field and
attribute and carries on, so ``fieldsurvey forms check`` lists all of them in one run. Checks
that need the whole visit (references between sections, cycles) happen in ``compile.py``.
"""

from __future__ import annotations

import re
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.diagnostics import Diagnostic
from fieldsurvey.forms.form_parts import TableReader, read_languages
from fieldsurvey.forms.model import (
    FIELD_TYPES,
    FORMAT_VERSION,
    METADATA_TYPES,
    PHOTO_KINDS,
    PHOTO_MAX_COUNT,
    SELECT_TYPES,
    SEMANTICS,
    ChoiceList,
    Container,
    Element,
    Field,
    FormDef,
    Group,
    Repeat,
    SectionRef,
    VisitDef,
)
from fieldsurvey.forms.source import LineDict

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
REPEAT_OVER_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*(?:\bwhere\b(\s*)(.*))?$", re.S)

COMMON_KEYS = {"name", "type", "label", "hint", "relevant", "appearance"}
FIELD_KEYS = COMMON_KEYS | {
    "required", "required_message", "constraint", "constraint_message", "warning", "warning_message",
    "calculation", "default", "dynamic_default", "choices", "choice_filter", "read_only", "id_type", "unit",
    "range", "trigger", "choice_columns",
    "min_count", "max_count", "kind", "caption",
}  # fmt: skip
GROUP_KEYS = COMMON_KEYS | {"fields"}
REPEAT_KEYS = GROUP_KEYS | {"repeat_over", "instance_label", "min_count", "max_count", "count"}
FORM_KEYS = {
    "format",
    "kind",
    "id",
    "version",
    "title",
    "description",
    "uses",
    "parameters",
    "choices",
    "fields",
    "checks",
    "semantics",
    "tables",
    "languages",
}
VISIT_KEYS = {"format", "kind", "id", "version", "title", "description", "sections"}


class _Loader(TableReader):
    def field_choices(self, raw: Any, data: Any, path: str) -> ChoiceList | None:
        if isinstance(raw, str) and raw.startswith("code:"):
            return self.code_choices(raw, data, "choices")
        if isinstance(raw, str) and raw.startswith("table:"):
            return self.table_choices(raw[6:], data, path)
        if isinstance(raw, str):
            found = self.choices.get(raw)
            self.used_lists.add(raw)
            if found is None:
                self.err(
                    "unknown_choices",
                    Text(f"未定义选项表 '{raw}'", f"choice list '{raw}' is not defined"),
                    data,
                    "choices",
                    field=path,
                )
            return found
        if isinstance(raw, list):
            cl = self.choice_list(f"{path} (inline)", raw, data, "choices")
            return ChoiceList(cl.name, cl.choices, "inline") if cl else None
        self.err(
            "missing_choices",
            Text("选择题需要 choices", "a select field needs choices"),
            data,
            "choices" if raw is not None else None,
            field=path,
        )
        return None

    # --- elements ------------------------------------------------------------------------------
    def elements(self, raw: Any, parent: Container, data: Any, key: str) -> None:
        if not isinstance(raw, list):
            self.err(
                "bad_fields",
                Text("fields 应为列表", "fields must be a list"),
                data,
                key,
                field=parent.path_text or None,
            )
            return
        for item in raw:
            el = self.element(item, parent)
            if el is not None:
                el.parent = parent
                parent.children.append(el)

    def element(self, data: Any, parent: Container) -> Element | None:
        where = parent.path_text or None
        if not isinstance(data, dict):
            self.err(
                "bad_field",
                Text(
                    "每个字段应为映射(name, type …)", "each field must be a mapping (name, type …)"
                ),
                field=where,
            )
            return None
        if not isinstance(data, LineDict):  # a mapping built in code rather than read from a file
            data = LineDict(data)
        name, ftype = data.get("name"), data.get("type")
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.err(
                "bad_name",
                Text(
                    f"字段名 {name!r} 无效（字母开头，仅字母数字 _ . -）",
                    f"invalid field name {name!r} (a letter, then letters, digits, _ . -)",
                ),
                data,
                "name",
                field=where,
            )
            return None
        path = (*parent.path, name)
        ptext = "/".join(path)
        if ftype not in FIELD_TYPES and ftype not in ("group", "repeat"):
            self.err(
                "unknown_type",
                Text(f"未知字段类型 {ftype!r}", f"unknown field type {ftype!r}"),
                data,
                "type",
                field=ptext,
            )
            return None
        common: dict[str, Any] = {
            "name": name,
            "type": ftype,
            "label": self.template(data.get("label"), data, "label", ptext),
            "hint": self.text(data.get("hint"), data, "hint", ptext),
            "relevant": self.expr(data.get("relevant"), data, "relevant", ptext),
            "appearance": data.get("appearance"),
            "path": path,
            "form_id": self.form_id,
            "line": getattr(data, "line", None),
        }
        if ftype == "group":
            self.check_keys(data, GROUP_KEYS, ptext)
            group = Group(**common)
            self.elements(data.get("fields", []), group, data, "fields")
            return group
        if ftype == "repeat":
            self.check_keys(data, REPEAT_KEYS, ptext)
            return self.repeat(data, common, ptext)
        self.check_keys(data, FIELD_KEYS, ptext)
        return self.field(data, common, ptext)

    def repeat(self, data: LineDict, common: dict[str, Any], ptext: str) -> Repeat:
        rep = Repeat(**common)
        rep.instance_label = self.template(
            data.get("instance_label"), data, "instance_label", ptext
        )
        over = data.get("repeat_over")
        if over is not None:
            m = REPEAT_OVER_RE.match(str(over))
            if not m:
                self.err(
                    "bad_repeat_over",
                    Text(
                        "repeat_over 应为“重复组名 [where 条件]”",
                        "repeat_over must be 'repeat [where condition]'",
                    ),
                    data,
                    "repeat_over",
                    field=ptext,
                )
            else:
                rep.repeat_over = m.group(1)
                if m.group(3) is not None:
                    offset = m.start(3)
                    rep.where = self.expr(m.group(3), data, "repeat_over", ptext, offset=offset)
        rep.count = self.expr(data.get("count"), data, "count", ptext)
        if rep.count is not None and (rep.bound or data.get("max_count") is not None):
            self.err(
                "bad_count",
                Text(
                    "count 决定实例数,不能再设 repeat_over 或 max_count",
                    "a repeat with count cannot also be bound or set max_count",
                ),
                data,
                "count",
                field=ptext,
            )
        for key in ("min_count", "max_count"):
            value = data.get(key)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                self.err(
                    "bad_count",
                    Text(f"{key} 应为非负整数", f"{key} must be a whole number ≥ 0"),
                    data,
                    key,
                    field=ptext,
                )
            elif value is not None:
                setattr(rep, key, value)
        if rep.bound and (rep.min_count is not None or rep.max_count is not None):
            self.err(
                "bad_count",
                Text("绑定的重复组不能设实例数", "a bound repeat cannot set counts"),
                data,
                "repeat_over",
                field=ptext,
            )
        self.elements(data.get("fields", []), rep, data, "fields")
        return rep

    def field(self, data: LineDict, common: dict[str, Any], ptext: str) -> Field:
        fld = Field(**common)
        req = data.get("required", False)
        fld.required = (
            req if isinstance(req, bool) else (self.expr(req, data, "required", ptext) or False)
        )
        fld.required_message = self.text(
            data.get("required_message"), data, "required_message", ptext
        )
        for key in (
            "constraint",
            "warning",
            "calculation",
            "dynamic_default",
            "choice_filter",
            "id_type",
        ):
            setattr(fld, key, self.expr(data.get(key), data, key, ptext))
        fld.constraint_message = self.text(
            data.get("constraint_message"), data, "constraint_message", ptext
        )
        fld.warning_message = self.text(data.get("warning_message"), data, "warning_message", ptext)
        fld.unit = self.text(data.get("unit"), data, "unit", ptext)
        ro = data.get("read_only", False)
        fld.read_only = (
            ro
            if isinstance(ro, bool)
            else (self.expr(ro, data, "read_only", ptext) or False)
            if ro is not None
            else False
        )
        fld.default = data.get("default")
        fld.range = self.range_spec(data, ptext) if fld.type == "range" else None
        if fld.type != "range" and data.get("range") is not None:
            self.err(
                "bad_range",
                Text("只有 range 字段可以有 range", "only range fields take range"),
                data,
                "range",
                field=ptext,
            )
        trigger = data.get("trigger")
        if trigger is not None:
            names = trigger if isinstance(trigger, list) else [trigger]
            if not names or not all(isinstance(n, str) and NAME_RE.match(n) for n in names):
                self.err(
                    "bad_trigger",
                    Text("trigger 应为字段名或字段名列表", "trigger must name a field or fields"),
                    data,
                    "trigger",
                    field=ptext,
                )
            else:
                fld.trigger = tuple(names)
                if fld.calculation is None:
                    self.err(
                        "bad_trigger",
                        Text("trigger 需要 calculation", "a trigger needs a calculation"),
                        data,
                        "trigger",
                        field=ptext,
                    )
        if fld.type in SELECT_TYPES:
            fld.choices = self.field_choices(data.get("choices"), data, ptext)
        elif data.get("choices") is not None or fld.choice_filter is not None:
            self.err(
                "choices_on_non_select",
                Text("只有选择题可以有 choices", "only select fields take choices"),
                data,
                "choices",
                field=ptext,
            )
        if fld.calculation is not None and fld.type in METADATA_TYPES:
            self.err(
                "bad_calculation",
                Text("元数据字段不能有 calculation", "a metadata field takes no calculation"),
                data,
                "calculation",
                field=ptext,
            )
        self.photo_keys(fld, data, ptext)
        if fld.type == "calculate" and fld.calculation is None and "calculation" not in data:
            self.err(
                "missing_calculation",
                Text("calculate 字段需要 calculation", "a calculate field needs a calculation"),
                data,
                field=ptext,
            )
        if fld.is_input and fld.label is None:
            self.err(
                "missing_label",
                Text("输入字段需要 label", "an input field needs a label"),
                data,
                field=ptext,
            )
        if fld.type == "note" and fld.label is None:
            self.err(
                "missing_label",
                Text("说明字段需要 label", "a note needs a label"),
                data,
                field=ptext,
            )
        return fld

    def photo_keys(self, fld: Field, data: LineDict, ptext: str) -> None:
        """``kind``, ``caption``, ``min_count``, ``max_count``: photo fields only."""
        keys = [k for k in ("kind", "caption", "min_count", "max_count") if data.get(k) is not None]
        if fld.type != "photo":
            for key in keys:
                self.err(
                    "photo_key",
                    Text(f"只有照片字段可以有 {key}", f"only photo fields take {key}"),
                    data,
                    key,
                    field=ptext,
                )
            return
        kind = data.get("kind")
        if kind not in PHOTO_KINDS:
            self.err(
                "photo_kind",
                Text(
                    f"照片字段需要 kind,取值之一：{'、'.join(PHOTO_KINDS)}",
                    f"a photo field needs a kind, one of: {', '.join(PHOTO_KINDS)}",
                ),
                data,
                "kind",
                field=ptext,
            )
        else:
            fld.kind = kind
        fld.caption = self.text(data.get("caption"), data, "caption", ptext)
        for key in ("min_count", "max_count"):
            value = data.get(key)
            if value is None:
                continue
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= PHOTO_MAX_COUNT
            ):
                self.err(
                    "bad_count",
                    Text(
                        f"{key} 应为 0 到 {PHOTO_MAX_COUNT} 的整数",
                        f"{key} must be a whole number from 0 to {PHOTO_MAX_COUNT}",
                    ),
                    data,
                    key,
                    field=ptext,
                )
            else:
                setattr(fld, key, value)
        if (
            fld.min_count is not None
            and fld.max_count is not None
            and fld.min_count > fld.max_count
        ):
            self.err(
                "bad_count",
                Text("min_count 不能大于 max_count", "min_count cannot exceed max_count"),
                data,
                "min_count",
                field=ptext,
            )

    # --- form level ----------------------------------------------------------------------------


def _header(loader: _Loader, data: LineDict, kind: str) -> tuple[str, str, Text]:
    if data.get("format") != FORMAT_VERSION:
        loader.err(
            "bad_format",
            Text(f"format 应为 {FORMAT_VERSION}", f"format must be {FORMAT_VERSION}"),
            data,
            "format" if "format" in data else None,
        )
    fid = data.get("id")
    if not isinstance(fid, str) or not NAME_RE.match(fid):
        loader.err(
            "bad_id",
            Text(f"表单 id {fid!r} 无效", f"invalid form id {fid!r}"),
            data,
            "id" if "id" in data else None,
        )
        fid = str(fid or "")
    version = data.get("version")
    if version is None or isinstance(version, bool) or not str(version).strip():
        loader.err(
            "bad_version",
            Text("缺少 version", "version is missing"),
            data,
            "version" if "version" in data else None,
        )
    elif not VERSION_RE.match(str(version)):
        loader.err(
            "bad_version",
            Text(
                f"version {version!r} 只能含字母、数字和 . _ -（它也是归档文件名）",
                f"version {version!r} may hold letters, digits, . _ - only (it names the archived file)",
            ),
            data,
            "version",
        )
    title = loader.text(data.get("title"), data, "title", None, required=True) or Text(fid, fid)
    return fid, str(version or ""), title


def load_definition(data: Any, file: str) -> tuple[FormDef | VisitDef | None, list[Diagnostic]]:
    """Build the tree for one form or visit file; the diagnostics say what is wrong with it."""
    loader = _Loader(file)
    if not isinstance(data, LineDict):
        loader.err("bad_file", Text("文件顶层应为映射", "the file must hold a mapping at the top"))
        return None, loader.diagnostics
    kind = data.get("kind", "form")
    if kind == "visit":
        loader.check_keys(data, VISIT_KEYS, None)
        vid, version, title = _header(loader, data, "visit")
        sections: list[SectionRef] = []
        raw = data.get("sections")
        if not isinstance(raw, list) or not raw:
            loader.err(
                "bad_sections",
                Text("sections 应为非空列表", "sections must be a non-empty list"),
                data,
                "sections" if "sections" in data else None,
            )
        else:
            for item in raw:
                if (
                    not isinstance(item, dict)
                    or not isinstance(item.get("form"), str)
                    or item.get("version") is None
                ):
                    loader.err(
                        "bad_sections",
                        Text("每节应为 {form, version}", "each section must be {form, version}"),
                        item if isinstance(item, dict) else data,
                        None if isinstance(item, dict) else "sections",
                    )
                    continue
                sections.append(
                    SectionRef(item["form"], str(item["version"]), getattr(item, "line", None))
                )
        return VisitDef(
            id=vid, version=version, title=title, sections=sections, source=file
        ), loader.diagnostics
    if kind != "form":
        loader.err(
            "bad_kind", Text("kind 应为 form 或 visit", "kind must be form or visit"), data, "kind"
        )
        return None, loader.diagnostics
    loader.check_keys(data, FORM_KEYS, None)
    fid, version, title = _header(loader, data, "form")
    loader.form_id = fid
    loader.tables = loader.tables_of(data.get("tables"), data)
    loader.languages = read_languages(loader, data)
    raw_choices = data.get("choices") or {}
    if not isinstance(raw_choices, dict):
        loader.err(
            "bad_choices", Text("choices 应为映射", "choices must be a mapping"), data, "choices"
        )
        raw_choices = {}
    for name, raw in raw_choices.items():
        cl = loader.choice_list(str(name), raw, raw_choices, name)
        if cl is not None:
            loader.choices[str(name)] = cl
    uses = data.get("uses") or []
    if not isinstance(uses, list) or not all(isinstance(u, str) for u in uses):
        loader.err(
            "bad_uses",
            Text("uses 应为表单 id 列表", "uses must be a list of form ids"),
            data,
            "uses",
        )
        uses = []
    root = Group(name=fid, type="group", path=(), form_id=fid, line=getattr(data, "line", None))
    loader.elements(data.get("fields"), root, data, "fields")
    if not root.children:
        loader.err(
            "empty_form",
            Text("表单没有字段", "the form has no fields"),
            data,
            "fields" if "fields" in data else None,
        )
    semantics = data.get("semantics", "fieldsurvey")
    if semantics not in SEMANTICS:
        loader.err(
            "bad_semantics",
            Text("semantics 应为 fieldsurvey 或 odk", "semantics must be fieldsurvey or odk"),
            data,
            "semantics",
        )
        semantics = "fieldsurvey"
    form = FormDef(
        id=fid,
        semantics=semantics,
        version=version,
        title=title,
        root=root,
        choices=loader.choices,
        parameters=loader.parameters(data.get("parameters"), data),
        checks=loader.checks(data.get("checks"), data),
        uses=tuple(uses),
        description=loader.text(data.get("description"), data, "description", None),
        source=file,
        tables=loader.tables,
        languages=loader.languages,
    )
    for name in sorted(set(loader.choices) - loader.used_lists):
        loader.warn(
            "unused_choices",
            Text(f"选项表 '{name}' 未被使用", f"choice list '{name}' is not used"),
            raw_choices,
            name,
        )
    return form, loader.diagnostics
