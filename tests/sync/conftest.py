"""Fixtures for the sync protocol's tests (``fieldsurvey.sync``: envelope, batch, merge, device client).

Servers and devices come from ``tests.support.server``; the modules that sync against a real
server define their ``county`` fixture (SQLite and PostgreSQL) themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow

SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_sync_client.py": "a county server process per backend, laptops syncing",
    "test_sync_photos.py": "a county server process per backend, photos uploaded",
    "test_sync_envelope.py": "fuzzing the parser and the ingest (Hypothesis)",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
