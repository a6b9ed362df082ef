"""The columns of a survey row beyond name, type and label: bind:: (required, read-only,
constraints, calculations), body:: (appearance, repeat count), parameters, default, trigger,
a photo question's settings and the fieldsurvey:: columns of an exported workbook."""

from __future__ import annotations

import json
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.xlsform_choices import ChoiceReader
from fieldsurvey.forms.xlsform_map import (
    BIND_EXPRESSIONS,
    DIFFERENCES,
    LAYOUT_CONTROLS,
    NOT_PHOTO_APPEARANCES,
    photo_kind,
    truthy_cell,
)


class ColumnReader(ChoiceReader):
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
                    out[
                        "constraint_message" if key == "jr:constraintMsg" else "required_message"
                    ] = msg
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
                Text(
                    f"列 body::{key} 被忽略(仅影响显示)",
                    f"column body::{key} is ignored (display only)",
                )
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
            self.differs(
                row,
                name,
                Text(
                    "max-pixels 被忽略：照片一律缩放到本软件设定的长边（默认 1600 像素）",
                    "max-pixels is ignored: every photo is scaled to the app's long edge (1600 px by default)",
                ),
            )
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
                Text(
                    "参数 randomize 被忽略(仅影响选项顺序)",
                    "parameter randomize is ignored (display order only)",
                ),
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

    def photo(self, out: dict[str, Any], row: int, name: str) -> None:
        """An ``image``/``photo`` question: a photo field of at most one picture, as in ODK."""
        appearance = str(out.get("appearance") or "").split()
        bad = [a for a in appearance if a in NOT_PHOTO_APPEARANCES]
        if bad:
            self.note(
                row,
                name,
                Text(
                    f"图片题的 appearance {bad[0]}(手绘或签名)不受支持",
                    f"an image question with appearance {bad[0]} (a drawing or signature) is not supported",
                ),
                True,
            )
        out.pop("appearance", None)
        out.setdefault("max_count", 1)
        if "kind" not in out:
            label = out.get("label")
            label_text = " ".join(label.values()) if isinstance(label, dict) else str(label or "")
            out["kind"] = photo_kind(name, label_text)
            self.differs(
                row,
                name,
                Text(
                    f"照片类别按题名推定为 {out['kind']}(可用 fieldsurvey::kind 列指定)",
                    f"the photo kind is taken to be {out['kind']} from the question "
                    "(a fieldsurvey::kind column sets it)",
                ),
            )

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
    text = (
        " ".join(f"{k}={v}" for k, v in parameters.items())
        if isinstance(parameters, dict)
        else str(parameters)
    )
    keys = [part.split("=", 1)[0].strip() for part in text.split() if part.strip()]
    return bool(keys) and all(k == "max-pixels" for k in keys)
