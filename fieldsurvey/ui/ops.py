"""The ui's operations: one-line calls into ``fieldsurvey.app``, run on one database worker.

The UI never touches the store directly. It hands the worker a function of an ``OpEnv`` (which
holds the store and a progress/cancel channel); the worker runs operations one at a time, in
the order they were submitted, and sends the result back. Because there is one worker, a draft
saved before a lock is on disk before the store closes, with no extra locking.

The first half of this module is that machinery (``Ops``, ``DbWorker``, ``OpEnv``); the second
half is the operations themselves, each a function of ``OpEnv`` (or a function returning one)
whose body is one call into the headless use cases in ``fieldsurvey.app`` — as Anki's
``aqt/operations`` call ``col.*``. An operation that changes data returns ``WithChanges(value,
Changes(...))``; ``Ops`` broadcasts the ``Changes`` so every open view can redraw what it shows.

Be careful not to touch widgets inside an operation: it runs on the worker thread. The store,
SQLAlchemy and the use cases are imported inside the operations, so they load on the worker
(``warm_up`` starts that while the unlock screen is shown) and never delay the first window.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from fieldsurvey.app.changes import Changes, WithChanges
from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.core.text import Text

if TYPE_CHECKING:
    from fieldsurvey.app.households import HouseholdBundle, ListData
    from fieldsurvey.app.ledgers import Printed
    from fieldsurvey.app.roster import RosterReport
    from fieldsurvey.app.sync import SyncStatus
    from fieldsurvey.app.visits import Opened
    from fieldsurvey.core.household import Household
    from fieldsurvey.core.visit import MemberChange, Visit
    from fieldsurvey.forms.session import FormSession
    from fieldsurvey.store import Store
    from fieldsurvey.sync.client import SyncClient
    from fieldsurvey.ui.context import Profile

log = logging.getLogger(__name__)
LOCKED = Text("数据已锁定，请先解锁", "the data is locked; unlock it first")
PROGRESS_INTERVAL_S = 0.05


class OpEnv:
    """What an operation sees on the worker thread: the store and the progress channel."""

    def __init__(self, worker: DbWorker, job: Job) -> None:
        self._worker = worker
        self._job = job
        self._last_emit = 0.0

    @property
    def store(self) -> Store:
        if self._worker.store is None:
            raise UserError(LOCKED, code="locked")
        return self._worker.store

    @property
    def has_store(self) -> bool:
        return self._worker.store is not None

    def set_store(self, store: Store | None) -> None:
        """Only the unlock, setup and lock operations call this."""
        self._worker.store = store

    def progress(self, done: int, total: int = 0, label: str = "", *, check: bool = True) -> None:
        """Report progress and (unless ``check`` is False) stop with ``Cancelled`` if asked."""
        if check:
            self.check_cancelled()
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL_S or (total and done >= total):
            self._last_emit = now
            self._worker.job_progress.emit(self._job, done, total, label)

    def step(self, done: int, total: int) -> None:
        """Progress for a use case that stops itself between chunks (see ``is_cancelled``)."""
        self.progress(done, total, check=False)

    def check_cancelled(self) -> None:
        if self._job.cancel_event.is_set():
            raise Cancelled()

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """For libraries that poll an event themselves (the sync client)."""
        return self._job.cancel_event


OpFn = Callable[[OpEnv], Any]
_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    fn: OpFn
    owner: QObject | None = None
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    name: str = "op"
    job_id: int = field(default_factory=lambda: next(_ids))
    cancel_event: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    done: bool = False

    def cancel(self) -> None:
        self.cancel_event.set()


_STOP = object()


class DbWorker(QThread):
    """The one thread that owns the store."""

    job_finished = Signal(object)
    job_progress = Signal(object, int, int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldsurvey-db")
        self._queue: queue.Queue[Any] = queue.Queue()
        self.store: Store | None = None

    def submit(self, job: Job) -> None:
        self._queue.put(job)

    def stop(self) -> None:
        self._queue.put(_STOP)

    def run(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP:
                break
            try:
                if job.cancel_event.is_set():
                    raise Cancelled()
                job.result = job.fn(OpEnv(self, job))
            except BaseException as e:
                job.error = e
            job.done = True
            self.job_finished.emit(job)
            # Drop this thread's reference now: a job holds callbacks bound to widgets, and the
            # last reference to a Qt wrapper must not die on this thread (PySide then deletes
            # the C++ object from here, which crashes).
            del job
        if self.store is not None:  # the app is quitting with the store open
            try:
                self.store.close()
            except Exception as e:
                log.warning("closing the store at exit failed: %s", type(e).__name__)
            self.store = None


class Ops(QObject):
    """Submit operations from the main thread; callbacks run back on the main thread."""

    changed = Signal(object)  # Changes
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = DbWorker()
        self._worker.job_finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._worker.job_progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._pending = 0
        self._worker.start()

    # -- submitting -------------------------------------------------------------------------
    def run(
        self,
        fn: OpFn,
        *,
        owner: QObject | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        name: str = "op",
    ) -> Job:
        """Run ``fn`` on the worker. Errors go to ``on_error`` or, without one, to a dialog.

        Callbacks are skipped when ``owner`` has been deleted meanwhile (a closed tab); the
        change set is still broadcast.
        """
        job = Job(fn, owner, on_done, on_error, on_progress, name)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._worker.submit(job)
        return job

    def run_long(
        self,
        fn: OpFn,
        *,
        parent: QWidget,
        title: str,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        cancellable: bool = True,
    ) -> Job:
        """Like ``run`` with a progress dialog (bar and Cancel) for jobs that can take a while."""
        dialog = QProgressDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setRange(0, 0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)  # type: ignore[arg-type]

        def progress(done: int, total: int, label: str) -> None:
            if not isValid(dialog):
                return
            if total:
                dialog.setRange(0, total)
                dialog.setValue(min(done, total))
            if label:
                dialog.setLabelText(label)

        def finish() -> None:
            if isValid(dialog):
                dialog.reset()
                dialog.hide()
                dialog.deleteLater()

        def done(value: Any) -> None:
            finish()
            if on_done is not None:
                on_done(value)

        def failed(error: BaseException) -> None:
            finish()
            if on_error is not None:
                on_error(error)
            else:
                from fieldsurvey.ui.errors import show_error

                show_error(parent, error, title)

        job = self.run(
            fn, owner=parent, on_done=done, on_error=failed, on_progress=progress, name=title
        )
        dialog.canceled.connect(job.cancel)
        return job

    # -- results ----------------------------------------------------------------------------
    def _progress(self, job: Job, done: int, total: int, label: str) -> None:
        if job.on_progress is not None and (job.owner is None or isValid(job.owner)):
            job.on_progress(done, total, label)

    def _finished(self, job: Job) -> None:
        self._pending -= 1
        alive = job.owner is None or isValid(job.owner)
        changes: Changes | None = None
        value = job.result
        if isinstance(value, WithChanges):
            value, changes = value.value, value.changes
        try:
            if job.error is not None:
                self._deliver_error(job, alive)
            elif alive and job.on_done is not None:
                job.on_done(value)
            if changes is not None:
                self.changed.emit(changes)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def _deliver_error(self, job: Job, alive: bool) -> None:
        from fieldsurvey.ui.errors import log_unexpected, show_error

        error = job.error
        assert error is not None
        if alive and job.on_error is not None:
            if not isinstance(error, (UserError, Cancelled)):
                log_unexpected(error, job.name)
            job.on_error(error)
        elif alive:
            parent = job.owner if isinstance(job.owner, QWidget) else None
            show_error(parent, error, job.name)
        elif not isinstance(error, (UserError, Cancelled)):
            log_unexpected(error, job.name)

    # -- waiting ----------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return self._pending

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Process events until every submitted operation has been delivered (tests, exit)."""
        deadline = time.monotonic() + timeout_s
        app = QCoreApplication.instance()
        while self._pending and time.monotonic() < deadline:
            if app is not None:
                QCoreApplication.processEvents()
            time.sleep(0.002)
        return self._pending == 0

    def shutdown(self, timeout_s: float = 30.0) -> None:
        """Finish queued operations, close the store, stop the thread."""
        self._worker.stop()
        self._worker.wait(QDeadlineTimer(int(timeout_s * 1000)))


