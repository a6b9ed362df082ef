"""Lists page and filter on the server; the window fetches pages only as the user scrolls.

A county of 1,500 synthetic households from the demo generator: walking the keyset pages visits
every household exactly once in order; a filtered count matches the households themselves; the
households tab holds one page until the view is scrolled to its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from tests.support.county import STAFF_PASSWORD, CountyServer, wait
from tests.support.server import ServerProcess, roster_of

SIZE = 1500


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountyServer]:
    server = ServerProcess(tmp_path_factory.mktemp("big") / "county", None)
    server.init()
    demo = generate_county(seed=5, households=SIZE)
    homes = list(iter_households(demo, SIZE, seed=5))
    divisions = [
        {"code": d.code.value, "name": d.name, "parent": d.parent, "level": d.code.level}
        for d in demo.divisions
    ]
    import_roster(
        server.server_dir,
        "test",
        roster_of([household_to_dict(h) for h in homes], divisions=divisions),
    )
    accounts.add_user(
        server.server_dir,
        "test",
        username="staff",
        role="county_staff",
        display_name="县局",
        password=STAFF_PASSWORD,
    )
    server.server_dir.close()
    server.start()
    try:
        yield CountyServer(server, {h.household_id: h for h in homes})
    finally:
        server.stop()


def test_keyset_pages_visit_every_household_once_in_order(county: CountyServer) -> None:
    token = county.token()
    seen: list[tuple[str, str]] = []
    after, total = None, None
    while True:
        page = county.api(
            "GET",
            "/county/households",
            token,
            params={"limit": 400, **({"after": after} if after else {})},
        ).json()
        total = page.get("total", total)
        seen += [(h["village_code"], h["household_no"]) for h in page["items"]]
        after = page["next"]
        if not after:
            break
    assert total == SIZE and len(seen) == SIZE == len(set(seen))
    assert seen == sorted(seen)


def test_a_filtered_count_is_the_households_that_match(county: CountyServer) -> None:
    village = sorted({h.division_code.value for h in county.households.values()})[1]
    expected = [
        h
        for h in county.households.values()
        if h.division_code.value == village and h.status == "not_exited"
    ]
    page = county.api(
        "GET", "/county/households", params={"scope": village, "status": "not_exited", "limit": 500}
    ).json()
    assert page["total"] == len(expected) > 0
    assert {h["household_id"] for h in page["items"]} == {h.household_id for h in expected}
    township = village[:9]
    in_township = sum(
        1 for h in county.households.values() if h.division_code.value.startswith(township)
    )
    assert (
        county.api("GET", "/county/households", params={"scope": township, "limit": 1}).json()[
            "total"
        ]
        == in_township
    )


def test_the_households_tab_fetches_a_page_at_a_time(
    staff_window: Any, county: CountyServer, qtbot: Any
) -> None:
    window = staff_window.window
    page = window.households
    window.tabs.setCurrentWidget(page)
    page.refresh()
    wait(staff_window)
    model = page.model
    assert (
        model.total == SIZE
        and len(model.rows) == model.page_size == 100
        and model.pages_fetched == 1
    )
    assert page.count.text() == f"已显示 100 条，共 {SIZE:,} 条"
    page.view.scrollToBottom()  # Qt asks the model for more at the end of the list
    qtbot.waitUntil(lambda: model.pages_fetched >= 2, timeout=20_000)
    wait(staff_window)
    assert len(model.rows) == 200 and model.canFetchMore()
    ids = [r.household_id for r in model.rows]
    assert len(set(ids)) == 200
