"""The ``answers`` export: one row per visit, one column per question of the visit form.

The other exports hold the registry (households, members) and the visits' facts; this one holds
what was asked, as ODK Central's submission export does, so a county that added a form of its
own (an imported XLSForm) can report on it. The columns follow the current household visit in
the county's form library (``FIELDSURVEY_RESOURCES``): its questions outside repeats in form
order, and the number of entries of each repeat. A visit filled with an older version leaves the
questions it did not have empty.

Cells by type: numbers stay numbers; choices, rankings and yes/no show their labels in the
export's language; dates, times and date-times their ISO text (a date-time with its offset); a
geopoint takes four columns, ``<name>-Latitude``, ``-Longitude``, ``-Altitude`` and
``-Accuracy`` as ODK Central names them (the accuracy is empty for coordinates typed on a
laptop); metadata (start, end, deviceid, username) as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.engine import ID_KEY
from fieldsurvey.forms.model import Element, Field, Repeat
from fieldsurvey.forms.values import display, from_json, geopoint_parts

GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
LABELLED = frozenset({"select_one", "select_multiple", "rank", "boolean", "acknowledge"})


@dataclass(frozen=True)
class Column:
    header: str
    element: Element
    part: int | None = None  # a geopoint's part (0 latitude … 3 accuracy)


def answer_columns(survey: Survey) -> list[Column]:
    """The columns of the survey's questions outside repeats and its top-level repeats."""
    out: list[Column] = []
    for form in survey.sections:
        for el in form.walk():
            if survey.chains.get(el.name):
                continue  # inside a repeat: the repeat's count stands for it
            if isinstance(el, Repeat):
                out.append(Column(f"{el.name} (n)", el))
            elif isinstance(el, Field) and el.stores_value:
                if el.type == "geopoint":
                    out += [Column(f"{el.name}-{p}", el, i) for i, p in enumerate(GEO_PARTS)]
                else:
                    out.append(Column(el.name, el))
    return out


def answer_cells(columns: list[Column], answers: dict[str, Any], lang: str) -> list[Any]:
    return [_cell(c, answers, lang) for c in columns]


def _cell(column: Column, answers: dict[str, Any], lang: str) -> Any:
    el = column.element
    raw = answers.get(el.name)
    if isinstance(el, Repeat):
        return (
            len([i for i in raw if isinstance(i, dict) and ID_KEY in i])
            if isinstance(raw, list)
            else None
        )
    if raw is None or not isinstance(el, Field):
        return None
    value = from_json(el, raw)
    if column.part is not None:
        return geopoint_parts(value)[column.part]
    if el.type in LABELLED or el.choices is not None:
        return display(el, value, lang)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)