# == the operations ===========================================================================
STORE_KEY_FILE = "store.key"


def warm_up(env: OpEnv) -> None:
    """Load what unlocking needs on the worker while the user types the passphrase."""
    import fieldsurvey.core.assessment
    import fieldsurvey.encryption.keyfile
    import fieldsurvey.store  # noqa: F401


def warm_up_editor(env: OpEnv) -> None:
    """Load the visit editor (forms, expression parser) once the list is on screen."""
    from fieldsurvey.ui import visit_host

    visit_host.warm_up()


# -- opening and closing ---------------------------------------------------------------------
def load_profile(store: Store) -> Profile:
    from fieldsurvey.ui.context import PROFILE_KEY, Profile

    return Profile.from_store_values(store.settings.get(PROFILE_KEY), store.county())


def unlock(
    data_dir: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> OpFn:
    def op(env: OpEnv) -> Profile:
        from fieldsurvey.store import Store

        if env.has_store:
            env.store.close()
            env.set_store(None)
        store = Store.open(data_dir, passphrase=passphrase, recovery_key=recovery_key)
        env.set_store(store)
        return load_profile(store)

    return op


def create(
    data_dir: Path, passphrase: str, profile: Profile, kdf: dict[str, Any] | None = None
) -> OpFn:
    """A new store for the setup assistant; returns the recovery key (shown once).

    The store stays marked unfinished until ``finish_creation``, once the user has confirmed
    keeping the recovery key: should the app be closed or killed before, the next start runs
    the assistant again and makes a new store with a key the user does see.
    """

    def op(env: OpEnv) -> str:
        from fieldsurvey.store import Store
        from fieldsurvey.ui.context import PROFILE_KEY

        store, recovery_key = Store.create(data_dir, passphrase, kdf=kdf, finished=False)
        env.set_store(store)
        store.settings.set(PROFILE_KEY, {"name": profile.visitor, "unit": profile.unit})
        return recovery_key

    return op


def finish_creation(env: OpEnv) -> None:
    env.store.finish_creation()


def lock(env: OpEnv) -> None:
    """Close the store: the data key leaves memory; unlocking needs the passphrase again."""
    if env.has_store:
        store = env.store
        env.set_store(None)
        store.close()


def save_profile(profile: Profile) -> OpFn:
    def op(env: OpEnv) -> Profile:
        from fieldsurvey.ui.context import PROFILE_KEY

        env.store.settings.set(PROFILE_KEY, {"name": profile.visitor, "unit": profile.unit})
        return load_profile(env.store)

    return op


def change_passphrase(data_dir: Path, current: str | None, new: str) -> OpFn:
    """Check the current passphrase against the key file first (unless unlocked by recovery)."""

    def op(env: OpEnv) -> None:
        from fieldsurvey.encryption.keyfile import KeyFile

        if current is not None:
            KeyFile.load(data_dir / STORE_KEY_FILE).unlock_with_passphrase(current)
        env.store.change_passphrase(new)

    return op


# -- households ------------------------------------------------------------------------------
def load_list(env: OpEnv) -> ListData:
    """The list; the heads' pinyin is read here, so pypinyin's dictionaries load on the worker."""
    from fieldsurvey.app import households
    from fieldsurvey.ui.pinyin_search import name_pinyin

    return households.load_list(env.store, pinyin=name_pinyin)


def load_household(household_id: str, today: date | None = None) -> OpFn:
    def op(env: OpEnv) -> HouseholdBundle:
        from fieldsurvey.app import households

        return households.load_household(env.store, household_id, today)

    return op


def get_household(household_id: str) -> OpFn:
    def op(env: OpEnv) -> Household:
        from fieldsurvey.app import households

        return households.get_household(env.store, household_id)

    return op


def add_household(household: Household) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import households

        return households.add_household(env.store, household)

    return op


def change_member(household: Household, change: MemberChange) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import households

        return households.change_member(env.store, household, change)

    return op


def reassess_all(env: OpEnv) -> WithChanges:
    from fieldsurvey.app.assessments import reassess_households

    result = reassess_households(
        env.store, date.today(), progress=env.step, cancelled=lambda: env.cancelled
    )
    return WithChanges(result, Changes(household_list=True))


# -- roster ----------------------------------------------------------------------------------
def read_roster(path: Path) -> OpFn:
    def op(env: OpEnv) -> RosterReport:
        from fieldsurvey.app import roster

        return roster.read_roster(env.store, path, progress=env.progress)

    return op


def import_roster(report: RosterReport) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import roster

        return roster.import_roster(
            env.store, report, progress=env.step, cancelled=lambda: env.cancelled
        )

    return op


# -- visits ----------------------------------------------------------------------------------
def open_editor(
    household_id: str,
    visit_id: str | None,
    visitor: str,
    today: date | None = None,
    lang: str = "zh",
) -> OpFn:
    def op(env: OpEnv) -> Opened:
        from fieldsurvey.app import visits

        return visits.open_editor(
            env.store, household_id, visit_id, visitor, today=today, lang=lang
        )

    return op


def save_draft(visit: Visit, first: bool) -> OpFn:
    def op(env: OpEnv) -> Visit | WithChanges:
        from fieldsurvey.app import visits

        return visits.save_draft(env.store, visit, first=first)

    return op


def finalize(session: FormSession, visit: Visit | None, household_id: str) -> OpFn:
    """The editor takes no input while this runs: the session is used on the worker."""

    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import visits

        return visits.finalize(env.store, session, visit, household_id)

    return op


def amend_visit(visit_id: str, reason: str, visitor: str) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import visits

        return visits.amend(env.store, visit_id, reason, visitor)

    return op


def delete_draft(household_id: str, visit_id: str) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import visits

        return visits.delete_draft(env.store, household_id, visit_id)

    return op


# -- ledgers ---------------------------------------------------------------------------------
def print_household(household_id: str, target: Path, mask_ids: bool) -> OpFn:
    def op(env: OpEnv) -> Printed:
        from fieldsurvey.app import ledgers

        return ledgers.print_household(
            env.store, household_id, target, mask_ids=mask_ids, progress=env.step
        )

    return op


def print_village(village_code: str, out: Path, mask_ids: bool, combined: bool) -> OpFn:
    def op(env: OpEnv) -> Printed:
        from fieldsurvey.app import ledgers

        return ledgers.print_village(
            env.store,
            village_code,
            out,
            mask_ids=mask_ids,
            combined=combined,
            progress=env.step,
            cancelled=lambda: env.cancelled,
        )

    return op


def villages_with_households(env: OpEnv) -> list[tuple[str, str]]:
    from fieldsurvey.app import ledgers

    return ledgers.villages_with_households(env.store)


# -- sync ------------------------------------------------------------------------------------
def _sync_client(env: OpEnv) -> SyncClient:
    """The device's sync client, reporting its phases to the progress dialog in the ui's words."""
    from fieldsurvey.sync.client import SyncClient
    from fieldsurvey.ui.sync_panel import phase_label, photos_label

    def progress(phase: str, done: int, total: int) -> None:
        label = photos_label(done, total) if phase == "photos" else phase_label(phase)
        env.progress(done, total, label, check=False)

    return SyncClient(env.store, progress=progress, cancel=env.cancel_event)


def sync_status(env: OpEnv) -> SyncStatus:
    from fieldsurvey.app import sync

    return sync.status(env.store, _sync_client(env))


def sync(env: OpEnv) -> WithChanges:
    from fieldsurvey.app import sync as app_sync

    return app_sync.sync(_sync_client(env))


def enroll(url: str, code: str, fingerprint: str | None, allow_insecure_http: bool = False) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import sync

        return sync.enroll(
            env.store,
            _sync_client(env),
            url,
            code,
            fingerprint=fingerprint,
            allow_insecure_http=allow_insecure_http,
        )

    return op


def export_batch(out: Path) -> OpFn:
    def op(env: OpEnv) -> dict[str, Any]:
        from fieldsurvey.app import sync

        return sync.export_batch(_sync_client(env), out)

    return op


def import_updates(path: Path) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        from fieldsurvey.app import sync

        return sync.import_updates(_sync_client(env), path)

    return op


def mark_read(ids: list[int]) -> OpFn:
    def op(env: OpEnv) -> None:
        _sync_client(env).mark_read(ids)

    return op
