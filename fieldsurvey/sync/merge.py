"""The three-way field merge: what a device's edit does to the county's copy of a record.

Pure functions over plain values, so the rule can be read and property-tested alone.

A device edit names, per field, the value it started from (``base``) and the value it wants
(``value``). Against the server's current value ``server``:

- ``server == base``: nobody else changed the field since — the edit applies;
- ``server == value``: the other side already made the same change — nothing to do;
- otherwise both sides changed the field differently — a conflict keeping base, device and
  server values; the server value stays until county staff resolve it.

Fields are compared by value, not by revision: a record whose other fields changed still takes
this edit's fields, which is the "field by field" merge. The base revision is only a shortcut
(equal revisions ⇒ no conflict is possible) and is recorded for the audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.sync.canonical import same

APPLIED = "applied"
UNCHANGED = "unchanged"
CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class FieldEdit:
    field: str
    base: Any
    value: Any


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    base: Any
    device: Any
    server: Any


@dataclass(slots=True)
class MergeResult:
    applied: dict[str, Any] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.conflicts:
            return CONFLICT
        return APPLIED if self.applied else UNCHANGED


def merge_fields(server: Mapping[str, Any], edits: Sequence[FieldEdit]) -> MergeResult:
    """Decide each field of one record edit against the server's current values."""
    result = MergeResult()
    for edit in edits:
        current = server.get(edit.field)
        if same(current, edit.value):
            result.unchanged.append(edit.field)
        elif same(current, edit.base):
            result.applied[edit.field] = edit.value
        else:
            result.conflicts.append(FieldConflict(edit.field, edit.base, edit.value, current))
    return result


def apply(server: Mapping[str, Any], result: MergeResult) -> dict[str, Any]:
    """The record after the merge (conflicting fields keep the server value)."""
    merged = dict(server)
    merged.update(result.applied)
    return merged
