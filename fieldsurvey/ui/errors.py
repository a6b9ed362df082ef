"""Errors as the user meets them: a sentence in their language, never a traceback.

- ``UserError``: its bilingual text is shown as is (it never holds personal data).
- ``Cancelled``: the user stopped a job; nothing to show.
- anything else: a short apology naming the log file; the log gets the exception's *type and
  stack* but not its message or local values, because messages of library exceptions can quote
  the data (an ID number in a constraint error, a name in a KeyError).

The log lives in ``<data dir>/logs/`` and Help → "Open log folder" shows it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.ui.i18n import t

LOG_FILE = "fieldsurvey.log"
log = logging.getLogger("fieldsurvey.ui")
_state: dict[str, Path | None] = {"log_dir": None}


def log_dir() -> Path | None:
    return _state["log_dir"]


def setup_logging(directory: Path) -> Path:
    """Send warnings and unexpected errors to a rotating file in ``directory``."""
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: private
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / LOG_FILE
    root = logging.getLogger("fieldsurvey")
    for h in list(root.handlers):
        if getattr(h, "_fieldsurvey_ui", False):
            root.removeHandler(h)
            h.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler._fieldsurvey_ui = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _state["log_dir"] = directory
    return path


def safe_description(exc: BaseException) -> str:
    """Type names and stack frames of an exception chain, without messages or values."""
    lines: list[str] = []
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        if isinstance(current, UserError):
            lines.append(
                f"{kind.__module__}.{kind.__qualname__} [{current.code}]: {current.text.en}"
            )
        else:
            lines.append(f"{kind.__module__}.{kind.__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  at {_short(frame.filename)}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by / during:")
    return "\n".join(lines)


def _short(filename: str) -> str:
    marker = "fieldsurvey"
    i = filename.rfind(marker + "/")
    return filename[i:] if i >= 0 else Path(filename).name


def log_unexpected(exc: BaseException, where: str) -> None:
    log.error("unexpected error in %s\n%s", where, safe_description(exc))


def message_for(exc: BaseException) -> str | None:
    """The sentence to show for ``exc`` in the current language; None when nothing is shown.

    Nothing for a cancelled job, nor for an error marked ``quiet`` (handled where it matters once,
    such as a county session that ended).
    """
    if isinstance(exc, Cancelled) or getattr(exc, "quiet", False):
        return None
    if isinstance(exc, UserError):
        return t(exc.text)
    directory = log_dir()
    where = str(directory / LOG_FILE) if directory else ""
    return QCoreApplication.translate(
        "Errors",
        "Something went wrong that should not have. Your saved data is safe. "
        "The details were written to the log file (Help → Open log folder): %1",
    ).replace("%1", where)


def show_error(parent: QWidget | None, exc: BaseException, where: str = "ui") -> None:
    """Tell the user about ``exc``; unexpected errors are logged first."""
    if not isinstance(exc, (UserError, Cancelled)):
        log_unexpected(exc, where)
    text = message_for(exc)
    if text is None:
        return
    box = QMessageBox(parent)
    box.setIcon(
        QMessageBox.Icon.Warning if isinstance(exc, UserError) else QMessageBox.Icon.Critical
    )
    box.setWindowTitle(QCoreApplication.translate("Errors", "FieldSurvey"))
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()


def open_log_folder() -> bool:
    directory = log_dir()
    if directory is None:
        return False
    directory.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(directory)))


def install_excepthooks() -> None:
    """Exceptions escaping a Qt slot or a thread end up here instead of on a console."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if exc.__traceback__ is None:
            exc.__traceback__ = tb
        show_error(None, exc, "event loop")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log_unexpected(args.exc_value, f"thread {args.thread.name if args.thread else '?'}")

    sys.excepthook = hook
    threading.excepthook = thread_hook
