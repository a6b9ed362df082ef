"""Filling a new demo store: a large county is generated in a second process while this one writes.

Generating a household and building its rows cost about as much CPU as SQLite takes to write
them, and the laptops this runs on have two cores or more. So for a large county a producer
process generates the households and turns them into row tuples (``store.bulk.HouseholdRows``),
while this process inserts them and works out the past visits of the first households. The
producer is a new interpreter, not a fork: it inherits no open database, no threads and no keys, and it
never touches the store. Chunks travel pickled through a pipe into a short queue, so only a few
are in memory at once. A small county is filled in this process: starting a second interpreter costs more than
it saves. Both paths consume the same chunks, so they fill the store with the same records.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

from fieldsurvey.core.errors import InternalError
from fieldsurvey.core.household import Household

if TYPE_CHECKING:
    from fieldsurvey.store import Store
    from fieldsurvey.store.bulk import TableRows

# From this many households on, generation runs in a producer process (on a machine of 2+ cores).
PARALLEL_FROM = 10_000
CHUNK = 2000  # households per chunk: one transaction in the store
# Millions of short-lived records and row tuples and no reference cycles worth chasing: with the
# default thresholds (700, 10, 10) the collector's scans took a quarter of the producer's time.
FEWER_COLLECTIONS = (50_000, 20, 1000)
IN_FLIGHT = 6  # chunks read ahead of the writer (2,000 households are about 4 MB pickled)


@dataclass(frozen=True, slots=True)
class Chunk:
    tables: list[TableRows]  # each table's INSERT and rows, parents first
    count: int
    history: list[Household]  # this chunk's households that get past visits (the first ones)


@dataclass(frozen=True, slots=True)
class Plan:
    seed: int
    households: int
    as_of: date
    history_limit: int
    chunk: int = CHUNK  # households per chunk


def produce(plan: Plan) -> Generator[Chunk, None, None]:
    """The county's households as row chunks, in household-number order (the store's order)."""
    from fieldsurvey.demo.generator import generate_county, iter_households
    from fieldsurvey.store.bulk import HouseholdRows

    county = generate_county(seed=plan.seed, households=plan.households)
    rows = HouseholdRows()
    stream = iter_households(county, plan.households, seed=plan.seed, as_of=plan.as_of)
    done = 0
    while batch := list(islice(stream, plan.chunk)):
        for h in batch:
            rows.add(h)
        yield Chunk(rows.take(), len(batch), batch[: max(0, plan.history_limit - done)])
        done += len(batch)


# The first households with past visits get drawn pictures (houses, water tanks; never people)
# on their latest visit, so the photo features show at once in the demo.
PHOTO_HOUSEHOLDS = 12


def _add_pictures(
    store: Store, households: list[Any], items: list[Any], limit: int, seed: int
) -> None:
    from fieldsurvey.demo.pictures import photos_for

    for h, item in list(zip(households, items, strict=True))[:limit]:
        latest = item.visits[-1]
        answers, made = photos_for(h, latest.visit_date, seed)
        store.photos.add_many(made)
        latest.answers.update(answers)


def fill(store: Store, plan: Plan, *, parallel: bool | None = None) -> tuple[int, int]:
    """Load the households and the past visits; returns (households, households with visits).

    ``parallel`` None picks by size and cores; tests force either path.
    """
    from fieldsurvey.demo.history import HistoryMaker

    if parallel is None:
        parallel = plan.households >= PARALLEL_FROM and _cores() > 1
    chunks = _from_producer(plan) if parallel else produce(plan)
    history = HistoryMaker(today=plan.as_of, seed=plan.seed) if plan.history_limit > 0 else None
    count = visited = 0
    threshold = gc.get_threshold()
    gc.set_threshold(*FEWER_COLLECTIONS)
    try:
        for chunk in chunks:
            store.households.add_rows(chunk.tables)
            count += chunk.count
            if chunk.history and history is not None:
                items = [(h.household_id, history.item(h)) for h in chunk.history]
                if visited < PHOTO_HOUSEHOLDS:
                    _add_pictures(
                        store,
                        chunk.history,
                        [item for _, item in items],
                        PHOTO_HOUSEHOLDS - visited,
                        plan.seed,
                    )
                store.visits.add_history([v for _, item in items for v in item.visits])
                store.households.set_assessments(
                    (hid, item.assessment, item.last_visit) for hid, item in items
                )
                visited += len(items)
    finally:
        gc.set_threshold(*threshold)
        chunks.close()  # stops the producer process when the writer fails
    return count, visited


def _cores() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _from_producer(plan: Plan) -> Generator[Chunk, None, None]:
    """Run ``produce`` in a child interpreter and take its chunks as they come.

    A plain child (``python -m``), not ``multiprocessing``: spawning would re-import the
    caller's main script, which breaks any script without a ``__main__`` guard. A reader thread
    unpickles chunks into a short queue, so the producer keeps going while this process spends
    seconds on the first households' past visits (the GIL is free while SQLite writes).
    """
    args = [
        str(plan.seed),
        str(plan.households),
        plan.as_of.isoformat(),
        str(plan.history_limit),
        str(plan.chunk),
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONUTF8": "1"},
    )  # its error texts are Chinese
    inbox: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=IN_FLIGHT)
    reader = threading.Thread(
        target=_read_pipe, args=(process, inbox), name="demo-producer-reader", daemon=True
    )
    reader.start()
    try:
        while True:
            kind, value = inbox.get()
            if kind == "done":
                break
            if kind == "error":
                raise value
            yield value
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        while reader.is_alive():  # let a reader blocked on a full queue see the end of the pipe
            with contextlib.suppress(queue.Empty):
                inbox.get(timeout=0.05)
        assert process.stdout is not None
        process.stdout.close()


def _read_pipe(process: subprocess.Popen[bytes], inbox: queue.Queue[tuple[str, Any]]) -> None:
    """In the writer's reader thread: each message of the pipe, until "done" or an error."""
    assert process.stdout is not None
    while True:
        try:
            kind, value = pickle.load(process.stdout)
        except Exception:
            kind, value = (
                "error",
                InternalError(
                    f"the demo's producer process stopped without a word (exit code {process.wait()})"
                ),
            )
        inbox.put((kind, value))
        if kind != "chunk":
            return


def _producer_main(argv: list[str]) -> int:
    """In the producer process: every chunk, then "done" (or the error that stopped it)."""
    seed, households, as_of, history_limit, chunk = argv
    plan = Plan(
        int(seed), int(households), date.fromisoformat(as_of), int(history_limit), int(chunk)
    )
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the pipe
    gc.set_threshold(*FEWER_COLLECTIONS)
    try:
        for chunk in produce(plan):
            pickle.dump(("chunk", chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(("done", None), out)
    except BrokenPipeError:
        return 1  # the writer stopped reading: it failed or was interrupted, and says why itself
    except BaseException as e:
        pickle.dump(("error", _transportable(e)), out)
    out.flush()
    return 0


def _transportable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else an InternalError with its traceback."""
    try:
        if isinstance(pickle.loads(pickle.dumps(error)), type(error)):
            return error
    except Exception:
        pass
    text = "".join(traceback.format_exception(error))
    return InternalError(f"the demo's producer process failed:\n{text}")


if __name__ == "__main__":
    # Through the module's real name, so the chunks pickle as fieldsurvey.commands.demo_fill.Chunk.
    from fieldsurvey.commands.demo_fill import _producer_main as main

    sys.exit(main(sys.argv[1:]))
