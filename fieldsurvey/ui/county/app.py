"""Starting county mode: the application, fonts and language, the sign-in, then the county window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from fieldsurvey.ui.app import InterruptToClose, create_application
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.errors import install_excepthooks, setup_logging
from fieldsurvey.ui.i18n import set_language


class CountyController(QObject):
    """Shows the sign-in, then the window; after signing out, the sign-in again."""

    def __init__(self, server_url: str | None = None, home: Path | None = None) -> None:
        super().__init__()
        self.ctx = CountyContext(home)
        self.server_url = server_url
        self.window = None
        self.sign_in = None
        setup_logging(self.ctx.home / "logs")
        set_language(self.ctx.settings.language)

    def start(self) -> None:
        from fieldsurvey.ui.county.sign_in import SignInDialog

        self.sign_in = SignInDialog(self.ctx, self.server_url)
        self.sign_in.signed_in.connect(self._show_window)
        self.sign_in.show()

    def _show_window(self) -> None:
        from fieldsurvey.ui.county.window import CountyWindow

        self.window = CountyWindow(self.ctx)
        self.window.signed_out.connect(self.start)
        self.window.start()

    def shutdown(self) -> None:
        self.ctx.shutdown()


def run_county(server_url: str | None = None) -> int:
    """Open county mode; returns the exit code when the last window closes."""
    app = create_application()
    install_excepthooks()
    controller = CountyController(server_url)
    controller.start()
    interrupt = InterruptToClose(app)
    interrupt.install()
    try:
        return int(app.exec())
    finally:
        interrupt.uninstall()
        controller.shutdown()
