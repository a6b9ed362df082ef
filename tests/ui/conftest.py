"""Fixtures for the desktop app's tests: a small real store, the real app around it, the window
unlocked, and an empty laptop with a county server for the sync panel.

Helpers (``unlock``, ``wait_ops``, the visit editor's ``new_visit`` …) are imported by name from
``tests.support.ui`` and ``tests.support.visit``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.common import FAST_KDF
from tests.support.marks import mark_if_slow
from tests.support.server import County, running_county
from tests.support.ui import EMPTY_APP_PASSPHRASE, UiStore, make_store, running_controller, unlock


@pytest.fixture
def ui_store(tmp_path: Path) -> UiStore:
    return make_store(tmp_path / "data")


@pytest.fixture
def controller(app, ui_store: UiStore, qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """The real app on the store, showing the unlock screen, in Chinese."""
    yield from running_controller(qtbot, ui_store)


@pytest.fixture
def window(controller, qtbot):  # type: ignore[no-untyped-def]
    """The real app, unlocked, showing the household list."""
    unlock(qtbot, controller.window)
    return controller.window


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Iterator[County]:  # type: ignore[no-untyped-def]
    """A county server process on SQLite, one per test module."""
    with running_county(tmp_path_factory.mktemp("county"), "sqlite") as c:
        yield c


@pytest.fixture
def empty_app(app, tmp_path: Path, qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """The real app on an empty store (no county, no households), before the setup assistant."""
    from fieldsurvey.store import Store
    from fieldsurvey.ui.app import AppController

    Store.create(tmp_path / "laptop", EMPTY_APP_PASSPHRASE, kdf=dict(FAST_KDF))[0].close()
    c = AppController(tmp_path / "laptop")
    c.start()
    qtbot.addWidget(c.window)
    yield c
    if c.window.isVisible():
        c.window.close()
    c.shutdown()


SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_ui_insecure_http.py": "a county server process on the network address",
    "test_ui_sync.py": "a county server process, enrollment and sync from the panel",
    "test_ui_sync_photos.py": "a county server process, photos sent from the panel",
    "test_ui_wording.py": "every screen walked, a village ledger rendered",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
