"""A pytest plugin that counts what the reliability tests really ran: ``-p bench.season.pytest_counter``.

For each test: its outcome, its time, the first line of a failure, and how many inputs
Hypothesis (and schemathesis, which generates through Hypothesis) fed it, split by status
(``passed``, ``failed``, ``gave_up``). The inputs are counted with Hypothesis' observability
callback, so the count is what ran, not what ``max_examples`` allowed. A module constant
``TRIALS`` (kill trials in a loop) is recorded too. The result goes to the JSON file named by
``FS_RELIABILITY_OUT`` when the session ends.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis.internal.observability import (
    add_observability_callback,
    remove_observability_callback,
)

_lock = threading.Lock()
_current: list[str] = [""]
_tests: dict[str, dict[str, Any]] = {}


def _observe(observation: Any, _thread_id: int) -> None:
    if getattr(observation, "type", None) != "test_case":
        return
    with _lock:
        test = _tests.setdefault(_current[0], {})
        cases = test.setdefault("cases", Counter())
        cases[str(observation.status)] += 1


def pytest_configure(config: pytest.Config) -> None:
    add_observability_callback(_observe, all_threads=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    _current[0] = item.nodeid
    try:
        return (yield)
    finally:
        _current[0] = ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    with _lock:
        test = _tests.setdefault(report.nodeid, {})
        test["outcome"] = report.outcome
        test["seconds"] = round(report.duration, 2)
        if report.failed:
            text = str(report.longrepr or "")
            test["error"] = next(
                (ln.strip() for ln in text.splitlines() if ln.strip().startswith("E ")), text[:200]
            )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        trials = getattr(module, "TRIALS", None)
        if isinstance(trials, int):
            _tests.setdefault(item.nodeid, {})["trials"] = trials


def pytest_sessionfinish(session: pytest.Session) -> None:
    remove_observability_callback(_observe)
    out = os.environ.get("FS_RELIABILITY_OUT")
    if out:
        data = {k: {**v, "cases": dict(v.get("cases", {}))} for k, v in _tests.items() if k}
        Path(out).write_text(json.dumps(data, indent=1, ensure_ascii=False), "utf-8")
