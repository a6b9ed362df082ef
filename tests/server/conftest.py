"""Fixtures for the county server's tests (``fieldsurvey.server``: API, ingest, sign-in,
storage at rest, limits). Servers, devices and rosters come from ``tests.support.server``.

``county`` here is a real server process per test module, once on SQLite and once on PostgreSQL
(127.0.0.1:5432); a module that needs another county defines its own ``county``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import BACKENDS, County, county_for


@pytest.fixture(scope="module", params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    yield from county_for(request, tmp_path_factory)
