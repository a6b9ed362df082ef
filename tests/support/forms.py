"""Form libraries for tests: a county's household visit made of one imported XLSForm.

What a county does to put its own questionnaire in front of the secretaries (convert the
workbook, save the form beside a visit definition naming it), done with the real converter and
the real library, shared by the server's export tests and the visit editor's tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.xlsform import convert_xlsform


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
