"""The parts of a form file that imported XLSForms brought: carried data tables (the lists of
``choices: table:<t>`` and the rows ``pulldata()`` reads), a range's bounds and the further
label languages. ``loader.py``'s reader uses them; each problem is a diagnostic, as there."""

from __future__ import annotations

import re
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.model import Choice, ChoiceList, RangeSpec, Table
from fieldsurvey.forms.reader import Reader
from fieldsurvey.forms.source import LineDict

# A data file carried in a form (a choices CSV beside an XLSForm): its bounds.
MAX_TABLE_ROWS = 50_000
MAX_TABLE_COLUMNS = 64
MAX_TABLE_CELLS = 1_000_000
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class TableReader(Reader):
    """The reader with the tables, ranges and languages an imported XLSForm brings."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.tables: dict[str, Table] = {}

    def table_choices(self, name: str, data: Any, path: str) -> ChoiceList | None:
        """A choice list from a carried data file: its ``name`` and ``label`` columns (or those
        ``choice_columns`` names), ``label::zh``/``label::en`` for the languages, the other
        columns as extra choice columns (for ``choice_filter``), as ODK reads such a CSV."""
        table = self.tables.get(name)
        if table is None:
            self.err(
                "unknown_choices",
                Text(f"表单中没有数据表 '{name}'", f"the form carries no table '{name}'"),
                data,
                "choices",
                field=path,
            )
            return None
        cols = data.get("choice_columns") or {}
        value_col = str(cols.get("name", "name")) if isinstance(cols, dict) else "name"
        label_col = str(cols.get("label", "label")) if isinstance(cols, dict) else "label"
        key = table.column(value_col)
        if key is None:
            self.err(
                "unknown_choices",
                Text(
                    f"数据表 '{name}' 没有列 '{value_col}'",
                    f"table '{name}' has no column '{value_col}'",
                ),
                data,
                "choices",
                field=path,
            )
            return None
        lab, zh, en = (table.column(c) for c in (label_col, f"{label_col}::zh", f"{label_col}::en"))
        more = [
            (code, i)
            for code in self.languages
            if (i := table.column(f"{label_col}::{code}")) is not None
        ]
        choices: list[Choice] = []
        seen: set[str] = set()
        for row in table.rows:
            cname = row[key]
            if not cname or cname in seen:
                continue  # ODK offers a value once; an empty one is no choice
            seen.add(cname)
            both = row[lab] if lab is not None else cname
            label = Text(
                row[zh] if zh is not None and row[zh] else both,
                row[en] if en is not None and row[en] else both,
                tuple((code, row[i]) for code, i in more if row[i]),
            )
            skip = {key, lab, zh, en, *(i for _, i in more)}
            extra = {c: row[i] for i, c in enumerate(table.columns) if i not in skip}
            choices.append(Choice(cname, label, extra))
        return ChoiceList(f"table:{name}", tuple(choices), f"table:{name}")

    def tables_of(self, raw: Any, data: Any) -> dict[str, Table]:
        out: dict[str, Table] = {}
        if raw is None:
            return out
        if not isinstance(raw, dict):
            self.err(
                "bad_tables", Text("tables 应为映射", "tables must be a mapping"), data, "tables"
            )
            return out
        cells = 0
        for name, spec in raw.items():
            columns = spec.get("columns") if isinstance(spec, dict) else None
            rows = spec.get("rows") if isinstance(spec, dict) else None
            if (
                not isinstance(columns, list)
                or not columns
                or not isinstance(rows, list)
                or not all(isinstance(r, list) and len(r) == len(columns) for r in rows)
            ):
                self.err(
                    "bad_tables",
                    Text(
                        f"数据表 '{name}' 应有 columns 和等长的 rows",
                        f"table '{name}' needs columns and rows of the same length",
                    ),
                    raw,
                    str(name),
                )
                continue
            cells += len(rows) * len(columns)
            if (
                len(rows) > MAX_TABLE_ROWS
                or len(columns) > MAX_TABLE_COLUMNS
                or cells > MAX_TABLE_CELLS
            ):
                self.err(
                    "bad_tables",
                    Text(
                        f"数据表 '{name}' 过大（至多{MAX_TABLE_ROWS}行、{MAX_TABLE_COLUMNS}列）",
                        f"table '{name}' is too large (at most {MAX_TABLE_ROWS} rows,"
                        f" {MAX_TABLE_COLUMNS} columns)",
                    ),
                    raw,
                    str(name),
                )
                continue
            out[str(name)] = Table(
                str(spec.get("file") or name),
                tuple(str(c) for c in columns),
                tuple(tuple("" if c is None else str(c) for c in r) for r in rows),
            )
        return out

    def range_spec(self, data: LineDict, ptext: str) -> RangeSpec | None:
        raw = data.get("range") or {}
        bad = not isinstance(raw, dict) or any(k not in ("start", "end", "step") for k in raw)
        values = {}
        if not bad:
            for k, v in raw.items():
                if isinstance(v, bool) or not isinstance(v, int | float):
                    bad = True
                else:
                    values[k] = v
        spec = RangeSpec(**values) if not bad else None
        if spec is not None and (
            spec.step <= 0 or abs(spec.end - spec.start) / spec.step > 100_000
        ):
            bad = True
        if bad:
            self.err(
                "bad_range",
                Text(
                    "range 应为 {start, end, step} 数字,step 大于 0",
                    "range must be numbers {start, end, step} with step above 0",
                ),
                data,
                "range",
                field=ptext,
            )
            return None
        return spec


def read_languages(loader: Reader, data: LineDict) -> dict[str, str]:
    """``languages: {fr: French, bo: 藏文}``: label languages besides zh and en."""
    raw = data.get("languages")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and LANGUAGE_CODE_RE.match(k) and k not in ("zh", "en") for k in raw
    ):
        loader.err(
            "bad_languages",
            Text(
                "languages 应为 {语言代码: 名称},如 {fr: Français}(zh 和 en 不用列出)",
                "languages must map language codes to names, e.g. {fr: Français} (not zh or en)",
            ),
            data,
            "languages",
        )
        return {}
    return {str(k): str(v) for k, v in raw.items()}
