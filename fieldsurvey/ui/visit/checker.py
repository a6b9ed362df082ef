"""The whole-visit check off the window's thread.

``finalize_check`` of a household visit projects the answers onto the household and runs the
record checks and the §7 rules; for a large family that takes longer than a keystroke may wait.
So the check runs on a copy: the answers are taken on the main thread (a millisecond), a
read-only session is built from them on a background thread and checked there, and the result
comes back by a queued signal. A result that is older than the latest request is dropped, so
what is shown always belongs to the answers on screen. ``placed_elsewhere`` says which of the
result's issues the rows do not carry themselves, so the editor shows them at their place.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.session import FinalizeResult, FormSession

log = logging.getLogger(__name__)
# issues the rows do not carry themselves: form checks, §7 rules, too few entries
PLACED_ELSEWHERE = ("rule", "min_count")
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldsurvey-visit-check")


def check_copy(session: FormSession, answers: dict[str, Any]) -> FinalizeResult:
    """The check of ``answers`` on a session of their own (no defaults applied: what was
    cleared stays cleared)."""
    copy = FormSession(
        session.survey,
        answers,
        parameters=session.parameters,
        today=session.today,
        read_only=True,
        cross_checks=session.cross_checks,
    )
    return copy.finalize_check()


def placed_elsewhere(issues: list[Issue]) -> dict[str, list[Issue]]:
    """The check's issues that no row carries, by the path they are shown at."""
    extra: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.code in PLACED_ELSEWHERE or issue.code.startswith("check:"):
            extra.setdefault(issue.path, []).append(issue)
    return extra


class Checker(QObject):
    """Runs checks one at a time in the background; ``checked`` carries the latest result."""

    checked = Signal(object)  # FinalizeResult
    _done = Signal(int, object, object)  # token, result or None, error or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tokens = itertools.count(1)
        self._latest = 0
        self._applied = 0
        self._waiting: list[Callable[[FinalizeResult], None]] = []
        self._done.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """True while the latest request has not come back."""
        return self._latest != self._applied

    def request(
        self, session: FormSession, then: Callable[[FinalizeResult], None] | None = None
    ) -> None:
        """Check the answers as they are now; ``then`` runs with that result (not an older one)."""
        token = next(self._tokens)
        self._latest = token
        if then is not None:
            self._waiting.append(then)
        answers = session.answers()

        def run() -> None:
            try:
                result = check_copy(session, answers)
            except Exception as e:
                self._done.emit(token, None, e)
            else:
                self._done.emit(token, result, None)

        _pool.submit(run)

    def _finished(
        self, token: int, result: FinalizeResult | None, error: BaseException | None
    ) -> None:
        self._applied = token
        if token != self._latest:
            return  # the answers changed since; a newer check is on its way
        if error is not None or result is None:
            from fieldsurvey.ui.errors import log_unexpected

            log_unexpected(error or RuntimeError("no result"), "visit check")
            self._waiting.clear()
            return
        waiting, self._waiting = self._waiting, []
        self.checked.emit(result)
        for callback in waiting:
            callback(result)
