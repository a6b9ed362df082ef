"""County staff sign in through the real dialog and see the county's tabs and its households."""

from __future__ import annotations

from typing import Any

from tests.support.county import CountyServer


def test_staff_sign_in_and_see_the_county(staff_window: Any, county: CountyServer) -> None:
    window = staff_window.window
    pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert pages == [
        window.dashboard,
        window.households,
        window.inbox,
        window.conflicts,
        window.visits,
        window.roster,
        window.exports,
    ]  # no administration for county staff
    assert window.dashboard.data.total["households"] == len(county.households)
