"""How a laptop lays the county's records over its own copy of a household."""

from __future__ import annotations

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.sync.incoming import _overlay
from tests.support.factories import household


def test_an_updated_member_stays_in_its_place_and_a_new_one_comes_last() -> None:
    h = household_to_dict(household())
    ids = [m["member_id"] for m in h["members"]]
    head = dict(h["members"][0], phone="13800000000", revision=2)
    newborn = dict(h["members"][2], member_id="new-member", name="新生儿")
    out = _overlay(
        h,
        [
            {"type": "member", "household_id": h["household_id"], "record": head},
            {"type": "member", "household_id": h["household_id"], "record": newborn},
        ],
    )
    assert out is not None
    assert [m["member_id"] for m in out["members"]] == [*ids, "new-member"]
    assert out["members"][0]["phone"] == "13800000000"


def test_a_deleted_member_leaves_the_others_in_order() -> None:
    h = household_to_dict(household())
    ids = [m["member_id"] for m in h["members"]]
    gone = dict(h["members"][1])
    out = _overlay(
        h, [{"type": "member", "household_id": h["household_id"], "record": gone, "deleted": True}]
    )
    assert out is not None
    assert [m["member_id"] for m in out["members"]] == [ids[0], *ids[2:]]
