"""The photo fields of a form, by name: what each holds (kind), its label and printed caption.

A visit's answers name their photos by field (``core/photo_refs.py``); the household page, the
ledger and county mode need to know what a field's pictures show without running a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fieldsurvey.core.errors import FieldSurveyError
from fieldsurvey.core.text import Text
from fieldsurvey.forms.model import Field


@dataclass(frozen=True, slots=True)
class PhotoField:
    name: str
    kind: str
    label: Text
    caption: Text | None
    section: str  # the form (section) it is in

    @property
    def title(self) -> Text:
        return self.caption or self.label


def photo_fields(survey: object) -> dict[str, PhotoField]:
    out: dict[str, PhotoField] = {}
    for el in getattr(survey, "elements", {}).values():
        if isinstance(el, Field) and el.type == "photo":
            out[el.name] = PhotoField(
                el.name, el.kind or "visit", el.display_label(), el.caption, el.form_id
            )
    return out


@lru_cache(maxsize=32)
def visit_photo_fields(form_id: str, version: str | None = None) -> dict[str, PhotoField]:
    """The photo fields of a visit form as the library has it; {} for a form it cannot open."""
    from fieldsurvey.forms.library import FormLibrary

    try:
        return photo_fields(FormLibrary().survey(form_id, version))
    except (FieldSurveyError, OSError, KeyError, ValueError):
        return {}


def field_info(form_id: str, version: str | None, name: str) -> PhotoField:
    """A field's info, falling back to the current form and then to a bare "visit" photo."""
    found = visit_photo_fields(form_id, version).get(name) or visit_photo_fields(form_id, None).get(
        name
    )
    return found or PhotoField(name, "visit", Text(name, name), None, "")
