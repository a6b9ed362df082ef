"""The three-way field merge: rules by example, then any interleaving of two devices' edits.

The property: every edit a device sends ends up applied, already there, or in the conflict queue
with both values — and the server never changes a field a device did not see (no silent
overwrite).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldsurvey.sync.merge import (
    APPLIED,
    CONFLICT,
    UNCHANGED,
    FieldConflict,
    FieldEdit,
    merge_fields,
)


def test_an_edit_on_an_unchanged_field_applies() -> None:
    r = merge_fields({"phone": "1", "address": "a"}, [FieldEdit("phone", "1", "2")])
    assert r.applied == {"phone": "2"} and r.outcome == APPLIED


def test_the_same_change_on_both_sides_is_not_a_conflict() -> None:
    r = merge_fields({"phone": "2"}, [FieldEdit("phone", "1", "2")])
    assert r.unchanged == ["phone"] and r.outcome == UNCHANGED


def test_different_changes_of_one_field_conflict_and_keep_three_values() -> None:
    r = merge_fields({"phone": "3"}, [FieldEdit("phone", "1", "2")])
    assert r.conflicts == [FieldConflict("phone", "1", "2", "3")] and r.outcome == CONFLICT
    assert r.applied == {}


def test_numbers_compare_by_value_but_booleans_are_not_numbers() -> None:
    assert merge_fields({"area": 60}, [FieldEdit("area", 60.0, 70)]).applied == {"area": 70}
    assert merge_fields({"flag": 1}, [FieldEdit("flag", True, False)]).conflicts


FIELDS = ("a", "b", "c")
VALUES = st.integers(0, 3)
Action = tuple[str, int, str, int]  # ("edit", device, field, value) or ("sync", device, "", 0)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 1), st.sampled_from(FIELDS), VALUES),
        st.tuples(st.just("sync"), st.integers(0, 1), st.just(""), st.just(0)),
    ),
    max_size=40,
)


class Device:
    def __init__(self, server: dict[str, Any]) -> None:
        self.seen = dict(server)  # the server values this device last downloaded
        self.local = dict(server)

    def pending(self) -> list[FieldEdit]:
        return [
            FieldEdit(f, self.seen[f], self.local[f])
            for f in FIELDS
            if self.local[f] != self.seen[f]
        ]


@settings(max_examples=400, deadline=None)
@given(initial=st.fixed_dictionaries({f: VALUES for f in FIELDS}), script=actions)
def test_any_interleaving_of_two_devices_loses_no_edit(
    initial: dict[str, int], script: list[Action]
) -> None:
    server = dict(initial)
    devices = [Device(server), Device(server)]
    queue: list[tuple[int, FieldConflict]] = []
    for kind, d, field, value in [*script, ("sync", 0, "", 0), ("sync", 1, "", 0)]:
        device = devices[d]
        if kind == "edit":
            device.local[field] = value
            continue
        edits = device.pending()
        before = dict(server)
        result = merge_fields(server, edits)
        for f, v in result.applied.items():
            assert (
                before[f] == next(e for e in edits if e.field == f).base
            )  # the device saw what it replaced
            server[f] = v
        queue.extend((d, c) for c in result.conflicts)
        for e in edits:  # every edit has exactly one fate, and each fate keeps the device's value
            fates = [
                e.field in result.applied,
                e.field in result.unchanged,
                any(c.field == e.field for c in result.conflicts),
            ]
            assert fates.count(True) == 1
            if fates[0] or fates[1]:
                assert server[e.field] == e.value
            else:
                conflict = next(c for c in result.conflicts if c.field == e.field)
                assert (conflict.device, conflict.server, conflict.base) == (
                    e.value,
                    before[e.field],
                    e.base,
                )
                assert (
                    server[e.field] == before[e.field]
                )  # the county's value is not overwritten either
        for f in FIELDS:  # nothing else moved
            if f not in result.applied:
                assert server[f] == before[f]
        device.seen = dict(server)
        device.local = dict(server)  # after sync the device shows the county's values
