"""Shared test set-up: Qt runs offscreen, stores use a fast KDF unless a test needs the real one.

Each folder (``core``, ``forms``, ``store``, ``sync``, ``server``, ``ui``, ``county``, ``ledger``,
``demo``, ``project``) has its own ``conftest.py`` for its fixtures; helpers are imported from
``tests.support``.
"""

from __future__ import annotations

import os

from tests.support.common import FAST_KDF, SERVER_PASSPHRASE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", SERVER_PASSPHRASE)

import pytest  # noqa: E402


@pytest.fixture
def fast_kdf() -> dict:
    return dict(FAST_KDF)


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    """The QApplication with the bundled font, as ``run_app`` prepares it (village and county)."""
    from fieldsurvey.ui.app import create_application

    return create_application()
