"""Fixtures for the demo county's tests (``fieldsurvey.demo`` and the ``demo`` command): the
generator's output, the producer process that fills a store, and the demo's county server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow

SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_sync_demo.py": "the demo's server process",
    "test_demo_fill.py": "a producer process filling a store",
    "test_demo_generator.py": "whole demo counties generated, one streamed at scale for its memory",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
