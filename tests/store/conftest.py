"""Fixtures for the encrypted store's tests (``fieldsurvey.store``, ``fieldsurvey.media``).

Stores are real SQLCipher files in ``tmp_path`` made with ``fast_kdf`` (``tests/conftest.py``);
``data/stores`` holds real stores of earlier schemas; ``tests.support.store_creator`` and
``store_writer`` are the child processes the kill tests start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow

SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_store_creation.py": "creations killed in child processes",
    "test_store_damage.py": "every command run as a process against each kind of damage",
    "test_cli_store.py": "every command run as a process",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
