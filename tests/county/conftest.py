"""Fixtures for county mode: a real server process with the varied roster of
``tests.support.county`` (one per test module, on SQLite) and the staff's window signed in to it.

A module that needs another county (PostgreSQL too, more users, a bigger roster) defines its own
``county`` fixture, which takes precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.county import STAFF_PASSWORD, CountyServer, county_process, window_for
from tests.support.marks import mark_if_slow


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountyServer]:
    yield from county_process(tmp_path_factory.mktemp("county"), "sqlite")


@pytest.fixture
def staff_window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from window_for(qtbot, county, tmp_path / "home", "staff", STAFF_PASSWORD)


SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_county_dashboard.py": "a county server process per backend, SQLite and PostgreSQL",
    "test_county_exports.py": "a county server process; bulk ledgers rendered for a township",
    "test_county_lists.py": "a county server process with 1,500 demo households",
    "test_county_mnemonics.py": "a county server process; every dialog walked in two languages",
    "test_county_permissions.py": "a county server process with several users' windows",
    "test_county_photos.py": "a county server process and a laptop syncing photos",
    "test_county_review.py": "a county server process and laptops syncing",
    "test_county_roster.py": "a county server process; rosters imported through the window",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
