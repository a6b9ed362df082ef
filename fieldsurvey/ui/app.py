"""Starting the desktop app: fonts and language first, then the setup assistant or the unlock screen.

``run_app(data_dir)`` is what ``fieldsurvey app`` and ``fieldsurvey demo`` call. The order
matters: the QApplication, then the bundled CJK font (before any widget, or Chinese draws as
boxes), then the translators, then the first window.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from fieldsurvey.commands.common import app_data_root
from fieldsurvey.ui.context import AppContext, Profile
from fieldsurvey.ui.errors import install_excepthooks, setup_logging
from fieldsurvey.ui.fonts import load_app_font
from fieldsurvey.ui.i18n import set_language
from fieldsurvey.ui.pyside_guard import MainThreadCollector

log = logging.getLogger(__name__)
LOG_DIR_NAME = "logs"


def store_exists(data_dir: Path) -> bool:
    """``Store.exists`` without loading SQLAlchemy (it takes a second): a finished store is here.

    An interrupted creation, or a database whose key file is gone, opens the setup assistant,
    which makes the store again (``store/layout.py``).
    """
    from fieldsurvey.store.layout import StoreState, state

    return state(data_dir) is StoreState.READY


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    # QStandardPaths then names the same data folder as the commands (app_data_root, no Qt):
    # "FieldSurvey" on Windows and macOS, "fieldsurvey" under XDG; no organisation folder.
    app.setApplicationName(app_data_root().name)
    app.setOrganizationName("")
    app.setApplicationDisplayName("FieldSurvey")
    load_app_font(app)
    from fieldsurvey.ui.help import install_help_key

    install_help_key(app)  # F1 on every screen opens the guide's part for it
    return app


class AppController(QObject):
    """Chooses the first screen and hands over from the setup assistant to the main window."""

    def __init__(
        self, data_dir: Path, passphrase_hint: str | None = None, kdf: dict | None = None
    ) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.ctx = AppContext(self.data_dir)
        self.passphrase_hint = passphrase_hint
        self.kdf = kdf  # tests pass a fast KDF for stores the setup assistant creates
        self.window = None
        self.wizard = None
        self.collector = MainThreadCollector(self)  # garbage collected on this thread only
        setup_logging(self.data_dir / LOG_DIR_NAME)
        set_language(self.ctx.settings.language)

    def start(self) -> None:
        if store_exists(self.data_dir):
            self._show_main(None)
        else:
            from fieldsurvey.ui.setup_wizard import SetupWizard

            self.wizard = SetupWizard(self.ctx, kdf=self.kdf)
            self.wizard.completed.connect(self._setup_done)
            self.wizard.show()

    def _setup_done(self, profile: Profile) -> None:
        wizard = self.wizard
        self.wizard = None
        self._show_main(profile)
        if wizard is not None:
            wizard.deleteLater()

    def _show_main(self, profile: Profile | None) -> None:
        from fieldsurvey.ui.main_window import MainWindow

        self.window = MainWindow(self.ctx, self.passphrase_hint)
        if profile is not None:
            self.window.show_unlocked(profile)
        self.window.show()
        from fieldsurvey.ui.ops import warm_up

        self.ctx.ops.run(warm_up, name="warm up")

    def shutdown(self) -> None:
        """Close the store and stop the worker (after the window's own close handling)."""
        self.ctx.ops.wait_idle(30)
        self.ctx.ops.shutdown()
        self.collector.stop()


class InterruptToClose(QObject):
    """Ctrl+C in the terminal closes the app as the window's close button does.

    Qt's event loop runs in C++, where Python's own SIGINT handling (KeyboardInterrupt) cannot
    act: the signal would wait, unseen, until the app ends. A Python handler asks for the windows
    to close (so drafts are saved and the store is locked as on any close), and a short timer
    hands control back to the interpreter now and then so that handler runs at all. On Windows
    Ctrl+C reaches Python as SIGINT too (from a console); without a console nothing sends it and
    the handler simply never runs. Nothing is installed off the main thread (tests' threads).
    """

    TICK_MS = 200

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.previous: object = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: None)  # only to let Python check for signals
        self.interrupted = False

    def install(self) -> bool:
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "SIGINT"
        ):
            return False
        try:
            self.previous = signal.signal(signal.SIGINT, self._on_signal)
        except (ValueError, OSError):  # not allowed here (embedded interpreter)
            return False
        self.timer.start(self.TICK_MS)
        return True

    def uninstall(self) -> None:
        import signal

        self.timer.stop()
        if self.previous is not None:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signal.SIGINT, self.previous)  # type: ignore[arg-type]
            self.previous = None

    def _on_signal(self, _signum: int, _frame: object) -> None:
        # Python runs signal handlers between bytecodes; leave the closing to the event loop.
        QTimer.singleShot(0, self.close_all)

    def close_all(self) -> None:
        self.interrupted = True
        log.info("interrupted from the terminal: closing")
        for widget in self.app.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        self.app.quit()


def run_app(data_dir: Path, *, passphrase_hint: str | None = None) -> int:
    """Open the app on ``data_dir``; returns the exit code when the last window closes.

    ``passphrase_hint`` (the demo's printed passphrase) is filled in on the unlock screen and
    shown in a note, so trying the demo needs one click.
    """
    app = create_application()
    install_excepthooks()
    controller = AppController(Path(data_dir), passphrase_hint)
    controller.start()
    interrupt = InterruptToClose(app)
    interrupt.install()
    try:
        return int(app.exec())
    finally:
        interrupt.uninstall()
        controller.shutdown()


def show_startup_error(message: str) -> None:
    """A one-line error from before any window opened, for the launcher without a console."""
    from PySide6.QtWidgets import QMessageBox

    create_application()
    QMessageBox.critical(None, "FieldSurvey", message)
