"""What a use case changed, so each view redraws only what it shows (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, so views redraw only what they must."""

    household_ids: frozenset[str] = frozenset()
    household_list: bool = False  # summaries changed: a household added, flags, last visit
    visits: bool = False
    everything: bool = False  # a sync may have changed any household

    def touches(self, household_id: str) -> bool:
        return self.everything or household_id in self.household_ids


class WithChanges(NamedTuple):
    """A use case's result and what it changed; the ui delivers ``value`` and broadcasts ``changes``."""

    value: Any
    changes: Changes


def household_changed(
    household_id: str, *, household_list: bool = False, visits: bool = False
) -> Changes:
    return Changes(frozenset({household_id}), household_list=household_list, visits=visits)


# what a sync, an import of county updates or an enrollment may have changed
EVERYTHING = Changes(household_list=True, visits=True, everything=True)
