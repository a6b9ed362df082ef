"""Help › User guide, and F1 on every screen: the illustrated guide shipped in ``resources/help``.

The guide is two HTML files (Chinese and English) with screenshots beside them, read from the
installed package — nothing is fetched, so it works in a village without a network. A
``QTextBrowser`` shows it: links between the parts work, and an anchor names each part.

F1 opens the part of the screen in front of the user. Which screen that is follows the widget
with the keyboard focus, then the visible widgets of the active window: the first class named in
``TOPICS`` wins, the deepest one when several are visible (a panel inside a dialog). The mapping
lives here rather than on each screen so that the list of parts and the guide's anchors can be
checked against each other in one place (tests/test_ui_help.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.resources import resource_path
from fieldsurvey.ui.i18n import language
from fieldsurvey.ui.widgets import Retranslating

# Screen class -> the guide's anchor for it.
TOPICS: dict[str, str] = {
    "SetupWizard": "setup",
    "UnlockPage": "unlock",
    "HouseholdListPage": "find",
    "HouseholdView": "household",
    "MemberChangeDialog": "household",
    "NewHouseholdDialog": "household",
    "VisitEditor": "visit",
    "AmendmentDialog": "finalize",
    "SyncPanel": "sync",
    "EnrollWidget": "sync",
    "PrintDialog": "print",
    "SettingsDialog": "settings",
    "RosterImportDialog": "setup",
    "SignInDialog": "county-sign-in",
    "DashboardPage": "county-dashboard",
    "HouseholdsPage": "county-households",
    "InboxPage": "county-inbox",
    "ConflictsPage": "county-conflicts",
    "VisitsPage": "county-visits",
    "CountyRosterPage": "county-roster",
    "ExportsPage": "county-exports",
    "AdminPage": "county-admin",
    "MainWindow": "find",
    "CountyWindow": "county-dashboard",
}


def guide_path(lang: str | None = None) -> Path:
    name = "guide_en.html" if (lang or language()) == "en" else "guide_zh_CN.html"
    return resource_path("help", name)


def _depth(w: QWidget) -> int:
    n = 0
    while w.parentWidget() is not None:
        w = w.parentWidget()
        n += 1
    return n


def topic_for(widget: QWidget | None) -> str:
    """The guide's part for the screen around ``widget`` (the focus, or the active window)."""
    w = widget
    while w is not None:
        topic = TOPICS.get(type(w).__name__)
        if topic and type(w).__name__ not in ("MainWindow", "CountyWindow"):
            return topic
        w = w.parentWidget()
    window = widget.window() if widget is not None else QApplication.activeWindow()
    if window is None:
        return ""
    shown = [
        c for c in window.findChildren(QWidget) if type(c).__name__ in TOPICS and c.isVisible()
    ]
    if shown:
        return TOPICS[type(max(shown, key=_depth)).__name__]
    return TOPICS.get(type(window).__name__, "")


class HelpWindow(Retranslating, QDialog):
    """The guide in a window of its own (not modal: it stays open beside the screen it explains)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(860, 640)
        self.topic = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("FieldSurvey user guide"))
        if self.topic or self.browser.source().isValid():
            self.show_topic(self.topic)  # the other language's guide, at the same part

    def show_topic(self, topic: str) -> None:
        self.topic = topic
        path = guide_path()
        self.browser.setSearchPaths([str(path.parent)])
        url = QUrl.fromLocalFile(str(path))
        if topic:
            url.setFragment(topic)
        self.browser.setSource(url)
        if topic:
            self.browser.scrollToAnchor(topic)


_window: dict[str, HelpWindow] = {}


def show_help(topic: str = "", parent: QWidget | None = None) -> HelpWindow:
    """Open (or bring forward) the guide at ``topic``."""
    window = _window.get("w")
    if window is None or not _alive(window):
        window = HelpWindow(parent)
        _window["w"] = window
    window.show_topic(topic)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def _alive(w: QWidget) -> bool:
    try:
        w.objectName()
    except RuntimeError:  # its C++ side was deleted with its parent
        return False
    return True


class HelpKey(QObject):
    """F1 anywhere in the app — main window, dialogs, the setup assistant — opens the guide at the
    screen in front. An application event filter rather than a shortcut per window: shortcuts of
    the same key in two live windows would be ambiguous and neither would fire."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_F1
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and isinstance(obj, QWidget)
        ):
            focus = QApplication.focusWidget()
            if (
                focus is None or obj is focus or not obj.isAncestorOf(focus)
            ):  # not the copy passed up to a parent
                help_for(obj)
                return True
        return False


def help_for(widget: QWidget) -> HelpWindow:
    window = widget.window()
    if isinstance(window, HelpWindow):
        return window
    return show_help(topic_for(widget), window)


def install_help_key(app: QApplication) -> HelpKey:
    """Once per application (``create_application``)."""
    existing = app.findChild(HelpKey)
    if existing is not None:
        return existing
    key = HelpKey(app)
    app.installEventFilter(key)
    return key
