"""Which tests are slow, said once per folder (in its ``conftest.py``), not in each test file.

``python -m pytest -m "not slow"`` is the fast lane (README, docs/testing.md). A module is listed
when its tests start real processes (a county server, the app, a killed child) or render at a
scale that takes seconds; a single slow test in an otherwise fast module is marked where it is
written (``@pytest.mark.slow``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest


def mark_if_slow(item: pytest.Item, folder: Path, modules: Mapping[str, str]) -> None:
    """Mark ``item`` ``slow`` when it is in one of ``folder``'s listed modules (name → why).

    Called from ``pytest_itemcollected``, before ``-m`` selects, for every item of the session.
    """
    if item.path.parent == folder and item.path.name in modules:
        item.add_marker(pytest.mark.slow)
