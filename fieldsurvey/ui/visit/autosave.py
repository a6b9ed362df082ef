"""Autosave of a visit draft: every change queues a save, lightly debounced, on the one worker.

Because the worker runs operations in order, a save queued by ``flush`` (which the app calls
before it locks, closes a tab or quits) is on disk before the store closes. A new visit becomes
a draft at its first change; merely looking at a new visit leaves nothing behind. Once a draft
exists, moving to another section or field is saved too, so it reopens where it was left.
"""

from __future__ import annotations

import copy
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from fieldsurvey.core.visit import Visit
from fieldsurvey.forms.household_visit import visit_record
from fieldsurvey.forms.session import FormSession
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for

SAVE_DELAY_MS = 300


class DraftSaver(QObject):
    saved = Signal(str)  # visit_id, after the save is on disk
    failed = Signal(str)  # the sentence to show
    saving = Signal()

    def __init__(self, ctx: AppContext, household_id: str, owner: QWidget) -> None:
        super().__init__(owner)
        self.ctx = ctx
        self.household_id = household_id
        self.owner = owner
        self.session: FormSession | None = None
        self.visit: Visit | None = None
        self.dirty = False
        self.in_flight = 0
        self.last_saved: datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save_now)

    def attach(self, session: FormSession | None, visit: Visit | None) -> None:
        self.timer.stop()
        self.session = session
        self.visit = visit
        self.dirty = False

    @property
    def writable(self) -> bool:
        return self.session is not None and not self.session.read_only

    def changed(self) -> None:
        """An answer changed: save soon."""
        if self.writable:
            self.dirty = True
            self.timer.start()

    def cursor_moved(self) -> None:
        """The place changed: worth saving only once the draft exists."""
        if self.writable and self.visit is not None:
            self.dirty = True
            if not self.timer.isActive():
                self.timer.start()

    def flush(self) -> None:
        """Queue the save now (the host calls this before lock, close and quit)."""
        if self.dirty:
            self.save_now()

    def save_now(self) -> None:
        self.timer.stop()
        if not self.dirty or not self.writable or self.session is None:
            return
        first = self.visit is None
        self.visit = visit_record(self.session, self.household_id, self.visit)
        snapshot = copy.deepcopy(self.visit)  # the worker writes timestamps into what it saves
        self.dirty = False
        self.in_flight += 1
        self.saving.emit()
        self.ctx.ops.run(
            ops.save_draft(snapshot, first),
            owner=self.owner,
            on_done=self._saved,
            on_error=self._failed,
            name="save visit draft",
        )

    def _saved(self, visit: Visit) -> None:
        self.in_flight -= 1
        if self.visit is not None and self.visit.visit_id == visit.visit_id:
            self.visit.created_at = visit.created_at
            self.visit.updated_at = visit.updated_at
        self.last_saved = datetime.now()
        if self.in_flight == 0:
            self.saved.emit(visit.visit_id)

    def _failed(self, error: BaseException) -> None:
        self.in_flight -= 1
        self.dirty = True  # tried again at the next change or flush
        self.failed.emit(message_for(error) or "")
