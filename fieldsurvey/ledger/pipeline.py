"""Render a village's ledgers into a folder, in this process or on several at once.

Records arrive one at a time (from the store) and each ledger goes straight to its own file.
With ``workers`` > 1 the rendering runs in a pool of fresh processes (spawned, never forked, so
it is safe from a Qt app with threads); at most two ledgers per worker are in flight, so memory
stays flat, and results come back in the order the records arrived. Cancelling stops handing
out work and waits for what is running, so nothing writes into the folder afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fieldsurvey.core.errors import Cancelled
from fieldsurvey.core.private_files import O_BINARY, full_fsync
from fieldsurvey.ledger.fonts import ensure_fonts
from fieldsurvey.ledger.household_pdf import render_household
from fieldsurvey.ledger.model import LedgerInput, LedgerOptions
from fieldsurvey.ledger.output import FILE_MODE
from fieldsurvey.ledger.village_report import HouseholdSummary, summarise

IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class Rendered:
    summary: HouseholdSummary
    path: Path
    pages: int
    fingerprint: str


def default_workers(households: int) -> int:
    """Processes worth starting: one per core up to four, none extra for a small village.

    Each worker loads the font on its own (about half a second), so below a few dozen
    households one process finishes first.
    """
    if households < 30:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def render_all(
    inputs: Iterable[LedgerInput],
    name_of: Callable[[LedgerInput], str],
    folder: Path,
    options: LedgerOptions,
    *,
    durable: bool,
    workers: int = 1,
    cancelled: Callable[[], bool] | None = None,
) -> Generator[Rendered, None, None]:
    """Yield each household's ledger, rendered into ``folder / name_of(input)``, in order.
    A generator, so that ``close()`` stops the workers when the caller stops early."""
    if workers <= 1:
        for inp in inputs:
            _check(cancelled)
            path = folder / name_of(inp)
            pages, fingerprint = render_to_file(inp, str(path), options, durable)
            yield Rendered(summarise(inp), path, pages, fingerprint)
        return
    context = multiprocessing.get_context("spawn")
    window: deque[tuple[HouseholdSummary, Path, Future[tuple[int, str]]]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=ensure_fonts) as pool:
        try:
            for inp in inputs:
                _check(cancelled)
                path = folder / name_of(inp)
                window.append(
                    (
                        summarise(inp),
                        path,
                        pool.submit(render_to_file, inp, str(path), options, durable),
                    )
                )
                if len(window) >= IN_FLIGHT_PER_WORKER * workers:
                    yield _collect(window)
            while window:
                _check(cancelled)
                yield _collect(window)
        finally:
            for _, _, future in window:
                future.cancel()
            # leaving the pool waits for running work, so no file appears after this returns


def _collect(window: deque[tuple[HouseholdSummary, Path, Future[tuple[int, str]]]]) -> Rendered:
    summary, path, future = window.popleft()
    pages, fingerprint = future.result()
    return Rendered(summary, path, pages, fingerprint)


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled and cancelled():
        raise Cancelled()


def render_to_file(
    inp: LedgerInput, path: str, options: LedgerOptions, durable: bool
) -> tuple[int, str]:
    """Render one ledger into a new private file (runs in a worker process, hence plain values)."""
    with open_private(Path(path), durable=durable) as f:
        result = render_household(inp, options, f)
    return result.pages, result.fingerprint


class open_private:  # lower case: used like open()
    """A new file readable by its owner only, the mode set before any data is written.

    ``durable`` files are synced to disk (they are moved into place as they are); parts that
    are only read back to be joined into one file need not be. On Windows the mode is ignored:
    the file inherits the owner-only access list of the staging folder it is made in
    (``batch._staging``), and ``O_BINARY`` keeps the bytes as written.
    """

    def __init__(self, path: Path, *, durable: bool) -> None:
        self._path = path
        self._durable = durable
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, FILE_MODE)
        self._file = os.fdopen(fd, "wb")
        return self._file

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        assert self._file is not None
        try:
            if kind is None and self._durable:
                self._file.flush()
                full_fsync(self._file.fileno())
        finally:
            self._file.close()
