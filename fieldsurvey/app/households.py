"""Households: the list, one household's page, adding one, recording a member change.

Every function takes the open ``Store`` and returns copies the caller may keep (the ui keeps
them on the main thread while the store works on).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fieldsurvey.app.assessments import shown_assessment
from fieldsurvey.app.changes import WithChanges, household_changed
from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import MemberChange, Visit

if TYPE_CHECKING:
    from fieldsurvey.store import Store
    from fieldsurvey.store.households import HouseholdSummary
    from fieldsurvey.store.photos import PhotoInfo

HOUSEHOLD_GONE = Text(
    "找不到该户（可能已被县里删除）", "household not found (the county may have removed it)"
)
DUPLICATE_NO = Text("该户编号已存在", "this household number already exists")


# -- the list ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ListData:
    summaries: list[HouseholdSummary]
    village_names: dict[str, str]
    township_of: dict[str, str]  # village code -> township name
    head_pinyin: list[str] | None = None  # full pinyin of each head's name, for the search box


def load_list(store: Store, pinyin: Callable[[str], str] | None = None) -> ListData:
    """The household list with its village and township names; ``pinyin`` reads each head's
    name (the ui's search passes it so its dictionaries load off the main thread)."""
    divisions = store.divisions.all()
    names = {d.code.value: d.name for d in divisions}
    villages = {d.code.value: d.name for d in divisions if d.code.level == "village"}
    townships = {code: names.get(code[:9] + "000", "") for code in villages}
    summaries = store.households.summaries()
    heads = [pinyin(s.head_name or "") for s in summaries] if pinyin is not None else None
    return ListData(summaries, villages, townships, heads)


# -- one household -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HouseholdPhotoView:
    """A photo on the household page: the store's info and what its field calls it."""

    info: PhotoInfo
    visit_date: str
    title: Text  # the field's caption or label (改造后, 全家福 …)
    kind: str
    caption: str | None  # the user's own words
    finalized: bool


@dataclass(frozen=True, slots=True)
class HouseholdBundle:
    household: Household
    visits: list[Visit]
    assessment: Assessment | None
    assessment_visit: Visit | None  # the finalized visit it was made at; None = computed now
    place: dict[str, str | None]  # county / township / village names
    photos: tuple[HouseholdPhotoView, ...] = ()  # newest visit first


def get_household(store: Store, household_id: str) -> Household:
    """The household, or a ``UserError`` saying it is gone (the county may have removed it)."""
    household = store.households.get(household_id)
    if household is None:
        raise UserError(HOUSEHOLD_GONE, code="not_found")
    return household


def household_photos(
    store: Store, household_id: str, visits: Sequence[Visit]
) -> tuple[HouseholdPhotoView, ...]:
    from fieldsurvey.forms.photo_fields import field_info

    forms = {v.visit_id: (v.form_id, v.form_version) for v in visits}
    out = []
    for p in store.photos.for_household(household_id):
        form_id, version = forms.get(p.visit_id, ("household_visit", None))
        info = field_info(form_id, version, p.field)
        out.append(
            HouseholdPhotoView(p.info, p.visit_date, info.title, info.kind, p.caption, p.finalized)
        )
    return tuple(out)


def load_household(store: Store, household_id: str, today: date | None = None) -> HouseholdBundle:
    """What the household page draws: records, visits, the assessment to show, place, photos."""
    household = get_household(store, household_id)
    visits = store.visits.for_household(household_id)
    shown = shown_assessment(store, household, visits, today)
    place = store.divisions.path(household.division_code.value)
    photos = household_photos(store, household_id, visits)
    return HouseholdBundle(household, visits, shown.assessment, shown.visit, place, photos)


def add_household(store: Store, household: Household) -> WithChanges:
    """Add a household made on the laptop; a household number already in the store is refused."""
    if store.households.get_by_no(household.household_no) is not None:
        raise UserError(DUPLICATE_NO, code="duplicate")
    store.households.add(household)
    return WithChanges(
        household.household_id, household_changed(household.household_id, household_list=True)
    )


def change_member(store: Store, household: Household, change: MemberChange) -> WithChanges:
    """Save the household with a member joined or left, and the change record, in one go."""
    store.households.record_member_change(household, change)
    return WithChanges(
        change.change_id, household_changed(household.household_id, household_list=True)
    )
