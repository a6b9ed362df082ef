"""What a secretary does on a laptop's store, for the tests that sync it with a county."""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit
from fieldsurvey.store import Store


def edit_household(store: Store, household_id: str, **fields: Any) -> Household:
    """Set ``fields`` of a household the laptop holds and save it, as the household form does:
    one pending edit for each field changed. Returns the household as saved."""
    h = store.households.get(household_id)
    assert h is not None, household_id
    for name, value in fields.items():
        setattr(h, name, value)
    store.households.update(h)
    return h


def finalized_visit(
    store: Store,
    household_id: str,
    day: date,
    visitor: str,
    findings: str | None = None,
    assessment: dict[str, Any] | None = None,
) -> Visit:
    """A household visit (the household food secure) saved as a draft, then finalized with
    ``assessment`` (no flags unless given), as the visit editor finishes one."""
    visit = Visit(
        household_id, day, visitor, "household_visit", "1", {"food_secure": True}, findings=findings
    )
    store.visits.save_draft(visit)
    store.visits.finalize(visit, None, {"flags": []} if assessment is None else assessment)
    return visit
