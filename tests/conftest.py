"""Shared test set-up: Qt runs offscreen, stores use a fast KDF unless a test needs the real one.

Each folder (``core``, ``forms``, ``store``, ``sync``, ``server``, ``ui``, ``county``, ``ledger``,
``demo``, ``project``) has its own ``conftest.py`` for its fixtures; helpers are imported from
``tests.support``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from tests.support.common import FAST_KDF, FAST_PASSWORD_HASH, SERVER_PASSPHRASE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", SERVER_PASSPHRASE)
# The processes the tests start (servers, the app, CLI runs, xdist's workers) import the whole
# package: where the machine sets PYTHONDONTWRITEBYTECODE, each of them compiled it from source
# again. Bytecode caches are what every user's Python keeps, so the tests keep them too.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

import gc

import pytest


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core and one more.

    A good share of the suite waits rather than computes: on server and CLI processes it started,
    on PostgreSQL, on a laptop process being killed, on the UI's worker threads. With one worker
    per core those waits left a core idle; the extra worker fills them (on the 2-core machine:
    4 min 44 s with two workers, 3 min 38 s with three; docs/performance.md).
    """
    return (os.cpu_count() or 1) + 1


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected by now lives for the whole run: move it out of the
    collector's sight (``gc.freeze``), as a forking server does after start-up.

    Every app a test starts and stops collects all generations on stopping
    (``MainThreadCollector.stop``), and Python's own full collections scan every tracked object:
    with Qt, SQLAlchemy, Hypothesis and the package imported that cost a tenth of a second
    each time, about a minute of the suite. Objects made by the tests themselves are collected as
    before.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashes() -> Iterator[None]:
    """County server passwords hashed at tiny costs in this process (``FAST_PASSWORD_HASH``).

    Every county fixture sets passwords and every ``token()`` signs in: at the production cost
    (64 MiB, three passes) that was a quarter of a second of CPU each. A server started as a
    process keeps the production parameters.
    """
    from fieldsurvey.server.auth import identity as auth

    saved = auth.ARGON2
    auth.ARGON2 = dict(FAST_PASSWORD_HASH)
    yield
    auth.ARGON2 = saved


@pytest.fixture
def fast_kdf() -> dict:
    return dict(FAST_KDF)


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    """The QApplication with the bundled font, as ``run_app`` prepares it (village and county)."""
    from fieldsurvey.ui.app import create_application

    return create_application()
