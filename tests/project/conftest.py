"""Fixtures for the project-wide tests (import rules, README, packaging, bundle, portability):
the real village app on a small store, for the bundle checks that read the About box and run
the installation check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow
from tests.support.ui import UiStore, make_store, running_controller


@pytest.fixture
def ui_store(tmp_path: Path) -> UiStore:
    """A small real store, for the installation check that unlocks it."""
    return make_store(tmp_path / "data")


@pytest.fixture
def controller(app, ui_store: UiStore, qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """The real app on the store, showing the unlock screen, in Chinese."""
    yield from running_controller(qtbot, ui_store)


SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_first_run.py": "the app and the demo started as processes",
    "test_portability.py": "a county server process, stores, syncs and ledgers without POSIX",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
