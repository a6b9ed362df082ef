"""Reading the small parts of a form file: texts, expressions, choice lists, parameters, checks.

The ``Reader`` records a diagnostic for every problem (with the line of the key, the field and
the attribute) and carries on, so one check run lists every mistake in a file. ``loader.py``
builds the element tree on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text
from fieldsurvey.forms.diagnostics import Diagnostic, error, warning
from fieldsurvey.forms.expr.ast import references
from fieldsurvey.forms.expr.parser import ExpressionError, parse_expression
from fieldsurvey.forms.model import Check, Choice, ChoiceList, Expr, Parameter, Template
from fieldsurvey.forms.source import LineDict

TEMPLATE_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")
PARAMETER_TYPES = {"number", "text", "list", "date", "boolean"}


class Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.choices: dict[str, ChoiceList] = {}
        self.used_lists: set[str] = set()
        self.form_id = ""
        self.languages: dict[str, str] = {}  # further label languages the form declares

    # --- diagnostics ---------------------------------------------------------------------------
    def err(
        self, code: str, text: Text, data: Any = None, key: str | None = None, **place: Any
    ) -> None:
        self.diagnostics.append(error(code, text, file=self.file, line=_line(data, key), **place))

    def warn(
        self, code: str, text: Text, data: Any = None, key: str | None = None, **place: Any
    ) -> None:
        self.diagnostics.append(warning(code, text, file=self.file, line=_line(data, key), **place))

    def check_keys(self, data: Mapping[str, Any], allowed: set[str], field: str | None) -> None:
        for key in data:
            if key not in allowed:
                self.err(
                    "unknown_attribute",
                    Text(f"未知属性 '{key}'", f"unknown attribute '{key}'"),
                    data,
                    key,
                    field=field,
                )
        for key, line in getattr(data, "duplicates", []):
            self.diagnostics.append(
                error(
                    "duplicate_attribute",
                    Text(f"属性 '{key}' 重复", f"attribute '{key}' appears twice"),
                    file=self.file,
                    line=line,
                    field=field,
                )
            )

    # --- small values --------------------------------------------------------------------------
    def text(
        self, value: Any, data: Any, key: str, field: str | None, required: bool = False
    ) -> Text | None:
        if value is None:
            if required:
                self.err(
                    "missing_text", Text(f"缺少 {key}", f"{key} is missing"), data, key, field=field
                )
            return None
        if isinstance(value, str | int | float):
            return Text(str(value), str(value))
        if isinstance(value, dict):
            extra = [k for k in value if k not in ("zh", "en") and k not in self.languages]
            if extra:
                self.err(
                    "bad_text",
                    Text(
                        f"{key} 只能有 zh 和 en,多出 {extra}（文字含逗号时请加引号）",
                        f"{key} takes zh and en only, not {extra} (quote a text that has a comma)",
                    ),
                    data,
                    key,
                    field=field,
                )
            zh, en = value.get("zh"), value.get("en")
            if zh is None and en is None:
                self.err(
                    "bad_text",
                    Text(f"{key} 应有 zh 和 en", f"{key} needs zh and en"),
                    data,
                    key,
                    field=field,
                )
                return None
            if zh is None or en is None:
                self.warn(
                    "missing_language",
                    Text(f"{key} 缺少一种语言", f"{key} lacks one language"),
                    data,
                    key,
                    field=field,
                )
            more = tuple(
                (k, str(v)) for k, v in value.items() if k in self.languages and v is not None
            )
            return Text(str(zh if zh is not None else en), str(en if en is not None else zh), more)
        self.err(
            "bad_text",
            Text(f"{key} 应为文字或 {{zh, en}}", f"{key} must be text or {{zh, en}}"),
            data,
            key,
            field=field,
        )
        return None

    def template(self, value: Any, data: Any, key: str, field: str | None) -> Template | None:
        t = self.text(value, data, key, field)
        if t is None:
            return None
        return Template(
            t, frozenset(TEMPLATE_REF_RE.findall(t.zh)) | frozenset(TEMPLATE_REF_RE.findall(t.en))
        )

    def expr(
        self, source: Any, data: Any, key: str, field: str | None, offset: int = 0
    ) -> Expr | None:
        if source is None:
            return None
        if isinstance(source, bool):
            source = "true()" if source else "false()"
        if isinstance(source, int | float):
            source = str(source)
        if not isinstance(source, str):
            self.err(
                "bad_expression",
                Text("表达式应为文字", "an expression must be text"),
                data,
                key,
                field=field,
                attribute=key,
            )
            return None
        try:
            node = parse_expression(source)
        except ExpressionError as e:
            self.err(
                "expression_syntax",
                e.text,
                data,
                key,
                field=field,
                attribute=key,
                col=e.col + offset,
            )
            return None
        return Expr(source, node, references(node))

    # --- choices -------------------------------------------------------------------------------
    def choice_list(self, name: str, raw: Any, data: Any, key: str) -> ChoiceList | None:
        if isinstance(raw, str) and raw.startswith("code:"):
            return self.code_choices(raw, data, key)
        if not isinstance(raw, list) or not raw:
            self.err(
                "bad_choices",
                Text(
                    f"选项表 '{name}' 应为非空列表",
                    f"choice list '{name}' must be a non-empty list",
                ),
                data,
                key,
            )
            return None
        choices: list[Choice] = []
        seen: set[str] = set()
        for item in raw:
            if not isinstance(item, dict) or "name" not in item:
                self.err(
                    "bad_choices",
                    Text(
                        f"选项表 '{name}' 的每项应有 name", f"each choice of '{name}' needs a name"
                    ),
                    item if isinstance(item, dict) else data,
                    None if isinstance(item, dict) else key,
                )
                continue
            cname = str(item["name"])
            if cname in seen:
                self.err(
                    "duplicate_choice",
                    Text(
                        f"选项表 '{name}' 中 '{cname}' 重复",
                        f"choice '{cname}' appears twice in '{name}'",
                    ),
                    item,
                    "name",
                )
            seen.add(cname)
            label = self.text(item.get("label"), item, "label", None) or Text(cname, cname)
            extra = {k: v for k, v in item.items() if k not in ("name", "label")}
            choices.append(Choice(cname, label, extra))
        return ChoiceList(name, tuple(choices), "form") if choices else None

    def code_choices(self, ref: str, data: Any, key: str) -> ChoiceList | None:
        list_name = ref[5:]
        if not resource_path("codes", f"{list_name}.json").is_file():
            self.err(
                "bad_choices",
                Text(f"没有代码表 '{list_name}'", f"no code list '{list_name}'"),
                data,
                key,
            )
            return None
        codes = code_list(list_name)
        choices = []
        for c in codes.items:
            extra = dict(c.extra)
            for group, members in codes.groups.items():
                extra[f"in_{group}"] = c.code in members
            choices.append(Choice(c.code, c.label, extra))
        return ChoiceList(ref, tuple(choices), ref)

    def parameters(self, raw: Any, data: Any) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        if raw is None:
            return out
        if not isinstance(raw, dict):
            self.err(
                "bad_parameters",
                Text("parameters 应为映射", "parameters must be a mapping"),
                data,
                "parameters",
            )
            return out
        for name, spec in raw.items():
            if not isinstance(spec, dict) or spec.get("type") not in PARAMETER_TYPES:
                self.err(
                    "bad_parameters",
                    Text(
                        f"参数 '{name}' 需要 type({', '.join(sorted(PARAMETER_TYPES))})",
                        f"parameter '{name}' needs a type ({', '.join(sorted(PARAMETER_TYPES))})",
                    ),
                    raw,
                    name,
                )
                continue
            label = self.text(spec.get("label"), spec, "label", None) or Text(name, name)
            out[name] = Parameter(
                name, spec["type"], spec.get("default"), label, spec.get("source")
            )
        return out

    def checks(self, raw: Any, data: Any) -> list[Check]:
        out: list[Check] = []
        if raw is None:
            return out
        if not isinstance(raw, list):
            self.err("bad_checks", Text("checks 应为列表", "checks must be a list"), data, "checks")
            return out
        for item in raw:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                self.err(
                    "bad_checks",
                    Text("每条检查需要 id", "each check needs an id"),
                    item if isinstance(item, dict) else data,
                    None if isinstance(item, dict) else "checks",
                )
                continue
            cid = item["id"]
            self.check_keys(item, {"id", "assert", "level", "message", "field"}, f"check {cid}")
            level = item.get("level", "error")
            if level not in ("error", "warning"):
                self.err(
                    "bad_checks",
                    Text("level 应为 error 或 warning", "level must be error or warning"),
                    item,
                    "level",
                    field=f"check {cid}",
                )
            expr = self.expr(item.get("assert"), item, "assert", f"check {cid}")
            message = self.text(item.get("message"), item, "message", f"check {cid}", required=True)
            if expr is None and "assert" not in item:
                self.err(
                    "bad_checks",
                    Text("检查需要 assert", "a check needs an assert"),
                    item,
                    field=f"check {cid}",
                )
            if expr is not None and message is not None:
                out.append(
                    Check(cid, expr, level, message, item.get("field"), getattr(item, "line", None))
                )
        return out


def _line(data: Any, key: str | None) -> int | None:
    if isinstance(data, LineDict):
        return data.line_of(key) if key else data.line
    return None
