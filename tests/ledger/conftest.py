"""Fixtures for the ledger's tests (``fieldsurvey.ledger``): real PDFs rendered in ``tmp_path``
and read back. Photos are drawn by ``tests.support.photo_fixtures``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow

SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_ledger_village.py": "villages printed, several processes, cancels",
    "test_ledger_cli.py": "villages printed through the command",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
