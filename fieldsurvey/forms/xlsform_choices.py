"""Choices of select questions: a list on the choices sheet, a CSV/XML file beside the
workbook, or_other's free-text field, and the choices sheet itself (only the lists used)."""

from __future__ import annotations

import json
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.xlsform_cells import CellReader


class ChoiceReader(CellReader):
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


def _exported_cell(value: Any) -> Any:
    """An extra choice column of an exported form: JSON for what is not text (true, 3)."""
    try:
        decoded = json.loads(str(value))
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded
