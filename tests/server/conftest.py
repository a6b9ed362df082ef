"""Fixtures for the county server's tests (``fieldsurvey.server``: API, ingest, sign-in,
storage at rest, limits). Servers, devices and rosters come from ``tests.support.server``.

``county`` here is a real server process per test module, once on SQLite and once on PostgreSQL
(127.0.0.1:5432); a module that needs another county defines its own ``county``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow
from tests.support.server import BACKENDS, County, county_for


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    yield from county_for(request, tmp_path_factory)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within a module, the tests on one ``county`` run together and in the order written.

    pytest groups a module-scoped parameter's tests by the parameter's index, so a test
    parametrised on its own (``parametrize("county", ["postgres"], indirect=True)``: index 0)
    would join the SQLite group, start the PostgreSQL server out of turn and run before the tests
    it follows (the dump is scanned after the staged roster's test). Only the places the
    ``county`` tests already hold are reordered.
    """
    by_module: dict[object, list[int]] = {}
    for i, item in enumerate(items):
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "county" in callspec.params:
            by_module.setdefault(item.module, []).append(i)
    for places in by_module.values():
        group: dict[object, int] = {}
        for i in places:
            group.setdefault(items[i].callspec.params["county"], len(group))  # type: ignore[attr-defined]
        ordered = sorted(
            (items[i] for i in places),
            key=lambda it: (
                group[it.callspec.params["county"]],  # type: ignore[attr-defined]
                it.function.__code__.co_firstlineno,
            ),
        )  # type: ignore[attr-defined]
        for i, item in zip(places, ordered, strict=True):
            items[i] = item


SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_conflict_provenance.py": "a county server process per backend, laptops syncing",
    "test_server_api_fuzz.py": "schemathesis against the app on each backend, hundreds of requests",
    "test_server_at_rest.py": "server processes per backend, a season of data, CLI runs",
    "test_server_resilience.py": "server processes killed mid-merge, cut connections",
    "test_server_signin.py": "a county server process per backend",
    "test_server_sync.py": "a county server process per backend",
    "test_server_tls.py": "server processes over TLS",
    "test_server_docs.py": "a county server process per backend",
    "test_audit_heads.py": "command lines and every head on both backends",
    "test_server_isolation.py": "random batches against both backends (Hypothesis)",
    "test_server_drain.py": "a county per test on both backends",
    "test_input_limits.py": "hostile files at full size, each bounded by time and memory",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
