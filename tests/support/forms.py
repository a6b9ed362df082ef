"""Forms for tests: a county's household visit made of one imported XLSForm, and the plain
places (``DictEnv``, ``OdkEnv``) the expression tests evaluate in.

What a county does to put its own questionnaire in front of the secretaries (convert the
workbook, save the form beside a visit definition naming it), done with the real converter and
the real library, shared by the server's export tests and the visit editor's tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from fieldsurvey.forms.expr.values import Nodeset, Value
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.xlsform import convert_xlsform

# The day the expression tests' forms are filled on.
TODAY = date(2024, 6, 15)


class DictEnv:
    """The evaluator's interface over plain values: what a form place would provide."""

    def __init__(
        self, values: dict[str, Value | Nodeset], current: Value = None, params: dict | None = None
    ) -> None:
        self.values, self._current, self.params = values, current, params or {}

    def value(self, name: str) -> Value | Nodeset:
        return self.values[name]

    def current(self) -> Value:
        return self._current

    def choice_attr(self, name: str) -> Value:
        return None

    def choice_extra(self, field: str, column: str) -> Value:
        return None

    def position(self) -> int | None:
        return 2

    def param(self, name: str) -> Value:
        return self.params.get(name)

    def today(self) -> date:
        return TODAY

    def group_values(self, group: str, only: set[str] | None) -> Iterable[Value]:
        return []


class OdkEnv(DictEnv):
    """A form place with ODK semantics over plain values, the first of its repeat."""

    odk = True

    def position(self) -> int | None:
        return 1


def save_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def imported_visit(xlsx: Path, forms: Path, *, version: str, title: dict[str, str]) -> FormLibrary:
    """A library in ``forms`` (made here) whose household visit (``version``, ``title``) is the
    one form converted from ``xlsx``; the conversion must leave nothing unsupported and the
    library must check clean."""
    conversion = convert_xlsform(xlsx)
    assert conversion.unsupported == [], [f.message() for f in conversion.unsupported]
    forms.mkdir()
    form_id = conversion.form["id"]
    save_yaml(forms / f"{form_id}.yaml", conversion.form)
    visit = {
        "format": 1,
        "kind": "visit",
        "id": "household_visit",
        "version": version,
        "title": title,
        "sections": [{"form": form_id, "version": "1"}],
    }
    save_yaml(forms / "household_visit.yaml", visit)
    library = FormLibrary(forms)
    assert library.check() == []
    return library
