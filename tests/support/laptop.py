"""What a secretary does on a laptop's store, for the tests that sync it with a county."""

from __future__ import annotations

from typing import Any

from fieldsurvey.core.household import Household
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
