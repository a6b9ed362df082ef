"""What the routes that take files answer: photo bundles and the county's Excel roster (upload,
preview with a suggested mapping, the dry-run check, the all-or-nothing import)."""

from __future__ import annotations

from typing import Literal

from fieldsurvey.api.county import Answer, PhotoLimits
from fieldsurvey.api.errors import ErrorMessage


# -- photos ---------------------------------------------------------------------------------------
class MissingPhotos(Answer):
    """Which (household, photo) pairs the county lacks; ``linked`` were served from a photo it held."""

    missing: list[list[str]]
    linked: int
    limits: PhotoLimits


class PhotoOutcome(Answer):
    household_id: str
    sha256: str
    outcome: Literal["stored", "already", "refused"]
    code: str | None = None
    limit: str | None = None
    message: ErrorMessage | None = None


class PhotoIngest(Answer):
    """The answer to a committed photo bundle: an outcome per photo."""

    bundle_id: str
    counts: dict[str, int]
    outcomes: list[PhotoOutcome]


class HouseholdPhoto(Answer):
    sha256: str
    visit_id: str
    visit_date: str
    form_id: str
    form_version: str
    field: str
    caption: str | None
    byte_size: int
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class HouseholdPhotos(Answer):
    photos: list[HouseholdPhoto]


# -- roster ---------------------------------------------------------------------------------------
class RosterUploadStarted(Answer):
    upload_id: str
    offset: int


class RosterField(Answer):
    key: str
    zh: str
    en: str
    required: bool


class RosterPreview(Answer):
    """The sheets, the header, the suggested column mapping and a few rows, for the mapping step."""

    sheets: list[str]
    sheet: str
    headers: list[str]
    suggested: dict[str, int]
    sample: list[list[str]]
    fields: list[RosterField]


class RosterRow(Answer):
    """A row that cannot be imported (or, among warnings, imports but asks for a look)."""

    row: int
    household_no: str
    column: str | None
    code: str
    reason: ErrorMessage


class RosterCheck(Answer):
    """The dry run: every row that cannot be imported, with its reasons, and warnings."""

    ok: bool
    rows: int
    households: int
    members: int
    accepted_households: int
    accepted_members: int
    rejected_rows: int
    rejected_households: int
    rejected: list[RosterRow]
    warnings: list[RosterRow]


class RosterImported(Answer):
    households: int
    members: int
    rows: int
    ok: bool


class Discarded(Answer):
    discarded: bool
