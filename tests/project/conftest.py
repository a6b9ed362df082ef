"""Fixtures for the project-wide tests (import rules, README, packaging, bundle, portability):
the real village app on a small store, for the one bundle check that reads the About box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ui import make_store, running_controller


@pytest.fixture
def controller(app, tmp_path: Path, qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """The real app on the store, showing the unlock screen, in Chinese."""
    yield from running_controller(qtbot, make_store(tmp_path / "data"))
