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


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountyServer]:
    yield from county_process(tmp_path_factory.mktemp("county"), "sqlite")


@pytest.fixture
def staff_window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from window_for(qtbot, county, tmp_path / "home", "staff", STAFF_PASSWORD)
