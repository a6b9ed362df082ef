"""Filling the demo store with a producer process: the same records as in one process, and failures that surface."""

from __future__ import annotations

import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.commands.demo import prepare
from fieldsurvey.commands.demo_fill import PHOTO_HOUSEHOLDS, Plan, _from_producer, fill
from fieldsurvey.core.errors import InternalError, UserError
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.demo.history import history_for
from fieldsurvey.demo.pictures import photos_for
from fieldsurvey.store import Store
from tests.support.common import FAST_KDF

PASS = "demo-fill-passphrase-7"


def _contents(store: Store) -> tuple[list, list, list]:
    households = list(store.households.iter_households())
    visits = [
        (v.household_id, v.visit_date, v.visitor, v.answers, v.assessment)
        for v in store.visits.history()
    ]
    summaries = [(s.household_no, s.flags, s.last_visit_date) for s in store.households.summaries()]
    return households, visits, summaries


def test_the_producer_process_fills_the_store_exactly_as_one_process_does(tmp_path: Path) -> None:
    # Chunks of 40 households: the load spans four, the 60 with past visits span two.
    plan = Plan(6, 150, date.today(), 60, chunk=40)
    found = {}
    for parallel in (False, True):
        store, _ = Store.create(tmp_path / str(parallel), PASS, kdf=FAST_KDF)
        with store:
            store.divisions.add_many(generate_county(seed=6, households=150).divisions)
            assert fill(store, plan, parallel=parallel) == (150, 60)
            found[parallel] = _contents(store)
    households, visits, summaries = found[True]
    assert len(households) == 150 and len({v[0] for v in visits}) == 60
    assert (
        sum(1 for s in summaries if s[2] is not None) == 60
    )  # the assessments reached the household rows
    assert found[True] == found[False]


def test_past_visits_come_from_the_first_households_as_the_store_orders_them(
    tmp_path: Path,
) -> None:
    """The writer makes the history from generated households; they must be the store's first, unchanged."""
    store, _ = prepare(
        tmp_path / "s",
        PASS,
        90,
        2,
        progress=lambda _m: None,
        kdf=FAST_KDF,
        history_limit=25,
        parallel=True,
    )
    with store:
        stored = list(store.households.iter_households())
        visits = [(v.household_id, v.visit_date, v.answers) for v in store.visits.history()]
    generated = list(
        iter_households(generate_county(seed=2, households=90), 90, seed=2, as_of=date.today())
    )
    assert stored == generated
    expected = []
    for n, (h, (_, item)) in enumerate(
        zip(stored[:25], history_for(stored[:25], today=date.today(), seed=2), strict=True)
    ):
        if n < PHOTO_HOUSEHOLDS:  # the first households' latest visit carries drawn pictures
            item.visits[-1].answers.update(photos_for(h, item.visits[-1].visit_date, 2)[0])
        expected += [(v.household_id, v.visit_date, v.answers) for v in item.visits]
    assert sorted(visits, key=repr) == sorted(expected, key=repr)


def test_an_error_in_the_producer_reaches_the_writer_whole() -> None:
    # households = -1 passes the Plan but the generator refuses it in the producer process.
    with pytest.raises(UserError) as caught:
        list(_from_producer(Plan(1, -1, date.today(), 0)))
    assert "户数" in str(caught.value) and caught.value.code == "user_error"


def test_a_producer_that_dies_is_reported_not_waited_for() -> None:
    plan = Plan("not a seed", 10, date.today(), 0)  # type: ignore[arg-type]  # the child cannot even read it
    start = time.monotonic()
    with pytest.raises(InternalError, match="exit code 1"):
        list(_from_producer(plan))
    assert time.monotonic() - start < 60


@pytest.fixture
def producers(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen]:
    """The producer processes demo_fill starts: the real processes, recorded as they start
    (asking the process itself works on every OS, unlike reading /proc)."""
    started: list[subprocess.Popen] = []
    real = subprocess.Popen

    def recording(*args: object, **kwargs: object) -> subprocess.Popen:
        process = real(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process

    monkeypatch.setattr("fieldsurvey.commands.demo_fill.subprocess.Popen", recording)
    return started


def test_a_writer_that_stops_early_stops_the_producer(producers: list[subprocess.Popen]) -> None:
    chunks = _from_producer(Plan(1, 400, date.today(), 0, chunk=20))
    first = next(chunks)
    assert first.count == 20 and len(producers) == 1 and producers[0].poll() is None
    chunks.close()  # what fill() does when the store write fails
    assert producers[0].poll() is not None


def test_a_failed_fill_leaves_no_demo_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, producers: list[subprocess.Popen]
) -> None:
    def full_disk(self: object, tables: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("fieldsurvey.store.households.HouseholdRepo.add_rows", full_disk)
    with pytest.raises(OSError):
        prepare(
            tmp_path / "demo", PASS, 50, 1, progress=lambda _m: None, kdf=FAST_KDF, parallel=True
        )
    assert not (tmp_path / "demo").exists()
    assert len(producers) == 1 and producers[0].poll() is not None
