"""Which assessment a household shows, and assessing every household again.

A household page shows the assessment made at its newest finalized visit (what was decided
then, with the policy of the day); a household never visited shows one computed now from its
current records. Reassessing every household stores the list flags anew, needed when the
policy tables change (a new year's monitoring threshold) and for rosters that arrive without
assessments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit

if TYPE_CHECKING:
    from fieldsurvey.store import Store

REASSESS_CHUNK = 200

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class Shown:
    """The assessment to show and where it comes from."""

    assessment: Assessment
    visit: Visit | None  # the finalized visit it was made at; None = computed now


def shown_assessment(
    store: Store, household: Household, visits: Sequence[Visit], today: date | None = None
) -> Shown:
    """The newest finalized visit's assessment (``visits`` newest first), else one made now."""
    source = next((v for v in visits if v.finalized and v.assessment), None)
    if source is not None and source.assessment is not None:
        return Shown(Assessment.from_dict(source.assessment), source)
    changes = store.households.member_changes(household.household_id)
    return Shown(assess(household, on=today or date.today(), member_changes=changes), None)


@dataclass(frozen=True, slots=True)
class Reassessed:
    assessed: int
    cancelled: bool


def reassess_households(
    store: Store,
    on: date,
    *,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> Reassessed:
    """Assess every household from its current records and store the list flags.

    Chunks are committed one by one, so a cancel keeps the work done so far.
    """
    total = store.households.count()
    done = 0
    batch: list[Household] = []

    def flush() -> None:
        changes = store.households.member_changes_of([h.household_id for h in batch])
        store.households.set_assessments(
            (
                h.household_id,
                assess(h, on=on, member_changes=changes.get(h.household_id, ())).to_dict(),
                None,
            )
            for h in batch
        )

    for household in store.households.iter_households():
        batch.append(household)
        if len(batch) >= REASSESS_CHUNK:
            if cancelled and cancelled():
                return Reassessed(done, True)
            flush()
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        if cancelled and cancelled():
            return Reassessed(done, True)
        flush()
        done += len(batch)
    if progress:
        progress(done, total)
    return Reassessed(done, False)
